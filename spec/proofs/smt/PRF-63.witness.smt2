; forkspec proof obligation PRF-63: witness: assumptions and supported_a & ~negotiated_features(a, b) != 0
; expected answer: sat
(set-logic QF_DTBVLIA)
(declare-fun in_force_b () (_ BitVec 64))
(declare-fun in_force_a () (_ BitVec 64))
(declare-fun supported_b () (_ BitVec 64))
(declare-fun supported_a () (_ BitVec 64))
; witness: a node supports a flag that is not negotiated
(assert (distinct (bvand supported_a
                 (bvnot (bvand supported_a supported_b in_force_a in_force_b)))
          #x0000000000000000))
(check-sat)
