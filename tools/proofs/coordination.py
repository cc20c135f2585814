"""Obligations PRF-45 to PRF-59: the coordination lifecycle of a proposed fork.

PRF-45: no proposal is APPROVED, SCHEDULED or ACTIVE without a `close_voting` whose tally met
its kind's threshold, as an inductive invariant over one event of the lifecycle. One event is
modelled as `apply_event` runs it: the event must be legal in the state (the reference's own
table `LEGAL_IN`), its own checks must pass, and then the proposal's state becomes
`accepted_state(event, decided)`, where `decided` is the vote's outcome (`vote_outcome`) for a
`close_voting` and the state itself for any other event; a rejected event changes nothing.

PRF-46: the slowest legal path from the proposal to the earliest permitted activation takes
at most the four weeks of HFC-13 under the mainnet preset, 600-second blocks, and exactly that
on the slowest path: a bound over the preset's windows, through the deadline kernels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import pairwise
from typing import Any

from forkspec import coordination
from forkspec.classification import UpgradeKind, upgrade_policy
from forkspec.coordination import LEGAL_IN, EventType, ProposalState
from forkspec.logic import if_then_else
from forkspec.presets import Preset, load_preset
from forkspec.symbolic import EnumerationSort
from forkspec.tools.proofs import (
    Assumption,
    Goal,
    Mutant,
    MutantKind,
    Obligation,
    RegressionCase,
    Sort,
    Values,
    Variable,
    Witness,
    all_of,
    any_of,
    floor_division,
    implies,
    integers,
    kernel_in,
    negation,
)

P, E = ProposalState, EventType
PRESET = "mainnet"
BLOCK_SECONDS = 600  # the block time the four weeks of HFC-13 assume
FOUR_WEEKS = 28 * 86_400
AUDITOR = "auditor"
LOGIC = "QF_DTLIA"
ENCODING = (
    "States and event types are values of the SMT-LIB enumeration sorts ProposalState and EventType "
    "(one constructor per member, named Class.MEMBER): a symbolic state is exactly one member. Times, "
    "heights and stakes are unbounded Int. The kernels are the reference's, evaluated on these terms; "
    "the legality of an event is the reference's table LEGAL_IN, read as a disjunction over its entries."
)


def _preset() -> Preset:
    return load_preset(PRESET)


def _by_kind(v: Values, preset: Preset, decision: Callable[[int], Any]) -> Any:
    """`decision` at the kind's threshold (CLS-2): the hard fork's where `hard_fork`, else the soft
    fork's. Each threshold is a constant, so that the products of a threshold test stay linear."""
    return if_then_else(
        v["hard_fork"],
        decision(upgrade_policy(UpgradeKind.HARD_FORK, preset).threshold_bps),
        decision(upgrade_policy(UpgradeKind.SOFT_FORK, preset).threshold_bps),
    )


def _kind(values: Mapping[str, Any]) -> str:
    return (UpgradeKind.HARD_FORK if values["hard_fork"] else UpgradeKind.SOFT_FORK).value


def _validators(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"id": "yes", "stake": values["approving"]},
        {"id": "no", "stake": values["total"] - values["approving"]},
    ]


def _lifecycle(values: Mapping[str, Any], events: list[dict[str, Any]], description: str) -> RegressionCase:
    return RegressionCase(
        "proposal_lifecycle",
        description,
        {
            "kind": _kind(values),
            "proposed_at": values.get("proposed_at", 0),
            "specification": True,
            "auditors": [AUDITOR],
            "events": events,
        },
        presets=(PRESET,),
    )


def _stake_bounds(v: Values) -> Any:
    """Stakes a vector can carry: two validators, each within 0..2^40."""
    return all_of(v["total"] >= 1, v["approving"] >= 0, v["approving"] <= v["total"], v["total"] <= 2**40)


# PRF-45 ---------------------------------------------------------------------------------------


def _legal(v: Values, table: Mapping[EventType, frozenset[ProposalState]]) -> Any:
    """Whether the event is legal in the state, by the table (HFC-3)."""
    return any_of(
        *(
            all_of(v["event"] == event, v["state"] == state)
            for event, states in table.items()
            for state in sorted(states)
        )
    )


def approval_needs_a_vote_that_met_the_threshold() -> Obligation:
    """PRF-45."""
    preset = _preset()
    accepted_state = kernel_in(coordination, "accepted_state")
    vote_outcome = kernel_in(coordination, "vote_outcome")
    meets_threshold = kernel_in(coordination, "meets_threshold")

    def met(v: Values) -> Any:
        return _by_kind(v, preset, lambda bps: meets_threshold(v["approving"], v["total"], bps))

    def step(
        v: Values, table: Mapping[EventType, frozenset[ProposalState]], outcome: Callable[..., Any]
    ) -> Any:
        decided = if_then_else(
            v["event"] == E.CLOSE_VOTING,
            _by_kind(
                v,
                preset,
                lambda bps: outcome(v["voting_opened_at"], v["at"], v["approving"], v["total"], bps, preset),
            ),
            v["state"],
        )
        applies = all_of(_legal(v, table), v["accepted"])
        return if_then_else(applies, accepted_state(v["event"], decided), v["state"])

    def approved_after(v: Values, table: Mapping[EventType, frozenset[ProposalState]]) -> Any:
        closed_and_met = all_of(_legal(v, table), v["accepted"], v["event"] == E.CLOSE_VOTING, met(v))
        return any_of(v["approved"], closed_and_met)

    def invariant(state: Any, approved: Any) -> Any:
        return implies(any_of(state == P.APPROVED, state == P.SCHEDULED, state == P.ACTIVE), approved)

    def inductive(
        table: Mapping[EventType, frozenset[ProposalState]] = LEGAL_IN,
        outcome: Callable[..., Any] = vote_outcome,
    ) -> Callable[[Values], Any]:
        def holds(v: Values) -> Any:
            kept = implies(
                invariant(v["state"], v["approved"]),
                invariant(step(v, table, outcome), approved_after(v, table)),
            )
            return all_of(invariant(P.REVIEW, False), kept)

        return holds

    formula = (
        "I(REVIEW, false) and (I(state, approved) => I(next, approved or (legal and accepted and "
        "event == close_voting and meets_threshold(approving, total, threshold(kind))))), "
        "I(s, a) = (s in {APPROVED, SCHEDULED, ACTIVE} => a), next = accepted_state(event, decided) "
        "if legal and accepted else state"
    )
    goal = Goal("the invariant holds initially and every event keeps it", formula, inductive())

    def in_percent(
        voting_opened_at: Any, at: Any, approving: Any, total: Any, threshold_bps: Any, preset: Preset
    ) -> Any:
        return vote_outcome(
            voting_opened_at, at, approving, total, floor_division(threshold_bps, 100), preset
        )

    def percent_regression(values: Mapping[str, Any]) -> RegressionCase:
        opens = preset.review_min_seconds
        closes = opens + preset.voting_period_seconds
        events = [
            {"type": "open_voting", "at": opens, "validators": _validators(values)},
            {"type": "vote", "at": opens, "validator": "yes", "approve": True},
            {"type": "close_voting", "at": closes},
        ]
        return _lifecycle(
            values,
            events,
            f"{_kind(values)}: {values['approving']} of {values['total']} stake approves, below the "
            "threshold in basis points though above it read in percent: the vote is REJECTED",
        )

    schedule_in_voting = {**LEGAL_IN, E.SCHEDULE: LEGAL_IN[E.SCHEDULE] | {P.VOTING}}

    def schedule_regression(values: Mapping[str, Any]) -> RegressionCase:
        opens = preset.review_min_seconds
        events = [
            {"type": "open_voting", "at": opens, "validators": _validators(values)},
            {
                "type": "schedule",
                "at": opens,
                "current_height": 0,
                "activation_height": preset.min_activation_lead_blocks,
            },
        ]
        return _lifecycle(
            values, events, f"{_kind(values)}: a schedule while the vote is open is an illegal transition"
        )

    return Obligation(
        id="PRF-45",
        title="No proposal is approved, scheduled or active without a vote that met its kind's threshold",
        statement=(
            "A proposal reaches APPROVED, SCHEDULED or ACTIVE only after a close_voting whose tally met the "
            "threshold of its kind (51% for a soft fork, 80% for a hard fork under mainnet) of the whole "
            "validator set's stake. Proved as an inductive invariant over one event: it holds for a new "
            "proposal (REVIEW, no such vote), and every event, accepted or rejected, keeps it. An event's "
            "own checks other than its timing and its tally (audits, the validator set, the heights) are "
            "abstracted to a free boolean `accepted`: any of them may pass or fail, which only adds "
            "behaviours, so the invariant holds for the real lifecycle a fortiori."
        ),
        requirements=("HFC-2", "HFC-3", "HFC-8", "HFC-14", "HFC-15", "CLS-2", "CLS-6"),
        variables=(
            Variable("state", "the proposal's state before the event", EnumerationSort(ProposalState)),
            Variable("event", "the event's type", EnumerationSort(EventType)),
            Variable(
                "approved", "a close_voting whose tally met the threshold was accepted before", Sort.BOOL
            ),
            Variable(
                "accepted", "the event passes its checks other than legality, timing and tally", Sort.BOOL
            ),
            Variable("hard_fork", "the proposal is a hard fork (else a soft fork)", Sort.BOOL),
            *integers(
                ("voting_opened_at", "when voting opened"),
                ("at", "the event's time"),
                ("approving", "the stake of the validators that voted to approve"),
                ("total", "the stake of the whole validator set"),
            ),
        ),
        assumptions=(
            Assumption(
                "D1",
                "the tally is of a valid validator set: 0 <= approving <= total, total > 0 (CLS-7)",
                "0 <= approving <= total and total > 0",
                lambda v: all_of(v["approving"] >= 0, v["approving"] <= v["total"], v["total"] > 0),
            ),
        ),
        goal=goal,
        witness=Witness(
            "a vote that meets its threshold in time is closed and the proposal becomes APPROVED",
            "state == VOTING and event == close_voting and accepted and next == APPROVED",
            lambda v: all_of(
                v["state"] == P.VOTING,
                v["event"] == E.CLOSE_VOTING,
                v["accepted"],
                step(v, LEGAL_IN, vote_outcome) == P.APPROVED,
            ),
        ),
        mutants=(
            Mutant(
                "threshold-in-percent",
                MutantKind.KERNEL,
                "the vote's decision with the kind's threshold in percent (51, 80) instead of basis points",
                percent_regression,
                goal=Goal("the invariant is inductive", formula, inductive(outcome=in_percent)),
                bounds=_stake_bounds,
                smallest="total",
            ),
            Mutant(
                "schedule-legal-in-voting",
                MutantKind.KERNEL,
                "the table of HFC-3 with `schedule` also legal in VOTING",
                schedule_regression,
                goal=Goal("the invariant is inductive", formula, inductive(table=schedule_in_voting)),
                bounds=_stake_bounds,
            ),
        ),
        kernels=(
            accepted_state,
            vote_outcome,
            meets_threshold,
            kernel_in(coordination, "scheduling_open"),
            kernel_in(coordination, "schedule_deadline"),
        ),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=(
            "That the tally is the sum of the votes: approving and total are the tally's two sums, computed "
            "by classification.tally_support and covered by the vectors.",
            "Liveness: nothing forces a proposal to move on; an approved proposal may expire or be "
            "withdrawn.",
        ),
    )


# PRF-46 ---------------------------------------------------------------------------------------


def slowest_path_is_four_weeks() -> Obligation:
    """PRF-46."""
    preset = _preset()
    review_long_enough = kernel_in(coordination, "review_long_enough")
    review_not_too_long = kernel_in(coordination, "review_not_too_long")
    vote_in_window = kernel_in(coordination, "vote_in_window")
    vote_outcome = kernel_in(coordination, "vote_outcome")
    scheduling_open = kernel_in(coordination, "scheduling_open")
    activation_lead_respected = kernel_in(coordination, "activation_lead_respected")

    def reaches_active_at(v: Values) -> Any:
        return v["scheduled_at"] + (v["activation_height"] - v["current_height"]) * BLOCK_SECONDS

    def ordered(v: Values) -> Any:
        times = [v[name] for name in ("proposed_at", "opened_at", "closed_at", "scheduled_at")]
        return all_of(times[0] >= 0, *(earlier <= later for earlier, later in pairwise(times)))

    def reviewed(v: Values) -> Any:
        return all_of(
            review_long_enough(v["proposed_at"], v["opened_at"], preset),
            review_not_too_long(v["proposed_at"], v["opened_at"], preset),
        )

    def approved(v: Values) -> Any:
        return all_of(
            negation(vote_in_window(v["opened_at"], v["closed_at"], preset)),
            _by_kind(
                v,
                preset,
                lambda bps: vote_outcome(
                    v["opened_at"], v["closed_at"], v["approving"], v["total"], bps, preset
                ),
            )
            == P.APPROVED,
        )

    def scheduled(window_from: str) -> Callable[[Values], Any]:
        def holds(v: Values) -> Any:
            # The deadline kernel counts from when voting opened; from the close, it is shifted by the vote.
            opened = v[window_from] - (preset.voting_period_seconds if window_from == "closed_at" else 0)
            return all_of(
                scheduling_open(opened, v["scheduled_at"], preset),
                activation_lead_respected(v["current_height"], v["activation_height"], preset),
                negation(activation_lead_respected(v["current_height"], v["activation_height"] - 1, preset)),
            )

        return holds

    def assumptions(schedule_from: str = "opened_at", review_bounded: bool = True) -> tuple[Assumption, ...]:
        review = (
            Assumption(
                "H2",
                "open_voting is accepted: the review lasted from review_min to review_max (HFC-5)",
                "review_long_enough(proposed_at, opened_at) and review_not_too_long(proposed_at, opened_at)",
                reviewed,
            )
            if review_bounded
            else Assumption(
                "H2",
                "open_voting is accepted with only the minimum review",
                "review_long_enough(proposed_at, opened_at)",
                lambda v: review_long_enough(v["proposed_at"], v["opened_at"], preset),
            )
        )
        return (
            Assumption(
                "H1",
                "accepted events come in time order after the proposal (HFC-3)",
                "0 <= proposed_at <= opened_at <= closed_at <= scheduled_at",
                ordered,
            ),
            review,
            Assumption(
                "H3",
                "close_voting is accepted after the window and approves (HFC-8, HFC-15)",
                "not vote_in_window(opened_at, closed_at) and vote_outcome(...) == APPROVED",
                approved,
            ),
            Assumption(
                "H4",
                "schedule is accepted, at the earliest permitted activation height (HFC-9, HFC-10)",
                "scheduling_open(opened_at, scheduled_at) and activation_lead_respected(current, activation) "
                "and not activation_lead_respected(current, activation - 1)",
                scheduled(schedule_from),
            ),
        )

    goal = Goal(
        f"the earliest permitted activation comes at most four weeks ({FOUR_WEEKS} s) after the proposal",
        f"scheduled_at + (activation_height - current_height) * {BLOCK_SECONDS} "
        f"<= proposed_at + {FOUR_WEEKS}",
        lambda v: reaches_active_at(v) <= v["proposed_at"] + FOUR_WEEKS,
    )

    def window_regression(values: Mapping[str, Any]) -> RegressionCase:
        events = [
            {"type": "open_voting", "at": values["opened_at"], "validators": _validators(values)},
            {"type": "vote", "at": values["opened_at"], "validator": "yes", "approve": True},
            {"type": "close_voting", "at": values["closed_at"]},
            {
                "type": "schedule",
                "at": values["scheduled_at"],
                "current_height": values["current_height"],
                "activation_height": values["activation_height"],
            },
        ]
        return _lifecycle(
            values,
            events,
            f"{_kind(values)}: closed at {values['closed_at']}, scheduled at {values['scheduled_at']}, more "
            "than the schedule window after the end of the vote: SCHEDULE_WINDOW_PASSED, whenever the close",
        )

    def review_regression(values: Mapping[str, Any]) -> RegressionCase:
        events = [{"type": "open_voting", "at": values["opened_at"], "validators": _validators(values)}]
        return _lifecycle(
            values,
            events,
            f"{_kind(values)}: voting opened {values['opened_at'] - values['proposed_at']} s after the "
            "proposal, past the longest review: REVIEW_TOO_LONG",
        )

    def vector_bounds(v: Values) -> Any:
        return all_of(
            _stake_bounds(v),
            v["scheduled_at"] <= 2**40,
            v["current_height"] >= 0,
            v["activation_height"] <= 2**32 - 1,
        )

    return Obligation(
        id="PRF-46",
        title="The slowest legal path reaches ACTIVE within four weeks",
        statement=(
            f"Under the {PRESET} preset, with {BLOCK_SECONDS}-second blocks, a proposal that is reviewed, "
            "voted, approved and scheduled at the earliest permitted activation height reaches that height "
            f"at most {FOUR_WEEKS // 86_400} days after it was proposed: review_max_seconds + "
            "voting_period_seconds + schedule_window_seconds + min_activation_lead_blocks blocks = 7 + 14 + "
            "1 + 6 days. The witness is the slowest path, which takes exactly four weeks. The drop-one "
            "check shows that the bound needs only the longest review (H2) and the scheduling rules (H4), "
            "neither the order of the events nor the close: the schedule window counts from the end of the "
            "vote (HFC-9), not from the close_voting event, so that a late close cannot stretch the timeline."
        ),
        requirements=("HFC-5", "HFC-7", "HFC-8", "HFC-9", "HFC-10", "HFC-13", "HFC-15", "HFC-17"),
        variables=(
            *integers(
                ("proposed_at", "when the proposal was made"),
                ("opened_at", "when voting opened"),
                ("closed_at", "when voting was closed"),
                ("scheduled_at", "when the activation was scheduled"),
                ("current_height", "the chain's height at the scheduling"),
                ("activation_height", "the scheduled activation height"),
                ("approving", "the stake that voted to approve"),
                ("total", "the stake of the validator set"),
            ),
            Variable("hard_fork", "the proposal is a hard fork (else a soft fork)", Sort.BOOL),
        ),
        assumptions=assumptions(),
        goal=goal,
        witness=Witness(
            "the slowest path: activation exactly four weeks after the proposal",
            f"scheduled_at + (activation_height - current_height) * {BLOCK_SECONDS} == proposed_at + "
            f"{FOUR_WEEKS}",
            lambda v: reaches_active_at(v) == v["proposed_at"] + FOUR_WEEKS,
        ),
        mutants=(
            Mutant(
                "schedule-window-from-the-close",
                MutantKind.KERNEL,
                "the schedule window counted from the close_voting event instead of the end of the vote",
                window_regression,
                assumptions=assumptions(schedule_from="closed_at"),
                bounds=vector_bounds,
            ),
            Mutant(
                "no-longest-review",
                MutantKind.ASSUMPTION,
                "open_voting accepted after any review at least review_min_seconds long",
                review_regression,
                assumptions=assumptions(review_bounded=False),
                bounds=vector_bounds,
            ),
        ),
        kernels=(
            review_long_enough,
            review_not_too_long,
            vote_in_window,
            vote_outcome,
            scheduling_open,
            activation_lead_respected,
            kernel_in(coordination, "schedule_deadline"),
            kernel_in(coordination, "voting_closes_at"),
        ),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=(
            "The time activation takes on a real chain: blocks may come faster or slower than 600 s, and "
            "the lifecycle judges activation by height alone (HFC-17).",
            "An activation height scheduled further ahead than the minimum lead is legal and slower "
            "(HFC-13); the bound is for the earliest permitted activation.",
        ),
    )


def obligations() -> tuple[Obligation, ...]:
    """The coordination obligations, PRF-45 and PRF-46."""
    return (approval_needs_a_vote_that_met_the_threshold(), slowest_path_is_four_weeks())
