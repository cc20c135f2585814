; forkspec proof obligation PRF-61: witness: assumptions and required_a != 0
; expected answer: sat
(set-logic QF_DTBVLIA)
(declare-datatypes ((ForkIdVerdict 0)) (((ForkIdVerdict.ACCEPTED) (ForkIdVerdict.NEXT_PASSED) (ForkIdVerdict.REMOTE_STALE) (ForkIdVerdict.INCOMPATIBLE))))
(declare-fun required_a () (_ BitVec 64))
(declare-fun supported_a () (_ BitVec 64))
(declare-fun fork_id_seen_a () ForkIdVerdict)
; A1: the node requires only flags it supports (NEG-2)
(assert (= (bvand required_a supported_a) required_a))
; A2: the node accepts its own fork identifier (FID-11, for a head not above the threshold)
(assert (= fork_id_seen_a ForkIdVerdict.ACCEPTED))
; witness: a node that requires flags
(assert (distinct required_a #x0000000000000000))
(check-sat)
