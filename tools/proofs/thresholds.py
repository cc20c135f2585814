"""Obligations PRF-1 to PRF-9: every threshold test means exactly its rational threshold.

A threshold test of the reference is a cross-multiplication (GEN-5): `meets_threshold` in
`reference/kernels.py`, called by the support tally of classification (CLS-6) and, through
that tally, by the vote of the coordination lifecycle (HFC-8, HFC-14). These obligations prove
that the executed test agrees with the exact rational statement support / total >=
threshold / 10000 for all integer stakes, with no upper bound (so totals beyond 2^64 are
covered), and refute the classic wrong variants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forkspec import classification, coordination
from forkspec.classification import UpgradeKind, upgrade_policy
from forkspec.presets import BASIS_POINTS, load_preset, preset_names
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
    any_of,
    floor_division,
    integers,
    kernel_in,
    ratio_at_least,
)
from forkspec.versioning import UINT64_MAX

COORDINATED = (UpgradeKind.SOFT_FORK, UpgradeKind.HARD_FORK)
REQUIREMENTS = ("GEN-5", "CLS-2", "CLS-6", "HFC-8", "HFC-14")
ENCODING = (
    "Stakes and thresholds are SMT-LIB Int, unbounded, so every total the encoding allows "
    "(including totals beyond 2^64, a sum of 64-bit stakes) is covered; no bit-vector width is "
    "assumed. The kernel is evaluated on z3 Int terms by calling the very function object the "
    "reference executes, which gives the cross-multiplication as an Int formula. The rational "
    "meaning is stated over Real: to_real(support) >= (threshold / 10000) * to_real(total), the "
    "threshold's fraction of the total as an exact rational number; no abstraction is made."
)
SUPPORT, TOTAL, THRESHOLD = "support", "total", "threshold_bps"
VARIABLES = integers(
    (SUPPORT, "the stake in support of the upgrade"),
    (TOTAL, "the total stake of the validator set"),
)
STAKES = (
    Assumption("D1", "support is non-negative", "support >= 0", lambda v: v[SUPPORT] >= 0),
    Assumption(
        "D2", "the total stake is positive (NO_STAKE otherwise, CLS-7)", "total > 0", lambda v: v[TOTAL] > 0
    ),
    Assumption(
        "D3", "the support is part of the total", "support <= total", lambda v: v[SUPPORT] <= v[TOTAL]
    ),
)


def _kernel() -> Callable[..., Any]:
    """The threshold test as classification's tally calls it (coordination's vote calls that tally)."""
    return kernel_in(classification, "meets_threshold")


def _kind_of_threshold(bps: int) -> UpgradeKind:
    """The coordinated kind whose threshold is `bps` under every preset (the regression vector's kind)."""
    return next(kind for kind in COORDINATED if _threshold(kind, preset_names()[0]) == bps)


def _threshold(kind: UpgradeKind, preset: str) -> int:
    return upgrade_policy(kind, load_preset(preset)).threshold_bps


def _stakes(amount: int, supports: bool, prefix: str) -> list[dict[str, Any]]:
    """Validators holding `amount` of stake in pieces of at most 2^64 - 1 (CLS-7); one even for 0."""
    pieces = [UINT64_MAX] * (amount // UINT64_MAX) + ([amount % UINT64_MAX] if amount % UINT64_MAX else [])
    return [
        {"id": f"{prefix}{index}", "stake": stake, "supports": supports}
        for index, stake in enumerate(pieces or [0])
    ]


def support_case(kind: UpgradeKind, support: int, total: int, why: str) -> RegressionCase:
    """An upgrade_support case with `support` of `total` stake in support of an upgrade of `kind`."""
    return RegressionCase(
        "upgrade_support",
        f"{kind}: {support} of {total} stake supports; {why}",
        {
            "kind": kind.value,
            "validators": _stakes(support, True, "yes") + _stakes(total - support, False, "no"),
        },
        presets=tuple(preset_names()),
    )


# The wrong variants of the threshold test, each on (support, total, threshold_bps).
def truncating_division(support: Any, total: Any, threshold_bps: Any) -> Any:
    """The required stake rounded down by a truncating division, as int(total * threshold / 10000) does."""
    return support >= floor_division(total * threshold_bps, BASIS_POINTS)


def strict_comparison(support: Any, total: Any, threshold_bps: Any) -> Any:
    """`>` for `>=`: the threshold exactly met is missed."""
    return support * BASIS_POINTS > threshold_bps * total


def percent_scale(support: Any, total: Any, threshold_bps: Any) -> Any:
    """Support scaled by 100 as if the threshold were a percentage, while it is in basis points."""
    return support * 100 >= threshold_bps * total


def percent_threshold(support: Any, total: Any, threshold_bps: Any) -> Any:
    """The right kernel given the threshold in percent (80) instead of basis points (8000)."""
    return _kernel()(support, total, threshold_bps // 100)


KERNEL_MUTANTS: tuple[tuple[str, str, Callable[..., Any]], ...] = (
    ("truncating-division", "support >= total * threshold_bps div 10000", truncating_division),
    ("strict-comparison", "support * 10000 > threshold_bps * total", strict_comparison),
    ("percent-scale", "support * 100 >= threshold_bps * total", percent_scale),
)


def _agrees(test: Callable[..., Any], threshold: Callable[[Values], Any]) -> Callable[[Values], Any]:
    """The predicate: `test` on (support, total, threshold) equals the rational statement."""

    def holds(v: Values) -> Any:
        bps = threshold(v)
        return test(v[SUPPORT], v[TOTAL], bps) == ratio_at_least(v[SUPPORT], v[TOTAL], bps, BASIS_POINTS)

    return holds


def _fixed(bps: int) -> Callable[[Values], Any]:
    """The predicate-style threshold that is `bps` whatever the values."""
    return lambda _: bps


def _at_threshold_beyond_64_bits(threshold: Callable[[Values], Any]) -> Callable[[Values], Any]:
    return lambda v: all_of(v[TOTAL] > 2**64, v[SUPPORT] * BASIS_POINTS == threshold(v) * v[TOTAL])


def _mutant(
    name: str, words: str, test: Callable[..., Any], threshold: Callable[[Values], Any], bounds: Any
) -> Mutant:
    def regression(values: Mapping[str, int]) -> RegressionCase:
        kind = _kind_of_threshold(values.get(THRESHOLD, threshold(values)))
        return support_case(
            kind,
            values[SUPPORT],
            values[TOTAL],
            f"the threshold test {words} answers otherwise than the exact ratio",
        )

    return Mutant(
        name,
        MutantKind.KERNEL,
        f"{(test.__doc__ or '').strip().rstrip('.')}: the threshold test written {words}",
        regression,
        goal=Goal(
            f"{words} agrees with the exact ratio",
            f"({words}) == (support >= threshold / 10000 * total)",
            _agrees(test, threshold),
        ),
        bounds=bounds,
        smallest=TOTAL,
    )


def general_obligation() -> Obligation:
    """PRF-1: the kernel for any threshold in 0..10000 basis points."""
    preset_thresholds = sorted({_threshold(kind, name) for kind in COORDINATED for name in preset_names()})
    threshold: Callable[[Values], Any] = lambda v: v[THRESHOLD]  # noqa: E731
    in_presets = lambda v: any_of(*(v[THRESHOLD] == bps for bps in preset_thresholds))  # noqa: E731
    return Obligation(
        id="PRF-1",
        title="meets_threshold is exactly 'support is at least threshold / 10000 of total', any threshold",
        statement=(
            "For every integer stake and every threshold from 0 to 10000 basis points, the threshold "
            "test the reference executes is true exactly when the supporting stake is at least the "
            "threshold's fraction of the total, as exact rational numbers. There is no upper bound on "
            "the stakes, so totals beyond 2^64 are included. The domain assumptions state what the tally "
            "passes; the drop-one check shows whether the agreement needs them."
        ),
        requirements=REQUIREMENTS,
        variables=(*VARIABLES, *integers((THRESHOLD, "the threshold in basis points"))),
        assumptions=(
            *STAKES,
            Assumption(
                "D4",
                "the threshold is a percentage in basis points",
                "0 <= threshold_bps <= 10000",
                lambda v: all_of(v[THRESHOLD] >= 0, v[THRESHOLD] <= BASIS_POINTS),
            ),
        ),
        goal=Goal(
            "meets_threshold(support, total, threshold_bps) agrees with the exact ratio",
            "meets_threshold(support, total, threshold_bps) == (support >= threshold_bps / 10000 * total)",
            _agrees(_kernel(), threshold),
        ),
        witness=Witness(
            f"a total beyond 2^64 with the support exactly at the threshold {preset_thresholds[-1]}",
            "total > 2^64 and support * 10000 == threshold_bps * total and threshold_bps == "
            f"{preset_thresholds[-1]}",
            lambda v: all_of(
                _at_threshold_beyond_64_bits(threshold)(v), v[THRESHOLD] == preset_thresholds[-1]
            ),
        ),
        mutants=tuple(
            _mutant(name, words, test, threshold, in_presets) for name, words, test in KERNEL_MUTANTS
        ),
        kernels=(_kernel(),),
        logic="QF_NIRA",
        encoding=ENCODING + " The threshold is a variable here, so both products are nonlinear: QF_NIRA. "
        f"Each mutant's counterexample is bounded to a threshold of a preset "
        f"({' or '.join(map(str, preset_thresholds))}), so that it becomes an upgrade_support vector.",
        not_proven=(
            "Thresholds outside 0..10000 basis points (no preset has one; the preset schema bounds them).",
            "The signaling test count >= threshold inside the signaling state steps (SIG-7, SIG-8, SIG-11): "
            "it compares two block counts with no scaling, so its rational meaning (count / period >= "
            "threshold / period) is the same comparison; it is covered where the step kernels are "
            "evaluated on solver terms, by the signaling obligations (PRF-30 to PRF-44).",
        ),
    )


def kind_obligation(identifier: str, kind: UpgradeKind) -> Obligation:
    """The threshold test of `kind` as the tally and the vote execute it, under every preset."""
    presets = preset_names()

    by_threshold: dict[int, list[str]] = {}
    for name in presets:
        by_threshold.setdefault(_threshold(kind, name), []).append(name)

    def agrees_under_every_preset(test: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: all_of(*(_agrees(test, _fixed(bps))(v) for bps in by_threshold))

    percents = ", ".join(f"{_threshold(kind, name) / 100:g}% under {name}" for name in presets)
    first = presets[0]
    threshold = _fixed(_threshold(kind, first))
    return Obligation(
        id=identifier,
        title=f"{kind} support is met exactly at its threshold ({percents})",
        statement=(
            f"For every integer stake, the support tally of a {kind} (classification, CLS-6) and the "
            f"vote that approves a {kind} proposal (coordination, HFC-8, which calls that tally) are met "
            f"exactly when support / total is at least the {kind} threshold of the preset, as an exact "
            f"rational number: {percents}. The threshold is the one the reference looks up "
            f"(upgrade_policy), under every preset. The domain assumptions state what the tally passes; the "
            f"drop-one check shows whether the agreement needs them."
        ),
        requirements=REQUIREMENTS,
        variables=VARIABLES,
        assumptions=STAKES,
        goal=Goal(
            f"the {kind} threshold test agrees with the exact ratio under every preset",
            " and ".join(
                f"meets_threshold(support, total, {bps}) == (support >= {bps} / 10000 * total) "
                f"[{', '.join(names)}]"
                for bps, names in by_threshold.items()
            ),
            agrees_under_every_preset(_kernel()),
        ),
        witness=Witness(
            f"a total beyond 2^64 with the support exactly at the {kind} threshold of {first}",
            f"total > 2^64 and support * 10000 == {_threshold(kind, first)} * total",
            _at_threshold_beyond_64_bits(threshold),
        ),
        mutants=(
            Mutant(
                "percent-threshold",
                MutantKind.KERNEL,
                f"the {kind} threshold passed in percent ({_threshold(kind, first) // 100}) instead of "
                f"basis points ({_threshold(kind, first)})",
                lambda values: support_case(
                    kind,
                    values[SUPPORT],
                    values[TOTAL],
                    "a threshold read in percent instead of basis points would accept it",
                ),
                goal=Goal(
                    "the threshold test in percent agrees with the exact ratio",
                    "meets_threshold(support, total, threshold_bps div 100) == (support >= "
                    "threshold_bps / 10000 * total)",
                    agrees_under_every_preset(percent_threshold),
                ),
                smallest=TOTAL,
            ),
            _mutant(*KERNEL_MUTANTS[0], threshold, None),
        ),
        kernels=(
            _kernel(),
            upgrade_policy,
            classification.tally_support,
            kernel_in(coordination, "_close_voting"),
        ),
        logic="QF_LIRA",
        encoding=ENCODING + " With the threshold a constant of the preset, the logic is linear: QF_LIRA. "
        "tally_support sums the validators' stakes and checks their ranges with Python "
        "code that is not part of the formula: the obligation covers the threshold test on the sums, which "
        "are arbitrary non-negative integers; the regression vectors exercise the summing.",
        not_proven=(
            "That the sums passed to the test are the right sums of the validator set: that is exercised "
            "by the upgrade_support and proposal_lifecycle vectors, not proved.",
        ),
    )


def obligations() -> tuple[Obligation, ...]:
    """The threshold obligations."""
    return (
        general_obligation(),
        kind_obligation("PRF-2", UpgradeKind.SOFT_FORK),
        kind_obligation("PRF-3", UpgradeKind.HARD_FORK),
    )
