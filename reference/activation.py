"""Activation: when a deployment's rules come into force on a chain.

A deployment is evaluated per retarget period: every block of a period has the state of the
period's first block, and that state depends only on the blocks before it (SIG-1). Three
families of method exist.

**Signaling by time** (`bip9`, `speedy_trial`): the period's state follows from the previous
period's state, the median-time-past of the last block before the period, and how many blocks
of the previous period signaled (SIG-4 to SIG-9). The two rule variants differ in precedence:
classic BIP-9 checks the timeout first and can fail before starting; BIP-341's speedy trial
checks lock-in first, never fails from DEFINED, and waits for `min_activation_height`.

**Signaling by height** (`bip8`): start and timeout are heights; with `lock_in_on_timeout` the
last period before the timeout is MUST_SIGNAL, in which too many non-signaling blocks make a
block invalid (SIG-10 to SIG-13).

**Fixed** (`height`, `always_active`, `never_active`): no signaling at all (ACT-1 to ACT-3).

A chain is given as runs of identical blocks (ACT-4). States are computed in one pass over the
periods with per-period caching, never per block, so a long chain costs its number of runs and
periods (ACT-6).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate

from forkspec.errors import ErrorCode, check_range, ensure, reject
from forkspec.kernels import is_signaling
from forkspec.logic import both, if_then_else
from forkspec.versioning import UINT64_MAX

MAX_BIT = 28
UINT32_MAX = 2**32 - 1
MEDIAN_TIME_SPAN = 11
MAX_PERIODS = 2**16


class DeploymentState(StrEnum):
    """The states of a deployment (SIG-2)."""

    DEFINED = "DEFINED"
    STARTED = "STARTED"
    MUST_SIGNAL = "MUST_SIGNAL"
    LOCKED_IN = "LOCKED_IN"
    ACTIVE = "ACTIVE"
    FAILED = "FAILED"


class SignalingRules(StrEnum):
    """The two precedence variants of signaling by time (SIG-5)."""

    BIP9 = "bip9"
    SPEEDY_TRIAL = "speedy_trial"


@dataclass(frozen=True)
class TimeSignaling:
    """A deployment activated by signaling, started and timed out by median-time-past (SIG-3)."""

    rules: SignalingRules
    bit: int
    period: int
    threshold: int
    start_time: int
    timeout: int
    min_activation_height: int = 0


@dataclass(frozen=True)
class HeightSignaling:
    """A BIP-8 deployment: signaling started and timed out by height (SIG-10)."""

    bit: int
    period: int
    threshold: int
    start_height: int
    timeout_height: int
    lock_in_on_timeout: bool


@dataclass(frozen=True)
class FixedHeight:
    """A deployment active from a fixed height on (ACT-1)."""

    activation_height: int


@dataclass(frozen=True)
class Always:
    """A deployment that is always active (ACT-2)."""


@dataclass(frozen=True)
class Never:
    """A deployment that is never active (ACT-2)."""


Deployment = TimeSignaling | HeightSignaling | FixedHeight | Always | Never
FINAL_STATES = frozenset({DeploymentState.ACTIVE, DeploymentState.FAILED})


@dataclass(frozen=True)
class BlockRun:
    """`count` consecutive blocks with one version; block i of the run has time `time + i * time_step`."""

    count: int
    version: int
    time: int
    time_step: int = 0


@dataclass(frozen=True)
class StateAt:
    """A block's deployment state and the first height of the run of periods in that state (SIG-14)."""

    height: int
    state: DeploymentState
    since: int


def validate_deployment(deployment: Deployment) -> None:
    """Reject a deployment whose parameters are out of range or inconsistent.

    A `bip8` deployment starts signaling at its effective start, `max(start_height, period)`,
    since the genesis period is always DEFINED; its timeout must leave two periods after that.

    Implements: SIG-3, SIG-10, SIG-15, ACT-1.
    """
    if isinstance(deployment, TimeSignaling | HeightSignaling):
        check_range(deployment.bit, 0, MAX_BIT, ErrorCode.DEPLOYMENT_BIT_OUT_OF_RANGE, "bit")
        check_range(deployment.period, 1, UINT32_MAX, ErrorCode.PERIOD_OUT_OF_RANGE, "period")
        check_range(deployment.threshold, 1, deployment.period, ErrorCode.THRESHOLD_OUT_OF_RANGE, "threshold")
    if isinstance(deployment, TimeSignaling):
        check_range(deployment.start_time, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "start_time")
        check_range(deployment.timeout, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "timeout")
        ensure(
            deployment.timeout > deployment.start_time,
            ErrorCode.TIMEOUT_NOT_AFTER_START,
            f"timeout {deployment.timeout} is not after start_time {deployment.start_time}",
        )
        check_range(
            deployment.min_activation_height,
            0,
            UINT32_MAX,
            ErrorCode.HEIGHT_OUT_OF_RANGE,
            "min_activation_height",
        )
    if isinstance(deployment, HeightSignaling):
        for name, height in (
            ("start_height", deployment.start_height),
            ("timeout_height", deployment.timeout_height),
        ):
            check_range(height, 0, UINT32_MAX, ErrorCode.HEIGHT_OUT_OF_RANGE, name)
            ensure(
                height % deployment.period == 0,
                ErrorCode.HEIGHT_NOT_PERIOD_ALIGNED,
                f"{name} {height} is not a multiple of the period {deployment.period}",
            )
        effective_start = max(deployment.start_height, deployment.period)
        ensure(
            deployment.timeout_height >= effective_start + 2 * deployment.period,
            ErrorCode.TIMEOUT_NOT_AFTER_START,
            f"timeout_height {deployment.timeout_height} must be at least two periods after "
            f"the effective start {effective_start}",
        )
    if isinstance(deployment, FixedHeight):
        check_range(
            deployment.activation_height, 0, UINT32_MAX, ErrorCode.HEIGHT_OUT_OF_RANGE, "activation_height"
        )


def _reject_run(index: int, run: BlockRun, previous_time: int) -> None:
    """Reject an invalid run with the code of its first failing check, in the order of ACT-4 and ACT-5."""
    check_range(run.count, 1, UINT32_MAX, ErrorCode.BLOCK_COUNT_OUT_OF_RANGE, f"count of run {index}")
    check_range(run.version, 0, UINT32_MAX, ErrorCode.BLOCK_VERSION_OUT_OF_RANGE, f"version of run {index}")
    check_range(run.time, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, f"time of run {index}")
    check_range(run.time_step, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, f"time_step of run {index}")
    last_time = run.time + (run.count - 1) * run.time_step
    check_range(last_time, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, f"last block time of run {index}")
    reject(
        ErrorCode.BLOCK_TIME_DECREASING,
        f"run {index} starts at time {run.time}, before the previous block's {previous_time}",
    )


class Chain:
    """Blocks 0 to length-1 given as runs, indexed for lookups in O(log runs) (ACT-4, ACT-5)."""

    def __init__(self, runs: Sequence[BlockRun]) -> None:
        previous_time = 0
        for index, run in enumerate(runs):
            last_time = run.time + (run.count - 1) * run.time_step
            valid = (
                1 <= run.count <= UINT32_MAX
                and 0 <= run.version <= UINT32_MAX
                and 0 <= run.time_step <= UINT64_MAX
                and previous_time <= run.time
                and last_time <= UINT64_MAX
            )
            if not valid:
                _reject_run(index, run, previous_time)
            previous_time = last_time
        self.runs = tuple(runs)
        self.starts = [0, *accumulate(run.count for run in runs)]
        self.length = self.starts[-1]
        check_range(self.length, 0, UINT32_MAX, ErrorCode.BLOCK_COUNT_OUT_OF_RANGE, "chain length")
        self._signal_prefix: dict[int, list[int]] = {}

    def run_index(self, height: int) -> int:
        """The index of the run that holds the block at `height`."""
        return bisect_right(self.starts, height) - 1

    def time_at(self, height: int) -> int:
        """The time of the block at `height`."""
        index = self.run_index(height)
        run = self.runs[index]
        return run.time + (height - self.starts[index]) * run.time_step

    def median_time_past(self, height: int) -> int:
        """The median time of the block at `height` and up to ten blocks before it (SIG-4): times never
        decrease (ACT-5), so the window is in sorted order and its median is its middle block (ACT-6)."""
        first = max(0, height - MEDIAN_TIME_SPAN + 1)
        return self.time_at(first + (height - first + 1) // 2)

    def signal_count(self, bit: int, start: int, end: int) -> int:
        """How many blocks with heights in [start, end) signal for `bit` (SIG-6)."""
        prefix = self._signal_prefix.get(bit)
        if prefix is None:
            # The kernel is asked once per distinct version: a long chain has few of them.
            signals = {version: is_signaling(version, bit) for version in {run.version for run in self.runs}}
            prefix = [0, *accumulate(run.count * signals[run.version] for run in self.runs)]
            self._signal_prefix[bit] = prefix
        return self._signals_before(prefix, bit, end) - self._signals_before(prefix, bit, start)

    def _signals_before(self, prefix: list[int], bit: int, height: int) -> int:
        if height >= self.length:
            return prefix[-1]
        index = self.run_index(height)
        return prefix[index] + (height - self.starts[index]) * is_signaling(self.runs[index].version, bit)


# The state-transition kernels: one step from a period's state to the next, written as nested
# if_then_else over their arguments so that they are the same function on any value type (GEN-5):
# called with z3 terms (the state a `forkspec.symbolic.EnumTerm`), each returns the term of its step.


def bip9_step(
    state: DeploymentState, median_time: int, count: int, deployment: TimeSignaling
) -> DeploymentState:
    """Classic BIP-9: timeout before start in DEFINED and before the count in STARTED. Implements: SIG-7."""
    timed_out = median_time >= deployment.timeout
    return if_then_else(
        state == DeploymentState.DEFINED,
        if_then_else(
            timed_out,
            DeploymentState.FAILED,
            if_then_else(
                median_time >= deployment.start_time, DeploymentState.STARTED, DeploymentState.DEFINED
            ),
        ),
        if_then_else(
            state == DeploymentState.STARTED,
            if_then_else(
                timed_out,
                DeploymentState.FAILED,
                if_then_else(
                    count >= deployment.threshold, DeploymentState.LOCKED_IN, DeploymentState.STARTED
                ),
            ),
            if_then_else(state == DeploymentState.LOCKED_IN, DeploymentState.ACTIVE, state),
        ),
    )


def speedy_trial_step(
    state: DeploymentState, median_time: int, count: int, period_start: int, deployment: TimeSignaling
) -> DeploymentState:
    """BIP-341 precedence: lock-in before timeout, no failure from DEFINED, minimum activation height.

    Implements: SIG-8.
    """
    return if_then_else(
        state == DeploymentState.DEFINED,
        if_then_else(median_time >= deployment.start_time, DeploymentState.STARTED, DeploymentState.DEFINED),
        if_then_else(
            state == DeploymentState.STARTED,
            if_then_else(
                count >= deployment.threshold,
                DeploymentState.LOCKED_IN,
                if_then_else(
                    median_time >= deployment.timeout, DeploymentState.FAILED, DeploymentState.STARTED
                ),
            ),
            if_then_else(
                state == DeploymentState.LOCKED_IN,
                if_then_else(
                    period_start >= deployment.min_activation_height,
                    DeploymentState.ACTIVE,
                    DeploymentState.LOCKED_IN,
                ),
                state,
            ),
        ),
    )


def bip8_step(
    state: DeploymentState, count: int, period_start: int, deployment: HeightSignaling
) -> DeploymentState:
    """BIP-8: heights instead of times, MUST_SIGNAL in the last period before a lock-in-on-timeout.

    Implements: SIG-11.
    """
    return if_then_else(
        state == DeploymentState.DEFINED,
        if_then_else(
            period_start >= deployment.start_height, DeploymentState.STARTED, DeploymentState.DEFINED
        ),
        if_then_else(
            state == DeploymentState.STARTED,
            if_then_else(
                count >= deployment.threshold,
                DeploymentState.LOCKED_IN,
                if_then_else(
                    both(
                        deployment.lock_in_on_timeout,
                        period_start + deployment.period >= deployment.timeout_height,
                    ),
                    DeploymentState.MUST_SIGNAL,
                    if_then_else(
                        period_start >= deployment.timeout_height,
                        DeploymentState.FAILED,
                        DeploymentState.STARTED,
                    ),
                ),
            ),
            if_then_else(
                state == DeploymentState.MUST_SIGNAL,
                DeploymentState.LOCKED_IN,
                if_then_else(state == DeploymentState.LOCKED_IN, DeploymentState.ACTIVE, state),
            ),
        ),
    )


def since_height(
    state: DeploymentState, previous: DeploymentState, previous_since: int, period_start: int
) -> int:
    """The first height of the run of periods in `state`: the previous period's since-height while
    the state stays, the period's first height when it changes. Implements: SIG-14."""
    return if_then_else(state == previous, previous_since, period_start)


def allowed_failures(deployment: HeightSignaling) -> int:
    """How many blocks of a MUST_SIGNAL period may fail to signal: the period less the threshold (SIG-12)."""
    return deployment.period - deployment.threshold


def too_many_failures(failures: int, deployment: HeightSignaling) -> bool:
    """Whether `failures` non-signaling blocks of one MUST_SIGNAL period are more than it allows,
    which makes the block that reaches that count invalid. Implements: SIG-12."""
    return failures > allowed_failures(deployment)


class DeploymentTracker:
    """The states of one deployment on one chain, computed period by period and cached (SIG-1, ACT-6)."""

    def __init__(self, deployment: TimeSignaling | HeightSignaling, chain: Chain) -> None:
        ensure(
            chain.length // deployment.period <= MAX_PERIODS,
            ErrorCode.TOO_MANY_PERIODS,
            f"a chain of {chain.length} blocks spans more than {MAX_PERIODS} periods of {deployment.period}",
        )
        self.deployment = deployment
        self.chain = chain
        self._states: list[DeploymentState] = [DeploymentState.DEFINED]
        self._since: list[int] = [0]

    def _extend_to(self, period_index: int) -> None:
        deployment, chain = self.deployment, self.chain
        period = deployment.period
        while len(self._states) <= period_index:
            index = len(self._states)
            period_start = index * period
            previous = self._states[-1]
            if previous in FINAL_STATES:
                missing = period_index + 1 - index
                self._states.extend([previous] * missing)
                self._since.extend([self._since[-1]] * missing)
                return
            count = chain.signal_count(deployment.bit, period_start - period, period_start)
            if isinstance(deployment, TimeSignaling):
                median_time = chain.median_time_past(period_start - 1)
                if deployment.rules is SignalingRules.BIP9:
                    state = bip9_step(previous, median_time, count, deployment)
                else:
                    state = speedy_trial_step(previous, median_time, count, period_start, deployment)
            else:
                state = bip8_step(previous, count, period_start, deployment)
            self._states.append(state)
            self._since.append(since_height(state, previous, self._since[-1], period_start))

    def state_at(self, height: int) -> StateAt:
        """The state of the block at `height`; its ancestors must all be in the chain (SIG-1, SIG-14)."""
        index = height // self.deployment.period
        self._extend_to(index)
        return StateAt(height, self._states[index], self._since[index])


def check_signal(version: int, bit: int) -> bool:
    """Whether a block version signals for `bit`, after range checks of both. Implements: SIG-6."""
    check_range(bit, 0, MAX_BIT, ErrorCode.DEPLOYMENT_BIT_OUT_OF_RANGE, "bit")
    check_range(version, 0, UINT32_MAX, ErrorCode.BLOCK_VERSION_OUT_OF_RANGE, "version")
    return is_signaling(version, bit)


def first_invalid_height(deployment: Deployment, chain: Chain) -> int | None:
    """The first block of `chain` that BIP-8 mandatory signaling makes invalid, or None.

    Implements: SIG-12, SIG-13.
    """
    if not isinstance(deployment, HeightSignaling):
        return None
    tracker = DeploymentTracker(deployment, chain)
    for period_start in range(0, chain.length, deployment.period):
        if tracker.state_at(period_start).state != DeploymentState.MUST_SIGNAL:
            continue
        failures = 0
        height = period_start
        end = min(period_start + deployment.period, chain.length)
        while height < end:
            index = chain.run_index(height)
            run_end = min(chain.starts[index + 1], end)
            if not is_signaling(chain.runs[index].version, deployment.bit):
                if too_many_failures(failures + (run_end - height), deployment):
                    # The run's first block past the allowed count is the first invalid one.
                    return height + allowed_failures(deployment) - failures
                failures += run_end - height
            height = run_end
    return None


def check_heights(chain: Chain, heights: Sequence[int]) -> None:
    """Reject asked heights out of range, out of order or beyond the chain. Implements: ACT-7."""
    previous: int | None = None
    for height in heights:
        check_range(height, 0, UINT32_MAX, ErrorCode.HEIGHT_OUT_OF_RANGE, "height")
        ensure(
            previous is None or height > previous,
            ErrorCode.HEIGHTS_NOT_INCREASING,
            f"height {height} does not follow {previous}",
        )
        ensure(
            height <= chain.length,
            ErrorCode.HEIGHT_BEYOND_CHAIN,
            f"height {height} needs blocks the chain of {chain.length} does not have",
        )
        previous = height


def deployment_states(deployment: Deployment, chain: Chain, heights: Sequence[int]) -> list[StateAt]:
    """The state and since-height of the block at each height.

    Implements: SIG-1, SIG-14, ACT-1, ACT-2, ACT-7.
    """
    check_heights(chain, heights)
    if isinstance(deployment, TimeSignaling | HeightSignaling):
        tracker = DeploymentTracker(deployment, chain)
        return [tracker.state_at(height) for height in heights]
    return [fixed_state_at(deployment, height) for height in heights]


def fixed_state_at(deployment: FixedHeight | Always | Never, height: int) -> StateAt:
    """The state of a deployment that needs no signaling. Implements: ACT-1, ACT-2."""
    if isinstance(deployment, Always):
        return StateAt(height, DeploymentState.ACTIVE, 0)
    if isinstance(deployment, Never):
        return StateAt(height, DeploymentState.FAILED, 0)
    if height >= deployment.activation_height:
        return StateAt(height, DeploymentState.ACTIVE, deployment.activation_height)
    return StateAt(height, DeploymentState.DEFINED, 0)
