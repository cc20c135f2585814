"""Properties of the governance tally (spec/governance.md): the quadratic weight, the exact
60/40 rule on integers, and the monotonicity that GOV-7 states."""

from __future__ import annotations

from fractions import Fraction

from forkspec.classification import UpgradeKind
from forkspec.governance import (
    HOLDER_CHAMBER_BPS,
    UINT128_MAX,
    Ballot,
    Chamber,
    Choice,
    Proposal,
    ProposalType,
    Verdict,
    Voter,
    quadratic_weight,
    tally,
    weighted_share_at_least,
)
from forkspec.presets import BASIS_POINTS, load_preset
from hypothesis import given
from hypothesis import strategies as st

MAINNET = load_preset("mainnet")
OPENS_AT = 0
VALIDATORS = [Voter(f"v{index}", stake) for index, stake in enumerate((5, 3, 8, 1, 13))]
HOLDERS = [Voter(f"h{index}", tokens) for index, tokens in enumerate((4, 99, 100, 2**20, 7))]
# A choice per voter, or None for a voter who casts no ballot.
choices = st.sampled_from([Choice.YES, Choice.NO, Choice.ABSTAIN, None])
votes = st.tuples(st.lists(choices, min_size=5, max_size=5), st.lists(choices, min_size=5, max_size=5))
proposals = st.sampled_from(
    [
        Proposal(ProposalType.PROTOCOL_UPGRADE, UpgradeKind.HARD_FORK, OPENS_AT),
        Proposal(ProposalType.PROTOCOL_UPGRADE, UpgradeKind.SOFT_FORK, OPENS_AT),
        Proposal(ProposalType.PARAMETER_CHANGE, None, OPENS_AT),
        Proposal(ProposalType.TREASURY_SPENDING, None, OPENS_AT),
        Proposal(ProposalType.EMERGENCY_ACTION, None, OPENS_AT),
    ]
)


def passes(proposal: Proposal, vote: tuple[list[Choice | None], list[Choice | None]]) -> bool:
    two_chamber = MAINNET.proposal_rules(proposal.type).two_chamber
    ballots = [
        Ballot(chamber, voter.id, choice, OPENS_AT)
        for chamber, voters, chosen in (
            (Chamber.VALIDATORS, VALIDATORS, vote[0]),
            (Chamber.HOLDERS, HOLDERS, vote[1]),
        )
        if chamber is Chamber.VALIDATORS or two_chamber
        for voter, choice in zip(voters, chosen, strict=True)
        if choice is not None
    ]
    return tally(proposal, VALIDATORS, HOLDERS, ballots, MAINNET).verdict is Verdict.PASSED


def moved(
    vote: tuple[list[Choice | None], list[Choice | None]], chamber: int, index: int, choice: Choice | None
) -> tuple[list[Choice | None], list[Choice | None]]:
    changed = (list(vote[0]), list(vote[1]))
    changed[chamber][index] = choice
    return changed


@given(st.integers(0, UINT128_MAX))
def test_the_weight_is_the_floor_square_root(tokens: int) -> None:
    weight = quadratic_weight(tokens)
    assert weight >= 0 and weight * weight <= tokens < (weight + 1) * (weight + 1)


@given(st.integers(0, 2**64 - 1))
def test_the_weight_at_a_perfect_square_and_one_below(root: int) -> None:
    assert quadratic_weight(root * root) == root
    assert root == 0 or quadratic_weight(root * root - 1) == root - 1


@given(
    st.integers(0, 2**70),
    st.integers(0, 2**70),
    st.integers(0, 2**70),
    st.integers(0, 2**70),
    st.integers(1, BASIS_POINTS),
    st.booleans(),
)
def test_the_combined_test_is_the_exact_rule(
    a: int, b: int, c: int, d: int, threshold: int, two_chamber: bool
) -> None:
    (part_v, whole_v), (part_h, whole_h) = sorted((a, b)), sorted((c, d))
    share = HOLDER_CHAMBER_BPS if two_chamber else 0

    def exact(part: int, whole: int) -> Fraction:
        return Fraction(part, whole) if whole else Fraction(0)

    expected = (BASIS_POINTS - share) * exact(part_v, whole_v) + share * exact(part_h, whole_h) >= threshold
    assert weighted_share_at_least(part_v, whole_v, part_h, whole_h, share, threshold) == expected


@given(proposals, votes, st.integers(0, 1), st.integers(0, 4))
def test_more_yes_never_turns_a_pass_into_a_fail(
    proposal: Proposal, vote: tuple[list[Choice | None], list[Choice | None]], chamber: int, index: int
) -> None:
    if passes(proposal, vote):
        assert passes(proposal, moved(vote, chamber, index, Choice.YES))


@given(proposals, votes, st.integers(0, 1), st.integers(0, 4))
def test_weight_moved_towards_no_never_turns_a_fail_into_a_pass(
    proposal: Proposal, vote: tuple[list[Choice | None], list[Choice | None]], chamber: int, index: int
) -> None:
    """Yes to no or abstain, and abstain to no; a new no ballot may pass a vote (the quorum paradox)."""
    before = vote[chamber][index]
    towards: dict[Choice | None, tuple[Choice, ...]] = {
        Choice.YES: (Choice.NO, Choice.ABSTAIN),
        Choice.ABSTAIN: (Choice.NO,),
    }
    if not passes(proposal, vote):
        for choice in towards.get(before, ()):
            assert not passes(proposal, moved(vote, chamber, index, choice))
