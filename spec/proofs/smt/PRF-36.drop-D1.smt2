; forkspec proof obligation PRF-36: drop-one: the proof without D1
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun threshold () Int)
(declare-fun count () Int)
(declare-fun reached () Bool)
(declare-fun state () DeploymentState)
(declare-fun timeout () Int)
(declare-fun median_time () Int)
(declare-fun start_time () Int)
; negated goal: not (I(DEFINED, false) and (I(state, reached) => I(step(...), reached or count >= threshold)), I(s, r) = (s in {LOCKED_IN, ACTIVE} => r))
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
(let ((a!3 (=> (=> (or (= state DeploymentState.LOCKED_IN)
                       (= state DeploymentState.ACTIVE))
                   reached)
               (=> (or (= a!2 DeploymentState.LOCKED_IN)
                       (= a!2 DeploymentState.ACTIVE))
                   (or reached (>= count threshold))))))
  (not (and true a!3))))))
(check-sat)
