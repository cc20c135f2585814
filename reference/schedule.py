"""The upgrade schedule: which upgrades are in force at a height and time.

A network's schedule lists its upgrades in order, each with a name, a kind, the protocol
version it introduces, how it activates and the feature flags it enables. The list is checked
as a whole: names are unique, each version follows the one before it (the base version for
the first) with exactly the bump its kind requires (CLS-8), and each flag is registered and
introduced no later than the upgrade's version (FLG-10). Asked at a height and a time, the
schedule answers which upgrades are active, the protocol version in force (the version of the
last active upgrade in schedule order, or the base version) and the feature flags in force
(those enabled by the active upgrades). This joins activation to versioning and feature flags
(SCH-1 to SCH-7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forkspec import forkid
from forkspec.activation import (
    MAX_PERIODS,
    Chain,
    Deployment,
    DeploymentState,
    FixedHeight,
    HeightSignaling,
    TimeSignaling,
    check_heights,
    deployment_states,
)
from forkspec.classification import UpgradeKind, check_bump
from forkspec.errors import ErrorCode, check_range, ensure
from forkspec.flags import FLAG_REGISTRY, encode_flags
from forkspec.presets import Preset
from forkspec.versioning import UINT64_MAX, Version, compare_versions


@dataclass(frozen=True)
class AtTime:
    """Activation when the asked time reaches `activation_time`, as an emergency patch's deadline (SCH-3)."""

    activation_time: int


@dataclass(frozen=True)
class Upgrade:
    """One entry of a schedule (SCH-1)."""

    name: str
    kind: UpgradeKind
    version: Version
    activation: Deployment | AtTime
    flags: tuple[str, ...]


@dataclass(frozen=True)
class InForce:
    """What the schedule puts in force at one height and time (SCH-5)."""

    active: tuple[str, ...]
    protocol_version: Version
    mask: int


def check_schedule(base: Version, upgrades: Sequence[Upgrade], preset: Preset) -> None:
    """Reject a schedule that is not a consistent sequence of upgrades. Implements: SCH-1, SCH-2, SCH-3."""
    names: set[str] = set()
    previous = base
    introduced = {flag.name: flag.introduced_in for flag in FLAG_REGISTRY}
    for upgrade in upgrades:
        ensure(
            upgrade.name not in names, ErrorCode.DUPLICATE_UPGRADE, f"two upgrades are named {upgrade.name!r}"
        )
        ensure(
            upgrade.kind is not UpgradeKind.CLIENT_UPDATE,
            ErrorCode.UNEXPECTED_ACTIVATION,
            f"{upgrade.name} is a client update, which changes no protocol rule and has no activation",
        )
        names.add(upgrade.name)
        check_bump(upgrade.kind, previous, upgrade.version, preset)
        encode_flags(upgrade.flags)
        for flag in upgrade.flags:
            ensure(
                compare_versions(introduced[flag], upgrade.version) <= 0,
                ErrorCode.FLAG_NOT_INTRODUCED,
                f"{upgrade.name} enables {flag}, introduced only at {introduced[flag]}",
            )
        if isinstance(upgrade.activation, AtTime):
            check_range(
                upgrade.activation.activation_time,
                0,
                UINT64_MAX,
                ErrorCode.TIMESTAMP_OUT_OF_RANGE,
                "activation_time",
            )
        previous = upgrade.version


def _is_active(activation: Deployment | AtTime, chain: Chain, height: int, time: int) -> bool:
    if isinstance(activation, AtTime):
        return time >= activation.activation_time
    return deployment_states(activation, chain, [height])[0].state == DeploymentState.ACTIVE


def in_force(
    base: Version, upgrades: Sequence[Upgrade], chain: Chain, height: int, time: int, preset: Preset
) -> InForce:
    """The upgrades, protocol version and flags in force at `height` and `time`.

    Implements: SCH-4, SCH-5, SCH-6, SCH-7, ACT-6.
    """
    check_schedule(base, upgrades, preset)
    check_range(time, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "time")
    check_heights(chain, [height])
    # ACT-6's bound on periods holds for the schedule as a whole, so that its cost is linear in its
    # input: each signaling upgrade may otherwise cost 2^16 periods for a few bytes of input (GEN-8).
    periods = sum(
        chain.length // upgrade.activation.period
        for upgrade in upgrades
        if isinstance(upgrade.activation, TimeSignaling | HeightSignaling)
    )
    ensure(
        periods <= MAX_PERIODS,
        ErrorCode.TOO_MANY_PERIODS,
        f"the signaling upgrades span {periods} periods of the chain together, more than {MAX_PERIODS}",
    )
    active = [upgrade for upgrade in upgrades if _is_active(upgrade.activation, chain, height, time)]
    return InForce(
        active=tuple(upgrade.name for upgrade in active),
        protocol_version=active[-1].version if active else base,
        mask=encode_flags(sorted({flag for upgrade in active for flag in upgrade.flags})),
    )


def fork_configuration(genesis_hash: bytes, genesis_time: int, upgrades: Sequence[Upgrade]) -> forkid.Forks:
    """The fork points of a schedule: its fixed-height activations as block forks and its time
    activations as time forks, each in schedule order (which FID-2 requires to be ascending).

    Implements: SCH-8."""
    return forkid.Forks(
        genesis_hash,
        genesis_time,
        [
            upgrade.activation.activation_height
            for upgrade in upgrades
            if isinstance(upgrade.activation, FixedHeight)
        ],
        [
            upgrade.activation.activation_time
            for upgrade in upgrades
            if isinstance(upgrade.activation, AtTime)
        ],
    )


def schedule_fork_id(
    base: Version,
    upgrades: Sequence[Upgrade],
    genesis_hash: bytes,
    genesis_time: int,
    head: forkid.Head,
    preset: Preset,
) -> tuple[forkid.ForkId, forkid.Forks]:
    """The fork identifier a node following the schedule announces at `head`, and the fork
    configuration it follows from. Implements: SCH-8."""
    check_schedule(base, upgrades, preset)
    forks = fork_configuration(genesis_hash, genesis_time, upgrades)
    return forkid.fork_id(forks, head), forks
