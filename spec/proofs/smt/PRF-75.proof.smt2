; forkspec proof obligation PRF-75: proof: assumptions and not (run(run(state)) == run(state))
; expected answer: unsat
(set-logic QF_DTLIA)
(declare-datatypes ((MigrationStep 0)) (((MigrationStep.SKIP) (MigrationStep.REFUSE) (MigrationStep.RUN))))
(declare-fun validation_failed_1 () Bool)
(declare-fun validation_failed_2 () Bool)
(declare-fun operation_failed_1 () Bool)
(declare-fun operation_failed_2 () Bool)
(declare-fun migrated_1 () Int)
(declare-fun migrated_2 () Int)
(declare-fun content () Int)
(declare-fun source () Int)
(declare-fun version () Int)
(declare-fun target () Int)
; D: a run is a function of its state: a second run from the state the first left unchanged produces what the first did
(assert (let ((a!1 (= (ite (= version target)
                   MigrationStep.SKIP
                   (ite (distinct version source)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!2 (ite (and a!1 (not (or operation_failed_1 validation_failed_1)))
                target
                version))
      (a!3 (ite (and a!1 (not (or operation_failed_1 validation_failed_1)))
                migrated_1
                content)))
  (=> (and (= a!2 version) (= a!3 content))
      (and (= migrated_2 migrated_1)
           (= operation_failed_2 operation_failed_1)
           (= validation_failed_2 validation_failed_1))))))
; negated goal: not (run(run(state)) == run(state))
(assert (let ((a!1 (= (ite (= version target)
                   MigrationStep.SKIP
                   (ite (distinct version source)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!2 (ite (and a!1 (not (or operation_failed_1 validation_failed_1)))
                target
                version))
      (a!5 (ite (and a!1 (not (or operation_failed_1 validation_failed_1)))
                migrated_1
                content)))
(let ((a!3 (= (ite (= a!2 target)
                   MigrationStep.SKIP
                   (ite (distinct a!2 source)
                        MigrationStep.REFUSE
                        MigrationStep.RUN))
              MigrationStep.RUN)))
(let ((a!4 (ite (and a!3 (not (or operation_failed_2 validation_failed_2)))
                target
                a!2))
      (a!6 (ite (and a!3 (not (or operation_failed_2 validation_failed_2)))
                migrated_2
                a!5)))
  (not (and (= a!4 a!2) (= a!6 a!5))))))))
(check-sat)
