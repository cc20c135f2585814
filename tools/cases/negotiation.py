"""Cases of the negotiation area (spec/negotiation.md).

The byte strings of the decoder's cases are built here field by field from the table of NEG-3,
so that the malformed ones can be cut, lengthened or corrupted at any field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.activation import UINT32_MAX
from forkspec.flags import KNOWN_MASK
from forkspec.tools.cases import CaseSpec, generic_invalid_cases
from forkspec.tools.cases.forkid import MAINNET_GENESIS, MAINNET_PETERSBURG, TESTNETS
from forkspec.versioning import UINT64_MAX

CROSS_SHARD, AGGREGATED, ZK, ENCRYPTED = 1, 2, 4, 8
LONGEST_TEXT = "v" * 64


def handshake(**changes: Any) -> dict[str, Any]:
    """A well-formed handshake as `handshake_encode` takes it, with `changes`."""
    return {
        "protocol_version": "3.1.0",
        "supported": KNOWN_MASK,
        "required": CROSS_SHARD,
        "chain_id": 1,
        "genesis_hash": MAINNET_GENESIS,
        "fork_id": {"hash": "668db0af", "next": 0},
        "client_name": "forkspec-reference",
        "client_version": "0.1.0",
        **changes,
    }


def _text(data: bytes) -> bytes:
    return len(data).to_bytes(2, "big") + data


def encoding(
    *,
    version: bytes = b"\x01",
    protocol: bytes = _text(b"3.1.0"),
    supported: int = KNOWN_MASK,
    required: int = CROSS_SHARD,
    chain: bytes = (1).to_bytes(8, "big"),
    genesis: bytes = bytes.fromhex(MAINNET_GENESIS),
    fork: bytes = bytes.fromhex("668db0af") + bytes(8),
    name: bytes = _text(b"forkspec-reference"),
    client_version: bytes = _text(b"0.1.0"),
) -> bytes:
    """The bytes of NEG-3's table, each field given whole (length prefix included for texts)."""
    return b"".join(
        (
            version,
            protocol,
            supported.to_bytes(8, "big"),
            required.to_bytes(8, "big"),
            chain,
            genesis,
            fork,
            name,
            client_version,
        )
    )


def _encode_cases() -> Iterator[CaseSpec]:
    for slug, requirements, description, data in (
        ("typical", ("NEG-1", "NEG-3"), "a mainnet node at 3.1.0 with every flag", handshake()),
        (
            "smallest",
            ("NEG-3",),
            "the shortest version, no flags, chain 0, empty names",
            handshake(
                protocol_version="0.0.0",
                supported=0,
                required=0,
                chain_id=0,
                client_name="",
                client_version="",
            ),
        ),
        (
            "largest",
            ("NEG-2", "NEG-3"),
            "64-byte texts and the largest integers",
            handshake(
                protocol_version="3.1.1-" + "r" * 58,
                required=KNOWN_MASK,
                chain_id=UINT64_MAX,
                fork_id={"hash": "ffffffff", "next": UINT64_MAX},
                client_name=LONGEST_TEXT,
                client_version=LONGEST_TEXT,
            ),
        ),
        (
            "utf8-name",
            ("NEG-2", "NEG-3"),
            "a client name of two-byte characters, encoded as UTF-8",
            handshake(client_name="é" * 8),
        ),
        (
            "version-with-build",
            ("NEG-1", "NEG-3"),
            "pre-release and build identifiers travel as written",
            handshake(protocol_version="3.1.0-rc.1+build.7", supported=CROSS_SHARD | AGGREGATED | ZK),
        ),
    ):
        yield CaseSpec("handshake_encode", slug, requirements, description, data)
    for slug, description, data in (
        (
            "version-too-long",
            "a protocol version of 65 bytes",
            handshake(protocol_version="3.1.0-" + "r" * 59),
        ),
        ("version-not-semver", "a protocol version that is not SemVer", handshake(protocol_version="3.1")),
        ("version-out-of-range", "a major version of 2^64", handshake(protocol_version=f"{2**64}.0.0")),
        ("supported-out-of-range", "a supported mask of 2^64", handshake(supported=2**64)),
        ("supported-unknown-bits", "a supported mask with bit 4", handshake(supported=KNOWN_MASK | 16)),
        (
            "supported-not-introduced",
            "ENCRYPTED_MEMPOOL supported at 3.0.0, before its version",
            handshake(protocol_version="3.0.0", required=0),
        ),
        ("required-negative", "a required mask below 0", handshake(required=-1)),
        (
            "required-not-introduced",
            "ENCRYPTED_MEMPOOL required at 3.0.0",
            handshake(protocol_version="3.0.0", supported=CROSS_SHARD, required=ENCRYPTED),
        ),
        (
            "required-not-supported",
            "a required flag that the node does not support",
            handshake(supported=CROSS_SHARD | AGGREGATED, required=ZK),
        ),
        ("chain-id-out-of-range", "a chain id of 2^64", handshake(chain_id=UINT64_MAX + 1)),
        ("chain-id-negative", "a chain id below 0", handshake(chain_id=-1)),
        (
            "fork-next-out-of-range",
            "a FORK_NEXT of 2^64",
            handshake(fork_id={"hash": "668db0af", "next": UINT64_MAX + 1}),
        ),
        (
            "fork-next-negative",
            "a FORK_NEXT below 0",
            handshake(fork_id={"hash": "668db0af", "next": -1}),
        ),
        ("client-name-too-long", "a client name of 65 bytes", handshake(client_name="n" * 65)),
        ("client-version-too-long", "a client version of 65 bytes", handshake(client_version="1" * 65)),
        (
            "checks-in-order",
            "a bad version, bad masks and a long name: the version is checked first",
            handshake(protocol_version="x", supported=-1, client_name="n" * 65),
        ),
        (
            "masks-before-chain-id",
            "unknown bits and a chain id out of range: the masks are checked first",
            handshake(supported=KNOWN_MASK | 32, chain_id=-1),
        ),
    ):
        yield CaseSpec("handshake_encode", f"invalid-{slug}", ("NEG-2", "NEG-5"), description, data)
    yield from generic_invalid_cases("handshake_encode", handshake())


def _decode_cases() -> Iterator[CaseSpec]:
    def case(slug: str, requirements: tuple[str, ...], description: str, data: bytes) -> CaseSpec:
        return CaseSpec("handshake_decode", slug, requirements, description, {"bytes": data.hex()})

    yield case("typical", ("NEG-3", "NEG-5"), "the typical handshake", encoding())
    yield case(
        "smallest",
        ("NEG-3", "NEG-5"),
        "the shortest well-formed handshake: 80 bytes",
        encoding(
            protocol=_text(b"0.0.0"), supported=0, required=0, name=_text(b""), client_version=_text(b"")
        ),
    )
    yield case(
        "largest",
        ("NEG-3", "NEG-5"),
        "the longest well-formed handshake: 267 bytes",
        encoding(
            protocol=_text(b"3.1.1-" + b"r" * 58),
            name=_text(LONGEST_TEXT.encode()),
            client_version=_text(LONGEST_TEXT.encode()),
            fork=b"\xff" * 12,
            chain=b"\xff" * 8,
        ),
    )
    yield case(
        "utf8-name", ("NEG-3",), "a name of two-byte characters", encoding(name=_text("é".encode() * 8))
    )
    whole = encoding()
    yield case("invalid-empty", ("NEG-4",), "no bytes at all", b"")
    for version in (0, 2, 255):
        yield case(
            f"invalid-encoding-version-{version}",
            ("NEG-4",),
            f"encoding version {version}",
            encoding(version=bytes((version,))),
        )
    yield case(
        "invalid-encoding-version-before-truncation",
        ("NEG-4",),
        "an unknown encoding version and nothing else: the version is judged first",
        b"\x02",
    )
    # Cut inside each field: the length of protocol_version, its text, each fixed field, the names.
    fixed_start = 1 + 2 + 5
    for slug, length in (
        ("encoding-version-only", 1),
        ("inside-version-length", 2),
        ("inside-version-text", 5),
        ("inside-supported", fixed_start + 4),
        ("inside-required", fixed_start + 12),
        ("inside-chain-id", fixed_start + 20),
        ("inside-genesis-hash", fixed_start + 40),
        ("inside-fork-hash", fixed_start + 58),
        ("inside-fork-next", fixed_start + 64),
        ("before-client-name", fixed_start + 68),
        ("inside-client-name", fixed_start + 75),
        ("inside-client-version", len(whole) - 1),
    ):
        yield case(f"invalid-truncated-{slug}", ("NEG-4",), f"the first {length} bytes only", whole[:length])
    yield case("invalid-trailing-byte", ("NEG-4",), "one byte after the last field", whole + b"\x00")
    yield case(
        "invalid-trailing-handshake",
        ("NEG-4",),
        "two handshakes back to back",
        whole + whole,
    )
    for slug, data, description in (
        (
            "version-length-65",
            encoding(protocol=(65).to_bytes(2, "big") + b"3" * 65),
            "a version of 65 bytes",
        ),
        (
            "name-length-huge",
            encoding(name=b"\xff\xff", client_version=b""),
            "a name length of 65535 with no text after it: refused for its length, not as cut short",
        ),
        (
            "client-version-length-65",
            encoding(client_version=_text(b"1" * 65)),
            "a client version of 65 bytes",
        ),
    ):
        yield case(f"invalid-too-long-{slug}", ("NEG-4",), description, data)
    for slug, text in (
        ("invalid-byte", b"\xff"),
        ("overlong-nul", b"\xc0\x80"),
        ("surrogate", b"\xed\xa0\x80"),
        ("cut-sequence", b"ab\xe2\x82"),
    ):
        yield case(
            f"invalid-utf8-name-{slug}",
            ("NEG-4", "NEG-5"),
            f"a client name of bytes {text.hex()}",
            encoding(name=_text(text)),
        )
    yield case(
        "invalid-utf8-version",
        ("NEG-4",),
        "a protocol version that is not UTF-8",
        encoding(protocol=_text(b"3.1.\xff")),
    )
    yield case(
        "invalid-utf8-client-version",
        ("NEG-4",),
        "a client version that is not UTF-8",
        encoding(client_version=_text(b"\x80")),
    )
    yield case(
        "invalid-utf8-before-trailing",
        ("NEG-4",),
        "a name that is not UTF-8 and trailing bytes: the fields are read first",
        encoding(name=_text(b"\xff")) + b"\x00",
    )
    for slug, data, description in (
        ("version-not-semver", encoding(protocol=_text(b"v3.1.0")), "a protocol version that is not SemVer"),
        ("unknown-bits", encoding(supported=KNOWN_MASK | 1 << 63), "a supported mask with bit 63"),
        (
            "not-introduced",
            encoding(protocol=_text(b"3.0.0"), supported=KNOWN_MASK, required=0),
            "ENCRYPTED_MEMPOOL supported at 3.0.0",
        ),
        (
            "required-not-supported",
            encoding(supported=CROSS_SHARD, required=AGGREGATED),
            "a required flag not supported",
        ),
        (
            "trailing-before-semantics",
            encoding(protocol=_text(b"x")) + b"\x00",
            "a bad version and a trailing byte: the bytes are read whole first",
        ),
    ):
        yield case(f"invalid-decoded-{slug}", ("NEG-4", "NEG-2"), description, data)
    for slug, hex_text, description in (
        ("upper-case-hex", whole.hex().upper(), "hex digits are lower case"),
        ("odd-hex", whole.hex()[:-1], "an odd number of hex digits"),
    ):
        yield CaseSpec(
            "handshake_decode", f"invalid-input-{slug}", ("NEG-3", "GEN-7"), description, {"bytes": hex_text}
        )
    yield from generic_invalid_cases("handshake_decode", {"bytes": whole.hex()})


def node(**changes: Any) -> dict[str, Any]:
    """A mainnet node at 3.1.0 past Petersburg, as `negotiate` takes it, with `changes`."""
    return {
        "protocol_version": "3.1.0",
        "supported": KNOWN_MASK,
        "required": CROSS_SHARD,
        "chain_id": 1,
        "genesis_hash": MAINNET_GENESIS,
        "genesis_time": 0,
        "block_forks": list(MAINNET_PETERSBURG),
        "time_forks": [],
        "head": {"height": 7987396, "time": 0},
        "client_name": "forkspec-reference",
        "client_version": "0.1.0",
        **changes,
    }


BEFORE_PETERSBURG = list(MAINNET_PETERSBURG[:-2])
RINKEBY_GENESIS = TESTNETS["rinkeby"][0]


def _negotiation_pairs() -> Iterator[tuple[str, tuple[str, ...], str, dict[str, Any], dict[str, Any]]]:
    """Pairs of nodes: slug, requirements, description, a, b."""
    yield "same-node", ("NEG-9", "NEG-10"), "a node and its copy", node(), node()
    yield (
        "lower-minor",
        ("NEG-8", "NEG-9"),
        "3.1.0 and 3.0.2: the lower version, without ENCRYPTED_MEMPOOL",
        node(),
        node(protocol_version="3.0.2", supported=CROSS_SHARD | AGGREGATED | ZK),
    )
    yield (
        "features-intersection",
        ("NEG-9",),
        "the flags both support",
        node(supported=CROSS_SHARD | ZK | ENCRYPTED),
        node(supported=CROSS_SHARD | AGGREGATED | ENCRYPTED),
    )
    yield (
        "build-metadata-dropped",
        ("NEG-9",),
        "equal precedence, different build metadata: the version without it",
        node(protocol_version="3.1.0+linux"),
        node(protocol_version="3.1.0+darwin"),
    )
    yield (
        "pre-release-is-lower",
        ("NEG-8", "NEG-9"),
        "a release candidate and its release: compatible, at the candidate",
        node(protocol_version="3.1.0-rc.2", supported=CROSS_SHARD | AGGREGATED | ZK),
        node(),
    )
    yield (
        "major-zero-same-minor",
        ("NEG-8",),
        "0.4.1 and 0.4.7",
        node(protocol_version="0.4.1", supported=0, required=0),
        node(protocol_version="0.4.7", supported=0, required=0),
    )
    yield (
        "remote-syncing",
        ("NEG-7", "FID-8", "FID-9"),
        "one node behind on the same chain, aware of the next fork",
        node(),
        node(head={"height": 7000000, "time": 0}),
    )
    yield (
        "required-both-ways",
        ("NEG-7", "NEG-9"),
        "each requires a flag the other supports",
        node(required=CROSS_SHARD | ZK),
        node(required=AGGREGATED | ENCRYPTED),
    )
    yield (
        "invalid-chain-id",
        ("NEG-7",),
        "chain ids 1 and 5",
        node(),
        node(chain_id=5),
    )
    yield (
        "invalid-genesis",
        ("NEG-7",),
        "mainnet's genesis and Rinkeby's",
        node(),
        node(genesis_hash=RINKEBY_GENESIS),
    )
    yield (
        "invalid-fork-id-remote-stale-and-incompatible",
        ("NEG-7", "FID-8", "FID-10"),
        "a node unaware of Petersburg sees rule 4, the other rule 2, whose code comes first",
        node(),
        node(block_forks=BEFORE_PETERSBURG),
    )
    yield (
        "invalid-fork-id-next-passed",
        ("NEG-7", "FID-7"),
        "one node plans a fork at a height the other has passed without it",
        node(head={"height": 8100000, "time": 0}),
        node(block_forks=[*MAINNET_PETERSBURG, 8000000], head={"height": 7900000, "time": 0}),
    )
    yield (
        "invalid-fork-id-incompatible",
        ("NEG-7", "FID-10"),
        "the same genesis, different forks",
        node(),
        node(block_forks=[1150000, 1920001]),
    )
    yield (
        "invalid-major",
        ("NEG-7", "NEG-8"),
        "3.1.0 and 2.1.0",
        node(),
        node(protocol_version="2.1.0", supported=CROSS_SHARD | AGGREGATED),
    )
    yield (
        "invalid-major-zero-minor",
        ("NEG-8",),
        "0.4.1 and 0.5.0: under major 0 each minor stands alone",
        node(protocol_version="0.4.1", supported=0, required=0),
        node(protocol_version="0.5.0", supported=0, required=0),
    )
    yield (
        "invalid-required-unsupported",
        ("NEG-7",),
        "one requires ZK_RECURSION, the other does not support it",
        node(required=ZK),
        node(supported=CROSS_SHARD | AGGREGATED),
    )
    yield (
        "invalid-required-above-lower-version",
        ("NEG-7", "NEG-9"),
        "a 3.1.0 node requires ENCRYPTED_MEMPOOL, not in force at 3.0.0",
        node(required=ENCRYPTED),
        node(protocol_version="3.0.0", supported=CROSS_SHARD | AGGREGATED | ZK),
    )
    yield (
        "invalid-chain-before-genesis",
        ("NEG-7",),
        "chain ids and genesis hashes both differ: the chain id is checked first",
        node(),
        node(chain_id=4, genesis_hash=RINKEBY_GENESIS),
    )
    yield (
        "invalid-genesis-before-major",
        ("NEG-7",),
        "genesis hashes and major versions both differ: the genesis is checked first",
        node(),
        node(genesis_hash=RINKEBY_GENESIS, protocol_version="4.0.0"),
    )
    yield (
        "invalid-fork-id-before-major",
        ("NEG-7",),
        "fork ids and major versions both refuse: the fork id comes first",
        node(),
        node(block_forks=BEFORE_PETERSBURG, protocol_version="4.0.0"),
    )
    yield (
        "invalid-major-before-required",
        ("NEG-7",),
        "major versions differ and a required flag is missing: the version comes first",
        node(required=ENCRYPTED),
        node(protocol_version="2.1.0", supported=CROSS_SHARD),
    )
    yield (
        "invalid-node-version",
        ("NEG-6", "NEG-2"),
        "one node's protocol version is not SemVer",
        node(),
        node(protocol_version="3.1"),
    )
    yield (
        "invalid-both-nodes",
        ("NEG-6",),
        "a bad version and fork list: INVALID_VERSION is first in the table",
        node(block_forks=[2, 1]),
        node(protocol_version="three"),
    )
    yield (
        "invalid-node-forks-before-handshake",
        ("NEG-6",),
        "a bad head and a bad version in one node: the head comes first",
        node(),
        node(head={"height": UINT32_MAX + 1, "time": 0}, protocol_version="three"),
    )
    yield (
        "invalid-node-required-not-supported",
        ("NEG-6", "NEG-2"),
        "a node that requires what it does not support",
        node(),
        node(supported=CROSS_SHARD, required=AGGREGATED),
    )
    yield (
        "invalid-node-chain-id",
        ("NEG-6", "NEG-1"),
        "a chain id of 2^64",
        node(),
        node(chain_id=UINT64_MAX + 1),
    )


def _negotiate_cases() -> Iterator[CaseSpec]:
    for slug, requirements, description, a, b in _negotiation_pairs():
        yield CaseSpec("negotiate", f"{slug}-ab", (*requirements, "NEG-10"), description, {"a": a, "b": b})
        yield CaseSpec(
            "negotiate",
            f"{slug}-ba",
            (*requirements, "NEG-10"),
            f"{description} (swapped)",
            {"a": b, "b": a},
        )
    yield from generic_invalid_cases("negotiate", {"a": node(), "b": node()})


def case_specs() -> Iterator[CaseSpec]:
    """The negotiation cases."""
    yield from _encode_cases()
    yield from _decode_cases()
    yield from _negotiate_cases()
