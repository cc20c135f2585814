"""Obligations PRF-10 to PRF-19: no split of the chain at a hard fork's activation.

The model is the validator set at the activation height. Its total stake N > 0 is split into
four classes: honest validators that signalled support and upgraded (`hu`), honest validators
that did not (`hl`, they keep the legacy rules), byzantine validators that signalled (`bs`) and
byzantine validators that did not (`bn`). Two blocks X and Y at one height are signed by some
stake of each class (`x_hu`, ..., `y_bn`); a byzantine validator may sign anything.

The assumptions, in the words of the analysis:
- A1: honest validators never sign two blocks at one height;
- A2: honest validators that signalled run the new rules from activation on, the rest the
  legacy rules (before activation everyone runs the legacy rules);
- A3: the byzantine stake B satisfies 3B <= N;
- A4: a block is final iff signed by stake S with 3S > 2N;
- A5: the signalled support U = hu + bs meets the hard fork's threshold, through the very test
  the coordination area runs (classification's `meets_threshold` with the preset's hard-fork
  threshold: 5U >= 4N at 8000 basis points).

Goals: (i) no two conflicting blocks are final at one height (PRF-10); (ii) no block built
under the legacy rules is final at or after activation (PRF-11). PRF-12 is the variant in which
stake joins between the measurement of support and the activation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forkspec import classification
from forkspec.classification import UpgradeKind, upgrade_policy
from forkspec.presets import BASIS_POINTS, load_preset
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
    negation,
)

PRESET = "mainnet"
REQUIREMENTS = ("CLS-2", "CLS-6", "HFC-8", "HFC-14")

HONEST_UPGRADED, HONEST_LEGACY = "hu", "hl"
BYZANTINE_SIGNALLED, BYZANTINE_NOT_SIGNALLED = "bs", "bn"
JOINED_HONEST, JOINED_BYZANTINE = "jl", "jb"
CLASS_WORDS = {
    HONEST_UPGRADED: "honest stake that signalled and runs the new rules",
    HONEST_LEGACY: "honest stake that did not signal and runs the legacy rules",
    BYZANTINE_SIGNALLED: "byzantine stake that signalled",
    BYZANTINE_NOT_SIGNALLED: "byzantine stake that did not signal",
    JOINED_HONEST: "honest stake that joined after the measurement (it did not signal: legacy rules)",
    JOINED_BYZANTINE: "byzantine stake that joined after the measurement",
}
MEASURED = (HONEST_UPGRADED, HONEST_LEGACY, BYZANTINE_SIGNALLED, BYZANTINE_NOT_SIGNALLED)
JOINED = (JOINED_HONEST, JOINED_BYZANTINE)
HONEST = (HONEST_UPGRADED, HONEST_LEGACY, JOINED_HONEST)
BYZANTINE = (BYZANTINE_SIGNALLED, BYZANTINE_NOT_SIGNALLED, JOINED_BYZANTINE)
TOTAL, MEASURED_TOTAL = "n", "n0"
HEIGHT, ACTIVATION = "height", "activation"
BLOCKS = ("x", "y")
ENCODING = (
    "Stakes are SMT-LIB Int, unbounded; each block's signing stake is split by class, so that a "
    "validator set of any size is abstracted to the sums per class: sound because every assumption "
    "and goal depends on stake only through these sums (a stake-weighted quorum, a stake-weighted "
    "fault bound, a stake-weighted tally). Whether a block is built under the legacy rules and "
    "whether it is final are Bool. A5 is the reference's threshold test called on the Int terms. "
    "All products are by constants: the logic is QF_LIA."
)


def _hard_fork_threshold() -> int:
    return upgrade_policy(UpgradeKind.HARD_FORK, load_preset(PRESET)).threshold_bps


def _meets_threshold(support: Any, total: Any, threshold_bps: int) -> Any:
    """The threshold test the coordination vote runs: classification's, as tally_support calls it."""
    return kernel_in(classification, "meets_threshold")(support, total, threshold_bps)


def _signed(v: Values, block: str, classes: tuple[str, ...]) -> Any:
    return sum((v[f"{block}_{name}"] for name in classes), start=0)


class Model:
    """The stake classes and blocks of one variant, and the assumptions over them."""

    def __init__(self, classes: tuple[str, ...], blocks: tuple[str, ...]) -> None:
        self.classes = classes
        self.blocks = blocks
        self.honest = tuple(name for name in classes if name in HONEST)
        self.byzantine = tuple(name for name in classes if name in BYZANTINE)
        self.joins = any(name in JOINED for name in classes)

    def variables(self) -> tuple[Variable, ...]:
        """Class stakes, totals, signing stakes per block and class, heights, rules and finality."""
        found = [Variable(name, CLASS_WORDS[name]) for name in self.classes]
        found.append(Variable(TOTAL, "the total stake at the activation height"))
        if self.joins:
            found.append(Variable(MEASURED_TOTAL, "the total stake when support was measured"))
        for block in self.blocks:
            found += [
                Variable(f"{block}_{name}", f"stake of class {name} that signs block {block.upper()}")
                for name in self.classes
            ]
        found += [
            Variable(HEIGHT, "the height of the blocks"),
            Variable(ACTIVATION, "the activation height"),
        ]
        for block in self.blocks:
            found += [
                Variable(
                    f"legacy_{block}", f"block {block.upper()} is built under the legacy rules", Sort.BOOL
                ),
                Variable(f"final_{block}", f"block {block.upper()} is final", Sort.BOOL),
            ]
        return tuple(found)

    def measured_total(self, v: Values) -> Any:
        return v[MEASURED_TOTAL] if self.joins else v[TOTAL]

    def domain(self) -> tuple[Assumption, ...]:
        """D1 to D3: what the variables are."""
        signers = [f"{block}_{name}" for block in self.blocks for name in self.classes]
        measured = tuple(name for name in self.classes if name in MEASURED)
        sums = [
            Assumption(
                "D3",
                "the total stake at activation is the sum of the classes, and positive",
                f"n == {' + '.join(self.classes)} and n > 0",
                lambda v: all_of(v[TOTAL] == sum((v[name] for name in self.classes), start=0), v[TOTAL] > 0),
            )
        ]
        if self.joins:
            sums.append(
                Assumption(
                    "D4",
                    "the measured total is the stake that was there at the measurement, and positive",
                    f"n0 == {' + '.join(measured)} and n0 > 0",
                    lambda v: all_of(
                        v[MEASURED_TOTAL] == sum((v[name] for name in measured), start=0),
                        v[MEASURED_TOTAL] > 0,
                    ),
                )
            )
        return (
            Assumption(
                "D1",
                "every stake is non-negative",
                "each class and each signing stake >= 0",
                lambda v: all_of(*(v[name] >= 0 for name in (*self.classes, *signers))),
            ),
            Assumption(
                "D2",
                "a block is signed by at most the stake of each class",
                "x_c <= c for every block and class",
                lambda v: all_of(
                    *(v[f"{block}_{name}"] <= v[name] for block in self.blocks for name in self.classes)
                ),
            ),
            *sums,
        )

    def a1(self) -> Assumption:
        return Assumption(
            "A1",
            "honest validators never sign two blocks at one height",
            " and ".join(f"x_{name} + y_{name} <= {name}" for name in self.honest),
            lambda v: all_of(*(v[f"x_{name}"] + v[f"y_{name}"] <= v[name] for name in self.honest)),
        )

    def a2(self) -> Assumption:
        legacy_honest = tuple(name for name in self.honest if name != HONEST_UPGRADED)

        def runs_its_rules(v: Values, block: str) -> Any:
            legacy = v[f"legacy_{block}"]
            after = v[HEIGHT] >= v[ACTIVATION]
            return all_of(
                implies(all_of(after, legacy), v[f"{block}_{HONEST_UPGRADED}"] == 0),
                implies(negation(legacy), all_of(*(v[f"{block}_{name}"] == 0 for name in legacy_honest))),
                implies(all_of(negation(after), negation(legacy)), v[f"{block}_{HONEST_UPGRADED}"] == 0),
            )

        return Assumption(
            "A2",
            "honest validators that signalled run the new rules from activation on, the rest the legacy "
            "rules; before activation every honest validator runs the legacy rules",
            "for each block b: (height >= activation and legacy_b => b_hu == 0) and "
            "(not legacy_b => b_hl == 0" + (" and b_jl == 0" if self.joins else "") + ") and "
            "(height < activation and not legacy_b => b_hu == 0)",
            lambda v: all_of(*(runs_its_rules(v, block) for block in self.blocks)),
        )

    def a3(self) -> Assumption:
        byzantine = " + ".join(self.byzantine)
        return Assumption(
            "A3",
            "the byzantine stake B is at most a third of the total: 3B <= N",
            f"3 * ({byzantine}) <= n",
            lambda v: 3 * sum((v[name] for name in self.byzantine), start=0) <= v[TOTAL],
        )

    def a4(self, strict: bool = True) -> Assumption:
        relation = ">" if strict else ">="

        def quorum(v: Values, block: str) -> Any:
            signed = 3 * _signed(v, block, self.classes)
            return signed > 2 * v[TOTAL] if strict else signed >= 2 * v[TOTAL]

        return Assumption(
            "A4",
            f"a block is final iff signed by stake S with 3S {relation} 2N",
            " and ".join(f"final_{block} == (3 * S_{block} {relation} 2 * n)" for block in self.blocks),
            lambda v: all_of(*(v[f"final_{block}"] == quorum(v, block) for block in self.blocks)),
        )

    def a5(self, threshold_bps: int | None = None) -> Assumption:
        bps = _hard_fork_threshold() if threshold_bps is None else threshold_bps
        total = "n0" if self.joins else "n"
        return Assumption(
            "A5",
            f"the signalled support U = hu + bs meets the hard-fork threshold of {bps} basis points of the "
            f"{'measured ' if self.joins else ''}total stake, by the coordination vote's own test",
            f"meets_threshold(hu + bs, {total}, {bps})",
            lambda v: _meets_threshold(
                v[HONEST_UPGRADED] + v[BYZANTINE_SIGNALLED], self.measured_total(v), bps
            ),
        )

    def a6(self, slack: int = 0) -> Assumption:
        """The derived bound on stake that joins after the measurement (PRF-12)."""
        bps = _hard_fork_threshold()
        joined = " + ".join(JOINED)
        scale = 3 * bps - 2 * BASIS_POINTS
        shown = f"({joined})" if slack == 0 else f"({joined} - {slack})"
        return Assumption(
            "A6",
            "the stake that joined after the measurement is at most (3t - 2) / 2 of the measured total, t "
            f"the threshold as a fraction ({scale} / {2 * BASIS_POINTS} at {bps} basis points)"
            + ("" if slack == 0 else f", here loosened by {slack} unit of stake"),
            f"{2 * BASIS_POINTS} * {shown} <= {scale} * n0",
            lambda v: (
                2 * BASIS_POINTS * (sum((v[name] for name in JOINED), start=0) - slack)
                <= scale * v[MEASURED_TOTAL]
            ),
        )


NO_CONFLICT = Goal(
    "no two conflicting blocks are final at one height",
    "not (final_x and final_y)",
    lambda v: negation(all_of(v["final_x"], v["final_y"])),
)
NO_LEGACY_FINALITY = Goal(
    "no block built under the legacy rules is final at or after activation",
    "height >= activation and legacy_x => not final_x",
    lambda v: implies(all_of(v[HEIGHT] >= v[ACTIVATION], v["legacy_x"]), negation(v["final_x"])),
)
LIVENESS = Goal(
    "the honest stake that runs the new rules can finalize a block on its own",
    "3 * hu > 2 * n",
    lambda v: 3 * v[HONEST_UPGRADED] > 2 * v[TOTAL],
)


def _support_case(why: str) -> Any:
    """The counterexample's measured stake classes as the tally of a hard fork's vote."""

    def regression(values: Mapping[str, int]) -> RegressionCase:
        signalled = {HONEST_UPGRADED, BYZANTINE_SIGNALLED}
        stakes = ", ".join(f"{name} = {values[name]}" for name in (*MEASURED, *JOINED) if name in values)
        return RegressionCase(
            "upgrade_support",
            f"hard fork vote with stake {stakes}: {why}",
            {
                "kind": UpgradeKind.HARD_FORK.value,
                "validators": [
                    {"id": name, "stake": values[name], "supports": name in signalled} for name in MEASURED
                ],
            },
            presets=(PRESET,),
        )

    return regression


def _after_activation(v: Values) -> Any:
    return v[HEIGHT] >= v[ACTIVATION]


def obligations() -> tuple[Obligation, ...]:
    """The activation-safety obligations."""
    bps = _hard_fork_threshold()
    two_blocks = Model(MEASURED, BLOCKS)
    assumptions = (
        *two_blocks.domain(),
        two_blocks.a1(),
        two_blocks.a2(),
        two_blocks.a3(),
        two_blocks.a4(),
        two_blocks.a5(),
    )
    kernels = (kernel_in(classification, "meets_threshold"), upgrade_policy, classification.tally_support)
    no_conflict = Obligation(
        id="PRF-10",
        title="No two conflicting blocks are final at one height (goal i)",
        statement=(
            "With the validator set at the activation height split into honest-upgraded, honest-legacy, "
            "byzantine-signalled and byzantine-not-signalled stake, under A1 to A5, two different blocks at "
            "one height are never both final. The drop-one check shows that this goal does not depend on "
            "the signalled support (A5) nor on which rules a validator runs (A2): it is the classic quorum "
            "intersection of A1, A3 and A4."
        ),
        requirements=REQUIREMENTS,
        variables=two_blocks.variables(),
        assumptions=assumptions,
        goal=NO_CONFLICT,
        witness=Witness(
            "a block final at or after activation",
            "final_x and height >= activation",
            lambda v: all_of(v["final_x"], _after_activation(v)),
        ),
        mutants=(
            Mutant(
                "non-strict-quorum",
                MutantKind.ASSUMPTION,
                "finality with a non-strict quorum 3S >= 2N, together with the non-strict fault bound 3B "
                "<= N",
                _support_case("the stake of two conflicting final blocks under a non-strict quorum"),
                assumptions=tuple(two_blocks.a4(strict=False) if a.name == "A4" else a for a in assumptions),
                smallest=TOTAL,
            ),
        ),
        kernels=kernels,
        logic="QF_LIA",
        encoding=ENCODING,
        not_proven=(
            "Anything about more than one height or about the fork choice: the obligation is about one "
            "height.",
            "That validators behave as A1 and A2 say: those are assumptions about honest software.",
        ),
    )
    no_legacy = Obligation(
        id="PRF-11",
        title="No legacy-rules block is final at or after activation (goal ii)",
        statement=(
            "Under the same model and assumptions A1 to A5, a block built under the legacy rules at or after "
            "the activation height is never final: the legacy chain cannot continue as a final chain, so "
            "together with PRF-10 the activation does not split the network. This goal needs A5: with less "
            "signalled support, the legacy validators and the byzantine stake together can reach a quorum."
        ),
        requirements=REQUIREMENTS,
        variables=two_blocks.variables(),
        assumptions=assumptions,
        goal=NO_LEGACY_FINALITY,
        witness=Witness(
            "a block built under the new rules final at or after activation",
            "final_x and not legacy_x and height >= activation",
            lambda v: all_of(v["final_x"], negation(v["legacy_x"]), _after_activation(v)),
        ),
        mutants=(
            Mutant(
                "threshold-in-percent",
                MutantKind.KERNEL,
                f"A5 through the threshold test with the hard-fork threshold in percent ({bps // 100}) "
                "instead "
                f"of basis points ({bps})",
                _support_case(
                    "support that a threshold read in percent accepts, lets a legacy block be final"
                ),
                assumptions=tuple(two_blocks.a5(bps // 100) if a.name == "A5" else a for a in assumptions),
                smallest=TOTAL,
            ),
            Mutant(
                "liveness",
                MutantKind.CLAIM,
                "NOT CLAIMED: that 80% signalled support lets the upgraded chain finalize; byzantine stake "
                "may "
                "signal and then withhold its signatures",
                _support_case(
                    "signalled support meets the threshold, yet the honest upgraded stake cannot "
                    "finalize alone"
                ),
                goal=LIVENESS,
                smallest=TOTAL,
            ),
        ),
        kernels=kernels,
        logic="QF_LIA",
        encoding=ENCODING,
        not_proven=(
            "Liveness of the upgraded chain: with byzantine stake that signalled falsely, the honest "
            "upgraded "
            "stake may be two thirds or less of the total and unable to finalize (the refutation `liveness` "
            "below gives the smallest such validator set).",
            f"Presets other than {PRESET}: the model uses {PRESET}'s hard-fork threshold ({bps} basis "
            "points).",
        ),
    )
    joining = Model((*MEASURED, *JOINED), ("x",))
    joined_assumptions = (
        *joining.domain(),
        joining.a2(),
        joining.a3(),
        joining.a4(),
        joining.a5(),
        joining.a6(),
    )
    join_bound = Obligation(
        id="PRF-12",
        title="Stake joining between measurement and activation is tolerated up to the derived bound",
        statement=(
            "Support is measured on the stake present at the vote (n0); stake may join before activation, "
            "honest (it did not signal, so it runs the legacy rules) or byzantine, and the fault bound A3 "
            "holds for the total at activation. A legacy-rules block at or after activation is never final "
            "as "
            "long as the joined stake J satisfies 2J <= (3t - 2) n0, t the threshold as a fraction: 5J <= n0 "
            "at 80%. The bound is derived from the worst case (honest upgraded stake hu >= t n0 - n/3 and a "
            "legacy quorum needs n > 3 hu) and is tight: one unit of stake more and a legacy block can be "
            "final."
        ),
        requirements=REQUIREMENTS,
        variables=joining.variables(),
        assumptions=joined_assumptions,
        goal=NO_LEGACY_FINALITY,
        witness=Witness(
            "stake has joined up to the bound and a new-rules block is final after activation",
            f"2 * {BASIS_POINTS} * (jl + jb) == {3 * bps - 2 * BASIS_POINTS} * n0 and final_x and not "
            "legacy_x "
            "and height >= activation",
            lambda v: all_of(
                2 * BASIS_POINTS * (v[JOINED_HONEST] + v[JOINED_BYZANTINE])
                == (3 * bps - 2 * BASIS_POINTS) * v[MEASURED_TOTAL],
                v[MEASURED_TOTAL] > 0,
                v["final_x"],
                negation(v["legacy_x"]),
                _after_activation(v),
            ),
        ),
        mutants=(
            Mutant(
                "one-past-the-bound",
                MutantKind.ASSUMPTION,
                "the joined stake allowed one unit beyond the derived bound",
                _support_case(
                    "the measured support that, with one unit of stake joined past the bound, lets a "
                    "legacy block be final"
                ),
                assumptions=tuple(joining.a6(slack=1) if a.name == "A6" else a for a in joined_assumptions),
                smallest=MEASURED_TOTAL,
            ),
        ),
        kernels=kernels,
        logic="QF_LIA",
        encoding=ENCODING,
        not_proven=(
            "Stake that leaves between measurement and activation: the model only lets stake join.",
            "Goal (i) for this variant is not restated: of A1 to A5, PRF-10 needs only A1, A3 and A4 at "
            "activation, which this variant keeps.",
            f"Presets other than {PRESET}: the bound is derived from {PRESET}'s hard-fork threshold ({bps} "
            "basis points).",
        ),
    )
    return (no_conflict, no_legacy, join_bound)
