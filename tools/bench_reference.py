"""Benchmark of the reference handlers on large inputs: the cost must grow linearly (GEN-8).

For each handler with an input that can grow, the input is doubled from 12,500 to 100,000
items (chain runs, votes, audits, validators, heights), and each version string from 16 to
128 KB, and the table shows the seconds of `run_handler` (input schema check included, which
is what an adapter pays) and the ratio to the previous size: about 2 is linear, about 4
quadratic. Version strings above 256 characters are rejected by the input schema (VER-14),
so their parsing is measured on `parse_version` itself, and the handler's rejection beside it.
Each figure is the best of `--repeat` runs; a series stops once one run takes longer than
`--give-up` seconds. The series with a target (`deployment_states` over 100,000 chain runs and
`proposal_lifecycle` over 100,000 votes: under 1 s each, through `run_handler` as an adapter
runs it) end with a line that says whether the largest size meets it.
Run: `python -m forkspec.tools.bench_reference [--repeat N] [--json]`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from forkspec.errors import SpecError
from forkspec.handlers import run_handler
from forkspec.presets import load_preset
from forkspec.versioning import parse_version

SIZES = (12_500, 25_000, 50_000, 100_000)
# The time the largest size of a targeted series must stay under (issue 6, "Speed").
TARGET_SECONDS = 1.0
KILOBYTES = (16, 32, 64, 128)
GENESIS_TIME = 1_600_000_000
SIGNALING = 0x20000002
NOT_SIGNALING = 0x20000000

Json = dict[str, Any]


@dataclass(frozen=True)
class Series:
    """One growing input: what grows, and the call to time for a size."""

    name: str
    unit: str
    sizes: tuple[int, ...]
    build: Callable[[int], Callable[[], object]]
    target_seconds: float | None = None


def _handler(name: str, preset: str, data: Json) -> Callable[[], object]:
    """A call of the handler that counts a canonical rejection as an answer, as an adapter does."""

    def call() -> object:
        try:
            return run_handler(name, preset, data)
        except SpecError as rejection:
            return rejection.code

    return call


def _runs(count: int) -> list[Json]:
    """One run per block, 600 s apart; three blocks in four signal."""
    return [
        {"count": 1, "version": SIGNALING if index % 4 else NOT_SIGNALING, "time": GENESIS_TIME + 600 * index}
        for index in range(count)
    ]


def _deployment_states(runs: int) -> Callable[[], object]:
    deployment = {
        "method": "bip9",
        "bit": 1,
        "period": 2016,
        "threshold": 1916,
        "start_time": GENESIS_TIME,
        "timeout": GENESIS_TIME + 600 * 10 * runs,
    }
    return _handler(
        "deployment_states", "mainnet", {"deployment": deployment, "chain": _runs(runs), "heights": [runs]}
    )


def _deployment_heights(heights: int) -> Callable[[], object]:
    deployment = {"method": "height", "activation_height": heights // 2}
    chain = [{"count": heights, "version": SIGNALING, "time": GENESIS_TIME}]
    data = {"deployment": deployment, "chain": chain, "heights": list(range(heights))}
    return _handler("deployment_states", "mainnet", data)


def _deployment_validity(runs: int) -> Callable[[], object]:
    # BIP-8 with lock-in on timeout, nothing signaling in the started period: the third period is
    # MUST_SIGNAL, and in it `runs` runs alternate, every other one not signaling, within the
    # allowed failures, so that every run of the period is walked.
    period = runs
    deployment = {
        "method": "bip8",
        "bit": 1,
        "period": period,
        "threshold": period // 4,
        "start_height": period,
        "timeout_height": 3 * period,
        "lock_in_on_timeout": True,
    }
    chain = [{"count": 2 * period, "version": NOT_SIGNALING, "time": GENESIS_TIME}]
    chain += [
        {"count": 1, "version": SIGNALING if index % 2 else NOT_SIGNALING, "time": GENESIS_TIME}
        for index in range(runs)
    ]
    return _handler("deployment_validity", "mainnet", {"deployment": deployment, "chain": chain})


def _lifecycle(preset_name: str, votes: int, audits: int) -> Json:
    preset = load_preset(preset_name)
    proposed_at = GENESIS_TIME
    opens = proposed_at + preset.review_min_seconds
    validators = [{"id": f"v{index}", "stake": 1} for index in range(votes)]
    events: list[Json] = [
        {"type": "attach_audit", "at": proposed_at, "auditor": f"a{n}"} for n in range(audits)
    ]
    events.append({"type": "open_voting", "at": opens, "validators": validators})
    events += [
        {"type": "vote", "at": opens + 1, "validator": validator["id"], "approve": True}
        for validator in validators
    ]
    events.append({"type": "close_voting", "at": opens + preset.voting_period_seconds})
    return {
        "kind": "hard_fork",
        "proposed_at": proposed_at,
        "specification": True,
        "auditors": ["auditor"],
        "events": events,
    }


def _proposal_votes(votes: int) -> Callable[[], object]:
    return _handler("proposal_lifecycle", "mainnet", _lifecycle("mainnet", votes, 0))


def _proposal_audits(audits: int) -> Callable[[], object]:
    return _handler("proposal_lifecycle", "mainnet", _lifecycle("mainnet", 1, audits))


def _upgrade_support(validators: int) -> Callable[[], object]:
    entries = [{"id": f"v{index}", "stake": index, "supports": index % 5 != 0} for index in range(validators)]
    return _handler("upgrade_support", "mainnet", {"kind": "soft_fork", "validators": entries})


def _upgrade_schedule(runs: int) -> Callable[[], object]:
    upgrade = {
        "name": "taproot",
        "kind": "soft_fork",
        "version": "1.1.0",
        "activation": {
            "method": "bip9",
            "bit": 1,
            "period": 2016,
            "threshold": 1512,
            "start_time": GENESIS_TIME,
            "timeout": GENESIS_TIME + 600 * 10 * runs,
        },
        "flags": [],
    }
    data = {
        "base_version": "1.0.0",
        "upgrades": [upgrade],
        "chain": _runs(runs),
        "height": runs,
        "time": GENESIS_TIME + 600 * runs,
    }
    return _handler("upgrade_schedule", "mainnet", data)


def _upgrades(count: int) -> Callable[[], object]:
    # Emergency patches, each a patch bump activated by time: the schedule's own checks per upgrade.
    upgrades = [
        {
            "name": f"patch{index}",
            "kind": "emergency_patch",
            "version": f"1.0.{index + 1}",
            "activation": {"method": "time", "activation_time": GENESIS_TIME + index},
            "flags": [],
        }
        for index in range(count)
    ]
    data = {
        "base_version": "1.0.0",
        "upgrades": upgrades,
        "chain": [{"count": 1, "version": SIGNALING, "time": GENESIS_TIME}],
        "height": 1,
        "time": GENESIS_TIME + count // 2,
    }
    return _handler("upgrade_schedule", "mainnet", data)


def _long_version(kilobytes: int) -> str:
    """A valid version of `kilobytes` KB: a pre-release of one-letter identifiers."""
    identifiers = (kilobytes * 1024 - len("1.0.0-")) // 2
    return "1.0.0-" + ".".join("a" * identifiers) + "b"


def _parse(kilobytes: int) -> Callable[[], object]:
    text = _long_version(kilobytes)
    return lambda: parse_version(text)


def _parse_invalid(kilobytes: int) -> Callable[[], object]:
    # Every identifier checked, the last one rejected: the path that built a detail on every check.
    text = _long_version(kilobytes) + "!"

    def call() -> object:
        try:
            return parse_version(text)
        except SpecError as rejection:
            return rejection.code

    return call


def _version_handler(name: str, fields: tuple[str, ...]) -> Callable[[int], Callable[[], object]]:
    return lambda kilobytes: _handler(name, "mainnet", dict.fromkeys(fields, _long_version(kilobytes)))


VERSION_FIELDS = {
    "version_parse": ("version",),
    "version_compare": ("left", "right"),
    "version_bump": ("old", "new"),
}
SERIES = (
    Series("deployment_states", "chain runs", SIZES, _deployment_states, TARGET_SECONDS),
    Series("deployment_states", "heights", SIZES, _deployment_heights),
    Series("deployment_validity", "chain runs", SIZES, _deployment_validity),
    Series("proposal_lifecycle", "votes", SIZES, _proposal_votes, TARGET_SECONDS),
    Series("proposal_lifecycle", "audits", SIZES, _proposal_audits),
    Series("upgrade_support", "validators", SIZES, _upgrade_support),
    Series("upgrade_schedule", "chain runs", SIZES, _upgrade_schedule),
    Series("upgrade_schedule", "upgrades", SIZES, _upgrades),
    Series("parse_version", "KB, valid", KILOBYTES, _parse),
    Series("parse_version", "KB, invalid at the end", KILOBYTES, _parse_invalid),
    *(
        Series(name, "KB (schema rejects)", KILOBYTES, _version_handler(name, fields))
        for name, fields in VERSION_FIELDS.items()
    ),
)


def best_seconds(call: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` runs of `call`."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def measure(series: Series, repeat: int, give_up: float) -> Iterator[tuple[int, float]]:
    """(size, seconds) for each size of `series`, until one takes longer than `give_up`."""
    for size in series.sizes:
        seconds = best_seconds(series.build(size), repeat)
        yield size, seconds
        if seconds > give_up:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, the best is kept")
    parser.add_argument("--give-up", type=float, default=10.0, help="stop a series after a run this long")
    parser.add_argument("--json", action="store_true", help="one JSON object per figure instead of a table")
    arguments = parser.parse_args()
    if not arguments.json:
        print(f"{'handler':<20} {'size':>8} {'unit':<24} {'seconds':>9} {'ratio':>6}")
    for series in SERIES:
        previous: float | None = None
        measured: dict[int, float] = {}
        for size, seconds in measure(series, arguments.repeat, arguments.give_up):
            if arguments.json:
                record = {"handler": series.name, "unit": series.unit, "size": size, "seconds": seconds}
                print(json.dumps(record), flush=True)
            else:
                ratio = "" if previous is None else f"{seconds / previous:6.2f}"
                print(f"{series.name:<20} {size:>8} {series.unit:<24} {seconds:9.4f} {ratio:>6}", flush=True)
            previous = measured[size] = seconds
        if series.target_seconds is not None:
            _report_target(series, series.target_seconds, measured, arguments.json)


def _report_target(series: Series, target: float, measured: dict[int, float], as_json: bool) -> None:
    """Whether the largest size of `series` was reached (not given up on) and ran under `target`."""
    largest = series.sizes[-1]
    met = largest in measured and measured[largest] < target
    if as_json:
        record = {"handler": series.name, "unit": series.unit, "size": largest, "target_seconds": target}
        print(json.dumps({**record, "met": met}), flush=True)
    else:
        verdict = "met" if met else "MISSED"
        print(f"{series.name:<20} target: {largest:,} {series.unit} under {target} s: {verdict}", flush=True)


if __name__ == "__main__":
    main()
