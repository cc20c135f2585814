; forkspec proof obligation PRF-90: proof: assumptions and not (weighted_share_at_least(p_v, w_v, p_h, w_h, s, T) == ((10000 - s) * share(p_v, w_v) + s * share(p_h, w_h) >= T), share(p, w) = p / w, 0 when w = 0)
; expected answer: unsat
(set-logic QF_NRA)
(declare-fun whole_h () Real)
(declare-fun part_h () Real)
(declare-fun whole_v () Real)
(declare-fun part_v () Real)
(declare-fun threshold () Real)
(declare-fun two_chamber () Bool)
; P: each part is within its whole
(assert (and (>= part_v 0.0) (<= part_v whole_v) (>= part_h 0.0) (<= part_h whole_h)))
; T: the threshold is a basis-point value of a preset (1..10000)
(assert (and (>= threshold 1.0) (<= threshold 10000.0)))
; negated goal: not (weighted_share_at_least(p_v, w_v, p_h, w_h, s, T) == ((10000 - s) * share(p_v, w_v) + s * share(p_h, w_h) >= T), share(p, w) = p / w, 0 when w = 0)
(assert (let ((a!1 (+ (* (- 10000.0 (ite two_chamber 4000.0 0.0))
                 part_v
                 (ite (> whole_h 0.0) whole_h 1.0))
              (* (ite two_chamber 4000.0 0.0)
                 part_h
                 (ite (> whole_v 0.0) whole_v 1.0))))
      (a!3 (+ (* (- 10000.0 (ite two_chamber 4000.0 0.0))
                 (ite (> whole_v 0.0) (/ part_v whole_v) 0.0))
              (* (ite two_chamber 4000.0 0.0)
                 (ite (> whole_h 0.0) (/ part_h whole_h) 0.0)))))
(let ((a!2 (>= a!1
               (* threshold
                  (ite (> whole_v 0.0) whole_v 1.0)
                  (ite (> whole_h 0.0) whole_h 1.0)))))
  (not (= a!2 (>= a!3 threshold))))))
(check-sat)
