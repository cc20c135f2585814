; forkspec proof obligation PRF-90: witness: assumptions and two_chamber and 0 < part_c < whole_c and the kernel holds
; expected answer: sat
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
; witness: a two-chamber test met with both chambers split
(assert (let ((a!1 (+ (* (- 10000.0 (ite two_chamber 4000.0 0.0))
                 part_v
                 (ite (> whole_h 0.0) whole_h 1.0))
              (* (ite two_chamber 4000.0 0.0)
                 part_h
                 (ite (> whole_v 0.0) whole_v 1.0)))))
(let ((a!2 (>= a!1
               (* threshold
                  (ite (> whole_v 0.0) whole_v 1.0)
                  (ite (> whole_h 0.0) whole_h 1.0)))))
  (and two_chamber
       (> part_v 0.0)
       (< part_v whole_v)
       (> part_h 0.0)
       (< part_h whole_h)
       a!2))))
(check-sat)
