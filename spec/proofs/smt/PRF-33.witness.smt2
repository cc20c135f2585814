; forkspec proof obligation PRF-33: witness: assumptions and state == LOCKED_IN and count < threshold
; expected answer: sat
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun period_start () Int)
(declare-fun period () Int)
(declare-fun count () Int)
(declare-fun timeout () Int)
(declare-fun start_time () Int)
(declare-fun threshold () Int)
(declare-fun state () DeploymentState)
; D1: the deployment is valid (SIG-3) and the count is that of one period
(assert (and (>= threshold 1)
     (<= threshold period)
     (>= start_time 0)
     (< start_time timeout)
     (>= count 0)
     (<= count period)
     (>= period_start 0)))
; witness: a locked-in deployment whose last period did not signal
(assert (and (= state DeploymentState.LOCKED_IN) (< count threshold)))
(check-sat)
