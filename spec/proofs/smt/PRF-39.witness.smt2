; forkspec proof obligation PRF-39: witness: assumptions and state == STARTED and count < threshold and period_start + period >= timeout_height
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
; witness: a started deployment that has not reached the threshold at the last period before the timeout
(assert (and (= state DeploymentState.STARTED)
     (< count threshold)
     (>= (+ period_start period) timeout_height)))
(check-sat)
