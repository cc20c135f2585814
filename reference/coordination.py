"""Coordination: the lifecycle of a proposed fork, from proposal to activation.

A soft or hard fork is proposed with its specification and security audits attached, which
opens a community review of `review_min_seconds` to `review_max_seconds`. Validators then vote
for `voting_period_seconds`; the proposal is approved when the approving stake meets the kind's
threshold (CLS-2) of all stake, by exact cross-multiplication. An approved proposal is
scheduled within `schedule_window_seconds` at a block height at least
`min_activation_lead_blocks` ahead, and becomes active when the chain reaches that height.
A proposal may be withdrawn before it is active, and expires when a deadline passes with
nothing done. With the mainnet preset the longest path from proposal to the earliest permitted
activation is 7 + 14 + 1 days plus 864 blocks of 600 seconds (6 days): four weeks (HFC-1 to
HFC-14).

The lifecycle is a state machine driven by timestamped events. An event that is illegal in the
current state, or illegal at its time, is rejected with a canonical code and changes nothing;
the machine goes on with the next event (HFC-3).

The decisions the proofs talk about are kernels (GEN-5): the deadline checks, the vote's
outcome and the state an accepted event leads to are single expressions through the helpers
of `forkspec.logic`, so that they evaluate on solver terms as they do on integers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any, Generic, NamedTuple, TypeVar

from forkspec.activation import UINT32_MAX
from forkspec.classification import UpgradeKind, Validator, tally_support
from forkspec.errors import ErrorCode, SpecError, check_range, ensure, reject
from forkspec.kernels import meets_threshold
from forkspec.logic import if_then_else, lookup, negation
from forkspec.presets import Preset
from forkspec.versioning import UINT64_MAX

COORDINATED_KINDS = (UpgradeKind.SOFT_FORK, UpgradeKind.HARD_FORK)


class ProposalState(StrEnum):
    """The states of a proposal (HFC-2)."""

    REVIEW = "REVIEW"
    VOTING = "VOTING"
    APPROVED = "APPROVED"
    SCHEDULED = "SCHEDULED"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"
    EXPIRED = "EXPIRED"


class EventType(StrEnum):
    """The events that drive a proposal (HFC-4 to HFC-12)."""

    ATTACH_AUDIT = "attach_audit"
    OPEN_VOTING = "open_voting"
    VOTE = "vote"
    CLOSE_VOTING = "close_voting"
    SCHEDULE = "schedule"
    ACTIVATE = "activate"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"


# Where each event is legal (HFC-3). SCHEDULED has no `expire`: its deadline is a height (HFC-16).
LEGAL_IN: dict[EventType, frozenset[ProposalState]] = {
    EventType.ATTACH_AUDIT: frozenset({ProposalState.REVIEW}),
    EventType.OPEN_VOTING: frozenset({ProposalState.REVIEW}),
    EventType.VOTE: frozenset({ProposalState.VOTING}),
    EventType.CLOSE_VOTING: frozenset({ProposalState.VOTING}),
    EventType.SCHEDULE: frozenset({ProposalState.APPROVED}),
    EventType.ACTIVATE: frozenset({ProposalState.SCHEDULED}),
    EventType.WITHDRAW: frozenset(
        {ProposalState.REVIEW, ProposalState.VOTING, ProposalState.APPROVED, ProposalState.SCHEDULED}
    ),
    EventType.EXPIRE: frozenset({ProposalState.REVIEW, ProposalState.VOTING, ProposalState.APPROVED}),
}


# The state an accepted event leads to (HFC-3), where it changes the state: `close_voting` leads
# to its vote's outcome (HFC-8), `attach_audit` and `vote` keep the state.
LEADS_TO: dict[EventType, ProposalState] = {
    EventType.OPEN_VOTING: ProposalState.VOTING,
    EventType.SCHEDULE: ProposalState.SCHEDULED,
    EventType.ACTIVATE: ProposalState.ACTIVE,
    EventType.WITHDRAW: ProposalState.WITHDRAWN,
    EventType.EXPIRE: ProposalState.EXPIRED,
}


class Event(NamedTuple):
    """One timestamped event; the fields other than `type` and `at` belong to some types only.

    The immutable records of a lifecycle (events, proposals, steps) are named tuples: a lifecycle
    builds one of each per event, and a frozen dataclass costs several times as much (GEN-8).
    """

    type: EventType
    at: int
    auditor: str = ""
    validators: tuple[Validator, ...] = ()
    validator: str = ""
    approve: bool = False
    current_height: int = 0
    activation_height: int = 0
    height: int = 0


Value = TypeVar("Value")


class Roll(Generic[Value]):
    """Distinct names in the order they were entered, each with a value: the auditors, the votes.

    A roll never changes: `entered` returns a new roll in O(1), because successive rolls share
    one dictionary of (position, value) and each sees only the entries below its own length. A
    lifecycle only ever enters a name on its newest roll (a rejected event makes no new one), so
    n events cost O(n), never a copy of every earlier vote per vote (HFC-7, GEN-8).
    """

    __slots__ = ("_entries", "_length")

    def __init__(self, entries: dict[str, tuple[int, Value]] | None = None, length: int = 0) -> None:
        self._entries = {} if entries is None else entries
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __contains__(self, name: object) -> bool:
        entry = self._entries.get(name) if isinstance(name, str) else None
        return entry is not None and entry[0] < self._length

    def get(self, name: str, default: Value) -> Value:
        """The value entered with `name`, or `default` if the name is not on the roll."""
        return self._entries[name][1] if name in self else default

    def entered(self, name: str, value: Value) -> Roll[Value]:
        """This roll with `name` entered last; `name` must not be on it, and it must be the newest roll."""
        assert name not in self, "a name is entered once"
        assert len(self._entries) == self._length, "names are entered on the newest roll only"
        self._entries[name] = (self._length, value)
        return Roll(self._entries, self._length + 1)


class Proposal(NamedTuple):
    """A proposal and everything its later events are judged against."""

    kind: UpgradeKind
    state: ProposalState
    last_event_at: int
    review_opened_at: int
    auditors: Roll[None]
    stakes: dict[str, int]
    votes: Roll[bool]
    voting_opened_at: int = 0
    activation_height: int = 0


# What an accepted event changes in a proposal, by field name.
Changes = dict[str, Any]


def _check_time(value: int, name: str) -> None:
    check_range(value, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, name)


def _check_height(value: int, name: str) -> None:
    check_range(value, 0, UINT32_MAX, ErrorCode.HEIGHT_OUT_OF_RANGE, name)


def _with_auditors(roll: Roll[None], auditors: Iterable[str]) -> Roll[None]:
    for auditor in auditors:
        if auditor in roll:
            reject(ErrorCode.DUPLICATE_AUDIT, "an auditor is named twice")
        roll = roll.entered(auditor, None)
    return roll


def propose(kind: UpgradeKind, at: int, specification: bool, auditors: Sequence[str]) -> Proposal:
    """A new proposal, in review from `at`. Implements: HFC-1, HFC-2, HFC-4."""
    ensure(
        kind in COORDINATED_KINDS,
        ErrorCode.NOT_COORDINATED,
        f"a {kind} is not activated through the coordination process",
    )
    _check_time(at, "proposed_at")
    ensure(specification, ErrorCode.MISSING_SPECIFICATION, "a proposal must attach its specification")
    return Proposal(
        kind, ProposalState.REVIEW, at, at, _with_auditors(Roll(), auditors), stakes={}, votes=Roll()
    )


def apply_event(proposal: Proposal, event: Event, preset: Preset) -> Proposal:
    """The proposal after `event`, or a rejection that leaves it as it was.

    Implements: HFC-3, HFC-16, HFC-17.
    """
    check_range(event.at, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "at")
    # The details are built only on rejection: these checks run once per event (GEN-8).
    if event.at < proposal.last_event_at:
        reject(
            ErrorCode.EVENT_TIME_REGRESSION,
            f"event at {event.at} precedes the last accepted event at {proposal.last_event_at}",
        )
    if proposal.state not in LEGAL_IN[event.type]:
        reject(ErrorCode.ILLEGAL_TRANSITION, f"{event.type} is not allowed in state {proposal.state}")
    changes: Changes = {}
    decided = proposal.state
    # The events a long lifecycle is made of come first: each case costs a comparison.
    match event.type:
        case EventType.ATTACH_AUDIT:
            changes = {"auditors": _with_auditors(proposal.auditors, (event.auditor,))}
        case EventType.VOTE:
            changes = _vote(proposal, event, preset)
        case EventType.OPEN_VOTING:
            changes = _open_voting(proposal, event, preset)
        case EventType.CLOSE_VOTING:
            decided = _close_voting(proposal, event, preset)
        case EventType.SCHEDULE:
            changes = _schedule(proposal, event, preset)
        case EventType.ACTIVATE:
            # HFC-17: judged by the height alone, at any time from the scheduling on.
            _check_height(event.height, "height")
            ensure(
                activation_height_reached(event.height, proposal.activation_height),
                ErrorCode.ACTIVATION_HEIGHT_NOT_REACHED,
                f"height {event.height} is below the scheduled {proposal.activation_height}",
            )
        case EventType.EXPIRE:
            _expire(proposal, event, preset)
    # One new record per event.
    return proposal._replace(last_event_at=event.at, state=accepted_state(event.type, decided), **changes)


# The decision kernels of the lifecycle (GEN-5).


def accepted_state(event: EventType, decided: ProposalState) -> ProposalState:
    """The state an accepted event leads to: its entry of `LEADS_TO` (the last column of the table
    of HFC-3), else `decided`, which is the state itself after `attach_audit` and `vote` and the
    vote's outcome after `close_voting` (HFC-8). Implements: HFC-3."""
    return lookup(LEADS_TO, event, decided)


def voting_closes_at(voting_opened_at: int, preset: Preset) -> int:
    """The end of the voting window. Implements: HFC-7."""
    return voting_opened_at + preset.voting_period_seconds


def schedule_deadline(voting_opened_at: int, preset: Preset) -> int:
    """The last second to schedule: the schedule window counts from the end of the vote, not from
    whenever the vote is closed, so that a late close cannot stretch the timeline.

    Implements: HFC-9, HFC-13.
    """
    return voting_closes_at(voting_opened_at, preset) + preset.schedule_window_seconds


def review_long_enough(review_opened_at: int, at: int, preset: Preset) -> bool:
    """Whether a review that ends at `at` lasted at least `review_min_seconds`. Implements: HFC-5."""
    return at - review_opened_at >= preset.review_min_seconds


def review_not_too_long(review_opened_at: int, at: int, preset: Preset) -> bool:
    """Whether a review that ends at `at` lasted at most `review_max_seconds`. Implements: HFC-5."""
    return at - review_opened_at <= preset.review_max_seconds


def vote_in_window(voting_opened_at: int, at: int, preset: Preset) -> bool:
    """Whether `at` comes before the voting window closes. Implements: HFC-7."""
    return at < voting_closes_at(voting_opened_at, preset)


def scheduling_open(voting_opened_at: int, at: int, preset: Preset) -> bool:
    """Whether `at` is at the scheduling deadline or before it. Implements: HFC-9."""
    return at <= schedule_deadline(voting_opened_at, preset)


def vote_outcome(
    voting_opened_at: int, at: int, approving: int, total: int, threshold_bps: int, preset: Preset
) -> ProposalState:
    """The state a vote closed at `at` ends in: APPROVED when the approving stake meets the
    threshold, else REJECTED, and EXPIRED whatever its tally once the scheduling deadline has
    passed. Implements: HFC-8, HFC-14, HFC-15."""
    return if_then_else(
        scheduling_open(voting_opened_at, at, preset),
        if_then_else(
            meets_threshold(approving, total, threshold_bps), ProposalState.APPROVED, ProposalState.REJECTED
        ),
        ProposalState.EXPIRED,
    )


def activation_lead_respected(current_height: int, activation_height: int, preset: Preset) -> bool:
    """Whether the activation height is at least `min_activation_lead_blocks` above the current
    height. Implements: HFC-10."""
    return activation_height >= current_height + preset.min_activation_lead_blocks


def activation_height_reached(height: int, activation_height: int) -> bool:
    """Whether the chain at `height` has reached the scheduled activation height.

    Implements: HFC-11, HFC-17.
    """
    return height >= activation_height


def expiry_deadline(
    state: ProposalState, review_opened_at: int, voting_opened_at: int, preset: Preset
) -> int:
    """The deadline after which `expire` is legal: the end of the longest review in REVIEW, the
    scheduling deadline in VOTING and APPROVED. Implements: HFC-12."""
    return if_then_else(
        state == ProposalState.REVIEW,
        review_opened_at + preset.review_max_seconds,
        schedule_deadline(voting_opened_at, preset),
    )


def expiry_due(
    state: ProposalState, review_opened_at: int, voting_opened_at: int, at: int, preset: Preset
) -> bool:
    """Whether `at` is strictly after the expiry deadline. Implements: HFC-12."""
    return at > expiry_deadline(state, review_opened_at, voting_opened_at, preset)


def _open_voting(proposal: Proposal, event: Event, preset: Preset) -> Changes:
    """HFC-5, HFC-6: audits attached, review long enough and not too long, a valid validator set."""
    ensure(len(proposal.auditors) > 0, ErrorCode.MISSING_AUDIT, "voting needs at least one security audit")
    opened_at = proposal.review_opened_at
    ensure(
        review_long_enough(opened_at, event.at, preset),
        ErrorCode.REVIEW_TOO_SHORT,
        f"review lasted {event.at - opened_at} s, less than {preset.review_min_seconds} s",
    )
    ensure(
        review_not_too_long(opened_at, event.at, preset),
        ErrorCode.REVIEW_TOO_LONG,
        f"review lasted {event.at - opened_at} s, more than {preset.review_max_seconds} s",
    )
    tally_support(proposal.kind, event.validators, preset)
    return {
        "stakes": {validator.id: validator.stake for validator in event.validators},
        "voting_opened_at": event.at,
        "votes": Roll(),
    }


def _vote(proposal: Proposal, event: Event, preset: Preset) -> Changes:
    """HFC-7: inside the window, by a validator of the set, once."""
    # The details are built only on rejection: a lifecycle may hold a vote per validator (GEN-8).
    if not vote_in_window(proposal.voting_opened_at, event.at, preset):
        reject(
            ErrorCode.VOTE_AFTER_WINDOW,
            f"voting closed at {voting_closes_at(proposal.voting_opened_at, preset)}",
        )
    if event.validator not in proposal.stakes:
        reject(ErrorCode.UNKNOWN_VALIDATOR, f"{event.validator!r} is not in the validator set")
    if event.validator in proposal.votes:
        reject(ErrorCode.DUPLICATE_VOTE, f"{event.validator!r} already voted")
    return {"votes": proposal.votes.entered(event.validator, event.approve)}


def _close_voting(proposal: Proposal, event: Event, preset: Preset) -> ProposalState:
    """HFC-8, HFC-14, HFC-15: after the window; the outcome is the vote's decision kernel's."""
    ensure(
        negation(vote_in_window(proposal.voting_opened_at, event.at, preset)),
        ErrorCode.VOTING_STILL_OPEN,
        f"voting is open until {voting_closes_at(proposal.voting_opened_at, preset)}",
    )
    ballots = [
        Validator(name, stake, proposal.votes.get(name, False)) for name, stake in proposal.stakes.items()
    ]
    tally = tally_support(proposal.kind, ballots, preset)
    return vote_outcome(
        proposal.voting_opened_at,
        event.at,
        tally.supporting_stake,
        tally.total_stake,
        tally.threshold_bps,
        preset,
    )


def _schedule(proposal: Proposal, event: Event, preset: Preset) -> Changes:
    """HFC-9, HFC-10: within the schedule window, at least the minimum lead ahead."""
    ensure(
        scheduling_open(proposal.voting_opened_at, event.at, preset),
        ErrorCode.SCHEDULE_WINDOW_PASSED,
        f"scheduling was due by {schedule_deadline(proposal.voting_opened_at, preset)}",
    )
    _check_height(event.current_height, "current_height")
    _check_height(event.activation_height, "activation_height")
    ensure(
        activation_lead_respected(event.current_height, event.activation_height, preset),
        ErrorCode.ACTIVATION_TOO_SOON,
        f"activation must be {preset.min_activation_lead_blocks} or more blocks after {event.current_height}",
    )
    return {"activation_height": event.activation_height}


def _expire(proposal: Proposal, event: Event, preset: Preset) -> None:
    """HFC-12: a review, a vote or an approval whose deadline has passed with nothing done."""
    state, review_opened_at, voting_opened_at = (
        proposal.state,
        proposal.review_opened_at,
        proposal.voting_opened_at,
    )
    if not expiry_due(state, review_opened_at, voting_opened_at, event.at, preset):
        deadline = expiry_deadline(state, review_opened_at, voting_opened_at, preset)
        reject(ErrorCode.DEADLINE_NOT_REACHED, f"the deadline {deadline} has not passed")


class Step(NamedTuple):
    """The state after one event and the code that rejected the event, if one did."""

    state: ProposalState
    error: ErrorCode | None


def lifecycle_steps(proposal: Proposal, events: Iterable[Event], preset: Preset) -> Iterator[Step]:
    """The step after each of `events`, applied in order, as each is decided: a caller that turns
    steps into answers one by one never holds them all (GEN-8). Implements: HFC-3, HFC-13."""
    for event in events:
        try:
            proposal = apply_event(proposal, event, preset)
            error = None
        except SpecError as rejection:
            error = rejection.code
        yield Step(proposal.state, error)
