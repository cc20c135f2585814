"""Cases of the schedule area (spec/schedule.md): what a network's upgrade schedule puts in force."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.activation import MAX_PERIODS
from forkspec.presets import load_preset
from forkspec.tools.cases import CaseSpec, generic_invalid_cases

Json = dict[str, Any]
START = 1_700_000_000
PATCH_TIME = START + 5_000
SIGNAL = 0x20000002
NO_SIGNAL = 0x20000000


def _network() -> tuple[list[Json], list[Json], int]:
    """A soft fork by signaling, a hard fork at a height, an emergency patch by time; and a chain."""
    preset = load_preset("minimal")
    period, threshold = preset.signaling_period, preset.signaling_threshold
    hard_fork_height = 6 * period
    upgrades = [
        {
            "name": "tightening",
            "kind": "soft_fork",
            "version": "1.1.0",
            "activation": {
                "method": "speedy_trial",
                "bit": 1,
                "period": period,
                "threshold": threshold,
                "start_time": START,
                "timeout": START + 10**6,
                "min_activation_height": 0,
            },
            "flags": [],
        },
        {
            "name": "sharding",
            "kind": "hard_fork",
            "version": "2.0.0",
            "activation": {"method": "height", "activation_height": hard_fork_height},
            "flags": ["CROSS_SHARD_V2"],
        },
        {
            "name": "aggregation",
            "kind": "soft_fork",
            "version": "2.1.0",
            "activation": {"method": "height", "activation_height": hard_fork_height + period},
            "flags": ["AGGREGATED_SIGNATURES"],
        },
        {
            "name": "hotfix",
            "kind": "emergency_patch",
            "version": "2.1.1",
            "activation": {"method": "time", "activation_time": PATCH_TIME},
            "flags": [],
        },
    ]
    chain = [
        {"count": period, "version": NO_SIGNAL, "time": START},
        {"count": period, "version": SIGNAL, "time": START, "time_step": 1},
        {"count": 8 * period, "version": NO_SIGNAL, "time": START + period, "time_step": 1},
    ]
    return upgrades, chain, period


def _failing_soft_fork(name: str, version: str, period: int) -> Json:
    """A BIP-9 soft fork that times out at its first period: cheap to evaluate on a long chain."""
    activation = {"method": "bip9", "bit": 1, "period": period, "threshold": 1, "start_time": 0, "timeout": 1}
    return {"name": name, "kind": "soft_fork", "version": version, "activation": activation, "flags": []}


def _query(
    slug: str,
    requirements: tuple[str, ...],
    description: str,
    upgrades: list[Json],
    chain: list[Json],
    height: int,
    time: int,
) -> CaseSpec:
    data = {"base_version": "1.0.0", "upgrades": upgrades, "chain": chain, "height": height, "time": time}
    return _schedule_case("upgrade_schedule", slug, requirements, description, data)


def _schedule_case(
    handler: str, slug: str, requirements: tuple[str, ...], description: str, data: Json
) -> CaseSpec:
    """A case of a schedule handler under the minimal preset, listing the signaling variants its
    upgrades use as features (spec/schedule.md)."""
    methods = {upgrade["activation"]["method"] for upgrade in data["upgrades"]}
    return CaseSpec(
        handler,
        slug,
        requirements,
        description,
        data,
        presets=("minimal",),
        features=tuple(sorted(methods & {"bip9", "speedy_trial", "bip8"})),
    )


def case_specs() -> Iterator[CaseSpec]:
    """The schedule cases."""
    upgrades, chain, period = _network()
    hard_fork_height = 6 * period
    for height, time, slug, description in (
        (0, START, "genesis", "nothing is active at genesis"),
        (2 * period, START, "soft-fork-locked-in", "the soft fork is locked in, not yet active"),
        (3 * period, START, "soft-fork-active", "the soft fork is active, the base version has moved on"),
        (
            hard_fork_height - 1,
            START,
            "one-block-before-hard-fork",
            "one block before the hard fork's height",
        ),
        (hard_fork_height, START, "hard-fork-active", "the hard fork is active and enables CROSS_SHARD_V2"),
        (
            hard_fork_height + period,
            PATCH_TIME - 1,
            "second-soft-fork-patch-pending",
            "the second soft fork adds a flag; the patch is one second away",
        ),
        (hard_fork_height + period, PATCH_TIME, "everything-active", "every upgrade is active"),
    ):
        yield _query(slug, ("SCH-4", "SCH-5", "SCH-6"), description, upgrades, chain, height, time)

    failed_soft_fork = [dict(upgrades[0], activation={"method": "never_active"}), *upgrades[1:]]
    yield _query(
        "later-upgrade-active-earlier-not",
        ("SCH-5",),
        "a failed soft fork before an active hard fork: the version is the hard fork's",
        failed_soft_fork,
        chain,
        hard_fork_height,
        START,
    )
    first, second = upgrades[0], upgrades[1]
    for slug, requirements, description, bad in (
        (
            "duplicate-name",
            ("SCH-1",),
            "two upgrades with one name",
            [first, dict(second, name=first["name"])],
        ),
        (
            "client-update",
            ("SCH-1", "CLS-9"),
            "a client update changes no protocol rule and has no place in a schedule",
            [first, {**upgrades[3], "kind": "client_update", "version": "1.1.1"}],
        ),
        (
            "bump-mismatch",
            ("SCH-2", "CLS-8"),
            "a hard fork with a minor bump",
            [first, dict(second, version="1.2.0")],
        ),
        (
            "version-downgrade",
            ("SCH-2", "VER-13"),
            "an upgrade below the one before it",
            [first, dict(second, version="1.0.1")],
        ),
        (
            "first-against-base",
            ("SCH-2",),
            "the first upgrade's bump is taken from the base version",
            [dict(first, version="1.0.1")],
        ),
        (
            "unknown-flag",
            ("SCH-3", "FLG-7"),
            "a flag that is not registered",
            [first, dict(second, flags=["WARP_DRIVE"])],
        ),
        (
            "duplicate-flag",
            ("SCH-3", "FLG-7"),
            "a flag enabled twice by one upgrade",
            [first, dict(second, flags=["CROSS_SHARD_V2", "CROSS_SHARD_V2"])],
        ),
        (
            "flag-not-introduced",
            ("SCH-3", "FLG-10"),
            "a flag enabled before the version that introduces it",
            [first, dict(second, flags=["ZK_RECURSION"])],
        ),
        ("unknown-kind", ("SCH-1", "CLS-1"), "an upgrade of an unknown kind", [dict(first, kind="fork")]),
        (
            "invalid-version",
            ("SCH-1", "VER-2"),
            "an upgrade with an invalid version",
            [dict(first, version="1.1")],
        ),
        (
            "invalid-deployment",
            ("SCH-1", "SIG-3"),
            "an upgrade whose deployment has a bit out of range",
            [dict(first, activation=dict(first["activation"], bit=29))],
        ),
        (
            "activation-time-out-of-range",
            ("SCH-3",),
            "an activation time at 2^64",
            [
                first,
                second,
                upgrades[2],
                dict(upgrades[3], activation={"method": "time", "activation_time": 2**64}),
            ],
        ),
    ):
        yield _query(f"invalid-{slug}", (*requirements, "SCH-7"), description, bad, chain, 0, START)
    length = sum(run["count"] for run in chain)
    yield _query(
        "invalid-height-beyond-chain",
        ("SCH-4", "ACT-7"),
        "a height the chain does not reach",
        upgrades,
        chain,
        length + 1,
        START,
    )
    yield _query("invalid-time-out-of-range", ("SCH-4",), "a negative time", upgrades, chain, 0, -1)
    for blocks, slug in (
        (MAX_PERIODS - 1, "periods-together-at-the-bound"),
        (MAX_PERIODS, "invalid-too-many-periods"),
    ):
        yield _query(
            slug,
            ("SCH-7", "ACT-6"),
            f"signaling upgrades of periods 1 and {blocks} on {blocks} blocks span {blocks + 1} periods",
            [_failing_soft_fork("first", "1.1.0", 1), _failing_soft_fork("second", "1.2.0", blocks)],
            [{"count": blocks, "version": NO_SIGNAL, "time": START}],
            0,
            START,
        )
    yield _query(
        "empty-schedule", ("SCH-5",), "a schedule with no upgrade keeps the base version", [], chain, 0, START
    )
    yield _query(
        "invalid-empty-schedule-height-beyond-chain",
        ("SCH-4", "ACT-7"),
        "a schedule with no upgrade still checks the height against the chain",
        [],
        chain,
        length + 1,
        START,
    )
    yield _query(
        "empty-schedule-on-the-empty-chain",
        ("SCH-4", "SCH-5", "ACT-4"),
        "no upgrade, no block: the base version at height 0 and time 0",
        [],
        [],
        0,
        0,
    )
    at_zero = [dict(upgrades[3], version="1.0.1", activation={"method": "time", "activation_time": 0})]
    yield _query(
        "time-activation-at-0",
        ("SCH-3", "SCH-4"),
        "an upgrade activated at time 0 is in force at time 0",
        at_zero,
        chain,
        0,
        0,
    )
    yield _query(
        "protocol-version-with-pre-release-and-build",
        ("SCH-5", "VER-1"),
        "the version in force keeps its pre-release and build metadata",
        [dict(at_zero[0], version="1.0.1-rc.1+build.7")],
        chain,
        0,
        START,
    )
    yield _query(
        "query-time-at-2-64-minus-1",
        ("SCH-4",),
        "the latest time there is: every timed upgrade is in force",
        upgrades,
        chain,
        0,
        2**64 - 1,
    )
    yield _query("invalid-time-at-2-64", ("SCH-4",), "a time of 2^64", upgrades, chain, 0, 2**64)
    yield _query(
        "invalid-height-negative", ("SCH-4", "ACT-7"), "a negative height", upgrades, chain, -1, START
    )
    yield _query(
        "invalid-height-at-2-32", ("SCH-4", "ACT-7"), "a height of 2^32", upgrades, chain, 2**32, START
    )
    yield _query(
        "invalid-activation-time-negative",
        ("SCH-3",),
        "an upgrade activated at a negative time",
        [dict(at_zero[0], activation={"method": "time", "activation_time": -1})],
        chain,
        0,
        START,
    )
    yield _query(
        "invalid-schedule-checked-before-time",
        ("SCH-3", "SCH-4", "GEN-7"),
        "an out-of-range activation time and an out-of-range query time: the schedule first",
        [dict(at_zero[0], activation={"method": "time", "activation_time": 2**64})],
        chain,
        0,
        -1,
    )
    yield _query(
        "invalid-time-checked-before-height",
        ("SCH-4", "GEN-7"),
        "an out-of-range time and a height beyond the chain: the time first",
        [],
        chain,
        length + 1,
        2**64,
    )
    yield from _fork_id_cases(upgrades, period)
    yield from generic_invalid_cases(
        "upgrade_schedule",
        {"base_version": "1.0.0", "upgrades": upgrades[1:3], "chain": chain, "height": 0, "time": START},
        "minimal",
    )


GENESIS_HASH = "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3"


def _fork_id(
    slug: str,
    requirements: tuple[str, ...],
    description: str,
    upgrades: list[Json],
    height: int,
    time: int,
    genesis_time: int = 0,
) -> CaseSpec:
    data = {
        "genesis_hash": GENESIS_HASH,
        "genesis_time": genesis_time,
        "base_version": "1.0.0",
        "upgrades": upgrades,
        "head": {"height": height, "time": time},
    }
    return _schedule_case("schedule_fork_id", slug, requirements, description, data)


def _fork_id_cases(upgrades: list[Json], period: int) -> Iterator[CaseSpec]:
    """SCH-8 on the network of `_network`: the speedy-trial soft fork is no fork point, the two
    fixed heights are block forks and the patch a time fork."""
    hard_fork_height = 6 * period
    for slug, height, time, description in (
        ("fork-id-genesis", 0, START, "at genesis: FORK_NEXT is the hard fork's height"),
        ("fork-id-hard-fork", hard_fork_height, START, "after the hard fork: the soft fork's height is next"),
        (
            "fork-id-patch-pending",
            hard_fork_height + period,
            PATCH_TIME - 1,
            "both heights passed, the patch next",
        ),
        ("fork-id-all-passed", hard_fork_height + period, PATCH_TIME, "every fork point passed"),
        (
            "fork-id-time-before-height",
            0,
            PATCH_TIME,
            "the patch's time is reached, but not the heights before it: the time fork waits",
        ),
    ):
        yield _fork_id(slug, ("SCH-8", "FID-4", "FID-5"), description, upgrades, height, time)
    reordered = [upgrades[0], upgrades[2], upgrades[1], upgrades[3]]
    yield _fork_id(
        "invalid-fork-id-schedule-checked",
        ("SCH-8", "SCH-2"),
        "a schedule out of version order is refused before its fork points are read",
        reordered,
        0,
        START,
    )
    late_first = [
        upgrades[1],
        dict(upgrades[2], activation={"method": "height", "activation_height": hard_fork_height - 1}),
    ]
    yield _fork_id(
        "invalid-fork-id-heights-out-of-order",
        ("SCH-8", "FID-2"),
        "a later upgrade at a lower fixed height: the fork points must ascend in schedule order",
        late_first,
        0,
        START,
    )
    always = [dict(upgrades[0], activation={"method": "always_active"}), *upgrades[1:]]
    yield _fork_id(
        "fork-id-always-active-is-no-fork",
        ("SCH-8", "FID-2"),
        "an upgrade active from genesis is no fork point",
        always,
        hard_fork_height,
        START,
    )
    same_height = [
        upgrades[1],
        dict(upgrades[2], activation={"method": "height", "activation_height": hard_fork_height}),
    ]
    yield _fork_id(
        "fork-id-two-upgrades-one-height",
        ("SCH-8", "FID-2"),
        "two upgrades at one height are one fork point",
        same_height,
        hard_fork_height,
        START,
    )
    yield _fork_id(
        "fork-id-patch-at-genesis-time",
        ("SCH-8", "FID-2"),
        "a time activation at or before the genesis time is in force from genesis: no fork is next",
        upgrades[1:],
        hard_fork_height + period,
        PATCH_TIME,
        genesis_time=PATCH_TIME,
    )
    early_patch = [*upgrades[1:3], dict(upgrades[3], activation={"method": "time", "activation_time": 1000})]
    yield _fork_id(
        "invalid-fork-id-time-below-threshold",
        ("SCH-8", "FID-3"),
        "a time activation at 1000 would be read as a height",
        early_patch,
        0,
        0,
    )
    yield _fork_id(
        "invalid-fork-id-genesis-time",
        ("SCH-8", "FID-1"),
        "a genesis time of 2^64",
        upgrades[1:],
        0,
        0,
        genesis_time=2**64,
    )
    yield _fork_id(
        "invalid-fork-id-head-height",
        ("SCH-8", "FID-4"),
        "a head height of 2^32",
        upgrades[1:],
        2**32,
        0,
    )
    yield from generic_invalid_cases(
        "schedule_fork_id",
        {
            "genesis_hash": GENESIS_HASH,
            "genesis_time": 0,
            "base_version": "1.0.0",
            "upgrades": upgrades[1:3],
            "head": {"height": 0, "time": START},
        },
        "minimal",
    )
