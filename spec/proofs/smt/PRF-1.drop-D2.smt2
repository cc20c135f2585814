; forkspec proof obligation PRF-1: drop-one: the proof without D2
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_NIRA)
(declare-fun support () Int)
(declare-fun total () Int)
(declare-fun threshold_bps () Int)
; D1: support is non-negative
(assert (>= support 0))
; D3: the support is part of the total
(assert (<= support total))
; D4: the threshold is a percentage in basis points
(assert (and (>= threshold_bps 0) (<= threshold_bps 10000)))
; negated goal: not (meets_threshold(support, total, threshold_bps) == (support >= threshold_bps / 10000 * total))
(assert (let ((a!1 (>= (to_real support)
               (* (/ (to_real threshold_bps) 10000.0) (to_real total)))))
  (not (= (>= (* support 10000) (* threshold_bps total)) a!1))))
(check-sat)
