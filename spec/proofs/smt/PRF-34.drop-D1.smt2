; forkspec proof obligation PRF-34: drop-one: the proof without D1
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun min_activation_height () Int)
(declare-fun period_start () Int)
(declare-fun state () DeploymentState)
(declare-fun timeout () Int)
(declare-fun median_time () Int)
(declare-fun threshold () Int)
(declare-fun count () Int)
(declare-fun start_time () Int)
; negated goal: not (state == LOCKED_IN => step(...) == (ACTIVE if period_start >= min_activation_height else LOCKED_IN))
(assert (let ((a!1 (ite (= state DeploymentState.STARTED)
                (ite (>= count threshold)
                     DeploymentState.LOCKED_IN
                     (ite (>= median_time timeout)
                          DeploymentState.FAILED
                          DeploymentState.STARTED))
                (ite (= state DeploymentState.LOCKED_IN)
                     (ite (>= period_start min_activation_height)
                          DeploymentState.ACTIVE
                          DeploymentState.LOCKED_IN)
                     state))))
(let ((a!2 (= (ite (= state DeploymentState.DEFINED)
                   (ite (>= median_time start_time)
                        DeploymentState.STARTED
                        DeploymentState.DEFINED)
                   a!1)
              (ite (>= period_start min_activation_height)
                   DeploymentState.ACTIVE
                   DeploymentState.LOCKED_IN))))
  (not (=> (= state DeploymentState.LOCKED_IN) a!2)))))
(check-sat)
