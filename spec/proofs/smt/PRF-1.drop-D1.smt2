; forkspec proof obligation PRF-1: drop-one: the proof without D1
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_NIRA)
(declare-fun total () Int)
(declare-fun support () Int)
(declare-fun threshold_bps () Int)
; D2: the total stake is positive (NO_STAKE otherwise, CLS-7)
(assert (> total 0))
; D3: the support is part of the total
(assert (<= support total))
; D4: the threshold is a percentage in basis points
(assert (and (>= threshold_bps 0) (<= threshold_bps 10000)))
; negated goal: not (meets_threshold(support, total, threshold_bps) == (support >= threshold_bps / 10000 * total))
(assert (let ((a!1 (>= (to_real support)
               (* (/ (to_real threshold_bps) 10000.0) (to_real total)))))
  (not (= (>= (* support 10000) (* threshold_bps total)) a!1))))
(check-sat)
