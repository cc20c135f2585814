; forkspec proof obligation PRF-30: drop-one: the proof without A1
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
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
     (>= period_start 0)))
; negated goal: not (step(state, ...) == state)
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
  (not (= a!2 state)))))
(check-sat)
