; forkspec proof obligation PRF-91: witness: assumptions and is_floor_square_root(w, t), t = 10, w = 3
; expected answer: sat
(set-logic QF_NRA)
(declare-fun weight () Real)
(declare-fun other () Real)
(declare-fun tokens () Real)
; I: two different integers are at least 1 apart
(assert (>= other (+ weight 1.0)))
; witness: a holding of 10 tokens weighs 3
(assert (and (= tokens 10.0)
     (= weight 3.0)
     (>= weight 0.0)
     (<= (* weight weight) tokens)
     (< tokens (* (+ weight 1.0) (+ weight 1.0)))))
(check-sat)
