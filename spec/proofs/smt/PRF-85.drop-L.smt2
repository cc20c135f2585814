; forkspec proof obligation PRF-85: drop-one: the proof without L
; expected answer: sat if the assumption is needed, unsat if not
(set-logic QF_DTLIA)
(declare-datatypes ((TransactionVerdict 0)) (((TransactionVerdict.ACCEPTED) (TransactionVerdict.TX_VERSION_UNSUPPORTED) (TransactionVerdict.TX_VERSION_UNKNOWN) (TransactionVerdict.DUPLICATE_TX_FIELD) (TransactionVerdict.UNKNOWN_TX_FIELD) (TransactionVerdict.MISSING_TX_FIELD))))
(declare-fun missing_field () Bool)
(declare-fun unknown_field () Bool)
(declare-fun duplicate_field () Bool)
(declare-fun format_defined () Bool)
(declare-fun later () Int)
(declare-fun tx_version () Int)
(declare-fun node () Int)
; negated goal: not (verdict(tx, node) == ACCEPTED and node <= later => verdict(tx, later) == ACCEPTED)
(assert (let ((a!1 (ite (not format_defined)
                TransactionVerdict.TX_VERSION_UNKNOWN
                (ite duplicate_field
                     TransactionVerdict.DUPLICATE_TX_FIELD
                     (ite unknown_field
                          TransactionVerdict.UNKNOWN_TX_FIELD
                          (ite missing_field
                               TransactionVerdict.MISSING_TX_FIELD
                               TransactionVerdict.ACCEPTED))))))
(let ((a!2 (=> (= (ite (> tx_version node)
                       TransactionVerdict.TX_VERSION_UNSUPPORTED
                       a!1)
                  TransactionVerdict.ACCEPTED)
               (= (ite (> tx_version later)
                       TransactionVerdict.TX_VERSION_UNSUPPORTED
                       a!1)
                  TransactionVerdict.ACCEPTED))))
  (not a!2))))
(check-sat)
