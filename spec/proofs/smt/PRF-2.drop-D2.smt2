; forkspec proof obligation PRF-2: drop-one: the proof without D2
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_LIRA)
(declare-fun support () Int)
(declare-fun total () Int)
; D1: support is non-negative
(assert (>= support 0))
; D3: the support is part of the total
(assert (<= support total))
; negated goal: not (meets_threshold(support, total, 5100) == (support >= 5100 / 10000 * total) [mainnet, minimal])
(assert (let ((a!1 (= (>= (* support 10000) (* 5100 total))
              (>= (to_real support) (* (/ 5100.0 10000.0) (to_real total))))))
  (not (and a!1))))
(check-sat)
