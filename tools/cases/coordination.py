"""Cases of the coordination area (spec/coordination.md): the lifecycle of a proposed fork.

Every case is a proposal and a list of events; the expected output is the state after every
event and the code of every rejected event, so each case checks each step.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.presets import Preset, load_preset, preset_names
from forkspec.tools.cases import CaseSpec, generic_invalid_cases

PROPOSED_AT = 1_700_000_000
HEIGHT = 100_000
VALIDATORS = [
    {"id": "v0", "stake": 6000},
    {"id": "v1", "stake": 2000},
    {"id": "v2", "stake": 1999},
    {"id": "v3", "stake": 1},
]

Json = dict[str, Any]


class Timeline:
    """Event builders whose times follow one preset's windows, from a proposal at PROPOSED_AT."""

    def __init__(self, preset: Preset, proposed_at: int = PROPOSED_AT) -> None:
        self.preset = preset
        self.voting_opens = proposed_at + preset.review_min_seconds
        self.voting_closes = self.voting_opens + preset.voting_period_seconds
        self.scheduled_height = HEIGHT + preset.min_activation_lead_blocks

    def open_voting(self, at: int | None = None, validators: list[Json] | None = None) -> Json:
        return {
            "type": "open_voting",
            "at": self.voting_opens if at is None else at,
            "validators": validators or VALIDATORS,
        }

    def votes(self, *approving: str, rejecting: tuple[str, ...] = ()) -> list[Json]:
        return [
            {"type": "vote", "at": self.voting_opens + 1, "validator": name, "approve": name in approving}
            for name in (*approving, *rejecting)
        ]

    def close(self, at: int | None = None) -> Json:
        return {"type": "close_voting", "at": self.voting_closes if at is None else at}

    def schedule(self, lead: int | None = None, at: int | None = None) -> Json:
        lead = self.preset.min_activation_lead_blocks if lead is None else lead
        return {
            "type": "schedule",
            "at": self.voting_closes if at is None else at,
            "current_height": HEIGHT,
            "activation_height": HEIGHT + lead,
        }

    def activate(self, height: int | None = None) -> Json:
        return {
            "type": "activate",
            "at": self.voting_closes + 1,
            "height": self.scheduled_height if height is None else height,
        }

    def approved(self) -> list[Json]:
        """Events that take a hard fork to APPROVED with 80% of stake (v0 and v1)."""
        return [self.open_voting(), *self.votes("v0", "v1"), self.close()]


def lifecycle(
    slug: str,
    requirements: tuple[str, ...],
    description: str,
    events: list[Json],
    preset: str,
    kind: str = "hard_fork",
    **proposal: Any,
) -> CaseSpec:
    data: Json = {
        "kind": kind,
        "proposed_at": PROPOSED_AT,
        "specification": True,
        "auditors": ["audit-firm-a"],
        "events": events,
    }
    data.update(proposal)
    return CaseSpec("proposal_lifecycle", slug, requirements, description, data, presets=(preset,))


def _paths(preset: str) -> Iterator[CaseSpec]:
    timeline = Timeline(load_preset(preset))
    t = timeline
    yield lifecycle(
        "hard-fork-full-path",
        ("HFC-1", "HFC-2", "HFC-5", "HFC-7", "HFC-8", "HFC-9", "HFC-11"),
        "a hard fork from review to ACTIVE at the shortest legal pace",
        [*t.approved(), t.schedule(), t.activate()],
        preset,
    )
    yield lifecycle(
        "soft-fork-full-path",
        ("HFC-14", "HFC-8"),
        "a soft fork approved with 60% of stake and activated",
        [t.open_voting(), *t.votes("v0"), t.close(), t.schedule(), t.activate()],
        preset,
        kind="soft_fork",
    )
    yield lifecycle(
        "hard-fork-60-percent-rejected",
        ("HFC-8", "HFC-14"),
        "the same 60% that approves a soft fork rejects a hard fork",
        [t.open_voting(), *t.votes("v0"), t.close(), t.schedule()],
        preset,
    )
    yield lifecycle(
        "hard-fork-one-unit-short",
        ("HFC-8",),
        "79.99% of stake approves: one unit short of 80%",
        [t.open_voting(), *t.votes("v0", "v2", rejecting=("v1",)), t.close()],
        preset,
    )
    yield lifecycle(
        "hard-fork-exactly-80-percent",
        ("HFC-8",),
        "exactly 80% of stake approves",
        [t.open_voting(), *t.votes("v0", "v2", "v3"), t.close()],
        preset,
    )
    yield lifecycle(
        "abstentions-count-against",
        ("HFC-8",),
        "validators who do not vote count as not approving",
        [t.open_voting(), *t.votes("v0"), t.close()],
        preset,
    )
    yield lifecycle(
        "review-one-second-short",
        ("HFC-5",),
        "voting opened one second before the minimum review, then on time",
        [t.open_voting(at=t.voting_opens - 1), t.open_voting()],
        preset,
    )
    review_max = PROPOSED_AT + t.preset.review_max_seconds
    yield lifecycle(
        "review-at-maximum",
        ("HFC-5",),
        "voting opened exactly at the end of the longest review",
        [t.open_voting(at=review_max)],
        preset,
    )
    yield lifecycle(
        "review-one-second-too-long-then-expired",
        ("HFC-5", "HFC-12"),
        "voting opened one second after the longest review, then the proposal expires",
        [
            t.open_voting(at=review_max + 1),
            {"type": "expire", "at": review_max},
            {"type": "expire", "at": review_max + 1},
        ],
        preset,
    )
    yield lifecycle(
        "voting-before-audits",
        ("HFC-4", "HFC-6"),
        "voting opened before any audit is attached, then after one is",
        [
            t.open_voting(),
            {"type": "attach_audit", "at": t.voting_opens, "auditor": "audit-firm-b"},
            t.open_voting(),
        ],
        preset,
        auditors=[],
    )
    closes = t.voting_closes
    yield lifecycle(
        "vote-window-edges",
        ("HFC-7",),
        "a vote one second before the window closes counts, one at the close is rejected",
        [
            t.open_voting(),
            {"type": "vote", "at": closes - 1, "validator": "v0", "approve": True},
            {"type": "vote", "at": closes, "validator": "v1", "approve": True},
            t.close(),
        ],
        preset,
    )
    yield lifecycle(
        "close-voting-early",
        ("HFC-8",),
        "closing one second before the window ends, then at its end",
        [*t.approved()[:-1], t.close(at=closes - 1), t.close()],
        preset,
    )
    yield lifecycle(
        "vote-by-unknown-and-twice",
        ("HFC-7",),
        "a vote by a validator outside the set and a second vote by the same validator",
        [
            t.open_voting(),
            {"type": "vote", "at": t.voting_opens, "validator": "mallory", "approve": True},
            *t.votes("v0"),
            *t.votes("v0"),
        ],
        preset,
    )
    yield lifecycle(
        "activation-lead-edges",
        ("HFC-10",),
        "scheduled one block too soon, then exactly the minimum lead ahead",
        [*t.approved(), t.schedule(lead=t.preset.min_activation_lead_blocks - 1), t.schedule()],
        preset,
    )
    window_end = closes + t.preset.schedule_window_seconds
    yield lifecycle(
        "schedule-window-edges",
        ("HFC-9", "HFC-12"),
        "scheduled one second after the window, expiry at and after its end",
        [
            *t.approved(),
            t.schedule(at=window_end + 1),
            {"type": "expire", "at": window_end},
            {"type": "expire", "at": window_end + 1},
            t.schedule(at=window_end + 1),
        ],
        preset,
    )
    yield lifecycle(
        "schedule-at-window-end",
        ("HFC-9",),
        "scheduled at the last second of the window",
        [*t.approved(), t.schedule(at=window_end)],
        preset,
    )
    yield lifecycle(
        "activate-one-block-early",
        ("HFC-11",),
        "activation asked one block below the scheduled height, then at it",
        [*t.approved(), t.schedule(), t.activate(t.scheduled_height - 1), t.activate()],
        preset,
    )


def _transitions() -> Iterator[CaseSpec]:
    t = Timeline(load_preset("minimal"))
    withdraw = {"type": "withdraw", "at": t.voting_closes}
    for count, state in ((0, "review"), (1, "voting"), (4, "approved"), (5, "scheduled")):
        events = [t.open_voting(), *t.votes("v0", "v1"), t.close(), t.schedule()][:count]
        yield lifecycle(
            f"withdraw-in-{state}",
            ("HFC-12",),
            f"a proposal withdrawn in {state.upper()}",
            [*events, withdraw],
            "minimal",
        )
    yield lifecycle(
        "nothing-after-active",
        ("HFC-3", "HFC-12"),
        "ACTIVE is final: withdrawal and expiry are illegal",
        [
            *t.approved(),
            t.schedule(),
            t.activate(),
            {"type": "withdraw", "at": t.voting_closes + 2},
            {"type": "expire", "at": t.voting_closes + 10**6},
        ],
        "minimal",
    )
    yield lifecycle(
        "nothing-after-rejected",
        ("HFC-3",),
        "REJECTED is final: scheduling and withdrawal are illegal",
        [t.open_voting(), t.close(), t.schedule(), withdraw],
        "minimal",
    )
    yield lifecycle(
        "nothing-after-withdrawn",
        ("HFC-3",),
        "WITHDRAWN is final",
        [
            {"type": "withdraw", "at": PROPOSED_AT},
            t.open_voting(),
            {"type": "attach_audit", "at": PROPOSED_AT, "auditor": "late"},
        ],
        "minimal",
    )
    yield lifecycle(
        "events-in-the-wrong-state",
        ("HFC-3",),
        "a vote in REVIEW, an audit and a schedule in VOTING, an activation in APPROVED",
        [
            *t.votes("v0"),
            t.open_voting(),
            {"type": "attach_audit", "at": t.voting_opens, "auditor": "b"},
            t.schedule(at=t.voting_opens),
            *t.votes("v0", "v1"),
            t.close(),
            t.activate(),
        ],
        "minimal",
    )
    yield lifecycle(
        "time-never-goes-back",
        ("HFC-3",),
        "an event earlier than the last accepted one is rejected; a rejected event does not move the clock",
        [
            t.open_voting(at=t.voting_opens + 100),
            {"type": "close_voting", "at": t.voting_opens + 200},
            {"type": "vote", "at": t.voting_opens + 150, "validator": "v1", "approve": True},
            {"type": "vote", "at": t.voting_opens + 120, "validator": "v0", "approve": True},
        ],
        "minimal",
    )
    window_end = t.voting_closes + t.preset.schedule_window_seconds
    yield lifecycle(
        "late-close-does-not-stretch-the-schedule-window",
        ("HFC-9",),
        "voting closed late: the schedule window still counts from the end of the vote",
        [
            t.open_voting(),
            *t.votes("v0", "v1"),
            t.close(at=window_end),
            t.schedule(at=window_end + 1),
            t.schedule(at=window_end),
        ],
        "minimal",
    )
    yield lifecycle(
        "approval-closed-too-late-expires",
        ("HFC-8", "HFC-12"),
        "a vote that approves but is closed after the scheduling deadline expires at once",
        [t.open_voting(), *t.votes("v0", "v1"), t.close(at=window_end + 1)],
        "minimal",
    )
    yield lifecycle(
        "vote-never-closed-expires",
        ("HFC-12",),
        "a vote nobody closes expires after the scheduling deadline, not at it",
        [
            t.open_voting(),
            *t.votes("v0", "v1"),
            {"type": "expire", "at": window_end},
            {"type": "expire", "at": window_end + 1},
        ],
        "minimal",
    )
    yield lifecycle(
        "rejecting-vote-closed-too-late-expires",
        ("HFC-8", "HFC-15"),
        "a vote that would reject, closed after the scheduling deadline, expires as expire would",
        [t.open_voting(), *t.votes("v3", rejecting=("v0",)), t.close(at=window_end + 1)],
        "minimal",
    )
    yield lifecycle(
        "rejecting-vote-closed-at-the-deadline-is-rejected",
        ("HFC-8", "HFC-15"),
        "a vote that rejects, closed at the last second of the scheduling window, is REJECTED",
        [t.open_voting(), *t.votes("v3", rejecting=("v0",)), t.close(at=window_end)],
        "minimal",
    )
    yield lifecycle(
        "approving-vote-closed-at-the-deadline-is-approved",
        ("HFC-8", "HFC-15"),
        "a vote that approves, closed at the last second of the scheduling window, is APPROVED",
        [t.open_voting(), *t.votes("v0", "v1"), t.close(at=window_end)],
        "minimal",
    )
    yield lifecycle(
        "scheduled-never-expires",
        ("HFC-16", "HFC-3"),
        "a scheduled proposal cannot expire, however late, and still activates",
        [
            *t.approved(),
            t.schedule(),
            {"type": "expire", "at": window_end + 1},
            {"type": "expire", "at": 2**64 - 1},
            {"type": "activate", "at": 2**64 - 1, "height": t.scheduled_height},
        ],
        "minimal",
    )
    yield lifecycle(
        "activate-in-the-second-of-scheduling",
        ("HFC-11", "HFC-17"),
        "activation is judged by height alone: accepted in the same second as the scheduling",
        [
            *t.approved(),
            t.schedule(at=t.voting_closes),
            {"type": "activate", "at": t.voting_closes, "height": t.scheduled_height},
        ],
        "minimal",
    )
    zero = Timeline(t.preset, proposed_at=0)
    yield lifecycle(
        "hard-fork-full-path-from-time-0",
        ("HFC-3", "HFC-4", "HFC-13"),
        "a proposal at time 0, the smallest timestamp, taken to ACTIVE",
        [
            {"type": "attach_audit", "at": 0, "auditor": "audit-firm-b"},
            *zero.approved(),
            zero.schedule(),
            zero.activate(),
        ],
        "minimal",
        proposed_at=0,
    )
    yield lifecycle(
        "withdrawn-at-time-0",
        ("HFC-3", "HFC-12"),
        "a proposal at time 0 withdrawn at time 0",
        [{"type": "withdraw", "at": 0}],
        "minimal",
        proposed_at=0,
    )
    yield lifecycle(
        "event-time-at-2-64",
        ("HFC-3",),
        "an event at time 2^64, one past the range, then one at 2^64-1",
        [{"type": "withdraw", "at": 2**64}, {"type": "withdraw", "at": 2**64 - 1}],
        "minimal",
    )
    yield lifecycle(
        "schedule-heights-one-past-each-end",
        ("HFC-9", "HFC-10"),
        "current and activation heights of -1 and 2^32, then valid ones",
        [
            *t.approved(),
            {"type": "schedule", "at": t.voting_closes, "current_height": -1, "activation_height": HEIGHT},
            {
                "type": "schedule",
                "at": t.voting_closes,
                "current_height": 2**32,
                "activation_height": 2**32 + 4,
            },
            {"type": "schedule", "at": t.voting_closes, "current_height": 0, "activation_height": -1},
            {"type": "schedule", "at": t.voting_closes, "current_height": 0, "activation_height": 2**32 - 1},
        ],
        "minimal",
    )
    yield lifecycle(
        "activate-height-one-past-each-end",
        ("HFC-11",),
        "activation at heights -1 and 2^32, then at 2^32-1",
        [
            *t.approved(),
            t.schedule(),
            {"type": "activate", "at": t.voting_closes + 1, "height": -1},
            {"type": "activate", "at": t.voting_closes + 1, "height": 2**32},
            {"type": "activate", "at": t.voting_closes + 1, "height": 2**32 - 1},
        ],
        "minimal",
    )
    yield lifecycle(
        "attach-audit-twice",
        ("HFC-4",),
        "the same auditor attached twice",
        [{"type": "attach_audit", "at": PROPOSED_AT, "auditor": "audit-firm-a"}],
        "minimal",
    )
    yield lifecycle(
        "validator-set-errors",
        ("HFC-6", "CLS-7"),
        "voting opened with a repeated validator, then with no stake, then with a valid set",
        [
            t.open_voting(validators=[{"id": "a", "stake": 1}, {"id": "a", "stake": 2}]),
            t.open_voting(validators=[{"id": "a", "stake": 0}]),
            t.open_voting(),
        ],
        "minimal",
    )
    yield lifecycle(
        "negative-event-time",
        ("HFC-3",),
        "an event at a negative time",
        [{"type": "withdraw", "at": -1}],
        "minimal",
    )
    yield lifecycle(
        "schedule-height-out-of-range",
        ("HFC-9",),
        "an activation height at 2^32",
        [
            *t.approved(),
            {"type": "schedule", "at": t.voting_closes, "current_height": HEIGHT, "activation_height": 2**32},
        ],
        "minimal",
    )


def _proposals() -> Iterator[CaseSpec]:
    for slug, requirements, description, overrides in (
        (
            "emergency-patch-not-coordinated",
            ("HFC-1",),
            "an emergency patch does not go through the process",
            {"kind": "emergency_patch"},
        ),
        (
            "client-update-not-coordinated",
            ("HFC-1",),
            "a client update does not go through the process",
            {"kind": "client_update"},
        ),
        ("unknown-kind", ("HFC-1", "CLS-1"), "a kind that does not exist", {"kind": "fork"}),
        (
            "missing-specification",
            ("HFC-4",),
            "a proposal without its specification",
            {"specification": False},
        ),
        ("duplicate-auditor", ("HFC-4",), "an auditor named twice", {"auditors": ["a", "a"]}),
        ("negative-proposal-time", ("HFC-4",), "a proposal at a negative time", {"proposed_at": -1}),
        ("proposal-time-at-2-64", ("HFC-4",), "a proposal at time 2^64", {"proposed_at": 2**64}),
        (
            "uncoordinated-kind-before-specification",
            ("HFC-1", "HFC-4", "GEN-7"),
            "a client update without specification: the kind is checked first",
            {"kind": "client_update", "specification": False},
        ),
        (
            "missing-specification-before-duplicate-auditor",
            ("HFC-4", "GEN-7"),
            "no specification and an auditor named twice: the specification is checked first",
            {"specification": False, "auditors": ["a", "a"]},
        ),
    ):
        yield lifecycle(f"invalid-{slug}", requirements, description, [], "minimal", **overrides)


def _four_weeks() -> Iterator[CaseSpec]:
    """The mainnet preset's longest legal path: review 7 days, voting 14, scheduling 1, lead 864 blocks."""
    preset = load_preset("mainnet")
    t = Timeline(preset)
    opens = PROPOSED_AT + preset.review_max_seconds
    closes = opens + preset.voting_period_seconds
    scheduled = closes + preset.schedule_window_seconds
    activated_at = scheduled + preset.min_activation_lead_blocks * 600
    yield lifecycle(
        "four-week-schedule",
        ("HFC-13",),
        f"the slowest legal pace: ACTIVE {(activated_at - PROPOSED_AT) // 86400} days after the proposal",
        [
            t.open_voting(at=opens),
            {"type": "vote", "at": opens, "validator": "v0", "approve": True},
            {"type": "vote", "at": closes - 1, "validator": "v1", "approve": True},
            t.close(at=closes),
            {
                "type": "schedule",
                "at": scheduled,
                "current_height": HEIGHT,
                "activation_height": t.scheduled_height,
            },
            {"type": "activate", "at": activated_at, "height": t.scheduled_height},
        ],
        "mainnet",
    )


def case_specs() -> Iterator[CaseSpec]:
    """The coordination cases."""
    for preset in preset_names():
        yield from _paths(preset)
    yield from _transitions()
    yield from _proposals()
    yield from _four_weeks()
    t = Timeline(load_preset("minimal"))
    yield from generic_invalid_cases(
        "proposal_lifecycle",
        {
            "kind": "hard_fork",
            "proposed_at": PROPOSED_AT,
            "specification": True,
            "auditors": ["audit-firm-a"],
            "events": t.approved(),
        },
        "minimal",
    )
