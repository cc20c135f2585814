"""Cases of the peer-selection area (spec/peers.md): selection sets and the cross-version matrix."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.activation import UINT32_MAX
from forkspec.flags import FLAG_REGISTRY, KNOWN_MASK, flags_in_force
from forkspec.tools.cases import CaseSpec, generic_invalid_cases
from forkspec.tools.cases.forkid import TESTNETS
from forkspec.tools.cases.negotiation import AGGREGATED, CROSS_SHARD, ENCRYPTED, ZK, handshake, node
from forkspec.versioning import parse_version

# The versions of the shipped cross-version matrix (PEER-6).
MATRIX_VERSIONS = ("0.9.0", "2.0.0", "2.1.0", "3.0.0-rc.1", "3.0.0", "3.1.0", "4.0.0")


def matrix_node(version: str) -> dict[str, Any]:
    """A mainnet node at `version`: every flag in force there supported, and required those of
    them that its major version's first release introduced (PEER-6)."""
    parsed = parse_version(version)
    in_force = flags_in_force(parsed)
    first_release = sum(
        1 << flag.bit
        for flag in FLAG_REGISTRY
        if (flag.introduced_in.major, flag.introduced_in.minor, flag.introduced_in.patch)
        == (parsed.major, 0, 0)
    )
    return node(protocol_version=version, supported=in_force, required=in_force & first_release)


def _matrix_cases() -> Iterator[CaseSpec]:
    for left in MATRIX_VERSIONS:
        for right in MATRIX_VERSIONS:
            refused = left.split(".")[0] != right.split(".")[0] or (left, right) in (
                ("3.0.0-rc.1", "3.0.0"),
                ("3.0.0", "3.0.0-rc.1"),
                ("3.0.0-rc.1", "3.1.0"),
                ("3.1.0", "3.0.0-rc.1"),
            )
            yield CaseSpec(
                "negotiate",
                f"{'invalid-' if refused else ''}matrix-{left}-{right}",
                ("PEER-6", "NEG-7", "NEG-8", "NEG-9"),
                f"the cross-version matrix: {left} against {right}",
                {"a": matrix_node(left), "b": matrix_node(right)},
            )


def _selection(slug: str, requirements: tuple[str, ...], description: str, **fields: Any) -> CaseSpec:
    data = {"local": node(), "candidates": [], "count": 3, **fields}
    return CaseSpec("peer_selection", slug, requirements, description, data)


def _selection_cases() -> Iterator[CaseSpec]:
    mixed = [
        handshake(),
        handshake(protocol_version="3.0.1", supported=CROSS_SHARD | AGGREGATED | ZK, required=0),
        handshake(chain_id=5),
        handshake(genesis_hash=TESTNETS["rinkeby"][0]),
        handshake(protocol_version="2.1.0", supported=CROSS_SHARD | AGGREGATED),
        handshake(fork_id={"hash": "a00bc324", "next": 0}),
        handshake(supported=CROSS_SHARD | AGGREGATED, required=CROSS_SHARD),
        handshake(supported=ZK | ENCRYPTED, required=ZK),
        handshake(protocol_version="3.1.4", supported=KNOWN_MASK, required=CROSS_SHARD | ZK),
        handshake(protocol_version="3.1"),
        handshake(supported=CROSS_SHARD, required=AGGREGATED),
        handshake(fork_id={"hash": "668db0af", "next": 2**64}),
    ]
    yield _selection(
        "mixed",
        ("PEER-2", "PEER-3", "PEER-4", "PEER-5"),
        "accepted, refused by each check of NEG-7 in turn, and malformed candidates",
        candidates=mixed,
        count=5,
    )
    yield _selection(
        "count-zero", ("PEER-4", "PEER-5"), "no candidate is selected", candidates=mixed, count=0
    )
    yield _selection(
        "count-above-accepted",
        ("PEER-4",),
        "a count above the accepted candidates selects all of them",
        candidates=mixed,
        count=1000,
    )
    yield _selection("no-candidates", ("PEER-5",), "an empty list", candidates=[])
    yield _selection(
        "ties-by-position",
        ("PEER-4",),
        "equal scores rank by position, earliest first",
        candidates=[handshake(client_name=name) for name in ("c", "a", "b", "a")],
        count=4,
    )
    yield _selection(
        "ties-by-position-not-version",
        ("PEER-4",),
        "equal scores with different negotiated versions still rank by position",
        local=node(protocol_version="3.1.7"),
        candidates=[handshake(protocol_version="3.1.5"), handshake(protocol_version="3.1.2")],
    )
    yield _selection(
        "features-after-minor",
        ("PEER-3", "PEER-4"),
        "at one minor distance, more shared features rank first",
        candidates=[
            handshake(supported=CROSS_SHARD, required=0),
            handshake(supported=KNOWN_MASK, required=0),
            handshake(supported=CROSS_SHARD | ZK, required=0),
        ],
    )
    yield _selection(
        "minor-before-features",
        ("PEER-3", "PEER-4"),
        "the same minor with one shared feature ranks above a farther minor with three",
        candidates=[
            handshake(protocol_version="3.0.0", supported=CROSS_SHARD | AGGREGATED | ZK, required=0),
            handshake(supported=CROSS_SHARD, required=0),
            handshake(protocol_version="3.2.0", supported=KNOWN_MASK, required=0),
        ],
    )
    yield _selection(
        "local-syncing",
        ("PEER-2", "FID-9"),
        "a candidate further along the local chain is accepted",
        local=node(head={"height": 7000000, "time": 0}),
        candidates=[handshake()],
    )
    yield _selection(
        "other-direction-not-judged",
        ("PEER-2",),
        "a candidate the local node accepts by rule 2, whatever it makes of the local identifier",
        candidates=[handshake(fork_id={"hash": "a00bc324", "next": 7280000})],
    )
    for slug, fields, description in (
        ("count-negative", {"count": -1}, "a count below 0"),
        ("count-too-large", {"count": UINT32_MAX + 1}, "a count of 2^32"),
        (
            "local-version",
            {"local": node(protocol_version="3.1")},
            "a local node whose version is not SemVer",
        ),
        (
            "local-before-count",
            {"local": node(supported=KNOWN_MASK | 16), "count": -1},
            "an invalid local node and count: the local node is checked first",
        ),
    ):
        yield _selection(f"invalid-{slug}", ("PEER-1",), description, candidates=[handshake()], **fields)
    yield from generic_invalid_cases(
        "peer_selection", {"local": node(), "candidates": [handshake()], "count": 1}
    )


def case_specs() -> Iterator[CaseSpec]:
    """The peer-selection cases and the matrix."""
    yield from _selection_cases()
    yield from _matrix_cases()
