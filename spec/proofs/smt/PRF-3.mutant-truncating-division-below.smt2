; forkspec proof obligation PRF-3: mutant truncating-division (kernel): The required stake rounded down by a truncating division, as int(total * threshold / 10000) does: the threshold test written support >= total * threshold_bps div 10000; no counterexample with total below 1
; expected answer: unsat
(set-logic QF_LIRA)
(declare-fun support () Int)
(declare-fun total () Int)
; D1: support is non-negative
(assert (>= support 0))
; D2: the total stake is positive (NO_STAKE otherwise, CLS-7)
(assert (> total 0))
; D3: the support is part of the total
(assert (<= support total))
; negated goal: not ((support >= total * threshold_bps div 10000) == (support >= threshold / 10000 * total))
(assert (let ((a!1 (= (>= support (div (* total 8000) 10000))
              (>= (to_real support) (* (/ 8000.0 10000.0) (to_real total))))))
  (not a!1)))
; below the smallest total
(assert (<= total 0))
(check-sat)
