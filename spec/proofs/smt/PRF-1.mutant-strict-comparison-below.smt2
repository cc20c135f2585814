; forkspec proof obligation PRF-1: mutant strict-comparison (kernel): `>` for `>=`: the threshold exactly met is missed: the threshold test written support * 10000 > threshold_bps * total; no counterexample with total below 5
; expected answer: unsat
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
; negated goal: not ((support * 10000 > threshold_bps * total) == (support >= threshold / 10000 * total))
(assert (let ((a!1 (>= (to_real support)
               (* (/ (to_real threshold_bps) 10000.0) (to_real total)))))
  (not (= (> (* support 10000) (* threshold_bps total)) a!1))))
; below the smallest total
(assert (<= total 4))
(check-sat)
