"""The upgrade schedule: active upgrades, protocol version and flags in force (SCH-1 to SCH-7)."""

from __future__ import annotations

from typing import Any

import pytest
from forkspec.classification import UpgradeKind
from forkspec.errors import ErrorCode, SpecError
from forkspec.flags import FLAG_REGISTRY
from forkspec.handlers import handler_schema_path, run_handler
from forkspec.schemas import first_violation, validator
from forkspec.versioning import UINT64_MAX, Bump, Version, compare_versions, parse_version
from hypothesis import given, settings
from hypothesis import strategies as st

PRESET_NAMES = ["mainnet", "minimal"]
UINT32_MAX = 2**32 - 1
# SCH-1: a client update has no activation, so it has no place in a schedule.
SCHEDULED_KINDS = [kind for kind in UpgradeKind if kind is not UpgradeKind.CLIENT_UPDATE]
CHAIN_LENGTH = 60
CHAIN = [{"count": CHAIN_LENGTH, "version": 0, "time": 1_000, "time_step": 600}]
OUTPUT_SCHEMA = validator(handler_schema_path("upgrade_schedule"), "output")
FLAG_BITS = {flag.name: flag.bit for flag in FLAG_REGISTRY}

# CLS-4, as SCH-2 applies it.
REQUIRED_BUMP = {
    UpgradeKind.HARD_FORK: Bump.MAJOR,
    UpgradeKind.SOFT_FORK: Bump.MINOR,
    UpgradeKind.EMERGENCY_PATCH: Bump.PATCH,
    UpgradeKind.CLIENT_UPDATE: Bump.PATCH,
}


def upgrade(
    name: str,
    kind: str = "hard_fork",
    version: str = "2.0.0",
    activation: dict[str, Any] | None = None,
    flags: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "version": version,
        "activation": at_height(0) if activation is None else activation,
        "flags": [] if flags is None else flags,
    }


def at_height(height: int) -> dict[str, Any]:
    return {"method": "height", "activation_height": height}


def at_time(time: int) -> dict[str, Any]:
    return {"method": "time", "activation_time": time}


NEVER = {"method": "never_active"}
ALWAYS = {"method": "always_active"}


def schedule_input(
    upgrades: list[dict[str, Any]],
    base: str = "1.0.0",
    chain: list[dict[str, Any]] | None = None,
    height: int = 0,
    time: int = 0,
) -> dict[str, Any]:
    return {
        "base_version": base,
        "upgrades": upgrades,
        "chain": CHAIN if chain is None else chain,
        "height": height,
        "time": time,
    }


def in_force(data: dict[str, Any], preset_name: str = "mainnet") -> dict[str, Any]:
    """The handler's answer, which must match the output schema."""
    output = run_handler("upgrade_schedule", preset_name, data)
    assert first_violation(OUTPUT_SCHEMA, output) is None
    return output


def schedule_code(data: dict[str, Any], preset_name: str = "mainnet") -> ErrorCode:
    with pytest.raises(SpecError) as excinfo:
        run_handler("upgrade_schedule", preset_name, data)
    return excinfo.value.code


def expected_flags(names: set[str]) -> tuple[list[str], int]:
    """Flag names in bit order and their mask (FLG-3)."""
    ordered = sorted(names, key=FLAG_BITS.__getitem__)
    return ordered, sum(1 << FLAG_BITS[name] for name in ordered)


def bumped(previous: Version, kind: UpgradeKind, step: int, low: int) -> Version:
    """A version `kind`'s bump above `previous`: `step` up in the bumped component, `low` below it."""
    match REQUIRED_BUMP[kind]:
        case Bump.MAJOR:
            return Version(previous.major + step, low, low)
        case Bump.MINOR:
            return Version(previous.major, previous.minor + step, low)
        case _:
            return Version(previous.major, previous.minor, previous.patch + step)


def allowed_flags(version: Version) -> list[str]:
    return [flag.name for flag in FLAG_REGISTRY if compare_versions(flag.introduced_in, version) <= 0]


# --------------------------------------------------------------------------------------------
# SCH-5, SCH-6: what is in force
# --------------------------------------------------------------------------------------------

BASES = ["0.0.1", "1.0.0", "1.9.3", "2.0.0", "2.1.0", "3.0.0", "3.1.7"]


@st.composite
def schedules(draw: st.DrawFn, time_activations: bool) -> tuple[str, list[dict[str, Any]]]:
    """A valid schedule: versions chained by their kinds' bumps, flags already introduced, any activation."""
    base = draw(st.sampled_from(BASES))
    previous = parse_version(base)
    upgrades = []
    for index in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(SCHEDULED_KINDS))
        version = bumped(previous, kind, draw(st.integers(1, 2)), draw(st.integers(0, 3)))
        methods = [at_height(draw(st.integers(0, CHAIN_LENGTH + 10)))]
        if time_activations:
            methods += [at_time(draw(st.integers(0, 200))), ALWAYS, NEVER]
        allowed = allowed_flags(version)
        flags = draw(st.lists(st.sampled_from(allowed), unique=True)) if allowed else []
        upgrades.append(
            upgrade(
                f"u{index}",
                kind.value,
                str(version),
                draw(st.sampled_from(methods)),
                flags,
            )
        )
        previous = version
    return base, upgrades


def is_active(activation: dict[str, Any], height: int, time: int) -> bool:
    """ACT-1, ACT-2 and SCH-4 for the activations the generator uses."""
    match activation["method"]:
        case "height":
            return bool(height >= activation["activation_height"])
        case "time":
            return bool(time >= activation["activation_time"])
        case method:
            return bool(method == "always_active")


@settings(max_examples=150)
@given(
    schedule=schedules(time_activations=False),
    height=st.integers(0, CHAIN_LENGTH),
    preset_name=st.sampled_from(PRESET_NAMES),
)
def test_version_in_force_is_the_last_active_upgrade(
    schedule: tuple[str, list[dict[str, Any]]], height: int, preset_name: str
) -> None:
    """SCH-5 with height activations: the active set is {activation_height <= height}, in schedule
    order, and the version is the last of them in list order, or the base version."""
    base, upgrades = schedule
    output = in_force(schedule_input(upgrades, base, height=height), preset_name)
    active = [entry for entry in upgrades if entry["activation"]["activation_height"] <= height]
    assert output["active"] == [entry["name"] for entry in active]
    assert output["protocol_version"] == (active[-1]["version"] if active else base)


@settings(max_examples=150)
@given(
    schedule=schedules(time_activations=True),
    height=st.integers(0, CHAIN_LENGTH),
    time=st.integers(0, 220),
)
def test_flags_in_force_are_the_union_of_the_active_upgrades_flags(
    schedule: tuple[str, list[dict[str, Any]]], height: int, time: int
) -> None:
    """SCH-6 over mixed activations: the union of the active upgrades' flags, in bit order, and its mask."""
    base, upgrades = schedule
    output = in_force(schedule_input(upgrades, base, height=height, time=time))
    active = [entry for entry in upgrades if is_active(entry["activation"], height, time)]
    names, mask = expected_flags({name for entry in active for name in entry["flags"]})
    assert output["active"] == [entry["name"] for entry in active]
    assert (output["flags"], output["mask"]) == (names, mask)
    assert output["protocol_version"] == (active[-1]["version"] if active else base)


def test_failed_soft_fork_then_active_hard_fork() -> None:
    """SCH-5's example: the hard fork's version, though the soft fork before it never activated."""
    upgrades = [
        upgrade("soft", "soft_fork", "2.1.0", NEVER, ["AGGREGATED_SIGNATURES"]),
        upgrade("hard", "hard_fork", "3.0.0", at_height(10), ["ZK_RECURSION"]),
    ]
    assert in_force(schedule_input(upgrades, base="2.0.0", height=10)) == {
        "active": ["hard"],
        "protocol_version": "3.0.0",
        "flags": ["ZK_RECURSION"],
        "mask": 0b100,
    }


def test_later_activation_of_an_earlier_upgrade_does_not_win() -> None:
    """The order is the schedule's, not the order of activation."""
    upgrades = [
        upgrade("first", "hard_fork", "2.0.0", at_height(30), ["CROSS_SHARD_V2"]),
        upgrade("second", "soft_fork", "2.1.0", at_height(10), ["AGGREGATED_SIGNATURES"]),
    ]
    for height, active, version, flags in [
        (9, [], "1.0.0", []),
        (10, ["second"], "2.1.0", ["AGGREGATED_SIGNATURES"]),
        (29, ["second"], "2.1.0", ["AGGREGATED_SIGNATURES"]),
        (30, ["first", "second"], "2.1.0", ["CROSS_SHARD_V2", "AGGREGATED_SIGNATURES"]),
    ]:
        output = in_force(schedule_input(upgrades, height=height))
        assert (output["active"], output["protocol_version"], output["flags"]) == (active, version, flags)


def test_empty_schedule_is_the_base_version() -> None:
    output = in_force(schedule_input([], base="7.3.1-rc.2+b.5", chain=[], height=0))
    assert output == {"active": [], "protocol_version": "7.3.1-rc.2+b.5", "flags": [], "mask": 0}


def test_the_same_flag_enabled_twice_is_in_force_once() -> None:
    upgrades = [
        upgrade("a", "hard_fork", "2.0.0", at_height(0), ["CROSS_SHARD_V2"]),
        upgrade("b", "soft_fork", "2.1.0", at_height(0), ["AGGREGATED_SIGNATURES", "CROSS_SHARD_V2"]),
    ]
    output = in_force(schedule_input(upgrades))
    assert (output["flags"], output["mask"]) == (["CROSS_SHARD_V2", "AGGREGATED_SIGNATURES"], 0b11)


# --------------------------------------------------------------------------------------------
# SCH-4: activation by deployment state and by time
# --------------------------------------------------------------------------------------------

SIGNALING_CHAIN = [{"count": 40, "version": 0x20000001, "time": 0, "time_step": 600}]
SIGNALING_DEPLOYMENTS = {
    "bip9": {"method": "bip9", "bit": 0, "period": 8, "threshold": 6, "start_time": 0, "timeout": 10**9},
    "bip8": {
        "method": "bip8",
        "bit": 0,
        "period": 8,
        "threshold": 6,
        "start_height": 0,
        "timeout_height": 32,
        "lock_in_on_timeout": False,
    },
}


@pytest.mark.parametrize("method", list(SIGNALING_DEPLOYMENTS))
@pytest.mark.parametrize(("height", "active"), [(0, False), (16, False), (23, False), (24, True), (40, True)])
def test_signaling_upgrade_is_active_only_when_its_deployment_is(
    method: str, height: int, active: bool
) -> None:
    """Every block signals: STARTED from 8, LOCKED_IN from 16 (not yet active), ACTIVE from 24."""
    states = run_handler(
        "deployment_states",
        "mainnet",
        {"deployment": SIGNALING_DEPLOYMENTS[method], "chain": SIGNALING_CHAIN, "heights": [height]},
    )["states"]
    assert (states[0]["state"] == "ACTIVE") is active
    upgrades = [upgrade("sig", activation=SIGNALING_DEPLOYMENTS[method], flags=["CROSS_SHARD_V2"])]
    output = in_force(schedule_input(upgrades, chain=SIGNALING_CHAIN, height=height))
    expected = (["sig"], "2.0.0", 1) if active else ([], "1.0.0", 0)
    assert (output["active"], output["protocol_version"], output["mask"]) == expected


@pytest.mark.parametrize(("activation", "active"), [(ALWAYS, True), (NEVER, False)])
@pytest.mark.parametrize("height", [0, CHAIN_LENGTH])
def test_fixed_deployments(activation: dict[str, Any], active: bool, height: int) -> None:
    output = in_force(schedule_input([upgrade("x", activation=activation)], height=height))
    assert output["active"] == (["x"] if active else [])


@pytest.mark.parametrize("activation_time", [0, 1, 1_234_567, UINT64_MAX])
def test_time_activation_is_inclusive(activation_time: int) -> None:
    """SCH-4: active when the asked time is at least activation_time, whatever the height."""
    upgrades = [upgrade("patch", "emergency_patch", "1.0.1", at_time(activation_time))]
    for time in {max(0, activation_time - 1), activation_time}:
        for height in (0, CHAIN_LENGTH):
            output = in_force(schedule_input(upgrades, height=height, time=time))
            expected = time >= activation_time
            assert output["active"] == (["patch"] if expected else [])
            assert output["protocol_version"] == ("1.0.1" if expected else "1.0.0")


@given(activation_time=st.integers(0, UINT64_MAX), time=st.integers(0, UINT64_MAX))
def test_time_activation_property(activation_time: int, time: int) -> None:
    upgrades = [upgrade("patch", "emergency_patch", "1.0.1", at_time(activation_time))]
    output = in_force(schedule_input(upgrades, time=time))
    assert output["active"] == (["patch"] if time >= activation_time else [])


@pytest.mark.parametrize("bad", [-1, UINT64_MAX + 1, -(2**70)])
def test_activation_time_out_of_range(bad: int) -> None:
    """SCH-3."""
    upgrades = [upgrade("patch", "emergency_patch", "1.0.1", at_time(bad))]
    assert schedule_code(schedule_input(upgrades)) is ErrorCode.TIMESTAMP_OUT_OF_RANGE


@pytest.mark.parametrize("time", [-1, UINT64_MAX + 1])
def test_asked_time_out_of_range(time: int) -> None:
    assert schedule_code(schedule_input([], time=time)) is ErrorCode.TIMESTAMP_OUT_OF_RANGE
    assert in_force(schedule_input([], time=UINT64_MAX))["protocol_version"] == "1.0.0"


@pytest.mark.parametrize(
    ("height", "expected"),
    [
        (-1, ErrorCode.HEIGHT_OUT_OF_RANGE),
        (UINT32_MAX + 1, ErrorCode.HEIGHT_OUT_OF_RANGE),
        (CHAIN_LENGTH + 1, ErrorCode.HEIGHT_BEYOND_CHAIN),
        (UINT32_MAX, ErrorCode.HEIGHT_BEYOND_CHAIN),
    ],
)
def test_asked_height(height: int, expected: ErrorCode) -> None:
    """SCH-4 (ACT-7): heights beyond 0..chain length are rejected."""
    assert schedule_code(schedule_input([], height=height)) is expected


@pytest.mark.parametrize("height", [0, CHAIN_LENGTH - 1, CHAIN_LENGTH])
def test_asked_height_up_to_the_chain_length(height: int) -> None:
    upgrades = [upgrade("x", activation=at_height(height))]
    assert in_force(schedule_input(upgrades, height=height))["active"] == ["x"]
    assert in_force(schedule_input([], chain=[], height=0))["active"] == []


# --------------------------------------------------------------------------------------------
# SCH-1, SCH-2, SCH-3: a consistent schedule
# --------------------------------------------------------------------------------------------

NEW_VERSIONS = {
    "2.0.0": Bump.MAJOR,
    "2.0.0-rc.1": Bump.MAJOR,
    "5.7.1": Bump.MAJOR,
    "1.3.0": Bump.MINOR,
    "1.3.0-alpha": Bump.MINOR,
    "1.5.9": Bump.MINOR,
    "1.2.4": Bump.PATCH,
    "1.2.9-x": Bump.PATCH,
    "1.2.3+build.2": Bump.NONE,
    "1.2.2": None,
    "1.2.3-rc.1": None,
    "0.9.0": None,
}


@pytest.mark.parametrize("preset_name", PRESET_NAMES)
@pytest.mark.parametrize("position", ["first", "second"])
@pytest.mark.parametrize("new_version", list(NEW_VERSIONS))
@pytest.mark.parametrize("kind", SCHEDULED_KINDS)
def test_bump_rule_per_kind(kind: UpgradeKind, new_version: str, position: str, preset_name: str) -> None:
    """SCH-2: from the base (first upgrade) or the previous upgrade's version (even one never active),
    a downgrade is VERSION_DOWNGRADE, otherwise the bump must be the kind's."""
    candidate = upgrade("new", kind.value, new_version, at_height(0))
    if position == "first":
        data = schedule_input([candidate], base="1.2.3")
    else:
        data = schedule_input([upgrade("old", "hard_fork", "1.2.3", NEVER), candidate], base="0.5.0")
    bump = NEW_VERSIONS[new_version]
    if bump is None:
        assert schedule_code(data, preset_name) is ErrorCode.VERSION_DOWNGRADE
    elif bump is REQUIRED_BUMP[kind]:
        assert in_force(data, preset_name)["protocol_version"] == new_version
    else:
        assert schedule_code(data, preset_name) is ErrorCode.BUMP_MISMATCH


@pytest.mark.parametrize("position", [0, 1])
def test_a_client_update_is_refused_after_its_name_is_checked(position: int) -> None:
    """SCH-1: UNEXPECTED_ACTIVATION for a client update; a duplicate name before it wins."""
    update = upgrade("update", "client_update", "1.0.1" if position == 0 else "2.0.1")
    upgrades = [update] if position == 0 else [upgrade("fork", "hard_fork", "2.0.0"), update]
    assert schedule_code(schedule_input(upgrades)) is ErrorCode.UNEXPECTED_ACTIVATION
    duplicate = [upgrade("fork", "hard_fork", "2.0.0"), {**update, "name": "fork"}]
    assert schedule_code(schedule_input(duplicate)) is ErrorCode.DUPLICATE_UPGRADE


def test_versions_chain_through_every_upgrade() -> None:
    """Each upgrade is judged against the one before it, not against the base."""
    upgrades = [
        upgrade("a", "soft_fork", "1.1.0", NEVER),
        upgrade("b", "soft_fork", "1.2.0", NEVER),
        upgrade("c", "emergency_patch", "1.2.1", at_height(5)),
    ]
    assert in_force(schedule_input(upgrades, height=5))["protocol_version"] == "1.2.1"
    skipping = [*upgrades[:2], upgrade("c", "emergency_patch", "1.0.1", at_height(5))]
    assert schedule_code(schedule_input(skipping)) is ErrorCode.VERSION_DOWNGRADE
    from_base = [upgrades[0], upgrade("b", "soft_fork", "1.1.0", NEVER)]
    assert schedule_code(schedule_input(from_base)) is ErrorCode.BUMP_MISMATCH


FLAG_CASES = [pytest.param(flag.name, str(flag.introduced_in), id=flag.name) for flag in FLAG_REGISTRY]


def just_below(version: Version) -> list[str]:
    """Versions of lower precedence than `version`: its pre-release and the core before it."""
    before = f"{version.major}.{version.minor - 1}.99" if version.minor else f"{version.major - 1}.99.99"
    return [f"{version}-rc.1", f"{version}-0", before]


@pytest.mark.parametrize(("name", "introduced"), FLAG_CASES)
def test_flag_introduction_is_inclusive(name: str, introduced: str) -> None:
    """SCH-3 (FLG-4): a flag may be enabled at its version or later, never before."""
    hard_fork_from = "0.0.1"
    for version in [introduced, f"{introduced}+build", "9.0.0"]:
        data = schedule_input([upgrade("x", "hard_fork", version, flags=[name])], base=hard_fork_from)
        output = in_force(data)
        assert (output["flags"], output["mask"]) == ([name], 1 << FLAG_BITS[name])
    for version in just_below(parse_version(introduced)):
        data = schedule_input([upgrade("x", "hard_fork", version, flags=[name])], base=hard_fork_from)
        assert schedule_code(data) is ErrorCode.FLAG_NOT_INTRODUCED


PROBE_VERSIONS = [
    "1.0.0",
    "1.99.99",
    "2.0.0-rc.1",
    "2.0.0",
    "2.0.5",
    "2.1.0-alpha",
    "2.1.0",
    "2.9.9",
    "3.0.0-0",
    "3.0.0",
    "3.1.0-rc.1",
    "3.1.0+b",
    "7.0.0",
]


@given(
    version=st.sampled_from(PROBE_VERSIONS),
    names=st.lists(st.sampled_from([flag.name for flag in FLAG_REGISTRY]), unique=True),
    active=st.booleans(),
)
def test_flag_not_introduced_iff_some_flag_is_newer_than_the_version(
    version: str, names: list[str], active: bool
) -> None:
    """SCH-3 against FLAG_REGISTRY: rejected iff a named flag's introduced_in has higher precedence,
    whether or not the upgrade is active."""
    introduced = {flag.name: flag.introduced_in for flag in FLAG_REGISTRY}
    activation = at_height(0) if active else NEVER
    data = schedule_input([upgrade("x", "hard_fork", version, activation, names)], base="0.0.1")
    if any(compare_versions(introduced[name], parse_version(version)) > 0 for name in names):
        assert schedule_code(data) is ErrorCode.FLAG_NOT_INTRODUCED
    else:
        output = in_force(data)
        expected = expected_flags(set(names)) if active else ([], 0)
        assert (output["flags"], output["mask"]) == expected


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["BOGUS"], ErrorCode.UNKNOWN_FLAG),
        (["cross_shard_v2"], ErrorCode.UNKNOWN_FLAG),
        (["CROSS_SHARD_V2", ""], ErrorCode.UNKNOWN_FLAG),
        (["CROSS_SHARD_V2", "CROSS_SHARD_V2"], ErrorCode.DUPLICATE_FLAG),
        (["AGGREGATED_SIGNATURES", "CROSS_SHARD_V2", "AGGREGATED_SIGNATURES"], ErrorCode.DUPLICATE_FLAG),
        # FLG-7 judges the list before FLG-4 judges any flag in it (SCH-3's order).
        (["ENCRYPTED_MEMPOOL", "BOGUS"], ErrorCode.UNKNOWN_FLAG),
        (["ENCRYPTED_MEMPOOL", "ENCRYPTED_MEMPOOL"], ErrorCode.DUPLICATE_FLAG),
        (["ENCRYPTED_MEMPOOL"], ErrorCode.FLAG_NOT_INTRODUCED),
    ],
)
def test_flag_names_follow_flg_7(flags: list[str], expected: ErrorCode) -> None:
    data = schedule_input([upgrade("x", "hard_fork", "2.0.0", NEVER, flags)])
    assert schedule_code(data) is expected


@pytest.mark.parametrize(
    "names",
    [["a", "a"], ["a", "b", "a"], ["x", "y", "z", "y"], ["soft", "hard", "hard"]],
)
def test_duplicate_upgrade_names(names: list[str]) -> None:
    """SCH-1: DUPLICATE_UPGRADE, wherever the repeat is, with otherwise valid upgrades."""
    versions = [f"{2 + index}.0.0" for index in range(len(names))]
    upgrades = [upgrade(name, "hard_fork", version) for name, version in zip(names, versions, strict=True)]
    assert schedule_code(schedule_input(upgrades)) is ErrorCode.DUPLICATE_UPGRADE
    distinct = [{**entry, "name": f"{entry['name']}{index}"} for index, entry in enumerate(upgrades)]
    assert in_force(schedule_input(distinct))["protocol_version"] == versions[-1]


def test_names_are_case_sensitive_and_non_empty() -> None:
    upgrades = [upgrade("Fork"), upgrade("fork", version="3.0.0")]
    assert in_force(schedule_input(upgrades))["active"] == ["Fork", "fork"]
    assert schedule_code(schedule_input([upgrade("")])) is ErrorCode.INVALID_INPUT


# --------------------------------------------------------------------------------------------
# SCH-7: the order of the checks
# --------------------------------------------------------------------------------------------

BAD_BIT = {"method": "bip9", "bit": 29, "period": 8, "threshold": 6, "start_time": 0, "timeout": 10}
EMPTY_RUN = [{"count": 0, "version": 0, "time": 0}]
BACKWARDS = [{"count": 2, "version": 0, "time": 50}, {"count": 2, "version": 0, "time": 49}]
OK = upgrade("ok", "hard_fork", "2.0.0")
DUP = upgrade("ok", "hard_fork", "3.0.0")
MISMATCH = upgrade("mismatch", "soft_fork", "2.0.0")

ORDER_CASES = [
    pytest.param(
        schedule_input([OK, DUP, upgrade("k", "bogus", "4.0.0")]),
        ErrorCode.UNKNOWN_UPGRADE_KIND,
        id="kind of upgrade 3 before duplicate name in upgrade 2",
    ),
    pytest.param(
        schedule_input([MISMATCH, upgrade("v", "hard_fork", "3.0")]),
        ErrorCode.INVALID_VERSION,
        id="version of upgrade 2 before bump of upgrade 1",
    ),
    pytest.param(
        schedule_input([upgrade("f", flags=["BOGUS"]), upgrade("a", version="3.0.0", activation=BAD_BIT)]),
        ErrorCode.DEPLOYMENT_BIT_OUT_OF_RANGE,
        id="activation of upgrade 2 before flags of upgrade 1",
    ),
    pytest.param(
        schedule_input([OK, upgrade("h", version="3.0.0", activation=at_height(UINT32_MAX + 1)), DUP]),
        ErrorCode.HEIGHT_OUT_OF_RANGE,
        id="activation height of upgrade 2 before duplicate name in upgrade 3",
    ),
    pytest.param(
        schedule_input([upgrade("a", activation=BAD_BIT), upgrade("k", "bogus")]),
        ErrorCode.DEPLOYMENT_BIT_OUT_OF_RANGE,
        id="activation of upgrade 1 before kind of upgrade 2",
    ),
    pytest.param(
        schedule_input([upgrade("k", "bogus", "x", BAD_BIT)]),
        ErrorCode.UNKNOWN_UPGRADE_KIND,
        id="kind before version before activation",
    ),
    pytest.param(
        schedule_input([upgrade("v", "hard_fork", "01.0.0", BAD_BIT)]),
        ErrorCode.INVALID_VERSION,
        id="version before activation",
    ),
    pytest.param(
        schedule_input([upgrade("k", "bogus")], base="1.0"),
        ErrorCode.INVALID_VERSION,
        id="base version before the first kind",
    ),
    pytest.param(
        schedule_input([upgrade("t", activation=at_time(-1)), upgrade("k", "bogus")]),
        ErrorCode.UNKNOWN_UPGRADE_KIND,
        id="a time activation's range is SCH-3, after every kind",
    ),
    pytest.param(
        schedule_input([upgrade("a", activation=BAD_BIT)], chain=EMPTY_RUN),
        ErrorCode.DEPLOYMENT_BIT_OUT_OF_RANGE,
        id="activation before chain",
    ),
    pytest.param(
        schedule_input([OK, DUP], chain=EMPTY_RUN),
        ErrorCode.BLOCK_COUNT_OUT_OF_RANGE,
        id="chain before duplicate name",
    ),
    pytest.param(
        schedule_input([MISMATCH], chain=BACKWARDS),
        ErrorCode.BLOCK_TIME_DECREASING,
        id="chain before bump",
    ),
    pytest.param(
        schedule_input([upgrade("f", flags=["BOGUS"]), {**DUP, "name": "f"}]),
        ErrorCode.UNKNOWN_FLAG,
        id="flags of upgrade 1 before duplicate name in upgrade 2",
    ),
    pytest.param(
        schedule_input([upgrade("t", activation=at_time(UINT64_MAX + 1)), {**DUP, "name": "t"}]),
        ErrorCode.TIMESTAMP_OUT_OF_RANGE,
        id="activation time of upgrade 1 before duplicate name in upgrade 2",
    ),
    pytest.param(
        schedule_input([OK, {**MISMATCH, "name": "ok", "flags": ["BOGUS"]}]),
        ErrorCode.DUPLICATE_UPGRADE,
        id="name before bump before flags",
    ),
    pytest.param(
        schedule_input([{**MISMATCH, "flags": ["BOGUS"], "activation": at_time(-1)}]),
        ErrorCode.BUMP_MISMATCH,
        id="bump before flags and activation time",
    ),
    pytest.param(
        schedule_input([upgrade("f", activation=at_time(-1), flags=["BOGUS"])]),
        ErrorCode.UNKNOWN_FLAG,
        id="flags before activation time",
    ),
    pytest.param(
        schedule_input([OK, DUP], time=-1, height=-1),
        ErrorCode.DUPLICATE_UPGRADE,
        id="schedule before time and height",
    ),
    pytest.param(
        schedule_input([OK], time=UINT64_MAX + 1, height=CHAIN_LENGTH + 1),
        ErrorCode.TIMESTAMP_OUT_OF_RANGE,
        id="time before height",
    ),
    pytest.param(
        schedule_input([{**upgrade("k", "bogus", "x"), "flags": None}], base="x"),
        ErrorCode.INVALID_INPUT,
        id="schema before everything",
    ),
]


@pytest.mark.parametrize("preset_name", PRESET_NAMES)
@pytest.mark.parametrize(("data", "expected"), ORDER_CASES)
def test_check_order(data: dict[str, Any], expected: ErrorCode, preset_name: str) -> None:
    """SCH-7: schema; base; per upgrade kind, version, activation; chain; per upgrade name, SCH-2,
    SCH-3; then time and height."""
    assert schedule_code(data, preset_name) is expected
