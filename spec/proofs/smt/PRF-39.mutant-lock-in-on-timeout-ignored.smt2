; forkspec proof obligation PRF-39: mutant lock-in-on-timeout-ignored (kernel): the step that ignores lock_in_on_timeout and fails at the timeout height
; expected answer: sat
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun period_start () Int)
(declare-fun period () Int)
(declare-fun count () Int)
(declare-fun timeout_height () Int)
(declare-fun start_height () Int)
(declare-fun threshold () Int)
(declare-fun lock_in_on_timeout () Bool)
(declare-fun state () DeploymentState)
; D1: the deployment is valid (SIG-10, SIG-15) and the count is that of one period
(assert (and (>= threshold 1)
     (<= threshold period)
     (>= start_height 0)
     (>= timeout_height (+ start_height (* 2 period)))
     (>= timeout_height (* 3 period))
     (>= count 0)
     (<= count period)
     (>= period_start 0)))
; A1: the deployment locks in on timeout
(assert lock_in_on_timeout)
; bounds on the counterexample (not an assumption)
(assert (and (>= period 6) (<= period 32) (>= threshold 2)))
; negated goal: not (DEFINED != FAILED and (state != FAILED => step(...) != FAILED), given lock_in_on_timeout)
(assert (let ((a!1 (ite (= state DeploymentState.STARTED)
                (ite (>= count threshold)
                     DeploymentState.LOCKED_IN
                     (ite (>= period_start timeout_height)
                          DeploymentState.FAILED
                          DeploymentState.STARTED))
                (ite (= state DeploymentState.MUST_SIGNAL)
                     DeploymentState.LOCKED_IN
                     (ite (= state DeploymentState.LOCKED_IN)
                          DeploymentState.ACTIVE
                          state)))))
(let ((a!2 (= (ite (= state DeploymentState.DEFINED)
                   (ite (>= period_start start_height)
                        DeploymentState.STARTED
                        DeploymentState.DEFINED)
                   a!1)
              DeploymentState.FAILED)))
(let ((a!3 (and true (=> (not (= state DeploymentState.FAILED)) (not a!2)))))
  (not a!3)))))
(check-sat)
