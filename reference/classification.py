"""Upgrade classification: the four kinds of upgrade and the policy each one follows.

A **soft fork** tightens the rules: blocks it accepts remain valid to nodes that have not
upgraded, so it is backward compatible; it activates through the coordination process with
at least `soft_fork_threshold_bps` of validator stake in support and carries a MINOR bump.
A **hard fork** breaks compatibility; it needs `hard_fork_threshold_bps` of validator stake
and a MAJOR bump. An **emergency patch** is a critical security fix that changes no consensus
rule an honest block relies on; it needs no vote, must activate within
`emergency_activation_window_seconds` of its release, and carries a PATCH bump. A **client
update** fixes bugs only, is fully compatible, has no activation and carries a PATCH bump
(CLS-1 to CLS-12).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from forkspec.errors import ErrorCode, check_range, ensure, range_detail, reject
from forkspec.kernels import meets_threshold
from forkspec.presets import Preset
from forkspec.versioning import UINT64_MAX, Bump, Version, version_bump


class UpgradeKind(StrEnum):
    """The four kinds of upgrade (CLS-1)."""

    SOFT_FORK = "soft_fork"
    HARD_FORK = "hard_fork"
    EMERGENCY_PATCH = "emergency_patch"
    CLIENT_UPDATE = "client_update"


class ActivationPolicy(StrEnum):
    """How an upgrade of a kind comes into force (CLS-3)."""

    COORDINATED = "coordinated"
    DEADLINE = "deadline"
    NONE = "none"


@dataclass(frozen=True)
class UpgradePolicy:
    """What a kind of upgrade requires: support, activation, bump and compatibility."""

    kind: UpgradeKind
    threshold_bps: int
    activation: ActivationPolicy
    required_bump: Bump
    backward_compatible: bool
    max_activation_delay_seconds: int | None


class Validator(NamedTuple):
    """One validator's stake and whether it supports the upgrade: a named tuple, because a
    lifecycle builds one per validator twice, when voting opens and when it closes (GEN-8)."""

    id: str
    stake: int
    supports: bool


@dataclass(frozen=True)
class SupportTally:
    """Stake-weighted support for an upgrade against the kind's threshold (CLS-6)."""

    supporting_stake: int
    total_stake: int
    threshold_bps: int
    met: bool


def parse_upgrade_kind(name: str) -> UpgradeKind:
    """The kind called `name`, or UNKNOWN_UPGRADE_KIND. Implements: CLS-1."""
    try:
        return UpgradeKind(name)
    except ValueError:
        reject(
            ErrorCode.UNKNOWN_UPGRADE_KIND,
            f"{name!r} is not one of {[kind.value for kind in UpgradeKind]}",
        )


def upgrade_policy(kind: UpgradeKind, preset: Preset) -> UpgradePolicy:
    """The policy of `kind` under `preset`. Implements: CLS-2, CLS-3, CLS-4, CLS-5."""
    match kind:
        case UpgradeKind.SOFT_FORK:
            return UpgradePolicy(
                kind,
                preset.soft_fork_threshold_bps,
                ActivationPolicy.COORDINATED,
                Bump.MINOR,
                True,
                None,
            )
        case UpgradeKind.HARD_FORK:
            return UpgradePolicy(
                kind,
                preset.hard_fork_threshold_bps,
                ActivationPolicy.COORDINATED,
                Bump.MAJOR,
                False,
                None,
            )
        case UpgradeKind.EMERGENCY_PATCH:
            return UpgradePolicy(
                kind,
                0,
                ActivationPolicy.DEADLINE,
                Bump.PATCH,
                True,
                preset.emergency_activation_window_seconds,
            )
        case UpgradeKind.CLIENT_UPDATE:
            return UpgradePolicy(kind, 0, ActivationPolicy.NONE, Bump.PATCH, True, None)


def tally_support(kind: UpgradeKind, validators: Sequence[Validator], preset: Preset) -> SupportTally:
    """Stake-weighted support for an upgrade of `kind`. Implements: CLS-6, CLS-7."""
    total = checked_total_stake(validators)
    supporting = sum(validator.stake for validator in validators if validator.supports)
    return support_against_threshold(kind, supporting, total, preset)


def checked_total_stake(validators: Sequence[Validator]) -> int:
    """The total stake of a validator set after CLS-7's checks, in list order: each validator
    for a duplicate id, then its stake's range; then the total, which must be positive."""
    seen: set[str] = set()
    # The details are built only for a validator that is rejected: the loop runs once per validator.
    for validator in validators:
        if validator.id in seen:
            reject(ErrorCode.DUPLICATE_VALIDATOR, f"validator {validator.id!r} appears twice")
        seen.add(validator.id)
        if not 0 <= validator.stake <= UINT64_MAX:
            name = f"stake of validator {validator.id!r}"
            reject(ErrorCode.STAKE_OUT_OF_RANGE, range_detail(name, validator.stake, 0, UINT64_MAX))
    total = sum(validator.stake for validator in validators)
    ensure(total > 0, ErrorCode.NO_STAKE, "the validator set holds no stake")
    return total


def support_against_threshold(kind: UpgradeKind, supporting: int, total: int, preset: Preset) -> SupportTally:
    """`supporting` stake of a set holding `total` against the threshold of `kind`: the one test
    of stake support, which the coordination vote (through `tally_support`) and the governance
    stake gate (GOV-8) share. Implements: CLS-6."""
    threshold = upgrade_policy(kind, preset).threshold_bps
    return SupportTally(supporting, total, threshold, meets_threshold(supporting, total, threshold))


def check_bump(kind: UpgradeKind, old: Version, new: Version, preset: Preset) -> Bump:
    """The bump from `old` to `new`, which must be the one `kind` requires. Implements: CLS-4, CLS-8."""
    required = upgrade_policy(kind, preset).required_bump
    bump = version_bump(old, new)
    ensure(
        bump == required,
        ErrorCode.BUMP_MISMATCH,
        f"a {kind} must carry a {required} bump, {old} -> {new} is {bump}",
    )
    return bump


def check_declared_upgrade(
    kind: UpgradeKind,
    old: Version,
    new: Version,
    released_at: int | None,
    activates_at: int | None,
    preset: Preset,
) -> Bump:
    """Check a declared upgrade against its kind's policy and return its bump.

    Implements: CLS-4, CLS-8, CLS-9, CLS-10, CLS-11, CLS-12.
    """
    policy = upgrade_policy(kind, preset)
    bump = check_bump(kind, old, new, preset)
    for name, value in (("released_at", released_at), ("activates_at", activates_at)):
        if value is not None:
            check_range(value, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, name)
    if policy.activation is ActivationPolicy.NONE:
        ensure(activates_at is None, ErrorCode.UNEXPECTED_ACTIVATION, f"a {kind} has no activation")
        return bump
    if policy.activation is ActivationPolicy.DEADLINE:
        ensure(
            released_at is not None and activates_at is not None,
            ErrorCode.MISSING_ACTIVATION_TIME,
            f"a {kind} must state released_at and activates_at",
        )
    if released_at is not None and activates_at is not None:
        ensure(
            activates_at >= released_at,
            ErrorCode.ACTIVATION_BEFORE_RELEASE,
            "activates_at precedes released_at",
        )
        window = policy.max_activation_delay_seconds
        ensure(
            window is None or activates_at - released_at <= window,
            ErrorCode.EMERGENCY_WINDOW_EXCEEDED,
            f"a {kind} must activate within {window} s of its release",
        )
    return bump
