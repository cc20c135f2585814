; forkspec proof obligation PRF-1: witness: assumptions and total > 2^64 and support * 10000 == threshold_bps * total and threshold_bps == 8000
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
; witness: a total beyond 2^64 with the support exactly at the threshold 8000
(assert (and (> total 18446744073709551616)
     (= (* support 10000) (* threshold_bps total))
     (= threshold_bps 8000)))
(check-sat)
