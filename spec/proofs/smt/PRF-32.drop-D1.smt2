; forkspec proof obligation PRF-32: drop-one: the proof without D1
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun state () DeploymentState)
(declare-fun timeout_height () Int)
(declare-fun period_start () Int)
(declare-fun period () Int)
(declare-fun lock_in_on_timeout () Bool)
(declare-fun threshold () Int)
(declare-fun count () Int)
(declare-fun start_height () Int)
; A1: the state is final
(assert (or (= state DeploymentState.ACTIVE) (= state DeploymentState.FAILED)))
; negated goal: not (step(state, ...) == state)
(assert (let ((a!1 (ite (and lock_in_on_timeout
                     (>= (+ period_start period) timeout_height))
                DeploymentState.MUST_SIGNAL
                (ite (>= period_start timeout_height)
                     DeploymentState.FAILED
                     DeploymentState.STARTED))))
(let ((a!2 (ite (= state DeploymentState.STARTED)
                (ite (>= count threshold) DeploymentState.LOCKED_IN a!1)
                (ite (= state DeploymentState.MUST_SIGNAL)
                     DeploymentState.LOCKED_IN
                     (ite (= state DeploymentState.LOCKED_IN)
                          DeploymentState.ACTIVE
                          state)))))
(let ((a!3 (= (ite (= state DeploymentState.DEFINED)
                   (ite (>= period_start start_height)
                        DeploymentState.STARTED
                        DeploymentState.DEFINED)
                   a!2)
              state)))
  (not a!3)))))
(check-sat)
