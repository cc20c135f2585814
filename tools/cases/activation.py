"""Cases of the activation area (spec/activation.md): signaling, height-based and fixed activation.

Most cases use the minimal preset's short period so that every boundary is a handful of runs;
the mainnet cases show the same rules at 2016 blocks with compact runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from forkspec.activation import MAX_PERIODS, UINT32_MAX
from forkspec.presets import load_preset
from forkspec.tools.cases import CaseSpec, generic_invalid_cases

BIT = 1
SIGNAL = 0x20000000 | 1 << BIT
NO_SIGNAL = 0x20000000
WRONG_TOP_BITS = 0x60000000 | 1 << BIT
START = 1_700_000_000
TIMEOUT = START + 1_000_000
UINT64_MAX = 2**64 - 1
VARIANTS = ("bip9", "speedy_trial")

Json = dict[str, Any]


def run(count: int, version: int, time: int, time_step: int = 0) -> Json:
    """A run of blocks as the chain input writes it."""
    block_run: Json = {"count": count, "version": version, "time": time}
    if time_step:
        block_run["time_step"] = time_step
    return block_run


def time_deployment(rules: str, period: int, threshold: int, **overrides: int) -> Json:
    """A time-signaling deployment on BIT with START and TIMEOUT unless overridden."""
    deployment: Json = {
        "method": rules,
        "bit": BIT,
        "period": period,
        "threshold": threshold,
        "start_time": START,
        "timeout": TIMEOUT,
    }
    if rules == "speedy_trial":
        deployment["min_activation_height"] = 0
    deployment.update(overrides)
    return deployment


def boundaries(periods: int, period: int) -> list[int]:
    """Every period's first height up to and including the one after `periods` periods."""
    return [index * period for index in range(periods + 1)]


def _states(
    slug: str,
    requirements: tuple[str, ...],
    description: str,
    deployment: Json,
    chain: list[Json],
    heights: list[int],
    preset: str,
) -> CaseSpec:
    method = deployment["method"]
    features = (method,) if method in ("bip9", "speedy_trial", "bip8") else ()
    return CaseSpec(
        "deployment_states",
        slug,
        requirements,
        description,
        {"deployment": deployment, "chain": chain, "heights": heights},
        presets=(preset,),
        features=features,
    )


def _signaling_by_time(preset: str) -> Iterator[CaseSpec]:
    """Both variants on the same chains, so that where they disagree the vectors show both answers."""
    parameters = load_preset(preset)
    period, threshold = parameters.signaling_period, parameters.signaling_threshold
    before, at = START - 1, START
    started_chain = [run(period, NO_SIGNAL, at), run(period, NO_SIGNAL, at)]
    for rules in VARIANTS:
        make = partial(time_deployment, rules, period, threshold)
        tag = rules.replace("_", "-")
        yield _states(
            f"{tag}-full-activation",
            ("SIG-1", "SIG-2", "SIG-7", "SIG-8", "SIG-14"),
            f"{rules}: DEFINED, STARTED, LOCKED_IN, ACTIVE, checked at both ends of each period",
            make(),
            [
                run(period, NO_SIGNAL, before),
                run(period, NO_SIGNAL, at),
                run(period, SIGNAL, at),
                run(2 * period, NO_SIGNAL, at),
            ],
            sorted({*boundaries(5, period), *(index * period - 1 for index in range(1, 6))}),
            preset,
        )
        for mtp, slug, why in (
            (before, "mtp-one-second-before-start", "one second before"),
            (at, "mtp-exactly-at-start", "exactly at"),
        ):
            yield _states(
                f"{tag}-{slug}",
                ("SIG-4", "SIG-7", "SIG-8"),
                f"{rules}: the median time past of the block before the boundary is {why} start_time",
                make(),
                [run(period, NO_SIGNAL, mtp)],
                [0, period],
                preset,
            )
        yield _states(
            f"{tag}-mtp-is-a-median-not-the-last-time",
            ("SIG-4",),
            f"{rules}: the block before the boundary is past start_time, the median of 11 is not",
            make(),
            [run(2 * period - 1, NO_SIGNAL, before), run(1, NO_SIGNAL, at + 1)],
            [2 * period],
            preset,
        )
        # Strictly increasing times tell apart the window (eleven blocks, the block itself
        # included) and the upper median of an even count near genesis.
        rising = [run(2 * period, NO_SIGNAL, START - 2 * period + 1, 1)]
        for offset, slug, why in (
            (
                -5,
                "mtp-includes-the-block-itself",
                "the median is the sixth-last time, counting the block itself",
            ),
            (-4, "mtp-spans-eleven-blocks", "a window of ten blocks would put the median one block later"),
        ):
            yield _states(
                f"{tag}-{slug}",
                ("SIG-4",),
                f"{rules}: times rise 1 s a block, start_time is {offset} s from the last: {why}",
                make(start_time=START + offset),
                rising,
                [period, 2 * period],
                preset,
            )
        yield _states(
            f"{tag}-mtp-upper-median-of-an-even-count",
            ("SIG-4",),
            f"{rules}: {period} rising times before the first boundary, the median is element {period // 2}",
            make(start_time=START - 2 * period + 1 + period // 2),
            rising,
            [period],
            preset,
        )
        for count, slug in ((threshold, "exactly-threshold"), (threshold - 1, "one-below-threshold")):
            yield _states(
                f"{tag}-{slug}-signals",
                ("SIG-6", "SIG-7", "SIG-8"),
                f"{rules}: {count} of {period} blocks signal against a threshold of {threshold}",
                make(),
                [*started_chain, run(count, SIGNAL, at), run(period - count, NO_SIGNAL, at)],
                [2 * period, 3 * period],
                preset,
            )
        yield _states(
            f"{tag}-wrong-top-bits-do-not-signal",
            ("SIG-6",),
            f"{rules}: blocks with the bit set but top bits 011 do not count",
            make(),
            [*started_chain, run(period, WRONG_TOP_BITS, at)],
            [3 * period],
            preset,
        )
        yield _states(
            f"{tag}-timeout-and-lock-in-in-one-period",
            ("SIG-5", "SIG-7", "SIG-8"),
            f"{rules}: a full period of signals and a median time past at the timeout at the same boundary",
            make(),
            [*started_chain, run(period, SIGNAL, TIMEOUT), run(period, NO_SIGNAL, TIMEOUT)],
            [2 * period, 3 * period, 4 * period],
            preset,
        )
        yield _states(
            f"{tag}-timeout-while-defined",
            ("SIG-5", "SIG-7", "SIG-8"),
            f"{rules}: the median time past jumps from before start_time to the timeout",
            make(),
            [run(period, NO_SIGNAL, before), run(period, SIGNAL, TIMEOUT), run(period, NO_SIGNAL, TIMEOUT)],
            boundaries(3, period),
            preset,
        )
        yield _states(
            f"{tag}-timeout-without-lock-in",
            ("SIG-7", "SIG-8"),
            f"{rules}: STARTED until the median time past reaches the timeout, then FAILED for good",
            make(),
            [*started_chain, run(period, NO_SIGNAL, TIMEOUT), run(period, SIGNAL, TIMEOUT)],
            boundaries(4, period),
            preset,
        )
        yield _states(
            f"{tag}-active-is-final",
            ("SIG-2", "SIG-7", "SIG-8"),
            f"{rules}: ACTIVE stays ACTIVE when signaling stops and the timeout passes",
            make(),
            [*started_chain, run(period, SIGNAL, at), run(3 * period, NO_SIGNAL, TIMEOUT)],
            boundaries(6, period),
            preset,
        )
        yield _states(
            f"{tag}-highest-bit",
            ("SIG-3", "SIG-6"),
            f"{rules}: a deployment on bit 28 locks in from versions 0x30000000",
            make(bit=28),
            [*started_chain, run(period, 0x30000000, at), run(period, NO_SIGNAL, at)],
            [3 * period, 4 * period],
            preset,
        )
    for minimum, why in ((0, "before"), (4 * period, "exactly at"), (4 * period + 1, "one block after")):
        yield _states(
            f"speedy-trial-min-activation-height-{minimum}",
            ("SIG-8", "SIG-9"),
            f"speedy_trial: locked in at {3 * period}, min_activation_height {why} the next period start",
            time_deployment("speedy_trial", period, threshold, min_activation_height=minimum),
            [*started_chain, run(period, SIGNAL, at), run(3 * period, NO_SIGNAL, at)],
            boundaries(6, period),
            preset,
        )


def _mainnet_thresholds() -> Iterator[CaseSpec]:
    """The 2016-block period with the 95%, 90% and 75% thresholds, at their exact boundaries."""
    period = load_preset("mainnet").signaling_period
    for threshold in (1916, 1815, 1512):
        for count in (threshold, threshold - 1):
            yield _states(
                f"bip9-threshold-{threshold}-with-{count}-signals",
                ("SIG-3", "SIG-6", "SIG-7"),
                f"bip9 at mainnet scale: {count} signaling blocks of {period} against {threshold}",
                time_deployment("bip9", period, threshold),
                [
                    run(2 * period, NO_SIGNAL, START),
                    run(period - count, NO_SIGNAL, START),
                    run(count, SIGNAL, START, 1),
                    run(period, NO_SIGNAL, START + count),
                ],
                [3 * period - 1, 3 * period, 4 * period],
                "mainnet",
            )
    for rules in VARIANTS:
        yield _states(
            f"{rules.replace('_', '-')}-lock-in-and-timeout-at-mainnet-scale",
            ("SIG-5", "SIG-7", "SIG-8"),
            f"{rules} at mainnet scale: the signaling period ends with its median time past at the timeout",
            time_deployment(rules, period, 1916),
            [
                run(2 * period, NO_SIGNAL, START, 1),
                run(period - 11, SIGNAL, START + 2 * period, 1),
                run(11, SIGNAL, TIMEOUT),
                run(period, NO_SIGNAL, TIMEOUT, 600),
            ],
            [2 * period, 3 * period, 4 * period],
            "mainnet",
        )


def _signaling_by_height(preset: str) -> Iterator[CaseSpec]:
    parameters = load_preset(preset)
    period, threshold = parameters.signaling_period, parameters.signaling_threshold

    def deployment(lock_in_on_timeout: bool) -> Json:
        return {
            "method": "bip8",
            "bit": BIT,
            "period": period,
            "threshold": threshold,
            "start_height": period,
            "timeout_height": 4 * period,
            "lock_in_on_timeout": lock_in_on_timeout,
        }

    heights = boundaries(6, period)
    silent = [run(7 * period, NO_SIGNAL, START)]
    for lot in (False, True):
        tag = "lot" if lot else "no-lot"
        yield _states(
            f"bip8-{tag}-silent-chain",
            ("SIG-10", "SIG-11"),
            f"bip8 with lock_in_on_timeout {lot}: no block ever signals",
            deployment(lot),
            silent,
            heights,
            preset,
        )
        yield _states(
            f"bip8-{tag}-lock-in-by-signals",
            ("SIG-11",),
            f"bip8 with lock_in_on_timeout {lot}: a full period of signals locks in before the timeout",
            deployment(lot),
            [
                run(2 * period, NO_SIGNAL, START),
                run(period, SIGNAL, START),
                run(4 * period, NO_SIGNAL, START),
            ],
            heights,
            preset,
        )
        yield _states(
            f"bip8-{tag}-lock-in-in-last-started-period",
            ("SIG-11",),
            f"bip8 with lock_in_on_timeout {lot}: the threshold met in the last STARTED period wins",
            deployment(lot),
            # The last STARTED period is the one before the timeout without lock_in_on_timeout,
            # and the one before MUST_SIGNAL with it.
            [
                run((2 if lot else 3) * period, NO_SIGNAL, START),
                run(threshold, SIGNAL, START),
                run((4 if lot else 3) * period, NO_SIGNAL, START),
            ],
            heights,
            preset,
        )
        yield CaseSpec(
            "deployment_validity",
            f"bip8-{tag}-silent-chain",
            ("SIG-12", "SIG-13"),
            f"bip8 with lock_in_on_timeout {lot}: the first block that mandatory signaling rejects",
            {"deployment": deployment(lot), "chain": silent},
            presets=(preset,),
            features=("bip8",),
        )
    must_signal_start = 3 * period
    allowed = period - threshold
    for failures, why in (
        (allowed, "exactly the allowed number of"),
        (allowed + 1, "one more than the allowed"),
    ):
        yield CaseSpec(
            "deployment_validity",
            f"bip8-must-signal-{failures}-failures",
            ("SIG-12", "SIG-13"),
            f"bip8 MUST_SIGNAL period with {why} non-signaling blocks, the failures last",
            {
                "deployment": deployment(True),
                "chain": [
                    run(must_signal_start, NO_SIGNAL, START),
                    run(period - failures, SIGNAL, START),
                    run(failures, NO_SIGNAL, START),
                    run(period, NO_SIGNAL, START),
                ],
            },
            presets=(preset,),
            features=("bip8",),
        )
    yield CaseSpec(
        "deployment_validity",
        "bip8-must-signal-wrong-top-bits",
        ("SIG-6", "SIG-13"),
        "bip8 MUST_SIGNAL period whose blocks set the bit with top bits 011",
        {
            "deployment": deployment(True),
            "chain": [run(must_signal_start, NO_SIGNAL, START), run(period, WRONG_TOP_BITS, START)],
        },
        presets=(preset,),
        features=("bip8",),
    )
    for slug, requirement, description, bad_deployment, bad_chain in (
        (
            "invalid-deployment",
            "SIG-10",
            "a bip8 timeout_height that is not a period boundary",
            {**deployment(True), "timeout_height": 4 * period + 1},
            silent,
        ),
        (
            "invalid-chain",
            "ACT-5",
            "a chain whose block times decrease",
            deployment(True),
            [run(2, NO_SIGNAL, START), run(1, NO_SIGNAL, START - 1)],
        ),
    ):
        yield CaseSpec(
            "deployment_validity",
            slug,
            (requirement,),
            description,
            {"deployment": bad_deployment, "chain": bad_chain},
            presets=(preset,),
            features=("bip8",),
        )
    yield CaseSpec(
        "deployment_validity",
        "bip9-has-no-mandatory-signaling",
        ("SIG-12",),
        "a time-signaling deployment never makes a block invalid",
        {"deployment": time_deployment("bip9", period, threshold), "chain": silent},
        presets=(preset,),
        features=("bip9",),
    )


def _fixed(preset: str) -> Iterator[CaseSpec]:
    period = load_preset(preset).signaling_period
    chain = [run(3 * period, NO_SIGNAL, START)]
    at = period + 3
    yield _states(
        "height-activation",
        ("ACT-1", "ACT-3"),
        f"fixed activation at height {at}: before, at and after",
        {"method": "height", "activation_height": at},
        chain,
        [0, at - 1, at, at + 1, 3 * period],
        preset,
    )
    yield _states(
        "height-activation-at-genesis",
        ("ACT-1", "ACT-3"),
        "fixed activation at height 0",
        {"method": "height", "activation_height": 0},
        chain,
        [0, 1],
        preset,
    )
    for method in ("always_active", "never_active"):
        yield _states(
            method.replace("_", "-"),
            ("ACT-2", "ACT-3"),
            f"{method} at every height",
            {"method": method},
            chain,
            [0, period, 3 * period],
            preset,
        )


def _run_boundaries(preset: str) -> Iterator[CaseSpec]:
    """Period boundaries inside a run, count windows over several runs, medians inside a stepped run."""
    parameters = load_preset(preset)
    period, threshold = parameters.signaling_period, parameters.signaling_threshold
    for rules in VARIANTS:
        make = partial(time_deployment, rules, period, threshold)
        tag = rules.replace("_", "-")
        yield _states(
            f"{tag}-period-boundary-inside-a-run",
            ("SIG-1", "SIG-6", "ACT-4"),
            f"{rules}: one run of signaling blocks covers two whole periods; the boundary between "
            "them falls inside the run",
            make(),
            [run(period, NO_SIGNAL, START), run(2 * period, SIGNAL, START)],
            boundaries(3, period),
            preset,
        )
        # The period [period, 2*period) starts inside a run of 5 signaling blocks (3 of them in the
        # period) and ends inside another signaling run that continues into the next period; the
        # non-signaling run between them sets the count.
        for signals, slug in ((threshold, "exactly-threshold"), (threshold - 1, "one-below-threshold")):
            gap = period - signals
            yield _states(
                f"{tag}-count-window-over-several-runs-{slug}",
                ("SIG-6", "ACT-4"),
                f"{rules}: {signals} signals in a period that starts and ends inside signaling runs",
                make(),
                [
                    run(period - 2, NO_SIGNAL, START),
                    run(5, SIGNAL, START),
                    run(gap, NO_SIGNAL, START),
                    run(period - 3 - gap + 1, SIGNAL, START),
                    run(2 * period, NO_SIGNAL, START),
                ],
                [period, 2 * period, 3 * period],
                preset,
            )
        # A stepped run from height 5: the median time past of block 2*period-1 is the time of
        # block 2*period-6, the run's block 2*period-11, at `base + 2*period - 11`.
        base = START - 100
        median = base + 2 * period - 11
        for start_time, why in ((median, "exactly at"), (median + 1, "one second after")):
            yield _states(
                f"{tag}-mtp-in-a-stepped-run-{why.replace(' ', '-')}-start",
                ("SIG-4", "ACT-4"),
                f"{rules}: the median time past, read from a stepped run starting at height 5, is {why} "
                "start_time",
                make(start_time=start_time),
                [run(5, NO_SIGNAL, base - 50), run(3 * period, NO_SIGNAL, base, 1)],
                [period, 2 * period, 3 * period],
                preset,
            )
    for signals, slug in ((threshold, "exactly-threshold"), (threshold - 1, "one-below-threshold")):
        yield _states(
            f"first-run-reaches-into-the-signaling-period-{slug}",
            ("SIG-6", "ACT-4"),
            f"bip9: the genesis run of signaling blocks runs {signals} blocks into the first counted period",
            time_deployment("bip9", period, threshold),
            [run(period + signals, SIGNAL, START), run(2 * period - signals, NO_SIGNAL, START)],
            [period, 2 * period, 3 * period],
            preset,
        )
    yield _states(
        "signals-in-the-last-run-of-the-chain",
        ("SIG-6", "ACT-4", "ACT-7"),
        "bip9: the counted period is the chain's last run, all signaling, asked at the chain's end",
        time_deployment("bip9", period, threshold),
        [run(period, NO_SIGNAL, START), run(period, NO_SIGNAL, START), run(period, SIGNAL, START)],
        boundaries(3, period),
        preset,
    )
    yield _states(
        "bip8-period-boundary-inside-a-run",
        ("SIG-1", "SIG-11", "ACT-4"),
        "bip8: one run of signaling blocks covers two whole periods",
        _bip8(period, threshold, period, 4 * period, False),
        [run(period, NO_SIGNAL, START), run(2 * period, SIGNAL, START)],
        boundaries(3, period),
        preset,
    )


def _bip8(period: int, threshold: int, start: int, timeout: int, lot: bool, bit: int = BIT) -> Json:
    return {
        "method": "bip8",
        "bit": bit,
        "period": period,
        "threshold": threshold,
        "start_height": start,
        "timeout_height": timeout,
        "lock_in_on_timeout": lot,
    }


def _odd_periods() -> Iterator[CaseSpec]:
    """Periods of 3 and of 1 block with a threshold of 1: no arithmetic may assume an even period."""
    for rules in VARIANTS:
        tag = rules.replace("_", "-")
        yield _states(
            f"{tag}-period-3-threshold-1",
            ("SIG-1", "SIG-3", "SIG-6"),
            f"{rules}: a period of 3 blocks, one signal locks in",
            time_deployment(rules, 3, 1),
            [
                run(3, NO_SIGNAL, START),
                run(1, NO_SIGNAL, START),
                run(1, SIGNAL, START),
                run(7, NO_SIGNAL, START),
            ],
            boundaries(4, 3),
            "minimal",
        )
        yield _states(
            f"{tag}-period-3-median-of-a-window-from-genesis",
            ("SIG-4", "ACT-6"),
            f"{rules}: at height 2 the median time past is block 1's, one second before the start",
            time_deployment(rules, 3, 1),
            [run(12, SIGNAL, START - 2, time_step=1)],
            boundaries(4, 3),
            "minimal",
        )
        yield _states(
            f"{tag}-period-1-threshold-1",
            ("SIG-1", "SIG-3"),
            f"{rules}: a period of one block, the smallest there is",
            time_deployment(rules, 1, 1),
            [run(1, NO_SIGNAL, START), run(1, SIGNAL, START), run(2, NO_SIGNAL, START)],
            boundaries(4, 1),
            "minimal",
        )
    yield _states(
        "bip8-period-3-threshold-1",
        ("SIG-3", "SIG-11"),
        "bip8: a period of 3 blocks, one signal locks in",
        _bip8(3, 1, 3, 12, True),
        [run(3, NO_SIGNAL, START), run(2, NO_SIGNAL, START), run(1, SIGNAL, START), run(9, NO_SIGNAL, START)],
        boundaries(5, 3),
        "minimal",
    )
    for lot in (False, True):
        tag = "lot" if lot else "no-lot"
        yield _states(
            f"bip8-{tag}-period-1-shortest-timeout",
            ("SIG-10", "SIG-11", "SIG-15"),
            f"bip8 with lock_in_on_timeout {lot}: period 1, start_height 1, timeout_height 3",
            _bip8(1, 1, 1, 3, lot),
            [run(5, NO_SIGNAL, START)],
            boundaries(5, 1),
            "minimal",
        )


def _bip8_edges(preset: str) -> Iterator[CaseSpec]:
    """The shortest timeout, start_height 0, and MUST_SIGNAL failures spread over runs (SIG-10 to SIG-15)."""
    parameters = load_preset(preset)
    period, threshold = parameters.signaling_period, parameters.signaling_threshold
    silent = [run(6 * period, NO_SIGNAL, START)]
    for lot in (False, True):
        tag = "lot" if lot else "no-lot"
        yield _states(
            f"bip8-{tag}-timeout-exactly-two-periods-after-start",
            ("SIG-10", "SIG-11"),
            f"bip8 with lock_in_on_timeout {lot}: timeout_height = start_height + 2 periods, the shortest",
            _bip8(period, threshold, period, 3 * period, lot),
            silent,
            boundaries(5, period),
            preset,
        )
        yield _states(
            f"bip8-{tag}-start-height-0",
            ("SIG-1", "SIG-11", "SIG-15"),
            f"bip8 with lock_in_on_timeout {lot}: start_height 0 starts at the first period after genesis",
            _bip8(period, threshold, 0, 3 * period, lot),
            silent,
            boundaries(5, period),
            preset,
        )
        yield _states(
            f"invalid-bip8-{tag}-start-height-0-timeout-two-periods",
            ("SIG-10", "SIG-15"),
            f"bip8 with lock_in_on_timeout {lot}: start_height 0 and timeout_height 2 periods leave one "
            "STARTED period and put MUST_SIGNAL at the timeout",
            _bip8(period, threshold, 0, 2 * period, lot),
            silent,
            [0],
            preset,
        )
        yield _states(
            f"bip8-{tag}-start-height-0-lock-in-in-first-period",
            ("SIG-11", "SIG-15"),
            f"bip8 with lock_in_on_timeout {lot}: start_height 0, signals in period 1 lock in",
            _bip8(period, threshold, 0, 3 * period, lot),
            [run(period, NO_SIGNAL, START), run(period, SIGNAL, START), run(3 * period, NO_SIGNAL, START)],
            boundaries(4, period),
            preset,
        )
    yield _states(
        "invalid-bip8-period-1-timeout-2",
        ("SIG-10", "SIG-15"),
        "bip8: period 1, start_height 0, timeout_height 2: the effective start is height 1",
        _bip8(1, 1, 0, 2, True),
        [run(4, NO_SIGNAL, START)],
        [0],
        preset,
    )
    deployment = _bip8(period, threshold, period, 4 * period, True)
    must_signal = 3 * period
    allowed = period - threshold
    for slug, description, runs in (
        (
            "failures-in-three-runs-one-too-many",
            f"{allowed + 1} non-signaling blocks, each in its own run between signaling runs",
            [run(1, NO_SIGNAL, START), run(1, SIGNAL, START)] * (allowed + 1),
        ),
        (
            "failures-in-two-runs-allowed",
            f"{allowed} non-signaling blocks in separate runs",
            [run(1, SIGNAL, START), run(1, NO_SIGNAL, START)] * allowed,
        ),
        (
            "failures-then-a-long-run",
            "one failure, then a run of failures that passes the allowance in its middle",
            [run(1, NO_SIGNAL, START), run(2, SIGNAL, START), run(period - 3, NO_SIGNAL, START)],
        ),
        (
            "failures-last-run-spans-into-next-period",
            "the allowance is used up at the period's end by a run that continues into the next period",
            [run(period - allowed, SIGNAL, START), run(allowed + period, NO_SIGNAL, START)],
        ),
    ):
        chain = [run(must_signal, NO_SIGNAL, START), *runs]
        length = sum(block_run["count"] for block_run in chain)
        if length < must_signal + period:
            chain.append(run(must_signal + period - length, SIGNAL, START))
        yield CaseSpec(
            "deployment_validity",
            f"bip8-must-signal-{slug}",
            ("SIG-12", "SIG-13"),
            f"bip8 MUST_SIGNAL period ({period - threshold} failures allowed): {description}",
            {"deployment": deployment, "chain": chain},
            presets=(preset,),
            features=("bip8",),
        )
    yield CaseSpec(
        "deployment_validity",
        "bip8-empty-chain",
        ("SIG-13", "ACT-4"),
        "bip8 on the empty chain: no block, none invalid",
        {"deployment": deployment, "chain": []},
        presets=(preset,),
        features=("bip8",),
    )
    fixed_and_timed: list[Json] = [
        {"method": "always_active"},
        {"method": "never_active"},
        {"method": "height", "activation_height": period},
        time_deployment("speedy_trial", period, threshold),
    ]
    for method_deployment in fixed_and_timed:
        method = str(method_deployment["method"])
        yield CaseSpec(
            "deployment_validity",
            f"{method.replace('_', '-')}-has-no-mandatory-signaling",
            ("SIG-12", "ACT-1", "ACT-2"),
            f"a {method} deployment never makes a block invalid",
            {"deployment": method_deployment, "chain": silent},
            presets=(preset,),
            features=(method,) if method == "speedy_trial" else (),
        )


def _boundary_values(preset: str) -> Iterator[CaseSpec]:
    """Valid values at the ends of their ranges: bit 0, time 0, versions 0 and 2^32-1, maximal counts."""
    parameters = load_preset(preset)
    period, threshold = parameters.signaling_period, parameters.signaling_threshold
    yield _states(
        "bip9-bit-0",
        ("SIG-3", "SIG-6"),
        "bip9 on bit 0 locks in from versions 0x20000001",
        time_deployment("bip9", period, threshold, bit=0),
        [run(period, NO_SIGNAL, START), run(period, 0x20000001, START), run(period, NO_SIGNAL, START)],
        boundaries(3, period),
        preset,
    )
    yield _states(
        "bip8-bit-0",
        ("SIG-3", "SIG-6", "SIG-11"),
        "bip8 on bit 0 locks in from versions 0x20000001",
        _bip8(period, threshold, period, 4 * period, False, bit=0),
        [run(period, NO_SIGNAL, START), run(period, 0x20000001, START), run(2 * period, NO_SIGNAL, START)],
        boundaries(4, period),
        preset,
    )
    for rules in VARIANTS:
        tag = rules.replace("_", "-")
        yield _states(
            f"{tag}-start-time-0-and-times-0",
            ("SIG-3", "SIG-4", "ACT-4"),
            f"{rules}: start_time 0 and every block at time 0: STARTED after genesis",
            time_deployment(rules, period, threshold, start_time=0, timeout=1),
            [run(period, NO_SIGNAL, 0), run(period, SIGNAL, 0), run(period, NO_SIGNAL, 1)],
            boundaries(3, period),
            preset,
        )
        yield _states(
            f"{tag}-timeout-at-2-64-minus-1",
            ("SIG-3", "ACT-4"),
            f"{rules}: timeout 2^64-1, reached by a last block time of exactly 2^64-1",
            time_deployment(rules, period, threshold, timeout=UINT64_MAX),
            [
                run(period, NO_SIGNAL, START),
                run(period, NO_SIGNAL, START),
                run(period - 1, NO_SIGNAL, START),
                run(2, NO_SIGNAL, UINT64_MAX - UINT64_MAX // 2, UINT64_MAX // 2),
                run(period - 1, NO_SIGNAL, UINT64_MAX),
            ],
            boundaries(4, period),
            preset,
        )
    yield _states(
        "versions-0-and-2-32-minus-1-do-not-signal",
        ("SIG-6", "ACT-4"),
        "blocks of version 0 and 0xFFFFFFFF (the bit set, top bits 111) do not signal",
        time_deployment("bip9", period, 1),
        [
            run(period, NO_SIGNAL, START),
            run(period // 2, 0, START),
            run(period - period // 2, UINT32_MAX, START),
        ],
        boundaries(2, period),
        preset,
    )
    yield _states(
        "empty-chain",
        ("ACT-4", "ACT-7", "SIG-1"),
        "the empty chain: the state of the genesis block to be built is DEFINED",
        time_deployment("bip9", period, threshold),
        [],
        [0],
        preset,
    )
    yield _states(
        "height-activation-at-0-on-the-empty-chain",
        ("ACT-1", "ACT-4", "ACT-7"),
        "a fixed activation at height 0 on the empty chain: the genesis block is ACTIVE",
        {"method": "height", "activation_height": 0},
        [],
        [0],
        preset,
    )
    yield _states(
        "run-starting-at-the-previous-runs-last-time",
        ("ACT-4", "ACT-5"),
        "a run whose time equals the last block time of the stepped run before it",
        time_deployment("bip9", period, threshold, start_time=START + 10 * (period - 1)),
        [run(period, NO_SIGNAL, START, 10), run(period, NO_SIGNAL, START + 10 * (period - 1))],
        boundaries(2, period),
        preset,
    )
    yield _states(
        "time-step-2-64-minus-1",
        ("ACT-4",),
        "a run of two blocks with time step 2^64-1: the last block is at exactly 2^64-1",
        {"method": "always_active"},
        [run(2, NO_SIGNAL, 0, UINT64_MAX)],
        [0, 2],
        preset,
    )
    yield _states(
        "chain-of-2-32-minus-1-blocks",
        ("ACT-4", "ACT-7"),
        "one run of 2^32-1 blocks, the longest chain, asked at its end",
        {"method": "height", "activation_height": UINT32_MAX},
        [run(UINT32_MAX, NO_SIGNAL, START)],
        [0, UINT32_MAX - 1, UINT32_MAX],
        preset,
    )
    yield _states(
        "bip9-period-2-30-on-the-longest-chain",
        ("SIG-3", "SIG-6", "ACT-4", "ACT-6"),
        "bip9 with a period of 2^30 blocks over a run of 2^32-1 signaling blocks",
        time_deployment("bip9", 2**30, 2**30),
        [run(UINT32_MAX, SIGNAL, START)],
        [0, 2**30, 2**31, 3 * 2**30, UINT32_MAX],
        preset,
    )
    yield _states(
        "bip9-period-2-32-minus-1",
        ("SIG-3", "ACT-6"),
        "bip9 with the longest period, 2^32-1 blocks: the one boundary is at the chain's end",
        time_deployment("bip9", UINT32_MAX, UINT32_MAX),
        [run(UINT32_MAX, SIGNAL, START)],
        [0, UINT32_MAX],
        preset,
    )


def _invalid(preset: str) -> Iterator[CaseSpec]:
    period, threshold = load_preset(preset).signaling_period, load_preset(preset).signaling_threshold
    chain = [run(2 * period, NO_SIGNAL, START)]
    bip8: Json = {
        "method": "bip8",
        "bit": BIT,
        "period": period,
        "threshold": threshold,
        "start_height": period,
        "timeout_height": 3 * period,
        "lock_in_on_timeout": False,
    }
    deployment_cases: list[tuple[str, tuple[str, ...], str, Json]] = [
        (
            "bit-29",
            ("SIG-3",),
            "bit 29 is beyond the 29 usable bits",
            time_deployment("bip9", period, threshold, bit=29),
        ),
        ("bit-negative", ("SIG-3",), "a negative bit", time_deployment("bip9", period, threshold, bit=-1)),
        ("period-zero", ("SIG-3",), "a period of zero blocks", time_deployment("bip9", 0, threshold)),
        ("threshold-zero", ("SIG-3",), "a threshold of zero", time_deployment("bip9", period, 0)),
        (
            "threshold-above-period",
            ("SIG-3",),
            "a threshold above the period",
            time_deployment("bip9", period, period + 1),
        ),
        (
            "timeout-before-start",
            ("SIG-3",),
            "a timeout before start_time",
            time_deployment("bip9", period, threshold, timeout=START - 1),
        ),
        (
            "timeout-equal-to-start",
            ("SIG-3",),
            "a timeout equal to start_time",
            time_deployment("bip9", period, threshold, timeout=START),
        ),
        (
            "start-time-negative",
            ("SIG-3",),
            "a negative start_time",
            time_deployment("speedy_trial", period, threshold, start_time=-1),
        ),
        (
            "timeout-at-2-64",
            ("SIG-3",),
            "a timeout at 2^64",
            time_deployment("speedy_trial", period, threshold, timeout=UINT64_MAX + 1),
        ),
        (
            "min-activation-height-at-2-32",
            ("SIG-3",),
            "min_activation_height at 2^32",
            time_deployment("speedy_trial", period, threshold, min_activation_height=UINT32_MAX + 1),
        ),
        (
            "bip8-start-not-aligned",
            ("SIG-10",),
            "a start_height that is not a period boundary",
            {**bip8, "start_height": period + 1},
        ),
        (
            "bip8-timeout-too-soon",
            ("SIG-10",),
            "a timeout_height one period after start_height",
            {**bip8, "timeout_height": 2 * period},
        ),
        (
            "activation-height-negative",
            ("ACT-1",),
            "a negative activation height",
            {"method": "height", "activation_height": -1},
        ),
        (
            "activation-height-at-2-32",
            ("ACT-1",),
            "an activation height at 2^32",
            {"method": "height", "activation_height": UINT32_MAX + 1},
        ),
        ("period-at-2-32", ("SIG-3",), "a period of 2^32 blocks", time_deployment("bip9", 2**32, threshold)),
        (
            "timeout-negative",
            ("SIG-3",),
            "a negative timeout",
            time_deployment("bip9", period, threshold, timeout=-1),
        ),
        (
            "start-time-at-2-64",
            ("SIG-3",),
            "a start_time at 2^64",
            time_deployment("bip9", period, threshold, start_time=UINT64_MAX + 1, timeout=UINT64_MAX + 2),
        ),
        (
            "start-time-and-timeout-0",
            ("SIG-3", "GEN-7"),
            "start_time and timeout both 0: both in range, the timeout not after the start",
            time_deployment("bip9", period, threshold, start_time=0, timeout=0),
        ),
        (
            "min-activation-height-negative",
            ("SIG-3",),
            "a negative min_activation_height",
            time_deployment("speedy_trial", period, threshold, min_activation_height=-1),
        ),
        ("bip8-start-negative", ("SIG-10",), "a negative start_height", {**bip8, "start_height": -period}),
        (
            "bip8-start-minus-1",
            ("SIG-10", "GEN-7"),
            "start_height -1, one below the range (and not aligned: the range is checked first)",
            {**bip8, "start_height": -1},
        ),
        (
            "bip8-timeout-minus-1",
            ("SIG-10", "GEN-7"),
            "timeout_height -1, one below the range (and not aligned: the range is checked first)",
            {**bip8, "timeout_height": -1},
        ),
        (
            "bip8-start-at-2-32",
            ("SIG-10",),
            "a start_height at 2^32 (a multiple of the period)",
            {**bip8, "start_height": 2**32, "timeout_height": 2**32 + 2 * period},
        ),
        (
            "bip8-timeout-at-2-32",
            ("SIG-10",),
            "a timeout_height at 2^32 (a multiple of the period)",
            {**bip8, "timeout_height": 2**32},
        ),
        (
            "bip8-timeout-negative",
            ("SIG-10",),
            "a negative timeout_height",
            {**bip8, "timeout_height": -period},
        ),
        (
            "bip8-timeout-not-aligned-and-too-soon",
            ("SIG-10", "GEN-7"),
            "a timeout_height neither aligned nor two periods after the start: alignment is checked first",
            {**bip8, "timeout_height": 2 * period - 1},
        ),
    ]
    for slug, requirements, description, deployment in deployment_cases:
        yield _states(f"invalid-{slug}", requirements, description, deployment, chain, [0], preset)
    valid = time_deployment("bip9", period, threshold)
    chain_cases: list[tuple[str, tuple[str, ...], str, list[Json], list[int]]] = [
        ("heights-repeated", ("ACT-7",), "a height asked twice", chain, [period, period]),
        ("heights-decreasing", ("ACT-7",), "heights out of order", chain, [period, 0]),
        (
            "height-beyond-chain",
            ("ACT-7",),
            "a height whose ancestors the chain lacks",
            chain,
            [2 * period + 1],
        ),
        ("height-negative", ("ACT-7",), "a negative height", chain, [-1]),
        ("count-zero", ("ACT-4",), "a run of zero blocks", [run(0, NO_SIGNAL, START)], [0]),
        (
            "count-negative",
            ("ACT-4",),
            "a run of a negative number of blocks",
            [run(-5, NO_SIGNAL, START)],
            [0],
        ),
        ("version-at-2-32", ("ACT-4",), "a block version at 2^32", [run(1, UINT32_MAX + 1, START)], [0]),
        ("version-negative", ("ACT-4",), "a negative block version", [run(1, -1, START)], [0]),
        (
            "time-decreasing",
            ("ACT-5",),
            "a run that starts before the previous block's time",
            [run(2, NO_SIGNAL, START, 10), run(1, NO_SIGNAL, START + 9)],
            [0],
        ),
        ("time-step-negative", ("ACT-4",), "a negative time step", [run(2, NO_SIGNAL, START, -1)], [0]),
        (
            "last-time-beyond-64-bits",
            ("ACT-4",),
            "a run whose last block time passes 2^64-1",
            [run(3, NO_SIGNAL, UINT64_MAX - 1, 1)],
            [0],
        ),
        ("count-at-2-32", ("ACT-4",), "a run of 2^32 blocks", [run(2**32, NO_SIGNAL, START)], [0]),
        (
            "chain-longer-than-2-32-minus-1",
            ("ACT-4",),
            "two runs that sum to 2^32 blocks",
            [run(UINT32_MAX, NO_SIGNAL, START), run(1, NO_SIGNAL, START)],
            [0],
        ),
        ("height-at-2-32", ("ACT-7",), "a height at 2^32", chain, [2**32]),
        ("time-negative", ("ACT-4",), "a run at a negative time", [run(1, NO_SIGNAL, -1)], [0]),
        ("time-at-2-64", ("ACT-4",), "a run at time 2^64", [run(1, NO_SIGNAL, UINT64_MAX + 1)], [0]),
        (
            "time-minus-1-stepping-to-0",
            ("ACT-4", "GEN-7"),
            "a run from time -1 with step 1: its last block time 0 is in range, its first is not",
            [run(2, NO_SIGNAL, -1, 1)],
            [0],
        ),
        (
            "time-decreasing-last-time-exactly-2-64-minus-1",
            ("ACT-4", "ACT-5"),
            "a run that starts too early and ends at exactly 2^64-1: only the decrease is wrong",
            [run(1, NO_SIGNAL, 10), run(2, NO_SIGNAL, 5, UINT64_MAX - 5)],
            [0],
        ),
        (
            "time-step-at-2-64",
            ("ACT-4",),
            "a time step of 2^64",
            [run(1, NO_SIGNAL, START, UINT64_MAX + 1)],
            [0],
        ),
        (
            "time-decreasing-to-0",
            ("ACT-4", "ACT-5"),
            "a run at time 0 after a later block: 0 is a valid time, so the times decrease",
            [run(1, NO_SIGNAL, START), run(1, NO_SIGNAL, 0)],
            [0],
        ),
        (
            "time-decreasing-with-version-0",
            ("ACT-4", "ACT-5"),
            "a run of version 0 that starts before the previous block: 0 is a valid version",
            [run(1, NO_SIGNAL, START), run(1, 0, START - 1)],
            [0],
        ),
        (
            "time-decreasing-and-last-time-overflowing",
            ("ACT-4", "ACT-5", "GEN-7"),
            "a run that starts too early and whose last block time passes 2^64-1: the range is checked first",
            [run(1, NO_SIGNAL, START), run(2, NO_SIGNAL, START - 1, UINT64_MAX)],
            [0],
        ),
        (
            "last-time-overflowing-only-through-the-step",
            ("ACT-4",),
            "time 1 and step 2^64-1 are each in range; the second block's time 2^64 is not",
            [run(2, NO_SIGNAL, 1, UINT64_MAX)],
            [0],
        ),
        (
            "height-out-of-range-before-order",
            ("ACT-7", "GEN-7"),
            "a negative height after a larger one: the range is checked before the order",
            chain,
            [period, -1],
        ),
        (
            "too-many-periods",
            ("ACT-6",),
            f"a chain of {MAX_PERIODS + 1} whole periods, one more than the bound",
            [run((MAX_PERIODS + 1) * period, NO_SIGNAL, START)],
            [0],
        ),
    ]
    for slug, requirements, description, bad_chain, heights in chain_cases:
        yield _states(f"invalid-{slug}", requirements, description, valid, bad_chain, heights, preset)


def _bound(preset: str) -> Iterator[CaseSpec]:
    """The largest chain ACT-6 admits: a partial period past the bound does not count."""
    parameters = load_preset(preset)
    period = parameters.signaling_period
    length = (MAX_PERIODS + 1) * period - 1
    yield _states(
        "periods-at-the-bound",
        ("ACT-6",),
        f"a chain of {MAX_PERIODS} whole periods and a partial one, every period evaluated",
        time_deployment("bip9", period, parameters.signaling_threshold),
        [run(length, SIGNAL, START - 1)],
        [0, length],
        preset,
    )


def _signal_checks() -> Iterator[CaseSpec]:
    for version, bit, slug, description in (
        (SIGNAL, BIT, "top-001-bit-set", "top bits 001 and the bit set"),
        (NO_SIGNAL, BIT, "top-001-bit-clear", "top bits 001 and the bit clear"),
        (0x3FFFFFFF, BIT, "every-low-bit", "top bits 001 and every other bit set"),
        (WRONG_TOP_BITS, BIT, "top-011", "the bit set but top bits 011"),
        (0xE0000000 | 1 << BIT, BIT, "top-111", "the bit set but top bits 111"),
        (0x00000000 | 1 << BIT, BIT, "top-000", "the bit set but top bits 000 (a pre-BIP-9 version)"),
        (0x30000000, 28, "bit-28", "bit 28, the highest usable bit"),
        (0x20000001, 0, "bit-0", "bit 0"),
        (0, 0, "version-0", "version 0 signals for nothing"),
        (UINT32_MAX, 28, "version-2-32-minus-1", "version 0xFFFFFFFF: every bit set, top bits 111"),
        (SIGNAL, 29, "invalid-bit-29", "bit 29 is out of range"),
        (SIGNAL, -1, "invalid-bit-negative", "a negative bit"),
        (-1, 29, "invalid-bit-checked-before-version", "bit and version both out of range: the bit first"),
        (2**32, BIT, "invalid-version-at-2-32", "a version at 2^32"),
        (-1, BIT, "invalid-version-negative", "a negative version"),
    ):
        yield CaseSpec(
            "signal_check", slug, ("SIG-3", "SIG-6"), description, {"version": version, "bit": bit}
        )


def _generic_invalid(preset: str) -> Iterator[CaseSpec]:
    """INVALID_INPUT and UNKNOWN_PRESET for each handler, from a valid input of each (GEN-6, GEN-7)."""
    parameters = load_preset(preset)
    deployment = time_deployment("bip9", parameters.signaling_period, parameters.signaling_threshold)
    chain = [run(parameters.signaling_period, NO_SIGNAL, START, 1)]
    yield from generic_invalid_cases("signal_check", {"version": SIGNAL, "bit": BIT}, preset)
    yield from generic_invalid_cases(
        "deployment_states",
        {"deployment": deployment, "chain": chain, "heights": [0, parameters.signaling_period]},
        preset,
        ("bip9",),
    )
    yield from generic_invalid_cases(
        "deployment_validity", {"deployment": deployment, "chain": chain}, preset, ("bip9",)
    )


def case_specs() -> Iterator[CaseSpec]:
    """The activation cases."""
    yield from _signal_checks()
    yield from _signaling_by_time("minimal")
    yield from _mainnet_thresholds()
    yield from _signaling_by_height("minimal")
    yield from _fixed("minimal")
    yield from _bound("minimal")
    yield from _run_boundaries("minimal")
    yield from _odd_periods()
    yield from _bip8_edges("minimal")
    yield from _boundary_values("minimal")
    yield from _invalid("minimal")
    yield from _generic_invalid("minimal")
