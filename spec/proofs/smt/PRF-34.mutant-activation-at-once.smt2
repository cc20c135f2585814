; forkspec proof obligation PRF-34: mutant activation-at-once (kernel): BIP-9's rule in speedy trial: LOCKED_IN becomes ACTIVE at once, before min_activation_height
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
; bounds on the counterexample (not an assumption)
(assert (and (>= period 6) (<= period 32) (>= threshold 2)))
; negated goal: not (state == LOCKED_IN => step(...) == (ACTIVE if period_start >= min_activation_height else LOCKED_IN))
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
(let ((a!2 (ite (= state DeploymentState.LOCKED_IN)
                DeploymentState.ACTIVE
                (ite (= state DeploymentState.DEFINED)
                     (ite (>= median_time start_time)
                          DeploymentState.STARTED
                          DeploymentState.DEFINED)
                     a!1))))
(let ((a!3 (=> (= state DeploymentState.LOCKED_IN)
               (= a!2
                  (ite (>= period_start min_activation_height)
                       DeploymentState.ACTIVE
                       DeploymentState.LOCKED_IN)))))
  (not a!3)))))
(check-sat)
