"""Peer selection: which candidate peers a node refuses, how it ranks the others, which it keeps
(PEER-1 to PEER-5). The cross-version matrix (PEER-6) is `negotiate` over pairs of nodes.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

from forkspec import forkid
from forkspec.activation import UINT32_MAX
from forkspec.errors import ErrorCode, SpecError, check_range
from forkspec.negotiation import (
    ForkIdVerdict,
    Handshake,
    Negotiation,
    Node,
    announced_handshake,
    check_handshake,
    fork_id_seen_by,
    settle,
)
from forkspec.versioning import UINT64_MAX

# The shared features of a score fit below this (64 flags at most, PEER-3).
FEATURE_SCALE = 128


@dataclass(frozen=True)
class Selected:
    """An accepted candidate: its position in the list, its score and what was negotiated (PEER-5)."""

    index: int
    score: int
    negotiation: Negotiation


@dataclass(frozen=True)
class Refused:
    """A refused candidate: its position in the list and the code that refused it (PEER-5)."""

    index: int
    code: ErrorCode


@dataclass(frozen=True)
class Selection:
    """The selected candidates in rank order and the refused ones in list order (PEER-5)."""

    selected: list[Selected]
    refused: list[Refused]


def score(local_minor: int, candidate_minor: int, negotiation: Negotiation) -> int:
    """The score of an accepted candidate: the minor distance first, then the shared features.

    Implements: PEER-3."""
    return (
        UINT64_MAX - abs(local_minor - candidate_minor)
    ) * FEATURE_SCALE + negotiation.features.bit_count()


def select_peers(local: Node, candidates: Sequence[Handshake], count: int) -> Selection:
    """The `count` best candidates for `local`, and the refused ones with their codes.

    Implements: PEER-1, PEER-2, PEER-4, PEER-5."""
    local_handshake = announced_handshake(local)
    local_version = check_handshake(local_handshake)
    check_range(count, 0, UINT32_MAX, ErrorCode.PEER_COUNT_OUT_OF_RANGE, "count")
    chain = forkid.local_chain(local.forks, local.head)
    ranked: list[tuple[int, int, Negotiation]] = []
    refused: list[Refused] = []
    for index, candidate in enumerate(candidates):
        try:
            version = check_handshake(candidate)
            negotiation = settle(
                (local_handshake, local_version, fork_id_seen_by(chain, candidate)),
                (candidate, version, ForkIdVerdict.ACCEPTED),
            )
        except SpecError as refusal:
            refused.append(Refused(index, refusal.code))
            continue
        ranked.append((-score(local_version.minor, version.minor, negotiation), index, negotiation))
    # heapq.nsmallest is stable: candidates of equal score stay in list order (PEER-4).
    best = heapq.nsmallest(count, ranked, key=lambda entry: entry[0])
    return Selection(
        [Selected(index, -negated, negotiation) for negated, index, negotiation in best], refused
    )
