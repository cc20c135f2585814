; forkspec proof obligation PRF-38: witness: assumptions and state == STARTED and not reached and count >= threshold and step(...) == LOCKED_IN
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
(declare-fun reached () Bool)
; D1: the deployment is valid (SIG-10, SIG-15) and the count is that of one period
(assert (and (>= threshold 1)
     (<= threshold period)
     (>= start_height 0)
     (>= timeout_height (+ start_height (* 2 period)))
     (>= timeout_height (* 3 period))
     (>= count 0)
     (<= count period)
     (>= period_start 0)))
; A1: the chain is valid: a MUST_SIGNAL period has no more non-signaling blocks than it allows (SIG-12)
(assert (=> (= state DeploymentState.MUST_SIGNAL)
    (not (> (- period count) (- period threshold)))))
; witness: a started deployment whose period reaches the threshold and locks in
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
              DeploymentState.LOCKED_IN)))
  (and (= state DeploymentState.STARTED) (not reached) (>= count threshold) a!3)))))
(check-sat)
