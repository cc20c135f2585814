; forkspec proof obligation PRF-12: drop-one: the proof without D1
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_LIA)
(declare-fun jb () Int)
(declare-fun x_jb () Int)
(declare-fun jl () Int)
(declare-fun x_jl () Int)
(declare-fun bn () Int)
(declare-fun x_bn () Int)
(declare-fun bs () Int)
(declare-fun x_bs () Int)
(declare-fun hl () Int)
(declare-fun x_hl () Int)
(declare-fun hu () Int)
(declare-fun x_hu () Int)
(declare-fun n () Int)
(declare-fun n0 () Int)
(declare-fun legacy_x () Bool)
(declare-fun activation () Int)
(declare-fun height () Int)
(declare-fun final_x () Bool)
; D2: a block is signed by at most the stake of each class
(assert (and (<= x_hu hu)
     (<= x_hl hl)
     (<= x_bs bs)
     (<= x_bn bn)
     (<= x_jl jl)
     (<= x_jb jb)))
; D3: the total stake at activation is the sum of the classes, and positive
(assert (and (= n (+ 0 hu hl bs bn jl jb)) (> n 0)))
; D4: the measured total is the stake that was there at the measurement, and positive
(assert (and (= n0 (+ 0 hu hl bs bn)) (> n0 0)))
; A2: honest validators that signalled run the new rules from activation on, the rest the legacy rules; before activation every honest validator runs the legacy rules
(assert (let ((a!1 (=> (and (not (>= height activation)) (not legacy_x)) (= x_hu 0))))
  (and (=> (and (>= height activation) legacy_x) (= x_hu 0))
       (=> (not legacy_x) (and (= x_hl 0) (= x_jl 0)))
       a!1)))
; A3: the byzantine stake B is at most a third of the total: 3B <= N
(assert (<= (* 3 (+ 0 bs bn jb)) n))
; A4: a block is final iff signed by stake S with 3S > 2N
(assert (let ((a!1 (= final_x (> (* 3 (+ 0 x_hu x_hl x_bs x_bn x_jl x_jb)) (* 2 n)))))
  (and a!1)))
; A5: the signalled support U = hu + bs meets the hard-fork threshold of 8000 basis points of the measured total stake, by the coordination vote's own test
(assert (>= (* (+ hu bs) 10000) (* 8000 n0)))
; A6: the stake that joined after the measurement is at most (3t - 2) / 2 of the measured total, t the threshold as a fraction (4000 / 20000 at 8000 basis points)
(assert (<= (* 20000 (- (+ 0 jl jb) 0)) (* 4000 n0)))
; negated goal: not (height >= activation and legacy_x => not final_x)
(assert (not (=> (and (>= height activation) legacy_x) (not final_x))))
(check-sat)
