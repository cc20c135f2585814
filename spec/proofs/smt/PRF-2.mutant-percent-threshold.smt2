; forkspec proof obligation PRF-2: mutant percent-threshold (kernel): the soft_fork threshold passed in percent (51) instead of basis points (5100); smallest total
; expected answer: sat
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
(assert (let ((a!1 (= (>= (* support 10000) (* 51 total))
              (>= (to_real support) (* (/ 5100.0 10000.0) (to_real total))))))
  (not (and a!1))))
; smallest total
(assert (<= total 2))
(check-sat)
