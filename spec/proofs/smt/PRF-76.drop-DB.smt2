; forkspec proof obligation PRF-76: drop-one: the proof without DB
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTLIA)
(declare-datatypes ((MigrationStep 0)) (((MigrationStep.SKIP) (MigrationStep.REFUSE) (MigrationStep.RUN))))
(declare-fun target_b () Int)
(declare-fun source_b () Int)
(declare-fun target_a () Int)
(declare-fun source_a () Int)
(declare-fun validation_failed_a1 () Bool)
(declare-fun validation_failed_a2 () Bool)
(declare-fun operation_failed_a1 () Bool)
(declare-fun operation_failed_a2 () Bool)
(declare-fun migrated_a1 () Int)
(declare-fun migrated_a2 () Int)
(declare-fun content () Int)
(declare-fun version () Int)
(declare-fun migrated_b1 () Int)
(declare-fun validation_failed_b1 () Bool)
(declare-fun operation_failed_b1 () Bool)
(declare-fun migrated_b2 () Int)
(declare-fun validation_failed_b2 () Bool)
(declare-fun operation_failed_b2 () Bool)
; C: A and B form a chain: A's target is B's source, and each target is above its source (MIG-6)
(assert (and (< source_a target_a) (= target_a source_b) (< source_b target_b)))
; DA: a run is a function of its state: A's second run, from the state A's first started from, does what A's first did
(assert (let ((a!1 (= (ite (= version target_a)
                   MigrationStep.SKIP
                   (ite (distinct version source_a)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!2 (ite (and a!1 (not (or operation_failed_a1 validation_failed_a1)))
                target_a
                version))
      (a!5 (ite (and a!1 (not (or operation_failed_a1 validation_failed_a1)))
                migrated_a1
                content)))
(let ((a!3 (= (ite (= a!2 target_b)
                   MigrationStep.SKIP
                   (ite (distinct a!2 source_b)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!4 (ite (and a!3 (not (or operation_failed_b1 validation_failed_b1)))
                target_b
                a!2))
      (a!6 (ite (and a!3 (not (or operation_failed_b1 validation_failed_b1)))
                migrated_b1
                a!5)))
  (=> (and (= a!4 version) (= a!6 content))
      (and (= migrated_a2 migrated_a1)
           (= operation_failed_a2 operation_failed_a1)
           (= validation_failed_a2 validation_failed_a1))))))))
; negated goal: not (after B(A(B(A(state)))) == after B(A(state)))
(assert (let ((a!1 (= (ite (= version target_a)
                   MigrationStep.SKIP
                   (ite (distinct version source_a)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!2 (ite (and a!1 (not (or operation_failed_a1 validation_failed_a1)))
                target_a
                version))
      (a!9 (ite (and a!1 (not (or operation_failed_a1 validation_failed_a1)))
                migrated_a1
                content)))
(let ((a!3 (= (ite (= a!2 target_b)
                   MigrationStep.SKIP
                   (ite (distinct a!2 source_b)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!4 (ite (and a!3 (not (or operation_failed_b1 validation_failed_b1)))
                target_b
                a!2))
      (a!10 (ite (and a!3 (not (or operation_failed_b1 validation_failed_b1)))
                 migrated_b1
                 a!9)))
(let ((a!5 (= (ite (= a!4 target_a)
                   MigrationStep.SKIP
                   (ite (distinct a!4 source_a)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!6 (ite (and a!5 (not (or operation_failed_a2 validation_failed_a2)))
                target_a
                a!4))
      (a!11 (ite (and a!5 (not (or operation_failed_a2 validation_failed_a2)))
                 migrated_a2
                 a!10)))
(let ((a!7 (= (ite (= a!6 target_b)
                   MigrationStep.SKIP
                   (ite (distinct a!6 source_b)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!8 (ite (and a!7 (not (or operation_failed_b2 validation_failed_b2)))
                target_b
                a!6))
      (a!12 (ite (and a!7 (not (or operation_failed_b2 validation_failed_b2)))
                 migrated_b2
                 a!11)))
  (not (and (= a!8 a!4) (= a!12 a!10))))))))))))
(check-sat)
