"""Upgrade classification: policies, declared-upgrade checks and stake tallies (CLS-1 to CLS-12)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
from forkspec.classification import (
    ActivationPolicy,
    UpgradeKind,
    Validator,
    check_declared_upgrade,
    parse_upgrade_kind,
    tally_support,
    upgrade_policy,
)
from forkspec.errors import ErrorCode, SpecError
from forkspec.presets import BASIS_POINTS, Preset, load_preset
from forkspec.versioning import UINT64_MAX, Bump, parse_version
from hypothesis import assume, given
from hypothesis import strategies as st

PRESET_NAMES = ["mainnet", "minimal"]
ALL_KINDS = list(UpgradeKind)
VOTED_KINDS = [UpgradeKind.SOFT_FORK, UpgradeKind.HARD_FORK]
UNVOTED_KINDS = [UpgradeKind.EMERGENCY_PATCH, UpgradeKind.CLIENT_UPDATE]

REQUIRED_BUMP = {
    UpgradeKind.HARD_FORK: Bump.MAJOR,
    UpgradeKind.SOFT_FORK: Bump.MINOR,
    UpgradeKind.EMERGENCY_PATCH: Bump.PATCH,
    UpgradeKind.CLIENT_UPDATE: Bump.PATCH,
}
OLD_VERSION = "1.2.3"
NEW_VERSION_FOR_BUMP = {
    Bump.MAJOR: "2.0.0",
    Bump.MINOR: "1.3.0",
    Bump.PATCH: "1.2.4",
    Bump.NONE: "1.2.3+rebuild.1",
}


@pytest.fixture(params=PRESET_NAMES)
def preset(request: pytest.FixtureRequest) -> Preset:
    return load_preset(request.param)


def expected_threshold(kind: UpgradeKind, preset: Preset) -> int:
    return {
        UpgradeKind.SOFT_FORK: preset.soft_fork_threshold_bps,
        UpgradeKind.HARD_FORK: preset.hard_fork_threshold_bps,
    }.get(kind, 0)


def valid_times(kind: UpgradeKind, preset: Preset) -> tuple[int | None, int | None]:
    """released_at and activates_at that satisfy the timing rules of `kind`."""
    if kind is UpgradeKind.CLIENT_UPDATE:
        return (1_000, None)
    if kind is UpgradeKind.EMERGENCY_PATCH:
        return (1_000, 1_000 + preset.emergency_activation_window_seconds)
    return (1_000, 1_000 + 30 * 86_400)


def check(
    kind: UpgradeKind,
    preset: Preset,
    released_at: int | None,
    activates_at: int | None,
    old: str = OLD_VERSION,
    new: str | None = None,
) -> Bump:
    new = NEW_VERSION_FOR_BUMP[REQUIRED_BUMP[kind]] if new is None else new
    return check_declared_upgrade(
        kind, parse_version(old), parse_version(new), released_at, activates_at, preset
    )


def check_code(
    kind: UpgradeKind,
    preset: Preset,
    released_at: int | None,
    activates_at: int | None,
    old: str = OLD_VERSION,
    new: str | None = None,
) -> ErrorCode:
    with pytest.raises(SpecError) as excinfo:
        check(kind, preset, released_at, activates_at, old, new)
    return excinfo.value.code


def tally_code(kind: UpgradeKind, validators: list[Validator], preset: Preset) -> ErrorCode:
    with pytest.raises(SpecError) as excinfo:
        tally_support(kind, validators, preset)
    return excinfo.value.code


# --------------------------------------------------------------------------------------------
# Kinds and policies
# --------------------------------------------------------------------------------------------


def test_there_are_exactly_four_kinds() -> None:
    assert {kind.value for kind in UpgradeKind} == {
        "soft_fork",
        "hard_fork",
        "emergency_patch",
        "client_update",
    }


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_parse_upgrade_kind_accepts_each_name(kind: UpgradeKind) -> None:
    assert parse_upgrade_kind(kind.value) is kind


@pytest.mark.parametrize(
    "name", ["", "hardfork", "Hard_Fork", "HARD_FORK", " soft_fork", "soft_fork ", "patch"]
)
def test_parse_upgrade_kind_rejects_other_names(name: str) -> None:
    with pytest.raises(SpecError) as excinfo:
        parse_upgrade_kind(name)
    assert excinfo.value.code is ErrorCode.UNKNOWN_UPGRADE_KIND


@pytest.mark.parametrize(
    ("kind", "activation", "backward_compatible"),
    [
        (UpgradeKind.SOFT_FORK, ActivationPolicy.COORDINATED, True),
        (UpgradeKind.HARD_FORK, ActivationPolicy.COORDINATED, False),
        (UpgradeKind.EMERGENCY_PATCH, ActivationPolicy.DEADLINE, True),
        (UpgradeKind.CLIENT_UPDATE, ActivationPolicy.NONE, True),
    ],
)
def test_policy_of_each_kind(
    kind: UpgradeKind, activation: ActivationPolicy, backward_compatible: bool, preset: Preset
) -> None:
    policy = upgrade_policy(kind, preset)
    assert policy.kind is kind
    assert policy.required_bump is REQUIRED_BUMP[kind]
    assert policy.activation is activation
    assert policy.backward_compatible is backward_compatible
    assert policy.threshold_bps == expected_threshold(kind, preset)
    expected_delay = (
        preset.emergency_activation_window_seconds if kind is UpgradeKind.EMERGENCY_PATCH else None
    )
    assert policy.max_activation_delay_seconds == expected_delay


def test_policy_follows_the_preset_not_constants() -> None:
    custom = dataclasses.replace(
        load_preset("mainnet"),
        name="custom",
        soft_fork_threshold_bps=6_000,
        hard_fork_threshold_bps=9_500,
        emergency_activation_window_seconds=42,
    )
    assert upgrade_policy(UpgradeKind.SOFT_FORK, custom).threshold_bps == 6_000
    assert upgrade_policy(UpgradeKind.HARD_FORK, custom).threshold_bps == 9_500
    assert upgrade_policy(UpgradeKind.EMERGENCY_PATCH, custom).max_activation_delay_seconds == 42


# --------------------------------------------------------------------------------------------
# Declared upgrades
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bump", list(Bump))
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_declared_upgrade_accepts_exactly_the_required_bump(
    kind: UpgradeKind, bump: Bump, preset: Preset
) -> None:
    released_at, activates_at = valid_times(kind, preset)
    new = NEW_VERSION_FOR_BUMP[bump]
    if bump is REQUIRED_BUMP[kind]:
        assert check(kind, preset, released_at, activates_at, new=new) is bump
    else:
        assert check_code(kind, preset, released_at, activates_at, new=new) is (ErrorCode.BUMP_MISMATCH)


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_declared_downgrade_is_rejected(kind: UpgradeKind, preset: Preset) -> None:
    released_at, activates_at = valid_times(kind, preset)
    code = check_code(kind, preset, released_at, activates_at, old="3.0.0", new="2.9.9")
    assert code is ErrorCode.VERSION_DOWNGRADE


@pytest.mark.parametrize("released_at", [0, 1_000, UINT64_MAX // 2])
def test_emergency_window_boundary(released_at: int, preset: Preset) -> None:
    window = preset.emergency_activation_window_seconds
    kind = UpgradeKind.EMERGENCY_PATCH
    assert check(kind, preset, released_at, released_at) is Bump.PATCH
    assert check(kind, preset, released_at, released_at + window) is Bump.PATCH
    assert check_code(kind, preset, released_at, released_at + window + 1) is (
        ErrorCode.EMERGENCY_WINDOW_EXCEEDED
    )


def test_emergency_window_at_the_top_of_the_timestamp_range(preset: Preset) -> None:
    window = preset.emergency_activation_window_seconds
    kind = UpgradeKind.EMERGENCY_PATCH
    assert check(kind, preset, UINT64_MAX - window, UINT64_MAX) is Bump.PATCH
    assert check_code(kind, preset, UINT64_MAX - window - 1, UINT64_MAX) is (
        ErrorCode.EMERGENCY_WINDOW_EXCEEDED
    )


@pytest.mark.parametrize("kind", VOTED_KINDS)
def test_coordinated_upgrades_have_no_activation_window(kind: UpgradeKind, preset: Preset) -> None:
    assert check(kind, preset, 0, UINT64_MAX) is REQUIRED_BUMP[kind]


@pytest.mark.parametrize("kind", VOTED_KINDS)
@pytest.mark.parametrize(("released_at", "activates_at"), [(None, None), (5, None), (None, 5)])
def test_coordinated_upgrades_may_omit_times(
    kind: UpgradeKind, released_at: int | None, activates_at: int | None, preset: Preset
) -> None:
    assert check(kind, preset, released_at, activates_at) is REQUIRED_BUMP[kind]


@pytest.mark.parametrize(("released_at", "activates_at"), [(None, None), (5, None), (None, 5)])
def test_emergency_patch_needs_both_times(
    released_at: int | None, activates_at: int | None, preset: Preset
) -> None:
    code = check_code(UpgradeKind.EMERGENCY_PATCH, preset, released_at, activates_at)
    assert code is ErrorCode.MISSING_ACTIVATION_TIME


@pytest.mark.parametrize("kind", [*VOTED_KINDS, UpgradeKind.EMERGENCY_PATCH])
@pytest.mark.parametrize("released_at", [1, 1_000, UINT64_MAX])
def test_activation_before_release_is_rejected(kind: UpgradeKind, released_at: int, preset: Preset) -> None:
    assert check(kind, preset, released_at, released_at) is REQUIRED_BUMP[kind]
    code = check_code(kind, preset, released_at, released_at - 1)
    assert code is ErrorCode.ACTIVATION_BEFORE_RELEASE


@pytest.mark.parametrize("released_at", [None, 0, 1_000])
@pytest.mark.parametrize("activates_at", [0, 1_000, 2_000])
def test_client_update_has_no_activation(released_at: int | None, activates_at: int, preset: Preset) -> None:
    code = check_code(UpgradeKind.CLIENT_UPDATE, preset, released_at, activates_at)
    assert code is ErrorCode.UNEXPECTED_ACTIVATION


@pytest.mark.parametrize("released_at", [None, 0, UINT64_MAX])
def test_client_update_without_activation_is_accepted(released_at: int | None, preset: Preset) -> None:
    assert check(UpgradeKind.CLIENT_UPDATE, preset, released_at, None) is Bump.PATCH


@pytest.mark.parametrize("bad", [-1, UINT64_MAX + 1, -(2**64), 2**100])
@pytest.mark.parametrize("field", ["released_at", "activates_at"])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_timestamps_outside_uint64_are_rejected(
    kind: UpgradeKind, field: str, bad: int, preset: Preset
) -> None:
    times = dict(zip(("released_at", "activates_at"), valid_times(kind, preset), strict=True))
    times[field] = bad
    code = check_code(kind, preset, times["released_at"], times["activates_at"])
    assert code is ErrorCode.TIMESTAMP_OUT_OF_RANGE


@given(
    kind=st.sampled_from(ALL_KINDS),
    preset_name=st.sampled_from(PRESET_NAMES),
    released_at=st.one_of(st.none(), st.integers(-5, UINT64_MAX + 5)),
    delay=st.one_of(st.none(), st.integers(-5, 200_000)),
)
def test_declared_upgrade_timing_rules(
    kind: UpgradeKind, preset_name: str, released_at: int | None, delay: int | None
) -> None:
    """With the right bump, the outcome is the first timing rule that fails, in CLS order."""
    preset = load_preset(preset_name)
    base = 10_000 if released_at is None else released_at
    activates_at = None if delay is None else base + delay
    times = [t for t in (released_at, activates_at) if t is not None]
    window = preset.emergency_activation_window_seconds
    if any(not 0 <= t <= UINT64_MAX for t in times):
        expected: ErrorCode | None = ErrorCode.TIMESTAMP_OUT_OF_RANGE
    elif kind is UpgradeKind.CLIENT_UPDATE:
        expected = None if activates_at is None else ErrorCode.UNEXPECTED_ACTIVATION
    elif kind is UpgradeKind.EMERGENCY_PATCH and (released_at is None or activates_at is None):
        expected = ErrorCode.MISSING_ACTIVATION_TIME
    elif released_at is None or activates_at is None:
        expected = None
    elif activates_at < released_at:
        expected = ErrorCode.ACTIVATION_BEFORE_RELEASE
    elif kind is UpgradeKind.EMERGENCY_PATCH and activates_at - released_at > window:
        expected = ErrorCode.EMERGENCY_WINDOW_EXCEEDED
    else:
        expected = None
    if expected is None:
        assert check(kind, preset, released_at, activates_at) is REQUIRED_BUMP[kind]
    else:
        assert check_code(kind, preset, released_at, activates_at) is expected


# --------------------------------------------------------------------------------------------
# Support tallies
# --------------------------------------------------------------------------------------------


def validators_with(supporting: int, opposing: int) -> list[Validator]:
    """Validators holding `supporting` and `opposing` stake, split into uint64-sized pieces."""
    result: list[Validator] = []
    for supports, stake in ((True, supporting), (False, opposing)):
        while stake > 0:
            piece = min(stake, UINT64_MAX)
            result.append(Validator(f"v{len(result)}", piece, supports))
            stake -= piece
    return result


@pytest.mark.parametrize("kind", VOTED_KINDS)
@pytest.mark.parametrize("unit", [1, 7, UINT64_MAX // BASIS_POINTS, UINT64_MAX])
def test_tally_threshold_is_exact(kind: UpgradeKind, unit: int, preset: Preset) -> None:
    """Exactly threshold/10000 of the stake meets it; one unit of stake less does not."""
    threshold = expected_threshold(kind, preset)
    total = BASIS_POINTS * unit
    at = threshold * unit

    tally = tally_support(kind, validators_with(at, total - at), preset)
    assert (tally.supporting_stake, tally.total_stake) == (at, total)
    assert tally.threshold_bps == threshold
    assert tally.met is True

    below = tally_support(kind, validators_with(at - 1, total - at + 1), preset)
    assert (below.supporting_stake, below.total_stake) == (at - 1, total)
    assert below.met is False


def test_hard_fork_threshold_with_max_stakes() -> None:
    """80 % of five uint64-max stakes: four supporters meet it, one unit less does not."""
    preset = load_preset("mainnet")
    assert preset.hard_fork_threshold_bps == 8_000
    at = [Validator(f"s{i}", UINT64_MAX, True) for i in range(4)]
    at.append(Validator("o", UINT64_MAX, False))
    assert tally_support(UpgradeKind.HARD_FORK, at, preset).met is True

    below = [*at[:3], Validator("s3", UINT64_MAX - 1, True), at[4], Validator("o2", 1, False)]
    tally = tally_support(UpgradeKind.HARD_FORK, below, preset)
    assert tally.total_stake == 5 * UINT64_MAX
    assert tally.supporting_stake == 4 * UINT64_MAX - 1
    assert tally.met is False


@pytest.mark.parametrize("kind", UNVOTED_KINDS)
def test_kinds_without_a_vote_are_met_without_support(kind: UpgradeKind, preset: Preset) -> None:
    tally = tally_support(kind, [Validator("a", 10, False)], preset)
    assert (tally.supporting_stake, tally.total_stake, tally.threshold_bps) == (0, 10, 0)
    assert tally.met is True


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_zero_stake_validators_count_for_nothing(kind: UpgradeKind, preset: Preset) -> None:
    validators = [Validator("a", 0, True), Validator("b", 1, True), Validator("c", 0, False)]
    tally = tally_support(kind, validators, preset)
    assert (tally.supporting_stake, tally.total_stake, tally.met) == (1, 1, True)


@pytest.mark.parametrize(
    "validators",
    [
        [Validator("a", 1, True), Validator("a", 1, True)],
        [Validator("a", 1, True), Validator("b", 2, False), Validator("a", 3, False)],
        [Validator("", 1, True), Validator("", 0, False)],
    ],
)
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_duplicate_validator_is_rejected(
    kind: UpgradeKind, validators: list[Validator], preset: Preset
) -> None:
    assert tally_code(kind, validators, preset) is ErrorCode.DUPLICATE_VALIDATOR


@pytest.mark.parametrize("stake", [-1, -(2**64), UINT64_MAX + 1, 2**100])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_stake_outside_uint64_is_rejected(kind: UpgradeKind, stake: int, preset: Preset) -> None:
    validators = [Validator("a", 5, True), Validator("b", stake, False)]
    assert tally_code(kind, validators, preset) is ErrorCode.STAKE_OUT_OF_RANGE


def test_stake_of_exactly_uint64_max_is_accepted(preset: Preset) -> None:
    tally = tally_support(UpgradeKind.SOFT_FORK, [Validator("a", UINT64_MAX, True)], preset)
    assert (tally.supporting_stake, tally.total_stake, tally.met) == (UINT64_MAX, UINT64_MAX, True)


@pytest.mark.parametrize(
    "validators",
    [[], [Validator("a", 0, True)], [Validator("a", 0, True), Validator("b", 0, False)]],
)
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_no_stake_is_rejected(kind: UpgradeKind, validators: list[Validator], preset: Preset) -> None:
    assert tally_code(kind, validators, preset) is ErrorCode.NO_STAKE


stakes = st.one_of(st.integers(0, 100), st.integers(0, UINT64_MAX))
ballots = st.lists(st.tuples(stakes, st.booleans()), min_size=1, max_size=8).filter(
    lambda entries: sum(stake for stake, _ in entries) > 0
)


def as_validators(entries: list[tuple[int, bool]]) -> list[Validator]:
    return [Validator(f"v{i}", stake, supports) for i, (stake, supports) in enumerate(entries)]


@given(st.sampled_from(ALL_KINDS), st.sampled_from(PRESET_NAMES), ballots)
def test_tally_met_is_the_rational_comparison(
    kind: UpgradeKind, preset_name: str, entries: list[tuple[int, bool]]
) -> None:
    preset = load_preset(preset_name)
    tally = tally_support(kind, as_validators(entries), preset)
    supporting = sum(stake for stake, supports in entries if supports)
    total = sum(stake for stake, _ in entries)
    threshold = expected_threshold(kind, preset)
    assert (tally.supporting_stake, tally.total_stake, tally.threshold_bps) == (
        supporting,
        total,
        threshold,
    )
    assert tally.met == (Fraction(supporting, total) >= Fraction(threshold, BASIS_POINTS))


@given(
    threshold=st.integers(0, BASIS_POINTS),
    supporting=st.integers(0, 3 * UINT64_MAX),
    opposing=st.integers(0, 3 * UINT64_MAX),
)
def test_tally_met_is_the_rational_comparison_at_any_threshold(
    threshold: int, supporting: int, opposing: int
) -> None:
    preset = dataclasses.replace(
        load_preset("mainnet"),
        name="custom",
        soft_fork_threshold_bps=threshold,
        hard_fork_threshold_bps=threshold,
    )
    assume(supporting + opposing > 0)
    validators = validators_with(supporting, opposing)
    for kind in VOTED_KINDS:
        met = tally_support(kind, validators, preset).met
        expected = Fraction(supporting, supporting + opposing) >= Fraction(threshold, BASIS_POINTS)
        assert met == expected


@given(st.sampled_from(VOTED_KINDS), st.sampled_from(PRESET_NAMES), ballots, st.data())
def test_tally_is_monotonic_in_supporting_stake(
    kind: UpgradeKind, preset_name: str, entries: list[tuple[int, bool]], data: st.DataObject
) -> None:
    """Turning an opponent into a supporter, or adding stake to a supporter, never unmeets."""
    preset = load_preset(preset_name)
    before = tally_support(kind, as_validators(entries), preset)
    index = data.draw(st.integers(0, len(entries) - 1))
    stake, supports = entries[index]
    new_stake = data.draw(st.integers(stake, UINT64_MAX)) if supports else stake
    changed = (new_stake, True)
    after_entries = [*entries[:index], changed, *entries[index + 1 :]]
    after = tally_support(kind, as_validators(after_entries), preset)
    assert after.supporting_stake >= before.supporting_stake
    if before.met:
        assert after.met
