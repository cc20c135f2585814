; forkspec proof obligation PRF-31: drop-one: the proof without D1
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTLIA)
(declare-datatypes ((DeploymentState 0)) (((DeploymentState.DEFINED) (DeploymentState.STARTED) (DeploymentState.MUST_SIGNAL) (DeploymentState.LOCKED_IN) (DeploymentState.ACTIVE) (DeploymentState.FAILED))))
(declare-fun state () DeploymentState)
(declare-fun min_activation_height () Int)
(declare-fun period_start () Int)
(declare-fun timeout () Int)
(declare-fun median_time () Int)
(declare-fun threshold () Int)
(declare-fun count () Int)
(declare-fun start_time () Int)
; A1: the state is final
(assert (or (= state DeploymentState.ACTIVE) (= state DeploymentState.FAILED)))
; negated goal: not (step(state, ...) == state)
(assert (let ((a!1 (ite (= state DeploymentState.STARTED)
                (ite (>= count threshold)
                     DeploymentState.LOCKED_IN
                     (ite (>= median_time timeout)
                          DeploymentState.FAILED
                          DeploymentState.STARTED))
                (ite (= state DeploymentState.LOCKED_IN)
                     (ite (>= period_start min_activation_height)
                          DeploymentState.ACTIVE
                          DeploymentState.LOCKED_IN)
                     state))))
(let ((a!2 (= (ite (= state DeploymentState.DEFINED)
                   (ite (>= median_time start_time)
                        DeploymentState.STARTED
                        DeploymentState.DEFINED)
                   a!1)
              state)))
  (not a!2))))
(check-sat)
