; forkspec proof obligation PRF-92: drop-one: the proof without W
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_NRA)
(declare-fun rest () Real)
(declare-fun rest_after () Real)
(declare-fun part () Real)
(declare-fun part_after () Real)
; M: the part grows and the rest shrinks
(assert (and (>= part_after part) (<= rest_after rest)))
; negated goal: not (share(part_after, rest_after) >= share(part, rest))
(assert (let ((a!1 (>= (ite (> (+ part_after rest_after) 0.0)
                    (/ part_after (+ part_after rest_after))
                    0.0)
               (ite (> (+ part rest) 0.0) (/ part (+ part rest)) 0.0))))
  (not a!1)))
(check-sat)
