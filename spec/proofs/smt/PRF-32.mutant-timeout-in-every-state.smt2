; forkspec proof obligation PRF-32: mutant timeout-in-every-state (kernel): the step with the timeout (period_start >= timeout_height) applied in every state, so that an active deployment fails at the timeout
; expected answer: sat
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun period_start () Int)
(declare-fun period () Int)
(declare-fun count () Int)
(declare-fun timeout_height () Int)
(declare-fun start_height () Int)
(declare-fun threshold () Int)
(declare-fun state () DeploymentState)
(declare-fun lock_in_on_timeout () Bool)
; D1: the deployment is valid (SIG-10, SIG-15) and the count is that of one period
(assert (and (>= threshold 1)
     (<= threshold period)
     (>= start_height 0)
     (>= timeout_height (+ start_height (* 2 period)))
     (>= timeout_height (* 3 period))
     (>= count 0)
     (<= count period)
     (>= period_start 0)))
; A1: the state is final
(assert (or (= state DeploymentState.ACTIVE) (= state DeploymentState.FAILED)))
; bounds on the counterexample (not an assumption)
(assert (and (>= period 6) (<= period 32) (>= threshold 2)))
; negated goal: not (step'(state, ...) == state)
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
(let ((a!3 (ite (>= period_start timeout_height)
                DeploymentState.FAILED
                (ite (= state DeploymentState.DEFINED)
                     (ite (>= period_start start_height)
                          DeploymentState.STARTED
                          DeploymentState.DEFINED)
                     a!2))))
  (not (= a!3 state))))))
(check-sat)
