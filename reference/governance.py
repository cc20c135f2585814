"""Governance: proposal types, the two-chamber tally with quadratic voting, and its verdict.

A proposal of one of four types is voted on by the validators (weighted by stake) and, for the
types whose rules say so, by the token holders too (weighted by the integer square root of
their tokens). Each chamber's participation and approval are exact ratios; the two chambers
are combined 60/40 by one cross-multiplied kernel, used for the quorum and for the approval.
A protocol upgrade also needs its validator stake to meet the coordination threshold of its
upgrade kind, through the very tally the coordination vote uses (GOV-1 to GOV-11).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple, NoReturn

from forkspec.classification import UpgradeKind, support_against_threshold
from forkspec.errors import ErrorCode, check_range, ensure, range_detail, reject
from forkspec.logic import both, if_then_else, negation
from forkspec.presets import BASIS_POINTS, Preset, ProposalRules
from forkspec.versioning import UINT64_MAX

UINT128_MAX = 2**128 - 1
# The token holders' share of the combined weight of a two-chamber vote (GOV-6); the
# validators hold the rest, 6000.
HOLDER_CHAMBER_BPS = 4000
# The upgrade kinds a protocol-upgrade proposal may carry: the coordinated ones (CLS-3).
VOTED_UPGRADE_KINDS = (UpgradeKind.SOFT_FORK, UpgradeKind.HARD_FORK)


class ProposalType(StrEnum):
    """The four proposal types (GOV-1)."""

    PROTOCOL_UPGRADE = "protocol_upgrade"
    PARAMETER_CHANGE = "parameter_change"
    TREASURY_SPENDING = "treasury_spending"
    EMERGENCY_ACTION = "emergency_action"


class Chamber(StrEnum):
    """The two chambers (GOV-2)."""

    VALIDATORS = "validators"
    HOLDERS = "holders"


class Choice(StrEnum):
    """A ballot's choice (GOV-4)."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class Verdict(StrEnum):
    """The verdict of a tally (GOV-9)."""

    PASSED = "passed"
    REJECTED = "rejected"
    NO_QUORUM = "no_quorum"


class Proposal(NamedTuple):
    """A proposal: its type, the upgrade kind of a protocol upgrade, and when voting opens."""

    type: ProposalType
    upgrade_kind: UpgradeKind | None
    voting_opens_at: int


class Voter(NamedTuple):
    """A member of a chamber's electorate: a validator's stake or a holder's tokens."""

    id: str
    holding: int


class Ballot(NamedTuple):
    """One ballot (GOV-4)."""

    chamber: Chamber
    voter: str
    choice: Choice
    at: int


class ChamberTally(NamedTuple):
    """A chamber's eligible weight and the weight of each choice (GOV-5)."""

    chamber: Chamber
    eligible: int
    yes: int
    no: int
    abstain: int

    @property
    def participating(self) -> int:
        return self.yes + self.no + self.abstain


class Tally(NamedTuple):
    """The outcome of a vote (GOV-9): the chambers counted, the tests and the verdict."""

    chambers: tuple[ChamberTally, ...]
    voting_closes_at: int
    quorum_met: bool
    approval_met: bool
    stake_gate_met: bool | None
    verdict: Verdict


def quadratic_weight(tokens: int) -> int:
    """A holder's voting weight: the floor of the square root of its tokens, the one `weight`
    with weight^2 <= tokens < (weight + 1)^2 (one integer, PRF-91). Implements: GOV-3."""
    return math.isqrt(tokens)


def weighted_share_at_least(
    part_v: int, whole_v: int, part_h: int, whole_h: int, holder_share_bps: int, threshold_bps: int
) -> bool:
    """Whether (10000 - holder_share) * part_v / whole_v + holder_share * part_h / whole_h is at
    least `threshold_bps`, a chamber with no weight counting as a share of 0; by
    cross-multiplication, with no division. Implements: GEN-5, GOV-6."""
    denominator_v = if_then_else(whole_v > 0, whole_v, 1)
    denominator_h = if_then_else(whole_h > 0, whole_h, 1)
    return (BASIS_POINTS - holder_share_bps) * part_v * denominator_h + holder_share_bps * part_h * (
        denominator_v
    ) >= threshold_bps * denominator_v * denominator_h


def verdict(quorum_met: bool, approval_met: bool, stake_gate_met: bool) -> Verdict:
    """No quorum first; then passed only when the approval and the stake gate both hold.
    Implements: GOV-9."""
    return if_then_else(
        negation(quorum_met),
        Verdict.NO_QUORUM,
        if_then_else(both(approval_met, stake_gate_met), Verdict.PASSED, Verdict.REJECTED),
    )


def _electorate(
    voters: Sequence[Voter], high: int, range_code: ErrorCode, duplicate_code: ErrorCode, what: str
) -> dict[str, int]:
    """The holdings of a chamber by voter, each entry checked for a duplicate, then its range,
    in list order as CLS-7 checks a validator set (GOV-2)."""
    holdings: dict[str, int] = {}
    for voter_id, holding in voters:
        if voter_id in holdings:
            reject(duplicate_code, f"{voter_id!r} appears twice")
        if not 0 <= holding <= high:
            reject(range_code, range_detail(f"{what} of {voter_id!r}", holding, 0, high))
        holdings[voter_id] = holding
    return holdings


def _check_proposal(proposal: Proposal) -> None:
    """GOV-8's upgrade kind, then the opening time (GOV-10)."""
    if proposal.type is ProposalType.PROTOCOL_UPGRADE:
        ensure(
            proposal.upgrade_kind in VOTED_UPGRADE_KINDS,
            ErrorCode.UPGRADE_KIND_MISMATCH,
            "a protocol upgrade names a soft_fork or hard_fork upgrade_kind",
        )
    else:
        ensure(
            proposal.upgrade_kind is None,
            ErrorCode.UPGRADE_KIND_MISMATCH,
            f"a {proposal.type} carries no upgrade_kind",
        )
    check_range(proposal.voting_opens_at, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "voting_opens_at")


def _reject_ballot(
    index: int,
    ballot: Ballot,
    proposal_type: ProposalType,
    weights: dict[Chamber, dict[str, int]],
    opens_at: int,
    closes_at: int,
    counted_before: bool,
) -> NoReturn:
    """GOV-4's checks of a ballot the tally cannot count, in their order: the first that fails
    is reported. `counted_before` says that no weight was left for its voter."""
    at = ballot.at
    if not 0 <= at <= UINT64_MAX:
        reject(ErrorCode.TIMESTAMP_OUT_OF_RANGE, range_detail(f"ballots[{index}].at", at, 0, UINT64_MAX))
    chamber_weights = weights.get(ballot.chamber)
    if chamber_weights is None:
        reject(ErrorCode.CHAMBER_NOT_IN_PROPOSAL, f"a {proposal_type} is voted by the validators only")
    if ballot.voter not in chamber_weights:
        reject(ErrorCode.UNKNOWN_VOTER, f"{ballot.voter!r} is not among the {ballot.chamber}")
    if not opens_at <= at < closes_at:
        reject(
            ErrorCode.BALLOT_OUTSIDE_WINDOW,
            f"ballots[{index}] at {at} is outside {opens_at}..{closes_at - 1}",
        )
    assert counted_before, "a ballot within its window, by a voter yet to vote, is counted"
    reject(ErrorCode.DUPLICATE_BALLOT, f"{ballot.voter!r} already voted among the {ballot.chamber}")


def tally(
    proposal: Proposal,
    validators: Sequence[Voter],
    holders: Sequence[Voter],
    ballots: Sequence[Ballot],
    preset: Preset,
) -> Tally:
    """The tally of `ballots` on `proposal`, after GOV-10's checks in order; linear in the
    voters and ballots. Implements: GOV-1 to GOV-11."""
    _check_proposal(proposal)
    rules: ProposalRules = preset.proposal_rules(proposal.type)
    stakes = _electorate(
        validators, UINT64_MAX, ErrorCode.STAKE_OUT_OF_RANGE, ErrorCode.DUPLICATE_VALIDATOR, "stake"
    )
    eligible = {Chamber.VALIDATORS: sum(stakes.values())}
    ensure(eligible[Chamber.VALIDATORS] > 0, ErrorCode.NO_STAKE, "the validator set holds no stake")
    tokens = _electorate(
        holders, UINT128_MAX, ErrorCode.TOKENS_OUT_OF_RANGE, ErrorCode.DUPLICATE_HOLDER, "tokens"
    )
    weights = {Chamber.VALIDATORS: stakes}
    if rules.two_chamber:
        weights[Chamber.HOLDERS] = dict(zip(tokens, map(quadratic_weight, tokens.values()), strict=True))
        eligible[Chamber.HOLDERS] = sum(weights[Chamber.HOLDERS].values())
        ensure(
            eligible[Chamber.HOLDERS] > 0,
            ErrorCode.NO_HOLDER_WEIGHT,
            "the token holders hold no voting weight",
        )
    opens_at = proposal.voting_opens_at
    closes_at = opens_at + rules.voting_period_seconds
    # Per chamber: the weights of the voters who have not voted yet, and the weight counted for
    # each choice. A ballot takes its voter's weight out, so a second ballot finds none.
    books = {
        chamber: (dict(chamber_weights), dict.fromkeys(Choice, 0))
        for chamber, chamber_weights in weights.items()
    }
    window_end = min(closes_at, UINT64_MAX + 1)
    for index, ballot in enumerate(ballots):
        chamber, voter, choice, at = ballot
        book = books.get(chamber)
        if book is None:
            _reject_ballot(index, ballot, proposal.type, weights, opens_at, closes_at, False)
        yet_to_vote, counts = book
        weight = yet_to_vote.pop(voter, None)
        if weight is None or not opens_at <= at < window_end:
            _reject_ballot(index, ballot, proposal.type, weights, opens_at, closes_at, weight is None)
        counts[choice] += weight
    chambers = tuple(
        ChamberTally(
            chamber,
            eligible[chamber],
            counts[Choice.YES],
            counts[Choice.NO],
            counts[Choice.ABSTAIN],
        )
        for chamber, (_, counts) in books.items()
    )
    validator_chamber = chambers[0]
    # With one chamber the holders' share is 0, so the chamber in its place only multiplies both
    # sides by its (positive) denominators: the validators' own stands in.
    holder_chamber = chambers[-1]
    holder_share = HOLDER_CHAMBER_BPS if rules.two_chamber else 0
    quorum_met = weighted_share_at_least(
        validator_chamber.participating,
        validator_chamber.eligible,
        holder_chamber.participating,
        holder_chamber.eligible,
        holder_share,
        rules.quorum_bps,
    )
    approval_met = weighted_share_at_least(
        validator_chamber.yes,
        validator_chamber.yes + validator_chamber.no,
        holder_chamber.yes,
        holder_chamber.yes + holder_chamber.no,
        holder_share,
        rules.approval_bps,
    )
    # The gate: the validators' yes stake against the whole set (GOV-8), by CLS-6's own test.
    stake_gate_met: bool | None = None
    if proposal.upgrade_kind is not None:
        stake_gate_met = support_against_threshold(
            proposal.upgrade_kind, validator_chamber.yes, validator_chamber.eligible, preset
        ).met
    return Tally(
        chambers,
        closes_at,
        quorum_met,
        approval_met,
        stake_gate_met,
        verdict(quorum_met, approval_met, stake_gate_met is not False),
    )
