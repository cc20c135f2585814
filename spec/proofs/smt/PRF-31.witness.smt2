; forkspec proof obligation PRF-31: witness: assumptions and state == ACTIVE and median_time >= timeout
; expected answer: sat
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun min_activation_height () Int)
(declare-fun period_start () Int)
(declare-fun period () Int)
(declare-fun count () Int)
(declare-fun timeout () Int)
(declare-fun start_time () Int)
(declare-fun threshold () Int)
(declare-fun state () DeploymentState)
(declare-fun median_time () Int)
; D1: the deployment is valid (SIG-3) and the count is that of one period
(assert (and (>= threshold 1)
     (<= threshold period)
     (>= start_time 0)
     (< start_time timeout)
     (>= count 0)
     (<= count period)
     (>= period_start 0)
     (>= min_activation_height 0)))
; A1: the state is final
(assert (or (= state DeploymentState.ACTIVE) (= state DeploymentState.FAILED)))
; witness: an active deployment past its timeout
(assert (and (= state DeploymentState.ACTIVE) (>= median_time timeout)))
(check-sat)
