; forkspec proof obligation PRF-33: drop-one: the proof without D1
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun state () DeploymentState)
(declare-fun threshold () Int)
(declare-fun count () Int)
(declare-fun timeout () Int)
(declare-fun median_time () Int)
(declare-fun start_time () Int)
; negated goal: not (state == LOCKED_IN => step(...) == ACTIVE)
(assert (let ((a!1 (ite (= state DeploymentState.STARTED)
                (ite (>= median_time timeout)
                     DeploymentState.FAILED
                     (ite (>= count threshold)
                          DeploymentState.LOCKED_IN
                          DeploymentState.STARTED))
                (ite (= state DeploymentState.LOCKED_IN)
                     DeploymentState.ACTIVE
                     state))))
(let ((a!2 (ite (= state DeploymentState.DEFINED)
                (ite (>= median_time timeout)
                     DeploymentState.FAILED
                     (ite (>= median_time start_time)
                          DeploymentState.STARTED
                          DeploymentState.DEFINED))
                a!1)))
  (not (=> (= state DeploymentState.LOCKED_IN) (= a!2 DeploymentState.ACTIVE))))))
(check-sat)
