; forkspec proof obligation PRF-3: mutant percent-threshold (kernel): the hard_fork threshold passed in percent (80) instead of basis points (8000); no counterexample with total below 2
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
; negated goal: not (meets_threshold(support, total, threshold_bps div 100) == (support >= threshold_bps / 10000 * total))
(assert (let ((a!1 (= (>= (* support 10000) (* 80 total))
              (>= (to_real support) (* (/ 8000.0 10000.0) (to_real total))))))
  (not (and a!1))))
; below the smallest total
(assert (<= total 1))
(check-sat)
