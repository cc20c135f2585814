"""Coordination: the lifecycle of a proposed soft or hard fork (HFC-1 to HFC-14)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pytest
from forkspec.classification import UpgradeKind, Validator
from forkspec.coordination import (
    Event,
    EventType,
    ProposalState,
    Step,
    lifecycle_steps,
    propose,
)
from forkspec.errors import ErrorCode, SpecError
from forkspec.handlers import event_from_json, handler_schema_path, run_handler
from forkspec.presets import BASIS_POINTS, Preset, load_preset
from forkspec.schemas import first_violation, validator
from forkspec.versioning import UINT64_MAX
from hypothesis import given, settings
from hypothesis import strategies as st

PRESET_NAMES = ["mainnet", "minimal"]
UINT32_MAX = 2**32 - 1
COORDINATED = [UpgradeKind.SOFT_FORK, UpgradeKind.HARD_FORK]
T0 = 1_000_000
DAY = 86_400
BLOCK_SECONDS = 600

S = ProposalState
E = EventType
FINAL_STATES = [S.ACTIVE, S.REJECTED, S.WITHDRAWN, S.EXPIRED]

# The table of HFC-3, written out from the spec text: where each event is legal, and the state it
# leads to when its own checks pass. `close_voting` leads to APPROVED or REJECTED; the probes
# below close a vote nobody voted in, so REJECTED.
LEGAL: dict[EventType, dict[ProposalState, ProposalState]] = {
    E.ATTACH_AUDIT: {S.REVIEW: S.REVIEW},
    E.OPEN_VOTING: {S.REVIEW: S.VOTING},
    E.VOTE: {S.VOTING: S.VOTING},
    E.CLOSE_VOTING: {S.VOTING: S.REJECTED},
    E.SCHEDULE: {S.APPROVED: S.SCHEDULED},
    E.ACTIVATE: {S.SCHEDULED: S.ACTIVE},
    E.WITHDRAW: {state: S.WITHDRAWN for state in (S.REVIEW, S.VOTING, S.APPROVED, S.SCHEDULED)},
    E.EXPIRE: {S.REVIEW: S.EXPIRED, S.VOTING: S.EXPIRED, S.APPROVED: S.EXPIRED},
}

# The parameter table of coordination.md.
SPEC_WINDOWS = {
    "mainnet": {
        "review_min_seconds": 259_200,
        "review_max_seconds": 604_800,
        "voting_period_seconds": 1_209_600,
        "schedule_window_seconds": 86_400,
        "min_activation_lead_blocks": 864,
    },
    "minimal": {
        "review_min_seconds": 180,
        "review_max_seconds": 420,
        "voting_period_seconds": 840,
        "schedule_window_seconds": 60,
        "min_activation_lead_blocks": 4,
    },
}


@pytest.fixture(params=PRESET_NAMES)
def preset(request: pytest.FixtureRequest) -> Preset:
    return load_preset(request.param)


# --------------------------------------------------------------------------------------------
# Event builders and paths
# --------------------------------------------------------------------------------------------

ONE_VALIDATOR = (Validator("v1", 100, False),)


def audit(at: int, auditor: str = "b") -> Event:
    return Event(E.ATTACH_AUDIT, at, auditor=auditor)


def open_voting(at: int, validators: tuple[Validator, ...] = ONE_VALIDATOR) -> Event:
    return Event(E.OPEN_VOTING, at, validators=validators)


def stakes(*entries: tuple[str, int]) -> tuple[Validator, ...]:
    return tuple(Validator(name, stake, False) for name, stake in entries)


def vote(at: int, name: str = "v1", approve: bool = True) -> Event:
    return Event(E.VOTE, at, validator=name, approve=approve)


def close(at: int) -> Event:
    return Event(E.CLOSE_VOTING, at)


def schedule(at: int, current_height: int, activation_height: int) -> Event:
    return Event(E.SCHEDULE, at, current_height=current_height, activation_height=activation_height)


def activate(at: int, height: int) -> Event:
    return Event(E.ACTIVATE, at, height=height)


def withdraw(at: int) -> Event:
    return Event(E.WITHDRAW, at)


def expire(at: int) -> Event:
    return Event(E.EXPIRE, at)


class Timeline:
    """The times of the quickest legal path from a proposal at T0, under one preset."""

    def __init__(self, preset: Preset) -> None:
        self.opened = T0 + preset.review_min_seconds
        self.closes = self.opened + preset.voting_period_seconds
        self.lead = preset.min_activation_lead_blocks


def prefix_for(state: ProposalState, preset: Preset) -> list[Event]:
    """A legal sequence of events that takes a proposal made at T0 (one audit attached) to `state`."""
    line = Timeline(preset)
    voting = [open_voting(line.opened)]
    approved = [*voting, vote(line.opened), close(line.closes)]
    scheduled = [*approved, schedule(line.closes, 0, line.lead)]
    return {
        S.REVIEW: [],
        S.VOTING: voting,
        S.APPROVED: approved,
        S.REJECTED: [*voting, close(line.closes)],
        S.SCHEDULED: scheduled,
        S.ACTIVE: [*scheduled, activate(line.closes, line.lead)],
        S.WITHDRAWN: [withdraw(T0)],
        S.EXPIRED: [expire(T0 + preset.review_max_seconds + 1)],
    }[state]


def probe(event_type: EventType, last: int, preset: Preset) -> Event:
    """An event of `event_type`, no earlier than `last`, whose own checks pass where it is legal."""
    line = Timeline(preset)
    return {
        E.ATTACH_AUDIT: audit(last, "b"),
        E.OPEN_VOTING: open_voting(max(last, line.opened)),
        E.VOTE: vote(last, "v1"),
        E.CLOSE_VOTING: close(max(last, line.closes)),
        E.SCHEDULE: schedule(last, 0, line.lead),
        E.ACTIVATE: activate(last, line.lead),
        E.WITHDRAW: withdraw(last),
        # Strictly after every deadline of HFC-12, whichever state the proposal is in.
        E.EXPIRE: expire(
            last
            + preset.review_max_seconds
            + preset.voting_period_seconds
            + preset.schedule_window_seconds
            + 1
        ),
    }[event_type]


def run(
    events: list[Event],
    preset: Preset,
    kind: UpgradeKind = UpgradeKind.SOFT_FORK,
    auditors: tuple[str, ...] = ("a",),
    proposed_at: int = T0,
) -> list[Step]:
    return list(lifecycle_steps(propose(kind, proposed_at, True, auditors), events, preset))


def last_step(events: list[Event], preset: Preset, **kwargs: Any) -> tuple[ProposalState, ErrorCode | None]:
    step = run(events, preset, **kwargs)[-1]
    return step.state, step.error


def accepted_all(steps: list[Step]) -> bool:
    return all(step.error is None for step in steps)


# --------------------------------------------------------------------------------------------
# Presets and paths used by the other tests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset_name", PRESET_NAMES)
def test_preset_windows_are_the_spec_table(preset_name: str) -> None:
    preset = load_preset(preset_name)
    assert {name: getattr(preset, name) for name in SPEC_WINDOWS[preset_name]} == SPEC_WINDOWS[preset_name]


@pytest.mark.parametrize("preset_name", PRESET_NAMES)
def test_thresholds_are_51_and_80_percent(preset_name: str) -> None:
    """HFC-14: only the threshold differs between soft and hard forks."""
    preset = load_preset(preset_name)
    assert (preset.soft_fork_threshold_bps, preset.hard_fork_threshold_bps) == (5_100, 8_000)


@pytest.mark.parametrize("state", list(ProposalState))
@pytest.mark.parametrize("kind", COORDINATED)
def test_each_prefix_is_legal_and_reaches_its_state(
    state: ProposalState, kind: UpgradeKind, preset: Preset
) -> None:
    steps = run(prefix_for(state, preset), preset, kind=kind)
    assert accepted_all(steps)
    assert (steps[-1].state if steps else S.REVIEW) is state


@pytest.mark.parametrize("kind", COORDINATED)
def test_a_proposal_starts_in_review(kind: UpgradeKind) -> None:
    """HFC-2."""
    proposal = propose(kind, T0, True, ["a"])
    assert proposal.state is S.REVIEW
    assert proposal.last_event_at == T0


# --------------------------------------------------------------------------------------------
# HFC-3: every event in every state
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(ProposalState))
@pytest.mark.parametrize("event_type", list(EventType))
def test_event_is_legal_exactly_where_the_table_says(
    event_type: EventType, state: ProposalState, preset: Preset
) -> None:
    prefix = prefix_for(state, preset)
    last = prefix[-1].at if prefix else T0
    steps = run([*prefix, probe(event_type, last, preset)], preset)
    assert accepted_all(steps[:-1])
    if state in LEGAL[event_type]:
        assert (steps[-1].state, steps[-1].error) == (LEGAL[event_type][state], None)
    else:
        assert (steps[-1].state, steps[-1].error) == (state, ErrorCode.ILLEGAL_TRANSITION)


@pytest.mark.parametrize("state", FINAL_STATES)
def test_final_states_accept_no_event_at_any_later_time(state: ProposalState, preset: Preset) -> None:
    prefix = prefix_for(state, preset)
    last = prefix[-1].at
    later = [probe(event_type, last + delay, preset) for delay in (0, 1, 10**9) for event_type in EventType]
    steps = run([*prefix, *later], preset)[len(prefix) :]
    assert [(step.state, step.error) for step in steps] == [(state, ErrorCode.ILLEGAL_TRANSITION)] * len(
        later
    )


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (-1, ErrorCode.TIMESTAMP_OUT_OF_RANGE),
        (UINT64_MAX + 1, ErrorCode.TIMESTAMP_OUT_OF_RANGE),
        (T0 - 1, ErrorCode.EVENT_TIME_REGRESSION),
        (0, ErrorCode.EVENT_TIME_REGRESSION),
    ],
)
@pytest.mark.parametrize("event_type", list(EventType))
def test_time_checks_come_before_legality(event_type: EventType, at: int, expected: ErrorCode) -> None:
    """HFC-3: the time range, then the clock, then the table; WITHDRAWN accepts nothing at all."""
    preset = load_preset("minimal")
    event = Event(event_type, at)
    for prefix in ([], [withdraw(T0)]):
        state, error = last_step([*prefix, event], preset)
        assert (state, error) == ((S.WITHDRAWN if prefix else S.REVIEW), expected)


def test_time_range_is_inclusive_of_both_ends() -> None:
    preset = load_preset("minimal")
    assert last_step([withdraw(UINT64_MAX)], preset) == (S.WITHDRAWN, None)
    assert last_step([withdraw(0)], preset, proposed_at=0) == (S.WITHDRAWN, None)
    assert last_step([expire(UINT64_MAX)], preset, proposed_at=0) == (S.EXPIRED, None)


def test_clock_starts_at_the_proposal_time(preset: Preset) -> None:
    assert last_step([withdraw(T0 - 1)], preset) == (S.REVIEW, ErrorCode.EVENT_TIME_REGRESSION)
    assert last_step([withdraw(T0)], preset) == (S.WITHDRAWN, None)


def test_illegal_transition_comes_before_the_events_own_checks(preset: Preset) -> None:
    """A vote in REVIEW from an unknown validator, a schedule out of range in VOTING: the table first."""
    line = Timeline(preset)
    cases = [
        ([], vote(T0, "nobody")),
        ([], schedule(T0, -1, -1)),
        ([], activate(T0, -1)),
        ([], close(T0)),
        (prefix_for(S.VOTING, preset), schedule(line.opened, UINT32_MAX + 1, 0)),
        (prefix_for(S.VOTING, preset), activate(line.opened, -1)),
        (prefix_for(S.VOTING, preset), audit(line.opened, "a")),
        (prefix_for(S.APPROVED, preset), open_voting(line.closes, ())),
        (prefix_for(S.SCHEDULED, preset), expire(line.closes)),
    ]
    for prefix, event in cases:
        steps = run([*prefix, event], preset)
        state = steps[-2].state if prefix else S.REVIEW
        assert (steps[-1].state, steps[-1].error) == (state, ErrorCode.ILLEGAL_TRANSITION)


# --------------------------------------------------------------------------------------------
# HFC-3: a rejected event changes nothing
# --------------------------------------------------------------------------------------------


def test_rejected_event_does_not_advance_the_clock(preset: Preset) -> None:
    """An event rejected at a late time leaves the clock where it was: an earlier event is still fine."""
    line = Timeline(preset)
    late = T0 + preset.review_max_seconds + 5
    rejections = [
        open_voting(late),  # REVIEW_TOO_LONG
        audit(late, "a"),  # DUPLICATE_AUDIT
        vote(late),  # ILLEGAL_TRANSITION
        expire(T0 + preset.review_max_seconds),  # DEADLINE_NOT_REACHED
    ]
    for rejected in rejections:
        steps = run([rejected, open_voting(line.opened)], preset)
        assert steps[0].state is S.REVIEW
        assert steps[0].error is not None
        assert (steps[1].state, steps[1].error) == (S.VOTING, None)


def test_rejected_audit_is_not_recorded(preset: Preset) -> None:
    """A proposal without audits: a rejected attach_audit (too early) leaves it without one."""
    line = Timeline(preset)
    events = [audit(T0 - 1, "x"), open_voting(line.opened), audit(T0, "x"), open_voting(line.opened)]
    steps = run(events, preset, auditors=())
    assert [(step.state, step.error) for step in steps] == [
        (S.REVIEW, ErrorCode.EVENT_TIME_REGRESSION),
        (S.REVIEW, ErrorCode.MISSING_AUDIT),
        (S.REVIEW, None),
        (S.VOTING, None),
    ]


def test_rejected_open_voting_does_not_record_its_validator_set(preset: Preset) -> None:
    line = Timeline(preset)
    events = [
        open_voting(line.opened, stakes(("x", 5), ("x", 5))),
        open_voting(line.opened, stakes(("v1", 1))),
        vote(line.opened, "x"),
    ]
    steps = run(events, preset)
    assert [step.error for step in steps] == [
        ErrorCode.DUPLICATE_VALIDATOR,
        None,
        ErrorCode.UNKNOWN_VALIDATOR,
    ]


@pytest.mark.parametrize("kind", COORDINATED)
def test_rejected_votes_do_not_count(kind: UpgradeKind, preset: Preset) -> None:
    """A late approval and a second, approving vote of an opponent are rejected and not tallied."""
    line = Timeline(preset)
    events = [
        open_voting(line.opened, stakes(("a", 1), ("b", 99))),
        vote(line.opened, "a", True),
        vote(line.opened, "b", False),
        vote(line.opened + 1, "b", True),
        vote(line.closes, "b", True),
        close(line.closes),
    ]
    steps = run(events, preset, kind=kind)
    assert [step.error for step in steps] == [
        None,
        None,
        None,
        ErrorCode.DUPLICATE_VOTE,
        ErrorCode.VOTE_AFTER_WINDOW,
        None,
    ]
    assert steps[-1].state is S.REJECTED


def test_rejected_schedule_records_no_activation_height(preset: Preset) -> None:
    line = Timeline(preset)
    events = [
        *prefix_for(S.APPROVED, preset),
        schedule(line.closes, 1_000, 1_000 + line.lead - 1),
        schedule(line.closes, 0, line.lead),
        activate(line.closes, line.lead),
    ]
    steps = run(events, preset)
    assert [step.error for step in steps[-3:]] == [ErrorCode.ACTIVATION_TOO_SOON, None, None]
    assert steps[-1].state is S.ACTIVE


# --------------------------------------------------------------------------------------------
# Window edges, computed from the preset
# --------------------------------------------------------------------------------------------


def edge_cases(preset: Preset) -> dict[str, tuple[list[Event], Event, Event, ErrorCode, ProposalState]]:
    """name -> (prefix, last rejected event, first accepted event, the rejection, the accepted state)."""
    line = Timeline(preset)
    review_min, review_max = preset.review_min_seconds, preset.review_max_seconds
    window, lead = preset.schedule_window_seconds, line.lead
    approved = prefix_for(S.APPROVED, preset)
    scheduled = [*approved, schedule(line.closes, 500, 500 + lead)]
    return {
        "review minimum is inclusive": (
            [],
            open_voting(T0 + review_min - 1),
            open_voting(T0 + review_min),
            ErrorCode.REVIEW_TOO_SHORT,
            S.VOTING,
        ),
        "review maximum is inclusive": (
            [],
            open_voting(T0 + review_max + 1),
            open_voting(T0 + review_max),
            ErrorCode.REVIEW_TOO_LONG,
            S.VOTING,
        ),
        "a vote at the window's close is late": (
            prefix_for(S.VOTING, preset),
            vote(line.closes),
            vote(line.closes - 1),
            ErrorCode.VOTE_AFTER_WINDOW,
            S.VOTING,
        ),
        "voting closes at the window's end": (
            [open_voting(line.opened), vote(line.opened)],
            close(line.closes - 1),
            close(line.closes),
            ErrorCode.VOTING_STILL_OPEN,
            S.APPROVED,
        ),
        "the schedule window is inclusive": (
            approved,
            schedule(line.closes + window + 1, 0, lead),
            schedule(line.closes + window, 0, lead),
            ErrorCode.SCHEDULE_WINDOW_PASSED,
            S.SCHEDULED,
        ),
        "review expires strictly after its deadline": (
            [],
            expire(T0 + review_max),
            expire(T0 + review_max + 1),
            ErrorCode.DEADLINE_NOT_REACHED,
            S.EXPIRED,
        ),
        "approval expires strictly after its deadline": (
            approved,
            expire(line.closes + window),
            expire(line.closes + window + 1),
            ErrorCode.DEADLINE_NOT_REACHED,
            S.EXPIRED,
        ),
        "the minimum lead is inclusive": (
            approved,
            schedule(line.closes, 1_000, 1_000 + lead - 1),
            schedule(line.closes, 1_000, 1_000 + lead),
            ErrorCode.ACTIVATION_TOO_SOON,
            S.SCHEDULED,
        ),
        "the minimum lead at the top of the height range": (
            approved,
            schedule(line.closes, UINT32_MAX - lead + 1, UINT32_MAX),
            schedule(line.closes, UINT32_MAX - lead, UINT32_MAX),
            ErrorCode.ACTIVATION_TOO_SOON,
            S.SCHEDULED,
        ),
        "the activation height is inclusive": (
            scheduled,
            activate(line.closes + 1, 500 + lead - 1),
            activate(line.closes + 1, 500 + lead),
            ErrorCode.ACTIVATION_HEIGHT_NOT_REACHED,
            S.ACTIVE,
        ),
        "heights are at most 2^32-1": (
            [*approved, schedule(line.closes, 0, UINT32_MAX)],
            activate(line.closes, UINT32_MAX + 1),
            activate(line.closes, UINT32_MAX),
            ErrorCode.HEIGHT_OUT_OF_RANGE,
            S.ACTIVE,
        ),
    }


EDGE_NAMES = list(edge_cases(load_preset("minimal")))


@pytest.mark.parametrize("name", EDGE_NAMES)
@pytest.mark.parametrize("kind", COORDINATED)
def test_window_edge(name: str, kind: UpgradeKind, preset: Preset) -> None:
    prefix, rejected, accepted, code, state = edge_cases(preset)[name]
    before = run(prefix, preset, kind=kind)
    assert accepted_all(before)
    unchanged = before[-1].state if before else S.REVIEW
    assert last_step([*prefix, rejected], preset, kind=kind) == (unchanged, code)
    assert last_step([*prefix, accepted], preset, kind=kind) == (state, None)


@pytest.mark.parametrize(
    ("current_height", "activation_height"),
    [(-1, 10_000), (UINT32_MAX + 1, UINT32_MAX + 10_000), (0, -1), (0, UINT32_MAX + 1)],
)
def test_schedule_heights_out_of_range(current_height: int, activation_height: int, preset: Preset) -> None:
    """HFC-9: a height outside 0..2^32-1 is HEIGHT_OUT_OF_RANGE, even where the lead would be met."""
    events = [
        *prefix_for(S.APPROVED, preset),
        schedule(Timeline(preset).closes, current_height, activation_height),
    ]
    assert last_step(events, preset) == (S.APPROVED, ErrorCode.HEIGHT_OUT_OF_RANGE)


@pytest.mark.parametrize("height", [-1, -(2**40)])
def test_activate_height_below_zero(height: int, preset: Preset) -> None:
    events = [*prefix_for(S.SCHEDULED, preset), activate(Timeline(preset).closes, height)]
    assert last_step(events, preset) == (S.SCHEDULED, ErrorCode.HEIGHT_OUT_OF_RANGE)


@pytest.mark.parametrize(
    ("current_height", "lead_extra"), [(0, 0), (7, 1), (100_000, 10**6), (UINT32_MAX - 10**6, 0)]
)
@given(offset=st.integers(0, 10**6))
def test_scheduled_height_is_what_activation_must_reach(
    current_height: int, lead_extra: int, offset: int
) -> None:
    """HFC-10, HFC-11: activation is accepted exactly from the scheduled height on."""
    preset = load_preset("mainnet")
    line = Timeline(preset)
    target = current_height + line.lead + lead_extra
    prefix = [*prefix_for(S.APPROVED, preset), schedule(line.closes, current_height, target)]
    height = max(0, min(UINT32_MAX, target - 5 * 10**5 + offset))
    expected = (
        (S.ACTIVE, None) if height >= target else (S.SCHEDULED, ErrorCode.ACTIVATION_HEIGHT_NOT_REACHED)
    )
    assert last_step([*prefix, activate(line.closes, height)], preset) == expected


# --------------------------------------------------------------------------------------------
# HFC-6, HFC-7, HFC-9: the order of an event's own checks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auditors", "review", "validators", "expected"),
    [
        ((), "short", stakes(("x", 1), ("x", 1)), ErrorCode.MISSING_AUDIT),
        ((), "long", stakes(("x", 0)), ErrorCode.MISSING_AUDIT),
        ((), "ok", (), ErrorCode.MISSING_AUDIT),
        (("a",), "short", stakes(("x", 1), ("x", 1)), ErrorCode.REVIEW_TOO_SHORT),
        (("a",), "short", stakes(("x", -1)), ErrorCode.REVIEW_TOO_SHORT),
        (("a",), "short", (), ErrorCode.REVIEW_TOO_SHORT),
        (("a",), "long", stakes(("x", UINT64_MAX + 1)), ErrorCode.REVIEW_TOO_LONG),
        (("a",), "long", (), ErrorCode.REVIEW_TOO_LONG),
        (("a",), "ok", stakes(("x", 1), ("x", -1)), ErrorCode.DUPLICATE_VALIDATOR),
        (("a",), "ok", stakes(("x", -1), ("x", 1)), ErrorCode.STAKE_OUT_OF_RANGE),
        (("a",), "ok", stakes(("x", 0), ("y", UINT64_MAX + 1)), ErrorCode.STAKE_OUT_OF_RANGE),
        (("a",), "ok", stakes(("x", 0), ("y", 0)), ErrorCode.NO_STAKE),
        (("a",), "ok", (), ErrorCode.NO_STAKE),
    ],
)
def test_open_voting_check_order(
    auditors: tuple[str, ...],
    review: str,
    validators: tuple[Validator, ...],
    expected: ErrorCode,
    preset: Preset,
) -> None:
    """HFC-6: MISSING_AUDIT, then the review's length (HFC-5), then the validator set (CLS-7)."""
    review_seconds = {
        "short": preset.review_min_seconds - 1,
        "long": preset.review_max_seconds + 1,
        "ok": preset.review_min_seconds,
    }
    at = T0 + review_seconds[review]
    assert last_step([open_voting(at, validators)], preset, auditors=auditors) == (S.REVIEW, expected)


def test_an_audit_attached_during_review_allows_voting(preset: Preset) -> None:
    """HFC-4, HFC-6: attach_audit adds the audit voting needs; one auditor never twice."""
    line = Timeline(preset)
    events = [audit(T0, "a"), audit(T0 + 1, "a"), open_voting(line.opened)]
    steps = run(events, preset, auditors=())
    assert [(step.state, step.error) for step in steps] == [
        (S.REVIEW, None),
        (S.REVIEW, ErrorCode.DUPLICATE_AUDIT),
        (S.VOTING, None),
    ]
    assert last_step([audit(T0, "a")], preset, auditors=("b", "a")) == (S.REVIEW, ErrorCode.DUPLICATE_AUDIT)


@pytest.mark.parametrize(
    ("name", "late", "expected"),
    [
        ("nobody", True, ErrorCode.VOTE_AFTER_WINDOW),
        ("v1", True, ErrorCode.VOTE_AFTER_WINDOW),
        ("nobody", False, ErrorCode.UNKNOWN_VALIDATOR),
        ("V1", False, ErrorCode.UNKNOWN_VALIDATOR),
        ("v1", False, ErrorCode.DUPLICATE_VOTE),
    ],
)
def test_vote_check_order(name: str, late: bool, expected: ErrorCode, preset: Preset) -> None:
    """HFC-7: the window, then membership, then one vote per validator."""
    line = Timeline(preset)
    at = line.closes if late else line.closes - 1
    events = [open_voting(line.opened), vote(line.opened, "v1"), vote(at, name, False)]
    assert last_step(events, preset) == (S.VOTING, expected)


@pytest.mark.parametrize(
    ("late", "current_height", "activation_height", "expected"),
    [
        (True, -1, 0, ErrorCode.SCHEDULE_WINDOW_PASSED),
        (True, 0, 0, ErrorCode.SCHEDULE_WINDOW_PASSED),
        (False, UINT32_MAX + 1, 0, ErrorCode.HEIGHT_OUT_OF_RANGE),
        (False, 10, -1, ErrorCode.HEIGHT_OUT_OF_RANGE),
        (False, 10, 10, ErrorCode.ACTIVATION_TOO_SOON),
    ],
)
def test_schedule_check_order(
    late: bool, current_height: int, activation_height: int, expected: ErrorCode, preset: Preset
) -> None:
    """HFC-9, HFC-10: the window, then the heights' range, then the lead."""
    line = Timeline(preset)
    at = line.closes + preset.schedule_window_seconds + (1 if late else 0)
    events = [*prefix_for(S.APPROVED, preset), schedule(at, current_height, activation_height)]
    assert last_step(events, preset) == (S.APPROVED, expected)


# --------------------------------------------------------------------------------------------
# HFC-8, HFC-14: the approval threshold
# --------------------------------------------------------------------------------------------


def close_vote(
    kind: UpgradeKind, ballots: list[tuple[int, bool | None]], preset: Preset
) -> tuple[ProposalState, ErrorCode | None]:
    """Open a vote over validators with the given stakes, cast the given votes (None abstains), close it."""
    line = Timeline(preset)
    validators = tuple(Validator(f"v{i}", stake, False) for i, (stake, _) in enumerate(ballots))
    votes = [
        vote(line.opened, f"v{i}", choice) for i, (_, choice) in enumerate(ballots) if choice is not None
    ]
    steps = run([open_voting(line.opened, validators), *votes, close(line.closes)], preset, kind=kind)
    assert accepted_all(steps[:-1])
    return steps[-1].state, steps[-1].error


THRESHOLD_BPS = {UpgradeKind.SOFT_FORK: 5_100, UpgradeKind.HARD_FORK: 8_000}


@pytest.mark.parametrize("against", ["abstain", "vote against"])
@pytest.mark.parametrize("unit", [1, 3, UINT64_MAX // BASIS_POINTS])
@pytest.mark.parametrize("kind", COORDINATED)
def test_threshold_is_exact(kind: UpgradeKind, unit: int, against: str, preset: Preset) -> None:
    """HFC-8: exactly the threshold approves, one unit of stake less rejects; abstaining counts against."""
    at = THRESHOLD_BPS[kind] * unit
    total = BASIS_POINTS * unit
    other: bool | None = None if against == "abstain" else False
    assert close_vote(kind, [(at, True), (total - at, other)], preset) == (S.APPROVED, None)
    assert close_vote(kind, [(at - 1, True), (total - at + 1, other)], preset) == (S.REJECTED, None)


@pytest.mark.parametrize("kind", COORDINATED)
def test_silent_validators_count_against(kind: UpgradeKind, preset: Preset) -> None:
    """Every voter approves, but the silent majority of stake makes it REJECTED."""
    assert close_vote(kind, [(1, True), (2, True), (7, None)], preset) == (S.REJECTED, None)
    assert close_vote(kind, [(1, True), (2, True), (0, None)], preset) == (S.APPROVED, None)


def test_soft_threshold_lies_between_the_two() -> None:
    """60 % approves a soft fork and rejects a hard fork: the kind's threshold is used (HFC-14)."""
    preset = load_preset("mainnet")
    ballots: list[tuple[int, bool | None]] = [(60, True), (40, False)]
    assert close_vote(UpgradeKind.SOFT_FORK, ballots, preset) == (S.APPROVED, None)
    assert close_vote(UpgradeKind.HARD_FORK, ballots, preset) == (S.REJECTED, None)


ballots = st.lists(
    st.tuples(
        st.one_of(st.integers(0, 50), st.integers(0, UINT64_MAX)),
        st.sampled_from([True, False, None]),
    ),
    min_size=1,
    max_size=7,
).filter(lambda entries: sum(stake for stake, _ in entries) > 0)


@settings(max_examples=150)
@given(kind=st.sampled_from(COORDINATED), preset_name=st.sampled_from(PRESET_NAMES), entries=ballots)
def test_approval_is_the_rational_comparison(
    kind: UpgradeKind, preset_name: str, entries: list[tuple[int, bool | None]]
) -> None:
    preset = load_preset(preset_name)
    approving = sum(stake for stake, choice in entries if choice is True)
    total = sum(stake for stake, _ in entries)
    approved = Fraction(approving, total) >= Fraction(THRESHOLD_BPS[kind], BASIS_POINTS)
    assert close_vote(kind, entries, preset) == ((S.APPROVED if approved else S.REJECTED), None)


# --------------------------------------------------------------------------------------------
# HFC-1, HFC-4: the proposal, through the handler
# --------------------------------------------------------------------------------------------


def lifecycle_input(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "soft_fork",
        "proposed_at": T0,
        "specification": True,
        "auditors": ["a"],
        "events": [{"type": "vote", "at": 0, "validator": "nobody", "approve": True}],
    }
    return {**data, **overrides}


def handler_code(data: dict[str, Any], preset_name: str = "mainnet") -> ErrorCode:
    with pytest.raises(SpecError) as excinfo:
        run_handler("proposal_lifecycle", preset_name, data)
    return excinfo.value.code


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"kind": "hardfork", "proposed_at": -1, "specification": False, "auditors": ["a", "a"]},
            ErrorCode.UNKNOWN_UPGRADE_KIND,
        ),
        ({"kind": "", "proposed_at": UINT64_MAX + 1}, ErrorCode.UNKNOWN_UPGRADE_KIND),
        (
            {"kind": "emergency_patch", "proposed_at": -1, "specification": False, "auditors": ["a", "a"]},
            ErrorCode.NOT_COORDINATED,
        ),
        ({"kind": "client_update", "specification": False}, ErrorCode.NOT_COORDINATED),
        (
            {"proposed_at": -1, "specification": False, "auditors": ["a", "a"]},
            ErrorCode.TIMESTAMP_OUT_OF_RANGE,
        ),
        ({"kind": "hard_fork", "proposed_at": UINT64_MAX + 1}, ErrorCode.TIMESTAMP_OUT_OF_RANGE),
        ({"specification": False, "auditors": ["a", "a"]}, ErrorCode.MISSING_SPECIFICATION),
        ({"specification": False, "auditors": []}, ErrorCode.MISSING_SPECIFICATION),
        ({"auditors": ["a", "b", "a"]}, ErrorCode.DUPLICATE_AUDIT),
        ({"kind": "hard_fork", "auditors": ["", ""]}, ErrorCode.DUPLICATE_AUDIT),
        ({"kind": 1}, ErrorCode.INVALID_INPUT),
        ({"proposed_at": 1.0, "kind": "bogus"}, ErrorCode.INVALID_INPUT),
        ({"events": [{"type": "vote", "at": 0}], "kind": "bogus"}, ErrorCode.INVALID_INPUT),
    ],
)
@pytest.mark.parametrize("preset_name", PRESET_NAMES)
def test_proposal_errors_and_their_order(
    preset_name: str, overrides: dict[str, Any], expected: ErrorCode
) -> None:
    """Input schema, kind (HFC-1), then proposed_at, specification, audits (HFC-4); before any event."""
    assert handler_code(lifecycle_input(**overrides), preset_name) is expected


@pytest.mark.parametrize("proposed_at", [0, UINT64_MAX])
@pytest.mark.parametrize("kind", ["soft_fork", "hard_fork"])
def test_valid_proposal_runs_its_events(kind: str, proposed_at: int) -> None:
    data = lifecycle_input(kind=kind, proposed_at=proposed_at, auditors=[])
    output = run_handler("proposal_lifecycle", "mainnet", data)
    assert first_violation(validator(handler_schema_path("proposal_lifecycle"), "output"), output) is None
    expected = "EVENT_TIME_REGRESSION" if proposed_at else "ILLEGAL_TRANSITION"
    assert output == {"steps": [{"state": "REVIEW", "error": expected}]}


def test_proposal_without_events_has_no_steps() -> None:
    assert run_handler("proposal_lifecycle", "minimal", lifecycle_input(events=[])) == {"steps": []}


@pytest.mark.parametrize("kind", [UpgradeKind.EMERGENCY_PATCH, UpgradeKind.CLIENT_UPDATE])
def test_propose_rejects_uncoordinated_kinds(kind: UpgradeKind) -> None:
    with pytest.raises(SpecError) as excinfo:
        propose(kind, T0, True, ["a"])
    assert excinfo.value.code is ErrorCode.NOT_COORDINATED


# --------------------------------------------------------------------------------------------
# HFC-13: the four-week schedule
# --------------------------------------------------------------------------------------------

FOUR_WEEKS = 28 * DAY
SLOWEST_STAGES = ("review", "voting", "scheduling", "activation")


def slowest_path(delays: dict[str, int]) -> list[Event]:
    """The slowest legal mainnet path, with `delays` seconds added at the named stages."""
    preset = load_preset("mainnet")
    opened = T0 + preset.review_max_seconds + delays.get("review", 0)
    closes = opened + preset.voting_period_seconds + delays.get("voting", 0)
    scheduled = closes + preset.schedule_window_seconds + delays.get("scheduling", 0)
    current = 123_456
    activation_height = current + preset.min_activation_lead_blocks
    activates = scheduled + preset.min_activation_lead_blocks * BLOCK_SECONDS + delays.get("activation", 0)
    return [
        open_voting(opened, stakes(("v1", 4), ("v2", 1))),
        vote(opened, "v1"),
        vote(closes - 1, "v2"),
        close(closes),
        schedule(scheduled, current, activation_height),
        activate(activates, activation_height),
    ]


@pytest.mark.parametrize("kind", COORDINATED)
def test_slowest_legal_path_takes_exactly_four_weeks(kind: UpgradeKind) -> None:
    preset = load_preset("mainnet")
    events = slowest_path({})
    steps = run(events, preset, kind=kind)
    assert accepted_all(steps)
    assert steps[-1].state is S.ACTIVE
    assert events[-1].at - T0 == FOUR_WEEKS == 2_419_200


@pytest.mark.parametrize(
    "stage",
    [
        "review",
        "voting",
        "scheduling",
    ],
)
def test_one_second_slower_is_rejected(stage: str) -> None:
    preset = load_preset("mainnet")
    steps = run(slowest_path({stage: 1}), preset)
    assert any(step.error is not None for step in steps)
    assert steps[-1].state is not S.ACTIVE


def test_scheduling_further_ahead_is_the_only_slower_legal_path() -> None:
    """HFC-13: the activation height MAY be further ahead than the minimum lead."""
    preset = load_preset("mainnet")
    events = slowest_path({})
    *head, scheduled, activated = events
    extra = 7
    later = schedule(scheduled.at, scheduled.current_height, scheduled.activation_height + extra)
    steps = run(
        [*head, later, activate(activated.at + extra * BLOCK_SECONDS, later.activation_height)], preset
    )
    assert accepted_all(steps)
    assert steps[-1].state is S.ACTIVE


@given(
    review=st.integers(0, load_preset("mainnet").review_max_seconds),
    scheduling=st.integers(0, load_preset("mainnet").schedule_window_seconds),
)
def test_every_faster_path_is_within_four_weeks(review: int, scheduling: int) -> None:
    """Any review length and scheduling delay inside the windows: the first ACTIVE is at most 28 days in."""
    preset = load_preset("mainnet")
    opened = T0 + review
    closes = opened + preset.voting_period_seconds
    scheduled = closes + scheduling
    lead = preset.min_activation_lead_blocks
    activates = scheduled + lead * BLOCK_SECONDS
    events = [
        open_voting(opened),
        vote(opened),
        close(closes),
        schedule(scheduled, 0, lead),
        activate(activates, lead),
    ]
    steps = run(events, preset)
    if review < preset.review_min_seconds:
        assert steps[0].error is ErrorCode.REVIEW_TOO_SHORT
    else:
        assert accepted_all(steps)
        assert steps[-1].state is S.ACTIVE
        assert activates - T0 <= FOUR_WEEKS


# --------------------------------------------------------------------------------------------
# Random event sequences
# --------------------------------------------------------------------------------------------


@dataclass
class Model:
    """The lifecycle re-derived from coordination.md, to compare the reference against."""

    kind: UpgradeKind
    proposed_at: int
    auditors: tuple[str, ...]
    preset: Preset
    state: ProposalState = S.REVIEW
    clock: int = 0
    validators: dict[str, int] = field(default_factory=dict)
    votes: dict[str, bool] = field(default_factory=dict)
    opened: int = 0
    target: int = 0

    def __post_init__(self) -> None:
        self.clock = self.proposed_at

    def schedule_deadline(self) -> int:
        """HFC-9: the schedule window counts from the end of the vote."""
        return self.opened + self.preset.voting_period_seconds + self.preset.schedule_window_seconds

    def judge(self, event: Event) -> ErrorCode | None:
        """The code that rejects `event`, or None after applying it."""
        p = self.preset
        if not 0 <= event.at <= UINT64_MAX:
            return ErrorCode.TIMESTAMP_OUT_OF_RANGE
        if event.at < self.clock:
            return ErrorCode.EVENT_TIME_REGRESSION
        if self.state not in LEGAL[event.type]:
            return ErrorCode.ILLEGAL_TRANSITION
        checks: list[tuple[bool, ErrorCode]] = []
        after = self.state
        if event.type is E.ATTACH_AUDIT:
            checks = [(event.auditor in self.auditors, ErrorCode.DUPLICATE_AUDIT)]
        elif event.type is E.OPEN_VOTING:
            ids = [v.id for v in event.validators]
            validator_checks = [
                check
                for i, v in enumerate(event.validators)
                for check in (
                    (v.id in ids[:i], ErrorCode.DUPLICATE_VALIDATOR),
                    (not 0 <= v.stake <= UINT64_MAX, ErrorCode.STAKE_OUT_OF_RANGE),
                )
            ]
            review = event.at - self.proposed_at
            checks = [
                (not self.auditors, ErrorCode.MISSING_AUDIT),
                (review < p.review_min_seconds, ErrorCode.REVIEW_TOO_SHORT),
                (review > p.review_max_seconds, ErrorCode.REVIEW_TOO_LONG),
                *validator_checks,
                (sum(v.stake for v in event.validators) <= 0, ErrorCode.NO_STAKE),
            ]
            after = S.VOTING
        elif event.type is E.VOTE:
            checks = [
                (event.at >= self.opened + p.voting_period_seconds, ErrorCode.VOTE_AFTER_WINDOW),
                (event.validator not in self.validators, ErrorCode.UNKNOWN_VALIDATOR),
                (event.validator in self.votes, ErrorCode.DUPLICATE_VOTE),
            ]
        elif event.type is E.CLOSE_VOTING:
            checks = [(event.at < self.opened + p.voting_period_seconds, ErrorCode.VOTING_STILL_OPEN)]
            approving = sum(stake for name, stake in self.validators.items() if self.votes.get(name))
            share = Fraction(approving, sum(self.validators.values()))
            threshold = (
                p.soft_fork_threshold_bps if self.kind is UpgradeKind.SOFT_FORK else p.hard_fork_threshold_bps
            )
            approved = share >= Fraction(threshold, BASIS_POINTS)
            # HFC-15: a vote closed after the scheduling deadline expires, whatever its tally.
            if event.at > self.schedule_deadline():
                after = S.EXPIRED
            else:
                after = S.APPROVED if approved else S.REJECTED
        elif event.type is E.SCHEDULE:
            heights = (event.current_height, event.activation_height)
            checks = [
                (event.at > self.schedule_deadline(), ErrorCode.SCHEDULE_WINDOW_PASSED),
                (any(not 0 <= h <= UINT32_MAX for h in heights), ErrorCode.HEIGHT_OUT_OF_RANGE),
                (
                    event.activation_height - event.current_height < p.min_activation_lead_blocks,
                    ErrorCode.ACTIVATION_TOO_SOON,
                ),
            ]
            after = S.SCHEDULED
        elif event.type is E.ACTIVATE:
            checks = [
                (not 0 <= event.height <= UINT32_MAX, ErrorCode.HEIGHT_OUT_OF_RANGE),
                (event.height < self.target, ErrorCode.ACTIVATION_HEIGHT_NOT_REACHED),
            ]
            after = S.ACTIVE
        elif event.type is E.WITHDRAW:
            after = S.WITHDRAWN
        else:
            deadline = (
                self.proposed_at + p.review_max_seconds
                if self.state is S.REVIEW
                else self.schedule_deadline()
            )
            checks = [(event.at <= deadline, ErrorCode.DEADLINE_NOT_REACHED)]
            after = S.EXPIRED
        for failed, code in checks:
            if failed:
                return code
        self.apply(event, after)
        return None

    def apply(self, event: Event, after: ProposalState) -> None:
        self.clock = event.at
        if event.type is E.ATTACH_AUDIT:
            self.auditors = (*self.auditors, event.auditor)
        elif event.type is E.OPEN_VOTING:
            self.validators = {v.id: v.stake for v in event.validators}
            self.opened = event.at
            self.votes = {}
        elif event.type is E.VOTE:
            self.votes[event.validator] = event.approve
        elif event.type is E.SCHEDULE:
            self.target = event.activation_height
        self.state = after


VALIDATOR_IDS = ["v1", "v2", "v3"]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[UpgradeKind, int, tuple[str, ...], Preset, list[Event]]:
    """A proposal and a sequence of events: random, or a legal path with random noise and nudges."""
    preset = load_preset(draw(st.sampled_from(PRESET_NAMES)))
    kind = draw(st.sampled_from(COORDINATED))
    proposed_at = draw(st.sampled_from([0, T0]))
    auditors = tuple(draw(st.lists(st.sampled_from(["a", "b"]), max_size=2, unique=True)))
    lead = preset.min_activation_lead_blocks
    steps = [
        preset.review_min_seconds,
        preset.review_max_seconds - preset.review_min_seconds,
        preset.voting_period_seconds,
        preset.schedule_window_seconds,
    ]
    delta = st.one_of(
        st.sampled_from([0, 0, 1, -1, *steps, *(s + 1 for s in steps), *(s - 1 for s in steps)]),
        st.integers(-10, 2 * preset.review_max_seconds),
    )
    heights = st.sampled_from([0, 1, lead - 1, lead, lead + 1, 2 * lead, -1, UINT32_MAX, UINT32_MAX + 1])
    validators = st.lists(
        st.builds(
            Validator,
            st.sampled_from(VALIDATOR_IDS),
            st.one_of(st.sampled_from([0, 1, 5, 100, UINT64_MAX, -1, UINT64_MAX + 1]), st.integers(0, 1000)),
            st.just(False),
        ),
        max_size=4,
    ).map(tuple)

    def random_event(at: int) -> Event:
        return Event(
            draw(st.sampled_from(list(EventType))),
            at,
            auditor=draw(st.sampled_from(["a", "b", "c"])),
            validators=draw(validators),
            validator=draw(st.sampled_from([*VALIDATOR_IDS, "x"])),
            approve=draw(st.booleans()),
            current_height=draw(heights),
            activation_height=draw(heights),
            height=draw(heights),
        )

    if draw(st.booleans()):
        events = []
        at = proposed_at
        for _ in range(draw(st.integers(0, 14))):
            at += draw(delta)
            events.append(random_event(draw(st.sampled_from([*[at] * 8, -1, UINT64_MAX + 1]))))
        return kind, proposed_at, auditors, preset, events
    opened = proposed_at + draw(st.integers(preset.review_min_seconds, preset.review_max_seconds))
    closes = opened + preset.voting_period_seconds
    ids = draw(st.lists(st.sampled_from(VALIDATOR_IDS), min_size=1, unique=True))
    target_heights = st.sampled_from([9 + lead, 10 + lead, 11 + lead, -1, UINT32_MAX, UINT32_MAX + 1])
    chosen = tuple(Validator(name, draw(st.integers(0, 100)), False) for name in ids)
    path = [
        audit(proposed_at, "c"),
        open_voting(opened, chosen),
        *(vote(opened, name, draw(st.sampled_from([True, True, False]))) for name in ids),
        close(closes),
        schedule(closes + draw(st.integers(0, preset.schedule_window_seconds)), 10, 10 + lead),
        activate(closes + preset.schedule_window_seconds, draw(target_heights)),
    ]
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(path)))
        choice = draw(st.sampled_from(["insert", "nudge", "drop"]))
        if choice == "insert" or not path:
            anchor = path[min(index, len(path) - 1)].at if path else proposed_at
            path.insert(index, random_event(anchor + draw(st.integers(-2, 2))))
        elif choice == "nudge" and index < len(path):
            nudged = path[index]
            path[index] = nudged._replace(at=nudged.at + draw(delta))
        elif index < len(path):
            del path[index]
    return kind, proposed_at, auditors, preset, path


@settings(max_examples=400, deadline=None)
@given(scenarios())
def test_random_sequences(scenario: tuple[UpgradeKind, int, tuple[str, ...], Preset, list[Event]]) -> None:
    """HFC-3 on random sequences: rejected events change nothing, the clock never goes back, final
    states are never left, and every step agrees with the lifecycle as re-derived from the spec."""
    kind, proposed_at, auditors, preset, events = scenario
    steps = run(events, preset, kind=kind, auditors=auditors, proposed_at=proposed_at)
    assert len(steps) == len(events)

    previous = S.REVIEW
    clock = proposed_at
    for event, step in zip(events, steps, strict=True):
        in_range = 0 <= event.at <= UINT64_MAX
        assert (step.error is ErrorCode.TIMESTAMP_OUT_OF_RANGE) == (not in_range)
        if in_range:
            assert (step.error is ErrorCode.EVENT_TIME_REGRESSION) == (event.at < clock)
            if event.at >= clock and previous not in LEGAL[event.type]:
                assert step.error is ErrorCode.ILLEGAL_TRANSITION
        if step.error is None:
            assert event.at >= clock
            clock = event.at
        else:
            assert step.state is previous
        if previous in FINAL_STATES:
            assert (step.state, step.error is not None) == (previous, True)
        previous = step.state

    model = Model(kind, proposed_at, auditors, preset)
    expected = []
    for event in events:
        code = model.judge(event)
        expected.append((model.state, code))
    assert [(step.state, step.error) for step in steps] == expected


EVENT_JSON: list[tuple[dict[str, Any], Callable[[Event], bool]]] = [
    ({"type": "attach_audit", "at": 3, "auditor": "q"}, lambda e: e.auditor == "q"),
    (
        {"type": "open_voting", "at": 4, "validators": [{"id": "a", "stake": 7}]},
        lambda e: e.validators == (Validator("a", 7, False),),
    ),
    (
        {"type": "vote", "at": 5, "validator": "a", "approve": True},
        lambda e: (e.validator, e.approve) == ("a", True),
    ),
    (
        {"type": "schedule", "at": 6, "current_height": 8, "activation_height": 9},
        lambda e: (e.current_height, e.activation_height) == (8, 9),
    ),
    ({"type": "activate", "at": 7, "height": 11}, lambda e: e.height == 11),
    ({"type": "close_voting", "at": 8}, lambda e: True),
    ({"type": "withdraw", "at": 9}, lambda e: True),
    ({"type": "expire", "at": 10}, lambda e: True),
]


def test_lifecycle_steps_decide_each_event_when_its_step_is_asked_for(preset: Preset) -> None:
    """A handler can answer step by step: no event is read ahead, even from an endless stream."""
    read: list[int] = []

    def audits() -> Iterator[Event]:
        at = T0
        while True:
            read.append(at)
            yield audit(at, f"auditor{at}")
            at += 1

    steps = lifecycle_steps(propose(UpgradeKind.SOFT_FORK, T0, True, ("a",)), audits(), preset)
    assert [next(steps) for _ in range(3)] == [Step(S.REVIEW, None)] * 3
    assert read == [T0, T0 + 1, T0 + 2]


def test_the_steps_of_a_list_and_of_an_iterator_of_events_are_every_step_in_order(preset: Preset) -> None:
    events = [audit(T0, "a"), audit(T0 + 1, "b"), withdraw(T0 + 2), audit(T0 + 3, "c")]
    steps = list(lifecycle_steps(propose(UpgradeKind.SOFT_FORK, T0, True, ("a",)), events, preset))
    streamed = lifecycle_steps(propose(UpgradeKind.SOFT_FORK, T0, True, ("a",)), iter(events), preset)
    assert (
        steps
        == list(streamed)
        == [
            Step(S.REVIEW, ErrorCode.DUPLICATE_AUDIT),
            Step(S.REVIEW, None),
            Step(S.WITHDRAWN, None),
            Step(S.WITHDRAWN, ErrorCode.ILLEGAL_TRANSITION),
        ]
    )


@pytest.mark.parametrize(("data", "check_fields"), EVENT_JSON)
def test_event_from_json(data: dict[str, Any], check_fields: Callable[[Event], bool]) -> None:
    event = event_from_json(data)
    assert (event.type.value, event.at) == (data["type"], data["at"])
    assert check_fields(event)


# --------------------------------------------------------------------------------------------
# One answer per set of facts (HFC-15, HFC-16, HFC-17)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("approve", [True, False])
@pytest.mark.parametrize("late", [0, 1, 10**6])
def test_a_vote_not_closed_by_the_deadline_ends_expired_however_it_ends(
    approve: bool, late: int, preset: Preset
) -> None:
    """HFC-15: after the scheduling deadline, close_voting and expire give the same EXPIRED."""
    line = Timeline(preset)
    deadline = line.closes + preset.schedule_window_seconds
    voting = [open_voting(line.opened), vote(line.opened, approve=approve)]
    by_closing = last_step([*voting, close(deadline + 1 + late)], preset)
    by_expiring = last_step([*voting, expire(deadline + 1 + late)], preset)
    assert by_closing == by_expiring == (S.EXPIRED, None)


@pytest.mark.parametrize("approve", [True, False])
def test_a_vote_closed_at_the_deadline_follows_its_tally(approve: bool, preset: Preset) -> None:
    """HFC-8, HFC-15: at the deadline itself the tally still decides, and expire is too early."""
    line = Timeline(preset)
    deadline = line.closes + preset.schedule_window_seconds
    voting = [open_voting(line.opened), vote(line.opened, approve=approve)]
    assert last_step([*voting, close(deadline)], preset) == (S.APPROVED if approve else S.REJECTED, None)
    assert last_step([*voting, expire(deadline)], preset) == (S.VOTING, ErrorCode.DEADLINE_NOT_REACHED)


@pytest.mark.parametrize("after", [0, 1, 10**9])
def test_scheduled_never_expires(after: int, preset: Preset) -> None:
    """HFC-16: expire in SCHEDULED is illegal at any time; the proposal still activates afterwards."""
    scheduled = prefix_for(S.SCHEDULED, preset)
    late = Timeline(preset).closes + preset.schedule_window_seconds + after
    steps = run([*scheduled, expire(late), activate(late, Timeline(preset).lead)], preset)
    assert [(step.state, step.error) for step in steps[-2:]] == [
        (S.SCHEDULED, ErrorCode.ILLEGAL_TRANSITION),
        (S.ACTIVE, None),
    ]


def test_activation_is_judged_by_height_alone(preset: Preset) -> None:
    """HFC-17: the height decides, in the very second of the scheduling; one block short never passes."""
    line = Timeline(preset)
    scheduled = prefix_for(S.SCHEDULED, preset)
    at = scheduled[-1].at
    assert last_step([*scheduled, activate(at, line.lead)], preset) == (S.ACTIVE, None)
    assert last_step([*scheduled, activate(at + 10**9, line.lead - 1)], preset) == (
        S.SCHEDULED,
        ErrorCode.ACTIVATION_HEIGHT_NOT_REACHED,
    )
