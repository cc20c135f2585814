"""Fork identifiers: EIP-2124 with the timestamp-scheduled forks of EIP-6122.

A node announces which chain it follows and which forks it has passed as a fork identifier: a
CRC-32 over the genesis hash and the fork points passed so far (FORK_HASH) and the next fork
point it knows of (FORK_NEXT). A peer compares a remote identifier with its own configuration
and its head by the rules 1a, 1b, 2, 3 and 4 of EIP-2124 and refuses a peer that is on another
chain, that has missed a fork, or whose next fork the local chain has already passed without
it (FID-1 to FID-11).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

from forkspec.activation import UINT32_MAX
from forkspec.errors import ErrorCode, check_range, reject
from forkspec.versioning import UINT64_MAX

# A FORK_NEXT above this is a timestamp as well as a height in rule 1a: the Ethereum mainnet
# genesis time, the threshold that go-ethereum uses (FID-3, FID-7).
TIMESTAMP_THRESHOLD = 1438269973


class Forks(NamedTuple):
    """A node's configuration: its genesis (a 32-byte hash and a time) and its fork points, block
    heights then times (FID-1)."""

    genesis_hash: bytes
    genesis_time: int
    block_forks: Sequence[int]
    time_forks: Sequence[int]


class Head(NamedTuple):
    """The height and the time of a node's head block (FID-4)."""

    height: int
    time: int


class ForkId(NamedTuple):
    """FORK_HASH as an unsigned 32-bit integer and FORK_NEXT (FID-4, FID-5)."""

    hash: int
    next: int


class AcceptingRule(StrEnum):
    """The rule of EIP-2124 under which a remote fork identifier is accepted (FID-7 to FID-9)."""

    SAME_FORKS = "1b"
    REMOTE_SYNCING = "2"
    LOCAL_SYNCING = "3"


def _check_ascending(points: Sequence[int], name: str) -> None:
    for index in range(1, len(points)):
        if points[index] < points[index - 1]:
            reject(
                ErrorCode.FORKS_NOT_ASCENDING,
                f"{name}[{index}] = {points[index]} comes after the larger {points[index - 1]}",
            )


def validate_forks(forks: Forks) -> None:
    """Reject a configuration outside its ranges, out of order or ambiguous.

    Implements: FID-1, FID-2, FID-3, FID-6."""
    check_range(forks.genesis_time, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "genesis_time")
    for index, height in enumerate(forks.block_forks):
        check_range(height, 0, UINT32_MAX, ErrorCode.HEIGHT_OUT_OF_RANGE, f"block_forks[{index}]")
    for index, time in enumerate(forks.time_forks):
        check_range(time, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, f"time_forks[{index}]")
    _check_ascending(forks.block_forks, "block_forks")
    _check_ascending(forks.time_forks, "time_forks")
    for index, height in enumerate(forks.block_forks):
        if height > TIMESTAMP_THRESHOLD:
            reject(
                ErrorCode.FORK_POINT_AMBIGUOUS,
                f"block_forks[{index}] = {height} is above {TIMESTAMP_THRESHOLD}, where FORK_NEXT is a time",
            )
    for index, time in enumerate(forks.time_forks):
        if forks.genesis_time < time <= TIMESTAMP_THRESHOLD:
            reject(
                ErrorCode.FORK_POINT_AMBIGUOUS,
                f"time_forks[{index}] = {time} is at most {TIMESTAMP_THRESHOLD}, where FORK_NEXT is a height",
            )


def validate_head(head: Head) -> None:
    """Reject a head outside the ranges of heights and times. Implements: FID-4."""
    check_range(head.height, 0, UINT32_MAX, ErrorCode.HEIGHT_OUT_OF_RANGE, "head.height")
    check_range(head.time, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "head.time")


class ForkPoint(NamedTuple):
    """One fork point of the checksum: its value and whether it is a time (else a height)."""

    value: int
    by_time: bool


def fork_points(forks: Forks) -> list[ForkPoint]:
    """The fork points in checksum order: the block heights, then the times, each ascending and
    once, without the forks in force from genesis. Implements: FID-2."""
    points: list[ForkPoint] = []
    for values, by_time, from_genesis in (
        (forks.block_forks, False, 0),
        (forks.time_forks, True, forks.genesis_time),
    ):
        previous = from_genesis
        for value in values:
            if value > previous:
                points.append(ForkPoint(value, by_time))
                previous = value
    return points


def passed(point: ForkPoint, head: Head) -> bool:
    """Whether the head has reached the fork point: by its height or by its time. Implements: FID-4."""
    return (head.time if point.by_time else head.height) >= point.value


def checksums(genesis_hash: bytes, points: Sequence[ForkPoint]) -> list[int]:
    """FORK_HASH after each number of passed points: the CRC-32 of the genesis hash, then updated
    with each point as 8 big-endian bytes; one more entry than `points`. Implements: FID-4."""
    sums = [zlib.crc32(genesis_hash)]
    for point in points:
        sums.append(zlib.crc32(point.value.to_bytes(8, "big"), sums[-1]))
    return sums


def _first_unpassed(points: Sequence[ForkPoint], head: Head) -> int:
    """The index of the first point the head has not reached, or len(points) (FID-4)."""
    for index, point in enumerate(points):
        if not passed(point, head):
            return index
    return len(points)


def fork_id(forks: Forks, head: Head) -> ForkId:
    """The fork identifier a node with `forks` announces at `head`. Implements: FID-4, FID-5."""
    validate_forks(forks)
    validate_head(head)
    points = fork_points(forks)
    reached = _first_unpassed(points, head)
    sums = checksums(forks.genesis_hash, points[:reached])
    return ForkId(sums[-1], points[reached].value if reached < len(points) else 0)


def next_fork_passed(remote_next: int, head: Head) -> bool:
    """Rule 1a's test: the remote's next fork, read as a height and, above the threshold, also as
    a time, has been reached by the local head. Implements: FID-7."""
    return remote_next != 0 and (
        head.height >= remote_next or (remote_next > TIMESTAMP_THRESHOLD and head.time >= remote_next)
    )


class LocalChain(NamedTuple):
    """A node's fork points, their checksums, the least index of each checksum and its head,
    computed once, so that judging a remote costs the same whatever the number of forks."""

    points: list[ForkPoint]
    sums: list[int]
    first_index: dict[int, int]
    reached: int
    head: Head


def local_chain(forks: Forks, head: Head) -> LocalChain:
    """The validated configuration at `head`, ready to judge remote identifiers (FID-6)."""
    validate_forks(forks)
    validate_head(head)
    points = fork_points(forks)
    sums = checksums(forks.genesis_hash, points)
    first_index: dict[int, int] = {}
    for index, checksum in enumerate(sums):
        first_index.setdefault(checksum, index)
    return LocalChain(points, sums, first_index, _first_unpassed(points, head), head)


def check_fork_id(forks: Forks, head: Head, remote: ForkId) -> AcceptingRule:
    """The rule that accepts `remote` for a node with `forks` at `head`, or a rejection with its
    code. Implements: FID-6, FID-7, FID-8, FID-9, FID-10, FID-11."""
    local = local_chain(forks, head)
    check_range(remote.next, 0, UINT64_MAX, ErrorCode.FORK_NEXT_OUT_OF_RANGE, "remote.next")
    return judge_fork_id(local, remote)


def judge_fork_id(local: LocalChain, remote: ForkId) -> AcceptingRule:
    """Rules 1a, 1b, 2, 3 and 4 for a remote identifier whose FORK_NEXT is in range.

    Implements: FID-7, FID-8, FID-9, FID-10."""
    points, sums, first_index, reached, head = local
    if sums[reached] == remote.hash:
        if next_fork_passed(remote.next, head):
            reject(
                ErrorCode.FORK_ID_NEXT_PASSED,
                f"the remote's next fork {remote.next} is passed locally without it",
            )
        return AcceptingRule.SAME_FORKS
    # The least index whose checksum is the remote's: below `reached` rule 2 decides by it,
    # above it rule 3 accepts (FID-8, FID-9); none is rule 4.
    index = first_index.get(remote.hash)
    if index is not None and index < reached:
        if points[index].value != remote.next:
            reject(
                ErrorCode.FORK_ID_REMOTE_STALE,
                f"the remote stopped before fork {points[index].value} and announces {remote.next}",
            )
        return AcceptingRule.REMOTE_SYNCING
    if index is not None:
        return AcceptingRule.LOCAL_SYNCING
    reject(ErrorCode.FORK_ID_INCOMPATIBLE, f"fork hash {remote.hash:08x} is not on the local chain")
