"""Cross-check of the activation handlers against an independent, naive implementation.

The oracle below is written from the public rule texts, not from `forkspec.activation`:

* classic BIP-9: bitcoin/bips bip-0009.mediawiki, `GetStateForBlock`;
* speedy trial: Bitcoin Core `versionbits.cpp` after BIP-341 (lock-in before timeout, no
  failure from DEFINED, `min_activation_height`);
* BIP-8: bitcoin/bips bip-0008.mediawiki with MUST_SIGNAL and its mandatory-signaling rule.

It expands the runs into one entry per block and evaluates every block by the recursive
definition (memoized per height), counts signals block by block, computes the median time past
from the raw window of times and finds "since" by walking whole periods backwards. Hypothesis
then checks that the reference handlers give the same state and since at every height
0..length, and the same first invalid height for BIP-8.
"""

from __future__ import annotations

from typing import Any

import pytest
from forkspec import run_handler
from forkspec.errors import ErrorCode, SpecError
from hypothesis import given, settings
from hypothesis import strategies as st

Json = dict[str, Any]

TOP_MASK = 0xE0000000
TOP_BITS = 0x20000000
MTP_WINDOW = 11


# ---------------------------------------------------------------------------------------------
# The independent oracle.
# ---------------------------------------------------------------------------------------------


def oracle_signals(version: int, bit: int) -> bool:
    """BIP-9 "Signalling": the top three bits are 001 and the deployment's bit is set."""
    return (version & TOP_MASK) == TOP_BITS and (version >> bit) & 1 == 1


def expand(runs: list[Json]) -> tuple[list[int], list[int]]:
    """The explicit (versions, times) lists of a chain given as runs."""
    versions: list[int] = []
    times: list[int] = []
    for run in runs:
        step = run.get("time_step", 0)
        for i in range(run["count"]):
            versions.append(run["version"])
            times.append(run["time"] + i * step)
    return versions, times


class Oracle:
    """Per-block deployment states on an explicit chain, straight from the rule texts."""

    def __init__(self, deployment: Json, runs: list[Json]) -> None:
        self.d = deployment
        self.method = deployment["method"]
        self.period = deployment["period"]
        self.versions, self.times = expand(runs)
        self.length = len(self.versions)
        self.memo: dict[int, str] = {}

    def mtp(self, height: int) -> int:
        """Median of the times of block `height` and up to ten of its ancestors."""
        window = sorted(self.times[max(0, height - (MTP_WINDOW - 1)) : height + 1])
        return window[len(window) // 2]

    def count_before(self, height: int) -> int:
        """How many of the `period` blocks before `height` signal."""
        total = 0
        walk = height - 1
        while walk >= height - self.period:
            if oracle_signals(self.versions[walk], self.d["bit"]):
                total += 1
            walk -= 1
        return total

    def state(self, height: int) -> str:
        """GetStateForBlock(block at `height`); block `height` itself need not exist (only its parents)."""
        if height in self.memo:
            return self.memo[height]
        if height == 0:
            result = "DEFINED"
        elif height % self.period != 0:
            result = self.state(height - 1)
        else:
            earlier = self.state(height - self.period)
            if self.method == "bip9":
                result = self._bip9(earlier, height)
            elif self.method == "speedy_trial":
                result = self._speedy(earlier, height)
            else:
                result = self._bip8(earlier, height)
        self.memo[height] = result
        return result

    def _bip9(self, earlier: str, height: int) -> str:
        d = self.d
        past = self.mtp(height - 1)
        if earlier == "DEFINED":
            if past >= d["timeout"]:
                return "FAILED"
            if past >= d["start_time"]:
                return "STARTED"
            return "DEFINED"
        if earlier == "STARTED":
            if past >= d["timeout"]:
                return "FAILED"
            return "LOCKED_IN" if self.count_before(height) >= d["threshold"] else "STARTED"
        if earlier == "LOCKED_IN":
            return "ACTIVE"
        return earlier  # ACTIVE and FAILED are terminal

    def _speedy(self, earlier: str, height: int) -> str:
        d = self.d
        past = self.mtp(height - 1)
        if earlier == "DEFINED":
            return "STARTED" if past >= d["start_time"] else "DEFINED"
        if earlier == "STARTED":
            if self.count_before(height) >= d["threshold"]:
                return "LOCKED_IN"
            return "FAILED" if past >= d["timeout"] else "STARTED"
        if earlier == "LOCKED_IN":
            return "ACTIVE" if height >= d["min_activation_height"] else "LOCKED_IN"
        return earlier

    def _bip8(self, earlier: str, height: int) -> str:
        d = self.d
        if earlier == "DEFINED":
            return "STARTED" if height >= d["start_height"] else "DEFINED"
        if earlier == "STARTED":
            if self.count_before(height) >= d["threshold"]:
                return "LOCKED_IN"
            if d["lock_in_on_timeout"] and height + self.period >= d["timeout_height"]:
                return "MUST_SIGNAL"
            if height >= d["timeout_height"]:
                return "FAILED"
            return "STARTED"
        if earlier == "MUST_SIGNAL":
            return "LOCKED_IN"
        if earlier == "LOCKED_IN":
            return "ACTIVE"
        return earlier

    def since(self, height: int) -> int:
        """First height of the earliest consecutive period in this block's state."""
        mine = self.state(height)
        first = height - height % self.period
        while first - self.period >= 0 and self.state(first - self.period) == mine:
            first -= self.period
        return first

    def table(self) -> list[Json]:
        """State and since at every height 0..length, in the handler's output form."""
        return [{"height": h, "state": self.state(h), "since": self.since(h)} for h in range(self.length + 1)]

    def first_invalid(self) -> int | None:
        """BIP-8 mandatory signaling: the first existing block made invalid, or None."""
        if self.method != "bip8":
            return None
        allowed = self.period - self.d["threshold"]
        for height in range(self.length):
            if self.state(height) != "MUST_SIGNAL":
                continue
            misses = 0
            walk = height
            while True:
                if not oracle_signals(self.versions[walk], self.d["bit"]):
                    misses += 1
                if misses > allowed:
                    return height
                if walk % self.period == 0:
                    break
                walk -= 1
        return None


def oracle_bip8_parameters_valid(deployment: Json) -> bool:
    """SIG-10 and SIG-15: the genesis period is DEFINED, so signaling starts at max(start, period)
    at the earliest; the timeout leaves one STARTED period and one more before it (for MUST_SIGNAL)."""
    period = deployment["period"]
    return deployment["timeout_height"] >= max(deployment["start_height"], period) + 2 * period


def reference_table(deployment: Json, runs: list[Json]) -> list[Json]:
    length = sum(run["count"] for run in runs)
    data = {"deployment": deployment, "chain": runs, "heights": list(range(length + 1))}
    return run_handler("deployment_states", "minimal", data)["states"]


def reference_invalid(deployment: Json, runs: list[Json]) -> int | None:
    data = {"deployment": deployment, "chain": runs}
    return run_handler("deployment_validity", "minimal", data)["first_invalid_height"]


def assert_same_tables(deployment: Json, runs: list[Json]) -> list[Json]:
    expected = Oracle(deployment, runs).table()
    actual = reference_table(deployment, runs)
    for want, got in zip(expected, actual, strict=True):
        assert got == want, f"height {want['height']}: oracle {want}, reference {got}"
    return expected


# ---------------------------------------------------------------------------------------------
# Strategies.
# ---------------------------------------------------------------------------------------------


@st.composite
def signaling_params(draw: st.DrawFn) -> tuple[int, int, int]:
    period = draw(st.integers(1, 6))
    threshold = draw(st.integers(1, period))
    bit = draw(st.integers(0, 3))
    return period, threshold, bit


def version_choices(bit: int) -> tuple[list[int], list[int]]:
    other = 1 << ((bit + 1) % 4)
    mine = 1 << bit
    signaling = [TOP_BITS | mine, TOP_BITS | mine | other, TOP_BITS | mine | 1 << 28]
    non_signaling = [
        TOP_BITS,
        TOP_BITS | other,
        0x60000000 | mine,
        0x40000000 | mine,
        0xA0000000 | mine,
        0xE0000000 | mine,
        mine,
        0,
    ]
    return signaling, non_signaling


@st.composite
def chains(draw: st.DrawFn, bit: int) -> list[Json]:
    signaling, non_signaling = version_choices(bit)
    # A per-chain bias, so that chains that mostly signal (early lock-in) and chains that mostly
    # do not (timeouts, MUST_SIGNAL, invalid blocks) are both common.
    signaling_weight, other_weight = draw(st.sampled_from([(3, 1), (1, 1), (1, 3)]))
    versions = signaling * signaling_weight * 2 + non_signaling * other_weight
    runs: list[Json] = []
    previous_time = draw(st.integers(0, 1000))
    for _ in range(draw(st.integers(1, 8))):
        count = draw(st.integers(1, 15))
        time = previous_time + draw(st.sampled_from([0, 0, 1, 5, 30, 200]))
        step = draw(st.sampled_from([0, 1, 3, 10, 60]))
        run: Json = {"count": count, "version": draw(st.sampled_from(versions)), "time": time}
        if step or draw(st.booleans()):
            run["time_step"] = step
        runs.append(run)
        previous_time = time + (count - 1) * step
    return runs


@st.composite
def time_window(draw: st.DrawFn, runs: list[Json]) -> tuple[int, int]:
    """A start_time and a timeout near the chain's times (often exactly on one), timeout > start."""
    _, times = expand(runs)
    start = draw(st.one_of(near_times(times), st.integers(0, times[-1] + 50)))
    later = [time for time in times if time > start]
    choices = [st.integers(start + 1, start + 1 + times[-1] - times[0] + 50)]
    if later:
        choices.append(near_times(later))
    timeout = draw(st.one_of(choices))
    return start, max(timeout, start + 1)


def near_times(times: list[int]) -> st.SearchStrategy[int]:
    """A time of the chain, or one just off it, so that comparisons hit their boundaries."""
    return st.builds(lambda time, delta: max(0, time + delta), st.sampled_from(times), st.integers(-2, 2))


@st.composite
def time_cases(draw: st.DrawFn) -> tuple[Json, Json, list[Json]]:
    period, threshold, bit = draw(signaling_params())
    runs = draw(chains(bit))
    start, timeout = draw(time_window(runs))
    common = {"bit": bit, "period": period, "threshold": threshold, "start_time": start, "timeout": timeout}
    bip9 = {"method": "bip9", **common}
    speedy = {"method": "speedy_trial", **common, "min_activation_height": draw(st.integers(0, 60))}
    return bip9, speedy, runs


@st.composite
def bip8_cases(draw: st.DrawFn) -> tuple[Json, list[Json]]:
    period, threshold, bit = draw(signaling_params())
    runs = draw(chains(bit))
    periods = sum(run["count"] for run in runs) // period
    start_height = period * draw(st.integers(0, periods + 1))
    timeout_height = start_height + period * draw(st.integers(2, max(2, periods + 2)))
    deployment = {
        "method": "bip8",
        "bit": bit,
        "period": period,
        "threshold": threshold,
        "start_height": start_height,
        "timeout_height": timeout_height,
        "lock_in_on_timeout": draw(st.booleans()),
    }
    return deployment, runs


# ---------------------------------------------------------------------------------------------
# Property tests.
# ---------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(time_cases())
def test_time_signaling_matches_oracle(case: tuple[Json, Json, list[Json]]) -> None:
    bip9, speedy, runs = case
    assert_same_tables(bip9, runs)
    assert_same_tables(speedy, runs)
    assert reference_invalid(bip9, runs) is None
    assert reference_invalid(speedy, runs) is None


@settings(max_examples=300, deadline=None)
@given(bip8_cases())
def test_bip8_matches_oracle(case: tuple[Json, list[Json]]) -> None:
    deployment, runs = case
    if not oracle_bip8_parameters_valid(deployment):
        with pytest.raises(SpecError) as rejection:
            reference_table(deployment, runs)
        assert rejection.value.code is ErrorCode.TIMEOUT_NOT_AFTER_START
        return
    table = assert_same_tables(deployment, runs)
    assert reference_invalid(deployment, runs) == Oracle(deployment, runs).first_invalid()
    # SIG-15: every MUST_SIGNAL block lies before timeout_height, as BIP-8 intends.
    assert all(
        entry["height"] < deployment["timeout_height"] for entry in table if entry["state"] == "MUST_SIGNAL"
    )


# Every pattern of the top three bits, with any low bits, and fully random 32-bit values.
VERSIONS = st.one_of(
    st.builds(lambda top, low: top << 29 | low, st.integers(0, 7), st.integers(0, 2**29 - 1)),
    st.integers(0, 2**32 - 1),
)


@settings(max_examples=200, deadline=None)
@given(VERSIONS, st.integers(0, 28))
def test_signal_check_matches_oracle(version: int, bit: int) -> None:
    expected = oracle_signals(version, bit)
    assert run_handler("signal_check", "minimal", {"version": version, "bit": bit}) == {"signals": expected}


# ---------------------------------------------------------------------------------------------
# Explicit regressions where classic BIP-9 and speedy trial disagree.
# ---------------------------------------------------------------------------------------------

BIT0 = TOP_BITS | 1


def spans(*parts: tuple[int, int, str, int]) -> list[Json]:
    """A state table from (first, last, state, since) spans, inclusive."""
    return [
        {"height": h, "state": state, "since": since}
        for first, last, state, since in parts
        for h in range(first, last + 1)
    ]


def pair(period: int, threshold: int, start: int, timeout: int, min_height: int = 0) -> tuple[Json, Json]:
    common = {"bit": 0, "period": period, "threshold": threshold, "start_time": start, "timeout": timeout}
    return (
        {"method": "bip9", **common},
        {"method": "speedy_trial", **common, "min_activation_height": min_height},
    )


# Block h has time 100*h throughout, so MTP(h) = 100 * (h - h // 2) for h < 11.
REGRESSIONS = {
    # Blocks 2-3 all signal, and MTP(3) = 200 reaches the timeout at the same boundary:
    # BIP-9 checks the timeout first and fails, speedy trial locks in first.
    "timeout_and_lock_in_same_period": (
        pair(period=2, threshold=2, start=0, timeout=200),
        [
            {"count": 2, "version": 0, "time": 0, "time_step": 100},
            {"count": 2, "version": BIT0, "time": 200, "time_step": 100},
            {"count": 4, "version": 0, "time": 400, "time_step": 100},
        ],
        spans((0, 1, "DEFINED", 0), (2, 3, "STARTED", 2), (4, 8, "FAILED", 4)),
        spans((0, 1, "DEFINED", 0), (2, 3, "STARTED", 2), (4, 5, "LOCKED_IN", 4), (6, 8, "ACTIVE", 6)),
    ),
    # MTP(5) = 300 passes both start (250) and timeout (260) while DEFINED: BIP-9 fails at once,
    # speedy trial starts, then locks in on the all-signaling chain.
    "timeout_reached_while_defined": (
        pair(period=2, threshold=2, start=250, timeout=260),
        [{"count": 10, "version": BIT0, "time": 0, "time_step": 100}],
        spans((0, 5, "DEFINED", 0), (6, 10, "FAILED", 6)),
        spans((0, 5, "DEFINED", 0), (6, 7, "STARTED", 6), (8, 9, "LOCKED_IN", 8), (10, 10, "ACTIVE", 10)),
    ),
    # Lock-in at 4; speedy trial stays LOCKED_IN until the first period start >= 9, i.e. 10.
    "min_activation_height_delays_active": (
        pair(period=2, threshold=1, start=0, timeout=10**6, min_height=9),
        [{"count": 12, "version": BIT0, "time": 0, "time_step": 100}],
        spans((0, 1, "DEFINED", 0), (2, 3, "STARTED", 2), (4, 5, "LOCKED_IN", 4), (6, 12, "ACTIVE", 6)),
        spans((0, 1, "DEFINED", 0), (2, 3, "STARTED", 2), (4, 9, "LOCKED_IN", 4), (10, 12, "ACTIVE", 10)),
    ),
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_bip9_and_speedy_trial_differ(name: str) -> None:
    (bip9, speedy), runs, bip9_expected, speedy_expected = REGRESSIONS[name]
    assert assert_same_tables(bip9, runs) == bip9_expected
    assert assert_same_tables(speedy, runs) == speedy_expected
    assert bip9_expected != speedy_expected


def test_bip8_must_signal_regression() -> None:
    """Period 4, threshold 3: 4-7 STARTED without signals, 8-11 MUST_SIGNAL; the second miss is invalid."""
    deployment = {
        "method": "bip8",
        "bit": 0,
        "period": 4,
        "threshold": 3,
        "start_height": 4,
        "timeout_height": 12,
        "lock_in_on_timeout": True,
    }
    runs = [
        {"count": 8, "version": TOP_BITS, "time": 0},
        {"count": 1, "version": BIT0, "time": 0},
        {"count": 2, "version": TOP_BITS, "time": 0},
        {"count": 5, "version": BIT0, "time": 0},
    ]
    expected = spans(
        (0, 3, "DEFINED", 0),
        (4, 7, "STARTED", 4),
        (8, 11, "MUST_SIGNAL", 8),
        (12, 15, "LOCKED_IN", 12),
        (16, 16, "ACTIVE", 16),
    )
    assert assert_same_tables(deployment, runs) == expected
    assert Oracle(deployment, runs).first_invalid() == 10
    assert reference_invalid(deployment, runs) == 10
    without_lock_in = {**deployment, "lock_in_on_timeout": False}
    assert reference_invalid(without_lock_in, runs) is None
    assert assert_same_tables(without_lock_in, runs)[-1] == {"height": 16, "state": "FAILED", "since": 12}
