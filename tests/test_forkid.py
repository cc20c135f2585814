"""Fork identifiers (spec/forkid.md): the checksums and verdicts published with EIP-2124 and
EIP-6122, and the properties the rules are built for."""

from __future__ import annotations

import pytest
from forkspec.errors import ErrorCode, SpecError
from forkspec.forkid import (
    TIMESTAMP_THRESHOLD,
    AcceptingRule,
    ForkId,
    Forks,
    Head,
    check_fork_id,
    checksums,
    fork_id,
    fork_points,
    passed,
)
from forkspec.tools.cases.forkid import (
    EIP6122_EXAMPLE_TIME,
    MAINNET_BLOCKS,
    MAINNET_GENESIS,
    MAINNET_PETERSBURG,
    MAINNET_TIMES,
    TESTNETS,
)
from hypothesis import assume, given
from hypothesis import strategies as st

MAINNET = Forks(bytes.fromhex(MAINNET_GENESIS), 0, MAINNET_PETERSBURG, ())

# FORK_HASH and FORK_NEXT at a height, as EIP-2124 and go-ethereum's tests publish them.
PUBLISHED_IDS = {
    "mainnet": [
        (0, 0xFC64EC04, 1150000),
        (1149999, 0xFC64EC04, 1150000),
        (1150000, 0x97C2C34C, 1920000),
        (1920000, 0x91D1F948, 2463000),
        (2463000, 0x7A64DA13, 2675000),
        (2675000, 0x3EDD5B10, 4370000),
        (4370000, 0xA00BC324, 7280000),
        (7279999, 0xA00BC324, 7280000),
        (7280000, 0x668DB0AF, 0),
        (7987396, 0x668DB0AF, 0),
    ],
    "ropsten": [(0, 0x30C7DDBC, 10), (10, 0x63760190, 1700000), (4939394, 0xD6E2149B, 6485846)],
    "rinkeby": [(0, 0x3B8E0691, 1), (1, 0x60949295, 2), (3, 0xCB3A64BB, 1035301), (5435345, 0xCBDB8838, 0)],
    "goerli": [(0, 0xA3F5AB08, 1561651), (1561651, 0xC25EFA5C, 0)],
}


def network(name: str) -> Forks:
    if name == "mainnet":
        return MAINNET
    genesis, blocks = TESTNETS[name]
    return Forks(bytes.fromhex(genesis), 0, blocks, ())


@pytest.mark.parametrize(
    ("name", "height", "published_hash", "published_next"),
    [(name, *entry) for name, entries in PUBLISHED_IDS.items() for entry in entries],
)
def test_published_fork_ids(name: str, height: int, published_hash: int, published_next: int) -> None:
    """FID-2, FID-4, FID-5 against EIP-2124's checksums."""
    assert fork_id(network(name), Head(height, 0)) == ForkId(published_hash, published_next)


def test_eip6122_example_and_mainnet_time_forks() -> None:
    """FID-2, FID-4: EIP-6122's example checksum, and mainnet's Shanghai to Prague by time."""
    example = Forks(bytes.fromhex(MAINNET_GENESIS), 0, (1150000,), (EIP6122_EXAMPLE_TIME,))
    assert fork_id(example, Head(1150000, EIP6122_EXAMPLE_TIME)) == ForkId(0xCB37B2EE, 0)
    full = Forks(bytes.fromhex(MAINNET_GENESIS), 0, MAINNET_BLOCKS, MAINNET_TIMES)
    shanghai, cancun, prague = MAINNET_TIMES
    assert fork_id(full, Head(15050000, shanghai - 1)) == ForkId(0xF0AFD0E3, shanghai)
    assert fork_id(full, Head(17034870, shanghai)) == ForkId(0xDCE96C2D, cancun)
    assert fork_id(full, Head(19426587, cancun)) == ForkId(0x9F3D2254, prague)
    assert fork_id(full, Head(22431084, prague)) == ForkId(0xC376CF8B, 0)


# go-ethereum's table of remote identifiers judged by a mainnet node at Petersburg or before:
# the local head, the remote identifier, and the verdict (None for accepted). Its single error
# for rules 1a and 4 is told apart here (FID-10).
PUBLISHED_VERDICTS = [
    (7987396, 0x668DB0AF, 0, None),
    (7987396, 0x668DB0AF, 2**64 - 1, None),
    (7279999, 0xA00BC324, 0, None),
    (7279999, 0xA00BC324, 7280000, None),
    (7279999, 0xA00BC324, 2**64 - 1, None),
    (7280000, 0xA00BC324, 7280000, None),
    (7987396, 0xA00BC324, 7280000, None),
    (7987396, 0x3EDD5B10, 4370000, None),
    (7279999, 0x668DB0AF, 0, None),
    (4369999, 0xA00BC324, 0, None),
    (7987396, 0xA00BC324, 0, ErrorCode.FORK_ID_REMOTE_STALE),
    (7987396, 0x5CDDC0E1, 0, ErrorCode.FORK_ID_INCOMPATIBLE),
    (7279999, 0x5CDDC0E1, 0, ErrorCode.FORK_ID_INCOMPATIBLE),
    (7987396, 0xAFEC6B27, 0, ErrorCode.FORK_ID_INCOMPATIBLE),
    (88888888, 0x668DB0AF, 88888888, ErrorCode.FORK_ID_NEXT_PASSED),
    (7279999, 0xA00BC324, 7279999, ErrorCode.FORK_ID_NEXT_PASSED),
]


@pytest.mark.parametrize(("height", "remote_hash", "remote_next", "refusal"), PUBLISHED_VERDICTS)
def test_published_verdicts(
    height: int, remote_hash: int, remote_next: int, refusal: ErrorCode | None
) -> None:
    """FID-7 to FID-10 against go-ethereum's validation table."""
    remote = ForkId(remote_hash, remote_next)
    if refusal is None:
        check_fork_id(MAINNET, Head(height, 0), remote)
    else:
        with pytest.raises(SpecError) as raised:
            check_fork_id(MAINNET, Head(height, 0), remote)
        assert raised.value.code is refusal


@st.composite
def configurations(draw: st.DrawFn) -> Forks:
    """Valid configurations: forks on either side of the threshold (FID-3), some repeated or at genesis."""
    genesis_time = draw(st.integers(0, TIMESTAMP_THRESHOLD + 1000))
    blocks = sorted(draw(st.lists(st.integers(0, 60), max_size=6)))
    times = sorted(draw(st.lists(st.integers(TIMESTAMP_THRESHOLD + 1, TIMESTAMP_THRESHOLD + 60), max_size=6)))
    return Forks(draw(st.binary(min_size=32, max_size=32)), genesis_time, blocks, times)


heads = st.builds(Head, st.integers(0, 70), st.integers(TIMESTAMP_THRESHOLD - 10, TIMESTAMP_THRESHOLD + 70))


@given(configurations(), heads)
def test_a_node_accepts_its_own_identifier(forks: Forks, head: Head) -> None:
    """FID-11 for heads at or below the threshold."""
    assert check_fork_id(forks, head, fork_id(forks, head)) is AcceptingRule.SAME_FORKS


@given(configurations(), heads, heads)
def test_nodes_of_one_chain_at_different_stages_connect(forks: Forks, first: Head, second: Head) -> None:
    """FID-7 to FID-9: the node further along accepts the one behind (rule 2 or 1b) and the one
    behind accepts the one further along (rule 3 or 1b), whatever the stages."""
    behind = Head(min(first.height, second.height), min(first.time, second.time))
    ahead = Head(max(first.height, second.height), max(first.time, second.time))
    assert check_fork_id(forks, ahead, fork_id(forks, behind)) in {
        AcceptingRule.SAME_FORKS,
        AcceptingRule.REMOTE_SYNCING,
    }
    assert check_fork_id(forks, behind, fork_id(forks, ahead)) in {
        AcceptingRule.SAME_FORKS,
        AcceptingRule.LOCAL_SYNCING,
    }


@given(configurations(), heads, st.integers(71, 1000))
def test_a_remote_past_a_fork_the_local_node_lacks_is_incompatible(
    forks: Forks, head: Head, extra: int
) -> None:
    """FID-10: a remote of the same genesis that has passed a block fork the local configuration
    does not have matches no stage of the local chain (checksum collisions aside)."""
    other = Forks(forks.genesis_hash, forks.genesis_time, [*forks.block_forks, extra], forks.time_forks)
    remote = fork_id(other, Head(extra, TIMESTAMP_THRESHOLD + 1000))
    with pytest.raises(SpecError) as raised:
        check_fork_id(forks, head, remote)
    assert raised.value.code is ErrorCode.FORK_ID_INCOMPATIBLE


@given(configurations(), heads, st.data())
def test_a_remote_behind_that_announces_another_next_fork_is_stale(
    forks: Forks, head: Head, data: st.DataObject
) -> None:
    """FID-8: a remote at an earlier stage of the local chain whose FORK_NEXT is not the local
    fork it has yet to pass needs an update."""
    points = fork_points(forks)
    reached = next((index for index, point in enumerate(points) if not passed(point, head)), len(points))
    assume(reached > 0)
    stage = data.draw(st.integers(0, reached - 1))
    announced = data.draw(st.integers(0, 2**64 - 1).filter(lambda value: value != points[stage].value))
    remote = ForkId(checksums(forks.genesis_hash, points)[stage], announced)
    with pytest.raises(SpecError) as raised:
        check_fork_id(forks, head, remote)
    assert raised.value.code is ErrorCode.FORK_ID_REMOTE_STALE


def test_rule_2_takes_the_least_index_of_colliding_checksums() -> None:
    """FID-8: two stages of the chain with one CRC-32 (a collision found for this test): the
    least index decides, as go-ethereum's search does, and refuses a remote announcing the
    later stage's next fork."""
    forks = Forks(bytes(32), 0, [1, 1161311294, 1161311295], [])
    assert fork_id(forks, Head(0, 0)).hash == fork_id(forks, Head(1161311294, 0)).hash
    later = fork_id(forks, Head(1161311294, 0))
    with pytest.raises(SpecError) as raised:
        check_fork_id(forks, Head(1161311295, 0), later)
    assert raised.value.code is ErrorCode.FORK_ID_REMOTE_STALE
