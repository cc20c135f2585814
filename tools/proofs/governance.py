"""The governance obligations: PRF-90, the combined two-chamber test means exactly the 60/40
weighted rule; PRF-91, GOV-3's floor square root is one integer; PRF-92 and PRF-93, the tally's
verdict moves with the ballots, in three steps that each solver answers.

The quorum and the approval of a tally are the kernel `weighted_share_at_least` of
`forkspec.governance` (GOV-6). The obligation is over that very function, with each chamber's
part and whole as variables of sort Real: the test compares ratios within a chamber, so it is
unchanged when a chamber's part and whole are multiplied by a positive number; a claim proved
for every real weight holds for every integer weight, and a real counterexample becomes an
integer one by scaling each chamber by the common denominator of its weights, which is how the
regression vector is built. The threshold is any value in 1..10000. PRF-92 and PRF-93 use the
same scaling argument for their shares.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import z3
from forkspec import governance
from forkspec.governance import HOLDER_CHAMBER_BPS, Verdict
from forkspec.logic import both, if_then_else, negation
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
    implies,
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
    )


def is_floor_square_root(weight: Any, tokens: Any) -> Any:
    """GOV-3's definition of a holder's weight, as the spec states it: weight >= 0 and
    weight^2 <= tokens < (weight + 1)^2."""
    return both(weight >= 0, both(weight * weight <= tokens, tokens < (weight + 1) * (weight + 1)))


def weight_is_one_integer() -> Obligation:
    """PRF-91."""

    def regression(values: Mapping[str, Any]) -> RegressionCase:
        root = int(values["other"])
        return _tally_case(
            {
                "v": {"yes": 1, "no": 0, "abstain": 0, "absent": 0},
                "h": {"yes": root, "no": 1, "abstain": 0, "absent": 0},
            },
            f"a holder of {root * root} tokens, a perfect square, weighs {root}, not {root - 1}",
        )

    def closed_above(weight: Any, tokens: Any) -> Any:
        return all_of(weight >= 0, weight * weight <= tokens, tokens <= (weight + 1) * (weight + 1))

    def unique(kernel: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: negation(both(kernel(v["weight"], v["tokens"]), kernel(v["other"], v["tokens"])))

    formula = "not (is_floor_square_root(w, t) and is_floor_square_root(u, t))"
    return Obligation(
        id="PRF-91",
        title="GOV-3 gives every holding exactly one weight",
        statement=(
            "For every number of tokens t and two integers w < u, not both meet GOV-3's definition: the "
            "floor square root GOV-3 defines is one integer, so every implementation that meets the "
            "definition "
            "computes the reference's weights, rounding included."
        ),
        requirements=("GOV-3",),
        variables=(
            Variable("tokens", "t, the holder's tokens", REAL),
            Variable("weight", "w, one candidate weight", REAL),
            Variable("other", "u, a larger candidate weight", REAL),
        ),
        assumptions=(
            Assumption(
                "I",
                "two different integers are at least 1 apart",
                "u >= w + 1",
                lambda v: v["other"] >= v["weight"] + 1,
            ),
        ),
        goal=Goal("at most one candidate is the weight", formula, unique(is_floor_square_root)),
        witness=Witness(
            "a holding of 10 tokens weighs 3",
            "is_floor_square_root(w, t), t = 10, w = 3",
            lambda v: all_of(
                v["tokens"] == 10, v["weight"] == 3, is_floor_square_root(v["weight"], v["tokens"])
            ),
        ),
        mutants=(
            Mutant(
                "closed-above",
                MutantKind.KERNEL,
                "the upper bound inclusive, t <= (w + 1)^2",
                regression,
                goal=Goal("at most one candidate is the weight", formula, unique(closed_above)),
                bounds=lambda v: v["weight"] == 3,
            ),
        ),
        kernels=(),
        logic="QF_NRA",
        encoding=(
            "The weights and the tokens are Real, and that two different integer weights differ by at least "
            "1 "
            "is the one assumption: a claim for every real t, w and u >= w + 1 holds for every integer "
            "triple "
            "with w < u, and w > u is the same claim with the names swapped."
        ),
        not_proven=(
            "That the reference's quadratic_weight, which is math.isqrt, meets the definition: the "
            "property tests of tests/test_governance.py check it for every size up to 2^128 - 1, at perfect "
            "squares and one below.",
        ),
    )


def _chamber_share(part: Any, rest: Any) -> Any:
    """The share part / (part + rest), 0 for a chamber with no weight (GOV-6)."""
    return _share(part, part + rest)


def shares_move_with_the_ballots() -> Obligation:
    """PRF-92."""

    def regression(values: Mapping[str, Any]) -> RegressionCase:
        after = {"yes": values["part_after"], "no": values["rest_after"], "abstain": 0, "absent": 0}
        return _tally_case(
            {"v": after, "h": after},
            "more yes and more no at once: the approval share falls though the yes weight grew",
        )

    return Obligation(
        id="PRF-92",
        title="A chamber's share never falls as its part grows and the rest shrinks",
        statement=(
            "For a chamber's part (yes weight, or participating weight) and the rest of its whole (no "
            "weight, "
            "or the weight not taking part), a part no smaller and a rest no larger give a share "
            "part / (part + rest) no smaller, a chamber without weight having a share of 0; the shares "
            "PRF-90 "
            "shows the kernel to compare therefore move with the ballots as PRF-93 assumes."
        ),
        requirements=("GOV-6", "GOV-7"),
        variables=(
            Variable("part", "the part before", REAL),
            Variable("rest", "the rest before", REAL),
            Variable("part_after", "the part after", REAL),
            Variable("rest_after", "the rest after", REAL),
        ),
        assumptions=(
            Assumption(
                "W",
                "weights are non-negative",
                "part, rest, part_after, rest_after >= 0",
                lambda v: all_of(*(v[name] >= 0 for name in ("part", "rest", "part_after", "rest_after"))),
            ),
            Assumption(
                "M",
                "the part grows and the rest shrinks",
                "part_after >= part and rest_after <= rest",
                lambda v: all_of(v["part_after"] >= v["part"], v["rest_after"] <= v["rest"]),
            ),
        ),
        goal=Goal(
            "the share does not fall",
            "share(part_after, rest_after) >= share(part, rest)",
            lambda v: (
                _chamber_share(v["part_after"], v["rest_after"]) >= _chamber_share(v["part"], v["rest"])
            ),
        ),
        witness=Witness(
            "a no turned yes raises the share",
            "part_after > part and the share grows",
            lambda v: all_of(
                v["part_after"] > v["part"],
                _chamber_share(v["part_after"], v["rest_after"]) > _chamber_share(v["part"], v["rest"]),
            ),
        ),
        mutants=(
            Mutant(
                "rest-may-grow",
                MutantKind.ASSUMPTION,
                "the rest allowed to grow as well: more yes and more no at once",
                regression,
                assumptions=(
                    Assumption(
                        "W",
                        "weights are non-negative",
                        "part, rest, part_after, rest_after >= 0",
                        lambda v: all_of(
                            *(v[name] >= 0 for name in ("part", "rest", "part_after", "rest_after"))
                        ),
                    ),
                    Assumption(
                        "M'",
                        "the part grows",
                        "part_after >= part",
                        lambda v: v["part_after"] >= v["part"],
                    ),
                ),
                bounds=lambda v: all_of(
                    v["part"] == 1, v["rest"] == 0, v["part_after"] == 2, v["rest_after"] == 1
                ),
            ),
        ),
        kernels=(),
        logic="QF_NRA",
        encoding="Weights are Real (the share is homogeneous: a real claim covers every integer weight).",
    )


def _combined(shares: Mapping[str, Any], two_chamber: Any, threshold: Any) -> Any:
    """GOV-6's exact rule on the chambers' shares, which PRF-90 shows the kernel to be; the
    holders' share a constant in each branch, so that every product is by a constant."""

    def rule(holder_share: int) -> Any:
        return (BASIS_POINTS - holder_share) * shares["v"] + holder_share * shares["h"] >= threshold

    return if_then_else(two_chamber, rule(HOLDER_CHAMBER_BPS), rule(0))


def verdict_is_monotone() -> Obligation:
    """PRF-93."""
    decide = kernel_in(governance, "verdict")
    support_against_threshold = kernel_in(governance, "support_against_threshold")
    gate_tests = [
        (preset, kind) for preset in ("mainnet", "minimal") for kind in governance.VOTED_UPGRADE_KINDS
    ]

    def verdicts(v: Values, after: bool, decide: Callable[..., Any]) -> list[Any]:
        suffix = "_after" if after else ""
        quorum = _combined(
            {c: v[f"participation_{c}{suffix}"] for c in CHAMBERS}, v["two_chamber"], v["quorum"]
        )
        approval = _combined(
            {c: v[f"approval_{c}{suffix}"] for c in CHAMBERS}, v["two_chamber"], v["approval"]
        )
        return [
            decide(
                quorum,
                approval,
                if_then_else(
                    v["gated"],
                    support_against_threshold(
                        kind, v[f"yes{suffix}"], v["eligible"], load_preset(preset)
                    ).met,
                    True,
                ),
            )
            for preset, kind in gate_tests
        ]

    def monotone(decide: Callable[..., Any]) -> Callable[[Values], Any]:
        def holds(v: Values) -> Any:
            pairs = zip(verdicts(v, False, decide), verdicts(v, True, decide), strict=True)
            return all_of(
                *(
                    all_of(
                        implies(all_of(v["more_yes"], before == Verdict.PASSED), after == Verdict.PASSED),
                        implies(
                            all_of(negation(v["more_yes"]), before == Verdict.REJECTED),
                            after != Verdict.PASSED,
                        ),
                    )
                    for before, after in pairs
                )
            )

        return holds

    def quorum_negated(quorum_met: Any, approval_met: Any, stake_gate_met: Any) -> Any:
        return decide(negation(quorum_met), approval_met, stake_gate_met)

    def regression(values: Mapping[str, Any]) -> RegressionCase:
        everyone_yes = {"yes": 1, "no": 0, "abstain": 0, "absent": 0}
        return _tally_case(
            {"v": everyone_yes, "h": everyone_yes}, "every voter of both chambers votes yes: passed"
        )

    shares = [
        f"{kind}_{c}{suffix}"
        for kind in ("participation", "approval")
        for c in CHAMBERS
        for suffix in ("", "_after")
    ]
    formula = (
        "more_yes and verdict before = passed => verdict after = passed; "
        "more no and verdict before = rejected => verdict after != passed"
    )
    return Obligation(
        id="PRF-93",
        title="More yes never turns a pass into a fail, more no never a rejection into a pass",
        statement=(
            "For every pair of tallies of one proposal and electorate where ballots moved towards yes (each "
            "chamber's participation and approval shares no smaller, PRF-92, the validators' yes stake no "
            "smaller), a passed verdict stays passed; where they moved towards no (participation no smaller, "
            "approval and yes stake no larger), a rejected verdict is not passed after. A no_quorum verdict "
            "can "
            "turn passed by a no (the quorum paradox GOV-7 accepts), so the claim for no is made from "
            "rejected."
        ),
        requirements=("GOV-6", "GOV-7", "GOV-8", "GOV-9"),
        variables=(
            *(Variable(name, f"a chamber's share, {name.replace('_', ' ')}", REAL) for name in shares),
            Variable("quorum", "the quorum in basis points", REAL),
            Variable("approval", "the approval threshold in basis points", REAL),
            Variable("yes", "the validators' yes stake before", REAL),
            Variable("yes_after", "the validators' yes stake after", REAL),
            Variable("eligible", "the validators' eligible stake", REAL),
            Variable("two_chamber", "the token holders vote as a second chamber", Sort.BOOL),
            Variable("gated", "a protocol upgrade, with GOV-8's stake gate", Sort.BOOL),
            Variable("more_yes", "the ballots moved towards yes (else towards no)", Sort.BOOL),
        ),
        assumptions=(
            Assumption(
                "M",
                "the moves of PRF-92",
                "participation_c_after >= participation_c; more_yes: approval and yes no smaller, else no "
                "larger",
                lambda v: all_of(
                    *(v[f"participation_{c}_after"] >= v[f"participation_{c}"] for c in CHAMBERS),
                    *(
                        if_then_else(v["more_yes"], after >= before, after <= before)
                        for before, after in (
                            *((v[f"approval_{c}"], v[f"approval_{c}_after"]) for c in CHAMBERS),
                            (v["yes"], v["yes_after"]),
                        )
                    ),
                ),
            ),
        ),
        goal=Goal("the verdict moves with the ballots", formula, monotone(decide)),
        witness=Witness(
            "a two-chamber protocol upgrade that passes before and after more yes",
            "two_chamber, gated, more_yes, verdict before = passed",
            lambda v: all_of(
                v["two_chamber"], v["gated"], v["more_yes"], verdicts(v, False, decide)[0] == Verdict.PASSED
            ),
        ),
        mutants=(
            Mutant(
                "quorum-negated",
                MutantKind.KERNEL,
                "the verdict with its quorum test negated",
                regression,
                goal=Goal("the verdict moves with the ballots", formula, monotone(quorum_negated)),
                bounds=lambda v: all_of(
                    v["two_chamber"],
                    v["more_yes"],
                    *(v[f"{name}_after"] == 1 for name in shares if not name.endswith("_after")),
                ),
            ),
        ),
        kernels=(decide, support_against_threshold),
        logic="QF_DTLRA",
        encoding=(
            "The shares, thresholds and stakes are Real; the quorum and approval tests are GOV-6's exact "
            "rule on "
            "the shares (PRF-90 shows the kernel to be that rule), and every product is by a constant, the "
            "holders' share or a preset's stake threshold, so the logic is linear real arithmetic. The "
            "verdict "
            "and the stake gate are the reference's, for every preset and coordinated upgrade kind."
        ),
    )


def obligations() -> tuple[Obligation, ...]:
    """The governance obligations, PRF-90 to PRF-93."""
    return (
        combined_test_is_exact(),
        weight_is_one_integer(),
        shares_move_with_the_ballots(),
        verdict_is_monotone(),
    )
