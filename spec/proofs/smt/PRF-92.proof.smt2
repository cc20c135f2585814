; forkspec proof obligation PRF-92: proof: assumptions and not (share(part_after, rest_after) >= share(part, rest))
; expected answer: unsat
(set-logic QF_NRA)
(declare-fun rest_after () Real)
(declare-fun part_after () Real)
(declare-fun rest () Real)
(declare-fun part () Real)
; W: weights are non-negative
(assert (and (>= part 0.0) (>= rest 0.0) (>= part_after 0.0) (>= rest_after 0.0)))
; M: the part grows and the rest shrinks
(assert (and (>= part_after part) (<= rest_after rest)))
; negated goal: not (share(part_after, rest_after) >= share(part, rest))
(assert (let ((a!1 (>= (ite (> (+ part_after rest_after) 0.0)
                    (/ part_after (+ part_after rest_after))
                    0.0)
               (ite (> (+ part rest) 0.0) (/ part (+ part rest)) 0.0))))
  (not a!1)))
(check-sat)
