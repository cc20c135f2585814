; forkspec proof obligation PRF-32: witness: assumptions and state == ACTIVE and period_start >= timeout_height
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
; witness: an active deployment past its timeout
(assert (and (= state DeploymentState.ACTIVE) (>= period_start timeout_height)))
(check-sat)
