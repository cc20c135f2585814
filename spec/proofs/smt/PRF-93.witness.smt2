; forkspec proof obligation PRF-93: witness: assumptions and two_chamber, gated, more_yes, verdict before = passed
; expected answer: sat
(set-logic QF_DTLRA)
(declare-datatypes ((Verdict 0)) (((Verdict.PASSED) (Verdict.REJECTED) (Verdict.NO_QUORUM))))
(declare-fun yes () Real)
(declare-fun yes_after () Real)
(declare-fun more_yes () Bool)
(declare-fun approval_h () Real)
(declare-fun approval_h_after () Real)
(declare-fun approval_v () Real)
(declare-fun approval_v_after () Real)
(declare-fun participation_h () Real)
(declare-fun participation_h_after () Real)
(declare-fun participation_v () Real)
(declare-fun participation_v_after () Real)
(declare-fun eligible () Real)
(declare-fun gated () Bool)
(declare-fun approval () Real)
(declare-fun two_chamber () Bool)
(declare-fun quorum () Real)
; M: the moves of PRF-92
(assert (and (>= participation_v_after participation_v)
     (>= participation_h_after participation_h)
     (ite more_yes
          (>= approval_v_after approval_v)
          (<= approval_v_after approval_v))
     (ite more_yes
          (>= approval_h_after approval_h)
          (<= approval_h_after approval_h))
     (ite more_yes (>= yes_after yes) (<= yes_after yes))))
; witness: a two-chamber protocol upgrade that passes before and after more yes
(assert (let ((a!1 (ite two_chamber
                (>= (+ (* 6000.0 participation_v) (* 4000.0 participation_h))
                    quorum)
                (>= (+ (* 10000.0 participation_v) (* 0.0 participation_h))
                    quorum)))
      (a!2 (ite two_chamber
                (>= (+ (* 6000.0 approval_v) (* 4000.0 approval_h)) approval)
                (>= (+ (* 10000.0 approval_v) (* 0.0 approval_h)) approval))))
(let ((a!3 (and a!2 (ite gated (>= (* yes 10000.0) (* 5100.0 eligible)) true))))
  (and two_chamber
       gated
       more_yes
       (= (ite (not a!1)
               Verdict.NO_QUORUM
               (ite a!3 Verdict.PASSED Verdict.REJECTED))
          Verdict.PASSED)))))
(check-sat)
