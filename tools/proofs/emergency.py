"""Obligation PRF-100: a council whose threshold is a majority admits no two conflicting rollbacks.

Whether a council's threshold is valid and whether an authorization reaches it are the kernels
`council_threshold_valid` and `rollback_authorized` of `forkspec.emergency` (EMG-10, EMG-15).
Two authorizations are described by the four Venn regions of the council's n members: members
who signed only the first, only the second, both, or neither. The regions partition the
council, so the statement holds for every council size without bounding it. An authorization's
count is its distinct signers (EMG-14); approvals listed again are counted apart as repeats,
which the reference refuses and the mutant `repeats-counted` counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forkspec import emergency
from forkspec.tools.cases import emergency as emergency_cases
from forkspec.tools.proofs import (
    Assumption,
    Goal,
    Mutant,
    MutantKind,
    Obligation,
    RegressionCase,
    Values,
    Witness,
    all_of,
    implies,
    integers,
    kernel_in,
)

REGIONS = ("only_first", "only_second", "both", "neither")
GOAL_FORMULA = (
    "council_threshold_valid(k, n) and rollback_authorized(first, k) and rollback_authorized(second, k) "
    "=> both >= 1, with first = only_first + both, second = only_second + both"
)


def _first(v: Values) -> Any:
    return v["only_first"] + v["both"]


def _second(v: Values) -> Any:
    return v["only_second"] + v["both"]


def _no_conflict(
    valid: Callable[[Any, Any], Any],
    authorized: Callable[[Any, Any], Any],
    counted: Callable[[Values], tuple[Any, Any]],
) -> Callable[[Values], Any]:
    def holds(v: Values) -> Any:
        first, second = counted(v)
        return implies(
            all_of(
                valid(v["threshold"], v["members"]),
                authorized(first, v["threshold"]),
                authorized(second, v["threshold"]),
            ),
            v["both"] >= 1,
        )

    return holds


def _distinct(v: Values) -> tuple[Any, Any]:
    return _first(v), _second(v)


def _with_repeats(v: Values) -> tuple[Any, Any]:
    return _first(v) + v["repeats_first"], _second(v) + v["repeats_second"]


def _regression(repeats: bool) -> Callable[[Mapping[str, Any]], RegressionCase]:
    """The first authorization of the counterexample as a rollback_authorization case: members
    0..n-1 of the cases' council and the first set's signers, its first signer listed again for
    each repeat when the mutant counts repeats."""

    def build(values: Mapping[str, Any]) -> RegressionCase:
        signers = tuple(range(values["only_first"] + values["both"]))
        listed_again = tuple(signers[0] for _ in range(values["repeats_first"])) if repeats else ()
        threshold, members = values["threshold"], values["members"]
        description = f"{len(signers)} distinct signer(s) of a {threshold}-of-{members} council"
        if listed_again:
            description += f", the first listed {len(listed_again)} more time(s): refused"
        else:
            description += f": refused, {threshold} of {members} is not a majority"
        case = emergency_cases.rollback_case(signers + listed_again, threshold=threshold, members=members)
        return RegressionCase("rollback_authorization", description, case)

    return build


def majority_councils_do_not_conflict() -> Obligation:
    """PRF-100."""
    valid = kernel_in(emergency, "council_threshold_valid")
    authorized = kernel_in(emergency, "rollback_authorized")

    def at_half(threshold: Any, members: Any) -> Any:
        return all_of(threshold <= members, 2 * threshold >= members)

    small = lambda v: all_of(v["members"] <= len(emergency_cases.MEMBER_KEYS), v["threshold"] >= 1)  # noqa: E731
    return Obligation(
        id="PRF-100",
        title="A majority council admits no two conflicting rollbacks",
        statement=(
            "For every council of n members with a threshold k that passes council_threshold_valid, "
            "two authorizations each with at least k distinct signers among the members share a signer: "
            "two conflicting rollbacks are both authorized only if some member signed both."
        ),
        requirements=("EMG-10", "EMG-14", "EMG-15"),
        variables=integers(
            ("members", "n, the council's size"),
            ("threshold", "k, the council's threshold"),
            ("only_first", "members who signed the first authorization only"),
            ("only_second", "members who signed the second authorization only"),
            ("both", "members who signed both"),
            ("neither", "members who signed neither"),
            ("repeats_first", "approvals of the first listed again (refused, EMG-14)"),
            ("repeats_second", "approvals of the second listed again"),
        ),
        assumptions=(
            Assumption(
                "R",
                "the four regions partition the council",
                "every region >= 0 and only_first + only_second + both + neither = n",
                lambda v: all_of(
                    *(v[region] >= 0 for region in REGIONS),
                    sum(v[region] for region in REGIONS) == v["members"],
                ),
            ),
            Assumption(
                "D",
                "an approval repeats a signer of its authorization",
                "repeats >= 0, and repeats > 0 only with a signer",
                lambda v: all_of(
                    v["repeats_first"] >= 0,
                    v["repeats_second"] >= 0,
                    implies(v["repeats_first"] > 0, _first(v) >= 1),
                    implies(v["repeats_second"] > 0, _second(v) >= 1),
                ),
            ),
        ),
        goal=Goal(
            "the two authorizations share a signer", GOAL_FORMULA, _no_conflict(valid, authorized, _distinct)
        ),
        witness=Witness(
            "two authorizations of a 3-of-5 council sharing exactly one signer",
            "council_threshold_valid(k, n), both authorized, both = 1, n = 5",
            lambda v: all_of(
                v["members"] == 5,
                valid(v["threshold"], v["members"]),
                authorized(_first(v), v["threshold"]),
                authorized(_second(v), v["threshold"]),
                v["both"] == 1,
            ),
        ),
        mutants=(
            Mutant(
                "threshold-at-half",
                MutantKind.KERNEL,
                "a council threshold of half the members, 2k >= n",
                _regression(repeats=False),
                goal=Goal(
                    "the two authorizations share a signer",
                    GOAL_FORMULA,
                    _no_conflict(at_half, authorized, _distinct),
                ),
                bounds=small,
                smallest="members",
                refused=True,
            ),
            Mutant(
                "repeats-counted",
                MutantKind.KERNEL,
                "an authorization counting its approvals, a repeated signer twice",
                _regression(repeats=True),
                goal=Goal(
                    "the two authorizations share a signer",
                    GOAL_FORMULA,
                    _no_conflict(valid, authorized, _with_repeats),
                ),
                bounds=small,
                smallest="members",
                refused=True,
            ),
        ),
        kernels=(valid, authorized),
        logic="QF_LIA",
        encoding=(
            "Integers: the council's size, its threshold, the four Venn regions of two sets of signers over "
            "the council and the repeats of each. The regions partition the council, so every pair of sets "
            "of members is one assignment; the kernels are the reference's, called on these terms."
        ),
        not_proven=(
            "That a member signs only one of two conflicting rollbacks: a member who signs both is "
            "accountable by its two signatures, which is what the obligation leaves as the only way.",
        ),
    )


def obligations() -> tuple[Obligation, ...]:
    """The emergency obligations, PRF-100."""
    return (majority_councils_do_not_conflict(),)
