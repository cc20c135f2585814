"""Obligation PRF-85: a transaction valid at its version stays valid at every later node version.

A node's verdict on a transaction is the kernel `transaction_verdict` of
`forkspec.compatibility` (CMP-6). The obligation is over that very function, with the
transaction's version and two node versions as unbounded Int and the facts the field checks read
(whether the declared format is listed, and whether a field is repeated, unknown or missing) as
free Bools: those facts are computed from the format the transaction declares (CMP-7), so they
are the same at every node version, which is what the obligation's single copy of them states.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forkspec import compatibility
from forkspec.compatibility import TransactionVerdict
from forkspec.logic import if_then_else
from forkspec.tools.cases import compatibility as compatibility_cases
from forkspec.tools.proofs import (
    Assumption,
    Goal,
    Mutant,
    MutantKind,
    Obligation,
    RegressionCase,
    Sort,
    Values,
    Variable,
    Witness,
    all_of,
    implies,
    kernel_in,
)

FACTS = ("format_defined", "duplicate_field", "unknown_field", "missing_field")


def _verdict(kernel: Callable[..., Any], v: Values, node: str) -> Any:
    return kernel(v["tx_version"], v[node], *(v[fact] for fact in FACTS))


def _exact_version(verdict: Callable[..., Any]) -> Callable[..., Any]:
    """The kernel with a node accepting only transactions of its own version."""

    def wrong(transaction_version: Any, node_version: Any, *facts: Any) -> Any:
        return if_then_else(
            transaction_version != node_version,
            TransactionVerdict.TX_VERSION_UNSUPPORTED,
            verdict(transaction_version, node_version, *facts),
        )

    return wrong


def _old_transaction_regression(values: Mapping[str, Any]) -> RegressionCase:
    return RegressionCase(
        "transaction_validity",
        "a node at 4 accepts a version-1 transaction as a node at 1 does",
        {
            "formats": compatibility_cases.FORMATS,
            "node_version": 4,
            "transactions": [compatibility_cases.tx(1, "to", "value", "nonce")],
        },
        requirements=("CMP-6", "CMP-7"),
    )


def old_transactions_stay_valid() -> Obligation:
    """PRF-85."""
    verdict = kernel_in(compatibility, "transaction_verdict")

    def stays_valid(kernel: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: implies(
            _verdict(kernel, v, "node") == TransactionVerdict.ACCEPTED,
            _verdict(kernel, v, "later") == TransactionVerdict.ACCEPTED,
        )

    later = Assumption(
        "L",
        "the second node's version is at or above the first's",
        "node <= later",
        lambda v: v["node"] <= v["later"],
    )
    formula = "verdict(tx, node) == ACCEPTED and node <= later => verdict(tx, later) == ACCEPTED"
    return Obligation(
        id="PRF-85",
        title="A transaction valid at a version stays valid at every later version",
        statement=(
            "For every transaction and every two node versions, the second at or above the first, a "
            "transaction the first node accepts is accepted by the second: the fields are judged by the "
            "format the transaction declares, and the only check that reads the node's version accepts "
            "every version at or above the transaction's."
        ),
        requirements=("CMP-6", "CMP-7"),
        variables=(
            Variable("tx_version", "the format version the transaction declares"),
            Variable("node", "the first node's version"),
            Variable("later", "the second node's version"),
            *(
                Variable(fact, f"the transaction's {fact.replace('_', ' ')} fact (CMP-6)", Sort.BOOL)
                for fact in FACTS
            ),
        ),
        assumptions=(later,),
        goal=Goal("accepted at a version, accepted at every later one", formula, stays_valid(verdict)),
        witness=Witness(
            "a transaction of an older format accepted by a later node",
            "verdict(tx, node) == ACCEPTED and tx_version < node",
            lambda v: all_of(
                _verdict(verdict, v, "node") == TransactionVerdict.ACCEPTED, v["tx_version"] < v["node"]
            ),
        ),
        mutants=(
            Mutant(
                "exact-version-only",
                MutantKind.KERNEL,
                "a node accepting only transactions of its own version",
                _old_transaction_regression,
                goal=Goal(
                    "accepted at a version, accepted at every later one",
                    formula,
                    stays_valid(_exact_version(verdict)),
                ),
            ),
        ),
        kernels=(verdict,),
        logic="QF_DTLIA",
        encoding=(
            "Versions are unbounded Int; the four facts of CMP-6 that the field checks read are Bool, one "
            "copy for both nodes, since CMP-7 computes them from the transaction's own format. The verdict "
            "is a value of the enumeration sort TransactionVerdict. The kernel is the reference's, called "
            "on these terms."
        ),
        not_proven=(
            "That judge_transaction computes the four facts from the declared format only (CMP-7): the "
            "property test of tests/test_compatibility.py and the vectors at several node versions show it.",
        ),
    )


def obligations() -> tuple[Obligation, ...]:
    """The compatibility obligations, PRF-85."""
    return (old_transactions_stay_valid(),)
