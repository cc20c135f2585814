; forkspec proof obligation PRF-2: witness: assumptions and total > 2^64 and support * 10000 == 5100 * total
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
; witness: a total beyond 2^64 with the support exactly at the soft_fork threshold of mainnet
(assert (and (> total 18446744073709551616) (= (* support 10000) (* 5100 total))))
(check-sat)
