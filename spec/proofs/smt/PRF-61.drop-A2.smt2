; forkspec proof obligation PRF-61: drop-one: the proof without A2
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTBVLIA)
(declare-datatypes ((NegotiationVerdict 0)) (((NegotiationVerdict.ACCEPTED) (NegotiationVerdict.CHAIN_ID_MISMATCH) (NegotiationVerdict.GENESIS_MISMATCH) (NegotiationVerdict.FORK_ID_NEXT_PASSED) (NegotiationVerdict.FORK_ID_REMOTE_STALE) (NegotiationVerdict.FORK_ID_INCOMPATIBLE) (NegotiationVerdict.PROTOCOL_MAJOR_MISMATCH) (NegotiationVerdict.REQUIRED_FEATURE_UNSUPPORTED))))
(declare-datatypes ((ForkIdVerdict 0)) (((ForkIdVerdict.ACCEPTED) (ForkIdVerdict.NEXT_PASSED) (ForkIdVerdict.REMOTE_STALE) (ForkIdVerdict.INCOMPATIBLE))))
(declare-fun required_a () (_ BitVec 64))
(declare-fun supported_a () (_ BitVec 64))
(declare-fun minor_a () Int)
(declare-fun major_a () Int)
(declare-fun fork_id_seen_a () ForkIdVerdict)
(declare-fun genesis_a () Int)
(declare-fun chain_a () Int)
; A1: the node requires only flags it supports (NEG-2)
(assert (= (bvand required_a supported_a) required_a))
; negated goal: not (negotiation_verdict(a, a) == ACCEPTED)
(assert (let ((a!1 (not (and (= major_a major_a)
                     (or (distinct major_a 0) (= minor_a minor_a)))))
      (a!2 (ite (and (= (bvand required_a supported_a) required_a)
                     (= (bvand required_a supported_a) required_a))
                NegotiationVerdict.ACCEPTED
                NegotiationVerdict.REQUIRED_FEATURE_UNSUPPORTED)))
(let ((a!3 (ite (or (= fork_id_seen_a ForkIdVerdict.REMOTE_STALE)
                    (= fork_id_seen_a ForkIdVerdict.REMOTE_STALE))
                NegotiationVerdict.FORK_ID_REMOTE_STALE
                (ite (or (= fork_id_seen_a ForkIdVerdict.INCOMPATIBLE)
                         (= fork_id_seen_a ForkIdVerdict.INCOMPATIBLE))
                     NegotiationVerdict.FORK_ID_INCOMPATIBLE
                     (ite a!1 NegotiationVerdict.PROTOCOL_MAJOR_MISMATCH a!2)))))
(let ((a!4 (ite (distinct genesis_a genesis_a)
                NegotiationVerdict.GENESIS_MISMATCH
                (ite (or (= fork_id_seen_a ForkIdVerdict.NEXT_PASSED)
                         (= fork_id_seen_a ForkIdVerdict.NEXT_PASSED))
                     NegotiationVerdict.FORK_ID_NEXT_PASSED
                     a!3))))
  (not (= (ite (distinct chain_a chain_a)
               NegotiationVerdict.CHAIN_ID_MISMATCH
               a!4)
          NegotiationVerdict.ACCEPTED))))))
(check-sat)
