; forkspec proof obligation PRF-77: witness: assumptions and version == source != target and validation_failed and migrated != content
; expected answer: sat
(set-logic QF_DTLIA)
(declare-fun content () Int)
(declare-fun migrated_1 () Int)
(declare-fun validation_failed_1 () Bool)
(declare-fun operation_failed_1 () Bool)
(declare-fun target () Int)
(declare-fun version () Int)
(declare-fun source () Int)
; witness: a run whose operations succeed and change the content, and whose checks fail
(assert (and (= version source)
     (distinct version target)
     (not operation_failed_1)
     validation_failed_1
     (distinct migrated_1 content)))
(check-sat)
