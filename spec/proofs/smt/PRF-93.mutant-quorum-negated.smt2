; forkspec proof obligation PRF-93: mutant quorum-negated (kernel): the verdict with its quorum test negated
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
(declare-fun two_chamber () Bool)
(declare-fun eligible () Real)
(declare-fun gated () Bool)
(declare-fun approval () Real)
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
; bounds on the counterexample (not an assumption)
(assert (and two_chamber
     more_yes
     (= participation_v_after 1.0)
     (= participation_h_after 1.0)
     (= approval_v_after 1.0)
     (= approval_h_after 1.0)))
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
      (a!11 (and a!2 (ite gated (>= (* yes 10000.0) (* 8000.0 eligible)) true)))
      (a!13 (and a!6
                 (ite gated (>= (* yes_after 10000.0) (* 8000.0 eligible)) true))))
(let ((a!4 (= (ite (not (not a!1))
                   Verdict.NO_QUORUM
                   (ite a!3 Verdict.PASSED Verdict.REJECTED))
              Verdict.PASSED))
      (a!8 (= (ite (not (not a!5))
                   Verdict.NO_QUORUM
                   (ite a!7 Verdict.PASSED Verdict.REJECTED))
              Verdict.PASSED))
      (a!9 (= (ite (not (not a!1))
                   Verdict.NO_QUORUM
                   (ite a!3 Verdict.PASSED Verdict.REJECTED))
              Verdict.REJECTED))
      (a!12 (= (ite (not (not a!1))
                    Verdict.NO_QUORUM
                    (ite a!11 Verdict.PASSED Verdict.REJECTED))
               Verdict.PASSED))
      (a!14 (= (ite (not (not a!5))
                    Verdict.NO_QUORUM
                    (ite a!13 Verdict.PASSED Verdict.REJECTED))
               Verdict.PASSED))
      (a!15 (= (ite (not (not a!1))
                    Verdict.NO_QUORUM
                    (ite a!11 Verdict.PASSED Verdict.REJECTED))
               Verdict.REJECTED)))
(let ((a!10 (and (=> (and more_yes a!4) a!8)
                 (=> (and (not more_yes) a!9) (not a!8))))
      (a!16 (and (=> (and more_yes a!12) a!14)
                 (=> (and (not more_yes) a!15) (not a!14)))))
  (not (and a!10 a!16 a!10 a!16)))))))
(check-sat)
