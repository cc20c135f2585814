"""Obligation PRF-90: the combined two-chamber test means exactly the 60/40 weighted rule.

The quorum and the approval of a tally are the kernel `weighted_share_at_least` of
`forkspec.governance` (GOV-6). The obligation is over that very function, with each chamber's
part and whole as variables of sort Real: the test compares ratios within a chamber, so it is
unchanged when a chamber's part and whole are multiplied by a positive number; a claim proved
for every real weight holds for every integer weight, and a real counterexample becomes an
integer one by scaling each chamber by the common denominator of its weights, which is how the
regression vector is built. The threshold is any value in 1..10000.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import z3
from forkspec import governance
from forkspec.governance import HOLDER_CHAMBER_BPS
from forkspec.logic import if_then_else
from forkspec.presets import BASIS_POINTS, load_preset
from forkspec.symbolic import RealSort
from forkspec.tools.cases import governance as governance_cases
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
    kernel_in,
)

REAL = RealSort()
CHAMBERS = ("v", "h")
CHOICES = ("yes", "no", "abstain", "absent")
# The proposal of the regression vector: a hard-fork protocol upgrade under mainnet, whose
# approval threshold bounds the counterexample.
REGRESSION_PROPOSAL = governance_cases.proposal("protocol_upgrade", "hard_fork")
REGRESSION_APPROVAL_BPS = load_preset("mainnet").proposal_rules("protocol_upgrade").approval_bps


def _holder_share(two_chamber: Any) -> Any:
    """The holders' share in basis points (GOV-6): a Real term on a solver's Bool, so that every
    query stays in real arithmetic, and a Python int on replay."""
    if isinstance(two_chamber, z3.BoolRef):
        return z3.If(two_chamber, z3.RealVal(HOLDER_CHAMBER_BPS), z3.RealVal(0))
    return HOLDER_CHAMBER_BPS if two_chamber else 0


def _integers(weights: Mapping[str, Any]) -> dict[str, int]:
    """A chamber's rational weights times their common denominator: the same ratios in integers."""
    scale = math.lcm(*(Fraction(value).denominator for value in weights.values()))
    return {choice: int(Fraction(value) * scale) for choice, value in weights.items()}


def _tally_case(chambers: Mapping[str, Mapping[str, Any]], description: str) -> RegressionCase:
    """The governance_tally input of a hard-fork upgrade under mainnet with these weights: one
    voter per choice and chamber, holders holding the square of their weight."""
    validators = _integers(chambers["v"])
    holders = _integers(chambers["h"])
    ballots = [governance_cases.ballot(choice, choice) for choice in CHOICES[:3]]
    ballots += [governance_cases.holder(choice, choice) for choice in CHOICES[:3]]
    return RegressionCase(
        "governance_tally",
        description,
        {
            "proposal": REGRESSION_PROPOSAL,
            "validators": governance_cases.validators(*validators.items()),
            "holders": governance_cases.holders(*((choice, weight**2) for choice, weight in holders.items())),
            "ballots": ballots,
        },
    )


def _share(part: Any, whole: Any) -> Any:
    """A chamber's share as an exact rational, 0 for a chamber without weight (GOV-6)."""
    return if_then_else(whole > 0, part / whole, 0)


def combined_test_is_exact() -> Obligation:
    """PRF-90."""
    shares = kernel_in(governance, "weighted_share_at_least")

    def holder_share(v: Values) -> Any:
        return _holder_share(v["two_chamber"])

    def exact(v: Values) -> Any:
        share = holder_share(v)
        return (BASIS_POINTS - share) * _share(v["part_v"], v["whole_v"]) + share * _share(
            v["part_h"], v["whole_h"]
        ) >= v["threshold"]

    def agrees(kernel: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: (
            kernel(v["part_v"], v["whole_v"], v["part_h"], v["whole_h"], holder_share(v), v["threshold"])
            == exact(v)
        )

    def swapped(part_v: Any, whole_v: Any, part_h: Any, whole_h: Any, share: Any, threshold: Any) -> Any:
        return shares(part_v, whole_v, part_h, whole_h, BASIS_POINTS - share, threshold)

    formula = (
        "weighted_share_at_least(p_v, w_v, p_h, w_h, s, T) == "
        "((10000 - s) * share(p_v, w_v) + s * share(p_h, w_h) >= T), share(p, w) = p / w, 0 when w = 0"
    )

    def regression(values: Mapping[str, Any]) -> RegressionCase:
        chambers = {
            chamber: {
                "yes": values[f"part_{chamber}"],
                "no": values[f"whole_{chamber}"] - values[f"part_{chamber}"],
                "abstain": 0,
                "absent": 0,
            }
            for chamber in CHAMBERS
        }
        return _tally_case(
            chambers, "PRF-90 mutant swapped-chamber-weights: the approval weighs validators 60%"
        )

    return Obligation(
        id="PRF-90",
        title="The combined test is exactly the 60/40 weighted rule",
        statement=(
            "For every part and whole of each chamber (0 <= part <= whole) and every threshold, the "
            "cross-multiplied kernel holds exactly when 6000 times the validators' share plus 4000 times "
            "the holders' share is at least the threshold (with one chamber, 10000 times the validators' "
            "share), a chamber without weight having a share of 0."
        ),
        requirements=("GEN-5", "GOV-6"),
        variables=(
            Variable("part_v", "the validators' part (participating or yes weight)", REAL),
            Variable("whole_v", "the validators' whole (eligible or decisive weight)", REAL),
            Variable("part_h", "the holders' part", REAL),
            Variable("whole_h", "the holders' whole", REAL),
            Variable("threshold", "the threshold in basis points", REAL),
            Variable("two_chamber", "the token holders vote as a second chamber", Sort.BOOL),
        ),
        assumptions=(
            Assumption(
                "P",
                "each part is within its whole",
                "0 <= part_c <= whole_c",
                lambda v: all_of(
                    *(all_of(v[f"part_{c}"] >= 0, v[f"part_{c}"] <= v[f"whole_{c}"]) for c in CHAMBERS)
                ),
            ),
            Assumption(
                "T",
                "the threshold is a basis-point value of a preset (1..10000)",
                "1 <= threshold <= 10000",
                lambda v: all_of(v["threshold"] >= 1, v["threshold"] <= BASIS_POINTS),
            ),
        ),
        goal=Goal("the kernel is the exact rule", formula, agrees(shares)),
        witness=Witness(
            "a two-chamber test met with both chambers split",
            "two_chamber and 0 < part_c < whole_c and the kernel holds",
            lambda v: all_of(
                v["two_chamber"],
                *(all_of(v[f"part_{c}"] > 0, v[f"part_{c}"] < v[f"whole_{c}"]) for c in CHAMBERS),
                shares(v["part_v"], v["whole_v"], v["part_h"], v["whole_h"], holder_share(v), v["threshold"]),
            ),
        ),
        mutants=(
            Mutant(
                "swapped-chamber-weights",
                MutantKind.KERNEL,
                "the holders weighing 60% and the validators 40%",
                regression,
                goal=Goal("the kernel is the exact rule", formula, agrees(swapped)),
                bounds=lambda v: all_of(
                    v["threshold"] == REGRESSION_APPROVAL_BPS,
                    v["two_chamber"],
                    v["whole_v"] > 0,
                    v["whole_h"] > 0,
                ),
            ),
        ),
        kernels=(shares,),
        logic="QF_NRA",
        encoding=(
            "Parts and wholes are Real (the test is homogeneous in each chamber's pair, so it covers every "
            "integer weight); so is the threshold, any value in 1..10000, integer or not; the exact rule "
            "divides over Real, guarded for a whole of 0. The kernel is the reference's, called on these "
            "terms; the holders' share is a Real constant, so every query is in real arithmetic."
        ),
        not_proven=(
            "Monotonicity of the tally (more yes never turns a pass into a fail, weight moved towards no "
            "never the reverse): z3 proves it over these kernels, cvc5 answers unknown within the time "
            "limit, so it is not claimed; the property tests of tests/test_governance.py check it.",
            "That a holder's weight is the floor square root of its tokens (GOV-3): the reference uses "
            "math.isqrt; the property tests check w * w <= tokens < (w + 1) * (w + 1) up to 2^128 - 1.",
        ),
    )


def obligations() -> tuple[Obligation, ...]:
    """The governance obligations, PRF-90."""
    return (combined_test_is_exact(),)
