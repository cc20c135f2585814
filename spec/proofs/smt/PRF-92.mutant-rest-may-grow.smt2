; forkspec proof obligation PRF-92: mutant rest-may-grow (assumption): the rest allowed to grow as well: more yes and more no at once
; expected answer: sat
(set-logic QF_NRA)
(declare-fun rest_after () Real)
(declare-fun part_after () Real)
(declare-fun rest () Real)
(declare-fun part () Real)
; W: weights are non-negative
(assert (and (>= part 0.0) (>= rest 0.0) (>= part_after 0.0) (>= rest_after 0.0)))
; M': the part grows
(assert (>= part_after part))
; bounds on the counterexample (not an assumption)
(assert (and (= part 1.0) (= rest 0.0) (= part_after 2.0) (= rest_after 1.0)))
; negated goal: not (share(part_after, rest_after) >= share(part, rest))
(assert (let ((a!1 (>= (ite (> (+ part_after rest_after) 0.0)
                    (/ part_after (+ part_after rest_after))
                    0.0)
               (ite (> (+ part rest) 0.0) (/ part (+ part rest)) 0.0))))
  (not a!1)))
(check-sat)
