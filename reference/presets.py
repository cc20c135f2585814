"""Presets: the network parameters that vary between networks.

A preset is data under `spec/presets/`, one YAML file per network (GEN-6). This module is the
reference's one reader of files; everything else receives a `Preset` value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import yaml
from forkspec.errors import ErrorCode, ensure

BASIS_POINTS = 10_000


@dataclass(frozen=True)
class ProposalRules:
    """A proposal type's rules (GOV-1): quorum and approval in basis points, the voting period
    in seconds, and whether the token holders vote as a second chamber."""

    type: str
    quorum_bps: int
    approval_bps: int
    voting_period_seconds: int
    two_chamber: bool


@dataclass(frozen=True)
class SeverityWindows:
    """A severity's windows (EMG-3, EMG-4): the patch's latest time after the report, and the
    activation's earliest and latest time after the patch (`None`: no latest)."""

    severity: str
    patch_seconds: int
    activation_min_seconds: int
    activation_max_seconds: int | None


@dataclass(frozen=True)
class EmergencyRules:
    """The windows of the emergency patch process (EMG-2 to EMG-5), in seconds."""

    triage_seconds: int
    validator_notice_seconds: int
    public_disclosure_min_seconds: int
    public_disclosure_max_seconds: int
    severities: tuple[SeverityWindows, ...]

    def windows(self, severity: str) -> SeverityWindows:
        """The windows of `severity` (EMG-3); every preset defines every severity."""
        return next(windows for windows in self.severities if windows.severity == severity)


@dataclass(frozen=True)
class Preset:
    """One network's parameters. Thresholds are basis points, durations seconds."""

    name: str
    soft_fork_threshold_bps: int
    hard_fork_threshold_bps: int
    emergency_activation_window_seconds: int
    signaling_period: int
    signaling_threshold: int
    review_min_seconds: int
    review_max_seconds: int
    voting_period_seconds: int
    schedule_window_seconds: int
    min_activation_lead_blocks: int
    governance: tuple[ProposalRules, ...] = field(default=())
    emergency: EmergencyRules | None = None

    def proposal_rules(self, proposal_type: str) -> ProposalRules:
        """The rules of `proposal_type` (GOV-1); every preset defines every type."""
        return next(rules for rules in self.governance if rules.type == proposal_type)


def preset_names() -> tuple[str, ...]:
    """The names of the presets the specification defines, sorted (GEN-6)."""
    directory = files("forkspec.spec") / "presets"
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml") for entry in directory.iterdir() if entry.name.endswith(".yaml")
        )
    )


@cache
def load_preset(name: str) -> Preset:
    """The preset called `name`; an unknown name is rejected with UNKNOWN_PRESET (GEN-6).

    The shipped preset files are checked against `spec/schemas/preset.json` by the tests.
    """
    ensure(name in preset_names(), ErrorCode.UNKNOWN_PRESET, f"no preset named {name!r}")
    data = yaml.safe_load((files("forkspec.spec") / "presets" / f"{name}.yaml").read_text(encoding="utf-8"))
    governance = tuple(
        ProposalRules(proposal_type, **rules) for proposal_type, rules in data.pop("governance").items()
    )
    emergency = data.pop("emergency")
    severities = tuple(
        SeverityWindows(name, **windows) for name, windows in emergency.pop("severities").items()
    )
    return Preset(**data, governance=governance, emergency=EmergencyRules(**emergency, severities=severities))
