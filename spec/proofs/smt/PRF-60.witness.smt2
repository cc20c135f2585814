; forkspec proof obligation PRF-60: witness: assumptions and negotiation_verdict(a, b) == ACCEPTED and supported_a != supported_b
; expected answer: sat
(set-logic QF_DTBVLIA)
(declare-datatypes ((NegotiationVerdict 0)) (((NegotiationVerdict.ACCEPTED) (NegotiationVerdict.CHAIN_ID_MISMATCH) (NegotiationVerdict.GENESIS_MISMATCH) (NegotiationVerdict.FORK_ID_NEXT_PASSED) (NegotiationVerdict.FORK_ID_REMOTE_STALE) (NegotiationVerdict.FORK_ID_INCOMPATIBLE) (NegotiationVerdict.PROTOCOL_MAJOR_MISMATCH) (NegotiationVerdict.REQUIRED_FEATURE_UNSUPPORTED))))
(declare-datatypes ((ForkIdVerdict 0)) (((ForkIdVerdict.ACCEPTED) (ForkIdVerdict.NEXT_PASSED) (ForkIdVerdict.REMOTE_STALE) (ForkIdVerdict.INCOMPATIBLE))))
(declare-fun supported_b () (_ BitVec 64))
(declare-fun supported_a () (_ BitVec 64))
(declare-fun required_b () (_ BitVec 64))
(declare-fun required_a () (_ BitVec 64))
(declare-fun minor_b () Int)
(declare-fun minor_a () Int)
(declare-fun major_a () Int)
(declare-fun major_b () Int)
(declare-fun fork_id_seen_b () ForkIdVerdict)
(declare-fun fork_id_seen_a () ForkIdVerdict)
(declare-fun genesis_b () Int)
(declare-fun genesis_a () Int)
(declare-fun chain_b () Int)
(declare-fun chain_a () Int)
; witness: two different nodes are accepted
(assert (let ((a!1 (not (and (= major_a major_b)
                     (or (distinct major_a 0) (= minor_a minor_b)))))
      (a!2 (ite (and (= (bvand required_a supported_b) required_a)
                     (= (bvand required_b supported_a) required_b))
                NegotiationVerdict.ACCEPTED
                NegotiationVerdict.REQUIRED_FEATURE_UNSUPPORTED)))
(let ((a!3 (ite (or (= fork_id_seen_a ForkIdVerdict.REMOTE_STALE)
                    (= fork_id_seen_b ForkIdVerdict.REMOTE_STALE))
                NegotiationVerdict.FORK_ID_REMOTE_STALE
                (ite (or (= fork_id_seen_a ForkIdVerdict.INCOMPATIBLE)
                         (= fork_id_seen_b ForkIdVerdict.INCOMPATIBLE))
                     NegotiationVerdict.FORK_ID_INCOMPATIBLE
                     (ite a!1 NegotiationVerdict.PROTOCOL_MAJOR_MISMATCH a!2)))))
(let ((a!4 (ite (distinct genesis_a genesis_b)
                NegotiationVerdict.GENESIS_MISMATCH
                (ite (or (= fork_id_seen_a ForkIdVerdict.NEXT_PASSED)
                         (= fork_id_seen_b ForkIdVerdict.NEXT_PASSED))
                     NegotiationVerdict.FORK_ID_NEXT_PASSED
                     a!3))))
  (and (= (ite (distinct chain_a chain_b)
               NegotiationVerdict.CHAIN_ID_MISMATCH
               a!4)
          NegotiationVerdict.ACCEPTED)
       (distinct supported_a supported_b))))))
(check-sat)
