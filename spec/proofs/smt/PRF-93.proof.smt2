; forkspec proof obligation PRF-93: proof: assumptions and not (more_yes and verdict before = passed => verdict after = passed; more no and verdict before = rejected => verdict after != passed)
; expected answer: unsat
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
; negated goal: not (more_yes and verdict before = passed => verdict after = passed; more no and verdict before = rejected => verdict after != passed)
(assert (let ((a!1 (ite two_chamber
                (>= (+ (* 6000.0 participation_v) (* 4000.0 participation_h))
                    quorum)
                (>= (+ (* 10000.0 participation_v) (* 0.0 participation_h))
                    quorum)))
      (a!2 (ite two_chamber
                (>= (+ (* 6000.0 approval_v) (* 4000.0 approval_h)) approval)
                (>= (+ (* 10000.0 approval_v) (* 0.0 approval_h)) approval)))
      (a!5 (ite two_chamber
                (>= (+ (* 6000.0 participation_v_after)
                       (* 4000.0 participation_h_after))
                    quorum)
                (>= (+ (* 10000.0 participation_v_after)
                       (* 0.0 participation_h_after))
                    quorum)))
      (a!6 (ite two_chamber
                (>= (+ (* 6000.0 approval_v_after) (* 4000.0 approval_h_after))
                    approval)
                (>= (+ (* 10000.0 approval_v_after) (* 0.0 approval_h_after))
                    approval))))
(let ((a!3 (and a!2 (ite gated (>= (* yes 10000.0) (* 5100.0 eligible)) true)))
      (a!7 (and a!6
                (ite gated (>= (* yes_after 10000.0) (* 5100.0 eligible)) true)))
      (a!10 (and a!2 (ite gated (>= (* yes 10000.0) (* 8000.0 eligible)) true)))
      (a!12 (and a!6
                 (ite gated (>= (* yes_after 10000.0) (* 8000.0 eligible)) true))))
(let ((a!4 (and more_yes
                (= (ite (not a!1)
                        Verdict.NO_QUORUM
                        (ite a!3 Verdict.PASSED Verdict.REJECTED))
                   Verdict.PASSED)))
      (a!8 (= (ite (not a!5)
                   Verdict.NO_QUORUM
                   (ite a!7 Verdict.PASSED Verdict.REJECTED))
              Verdict.PASSED))
      (a!9 (and (not more_yes)
                (= (ite (not a!1)
                        Verdict.NO_QUORUM
                        (ite a!3 Verdict.PASSED Verdict.REJECTED))
                   Verdict.REJECTED)))
      (a!11 (and more_yes
                 (= (ite (not a!1)
                         Verdict.NO_QUORUM
                         (ite a!10 Verdict.PASSED Verdict.REJECTED))
                    Verdict.PASSED)))
      (a!13 (= (ite (not a!5)
                    Verdict.NO_QUORUM
                    (ite a!12 Verdict.PASSED Verdict.REJECTED))
               Verdict.PASSED))
      (a!14 (and (not more_yes)
                 (= (ite (not a!1)
                         Verdict.NO_QUORUM
                         (ite a!10 Verdict.PASSED Verdict.REJECTED))
                    Verdict.REJECTED))))
(let ((a!15 (and (and (=> a!4 a!8) (=> a!9 (not a!8)))
                 (and (=> a!11 a!13) (=> a!14 (not a!13)))
                 (and (=> a!4 a!8) (=> a!9 (not a!8)))
                 (and (=> a!11 a!13) (=> a!14 (not a!13))))))
  (not a!15))))))
(check-sat)
