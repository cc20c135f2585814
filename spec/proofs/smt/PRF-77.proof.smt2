; forkspec proof obligation PRF-77: proof: assumptions and not (operation_failed or validation_failed => run(state) == state)
; expected answer: unsat
(set-logic QF_DTLIA)
(declare-datatypes ((MigrationStep 0)) (((MigrationStep.SKIP) (MigrationStep.REFUSE) (MigrationStep.RUN))))
(declare-fun content () Int)
(declare-fun migrated_1 () Int)
(declare-fun validation_failed_1 () Bool)
(declare-fun operation_failed_1 () Bool)
(declare-fun source () Int)
(declare-fun version () Int)
(declare-fun target () Int)
; negated goal: not (operation_failed or validation_failed => run(state) == state)
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
  (not (=> (or operation_failed_1 validation_failed_1)
           (and (= a!2 version) (= a!3 content)))))))
(check-sat)
