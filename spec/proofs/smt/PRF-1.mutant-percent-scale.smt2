; forkspec proof obligation PRF-1: mutant percent-scale (kernel): Support scaled by 100 as if the threshold were a percentage, while it is in basis points: the threshold test written support * 100 >= threshold_bps * total; smallest total
; expected answer: sat
(set-logic QF_NIRA)
(declare-fun support () Int)
(declare-fun total () Int)
(declare-fun threshold_bps () Int)
; D1: support is non-negative
(assert (>= support 0))
; D2: the total stake is positive (NO_STAKE otherwise, CLS-7)
(assert (> total 0))
; D3: the support is part of the total
(assert (<= support total))
; D4: the threshold is a percentage in basis points
(assert (and (>= threshold_bps 0) (<= threshold_bps 10000)))
; bounds on the counterexample (not an assumption)
(assert (or (= threshold_bps 5100) (= threshold_bps 8000)))
; negated goal: not ((support * 100 >= threshold_bps * total) == (support >= threshold / 10000 * total))
(assert (let ((a!1 (>= (to_real support)
               (* (/ (to_real threshold_bps) 10000.0) (to_real total)))))
  (not (= (>= (* support 100) (* threshold_bps total)) a!1))))
; smallest total
(assert (<= total 1))
(check-sat)
