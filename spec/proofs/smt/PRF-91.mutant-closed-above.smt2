; forkspec proof obligation PRF-91: mutant closed-above (kernel): the upper bound inclusive, t <= (w + 1)^2
; expected answer: sat
(set-logic QF_NRA)
(declare-fun weight () Real)
(declare-fun other () Real)
(declare-fun tokens () Real)
; I: two different integers are at least 1 apart
(assert (>= other (+ weight 1.0)))
; bounds on the counterexample (not an assumption)
(assert (= weight 3.0))
; negated goal: not (not (is_floor_square_root(w, t) and is_floor_square_root(u, t)))
(assert (let ((a!1 (and (>= weight 0.0)
                (<= (* weight weight) tokens)
                (<= tokens (* (+ weight 1.0) (+ weight 1.0)))
                (>= other 0.0)
                (<= (* other other) tokens)
                (<= tokens (* (+ other 1.0) (+ other 1.0))))))
  (not (not a!1))))
(check-sat)
