"""Peer version negotiation: the handshake, its canonical bytes, and the symmetric decision.

Two nodes exchange handshakes and decide, each on its own, whether to keep the connection, at
which protocol version and with which feature flags. Every check is made in both directions
and the decision is one kernel, `negotiation_verdict`, symmetric in its two nodes, so that both
ends reach the same answer (NEG-1 to NEG-10).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from forkspec import forkid
from forkspec.errors import ErrorCode, SpecError, check_range, ensure, reject
from forkspec.flags import check_mask_at_version, flags_in_force
from forkspec.kernels import is_subset
from forkspec.logic import both, either, if_then_else, masked, negation
from forkspec.versioning import UINT64_MAX, Version, compare_versions, parse_version

ENCODING_VERSION = 1
# The longest text of each text field, in bytes of UTF-8 (NEG-2).
TEXT_LIMIT = 64
LENGTH_BYTES = 2


class Handshake(NamedTuple):
    """What a node announces when it connects (NEG-1): a named tuple, since a peer selection
    reads one per candidate (PEER-5)."""

    protocol_version: str
    supported: int
    required: int
    chain_id: int
    genesis_hash: bytes
    fork_id: forkid.ForkId
    client_name: str
    client_version: str


def _check_text(text: str, name: str) -> None:
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as error:
        reject(ErrorCode.HANDSHAKE_INVALID_UTF8, f"{name} cannot be encoded as UTF-8: {error.reason}")
    if len(encoded) > TEXT_LIMIT:
        reject(ErrorCode.HANDSHAKE_FIELD_TOO_LONG, f"{name} has more than {TEXT_LIMIT} bytes")


def check_handshake(handshake: Handshake) -> Version:
    """The protocol version of a well-formed handshake, or the rejection of NEG-2's first failing
    check. Implements: NEG-2."""
    _check_text(handshake.protocol_version, "protocol_version")
    version = _version_and_flags(handshake.protocol_version, handshake.supported, handshake.required)
    check_range(handshake.chain_id, 0, UINT64_MAX, ErrorCode.CHAIN_ID_OUT_OF_RANGE, "chain_id")
    check_range(handshake.fork_id.next, 0, UINT64_MAX, ErrorCode.FORK_NEXT_OUT_OF_RANGE, "fork_id.next")
    _check_text(handshake.client_name, "client_name")
    _check_text(handshake.client_version, "client_version")
    return version


# The handshakes a node meets share a few versions and masks: their checks run once per distinct
# triple, in a bounded cache (a rejection is not cached, and raises again).
@lru_cache(maxsize=4096)
def _version_and_flags(protocol_version: str, supported: int, required: int) -> Version:
    """NEG-2's checks of the version and the two masks, in order (FLG-5, FLG-6, FLG-10)."""
    version = parse_version(protocol_version)
    check_mask_at_version(supported, version)
    check_mask_at_version(required, version)
    ensure(
        is_subset(required, supported),
        ErrorCode.REQUIRED_NOT_SUPPORTED,
        f"required flags {required:#x} are not all in the supported {supported:#x}",
    )
    return version


def _text_bytes(text: str) -> bytes:
    data = text.encode("utf-8")
    return len(data).to_bytes(LENGTH_BYTES, "big") + data


def encode_handshake(handshake: Handshake) -> bytes:
    """The canonical bytes of a well-formed handshake. Implements: NEG-3, NEG-5."""
    check_handshake(handshake)
    return b"".join(
        (
            bytes((ENCODING_VERSION,)),
            _text_bytes(handshake.protocol_version),
            handshake.supported.to_bytes(8, "big"),
            handshake.required.to_bytes(8, "big"),
            handshake.chain_id.to_bytes(8, "big"),
            handshake.genesis_hash,
            handshake.fork_id.hash.to_bytes(4, "big"),
            handshake.fork_id.next.to_bytes(8, "big"),
            _text_bytes(handshake.client_name),
            _text_bytes(handshake.client_version),
        )
    )


class _Reader:
    """The fields of an encoding, read in order, each refused as NEG-4 says."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, count: int, name: str) -> bytes:
        end = self.offset + count
        if end > len(self.data):
            reject(ErrorCode.HANDSHAKE_TRUNCATED, f"{name} needs {count} bytes at offset {self.offset}")
        chunk = self.data[self.offset : end]
        self.offset = end
        return chunk

    def integer(self, count: int, name: str) -> int:
        return int.from_bytes(self.take(count, name), "big")

    def text(self, name: str) -> str:
        length = self.integer(LENGTH_BYTES, f"the length of {name}")
        if length > TEXT_LIMIT:
            reject(ErrorCode.HANDSHAKE_FIELD_TOO_LONG, f"{name} is {length} bytes, more than {TEXT_LIMIT}")
        try:
            return self.take(length, name).decode("utf-8")
        except UnicodeDecodeError as error:
            reject(ErrorCode.HANDSHAKE_INVALID_UTF8, f"{name} is not UTF-8: {error.reason}")


def decode_handshake(data: bytes) -> Handshake:
    """The handshake that `data` encodes, read strictly. Implements: NEG-3, NEG-4, NEG-5."""
    reader = _Reader(data)
    encoding = reader.integer(1, "the encoding version")
    if encoding != ENCODING_VERSION:
        reject(ErrorCode.HANDSHAKE_UNKNOWN_ENCODING, f"encoding version {encoding}, not {ENCODING_VERSION}")
    protocol_version = reader.text("protocol_version")
    supported = reader.integer(8, "supported")
    required = reader.integer(8, "required")
    chain_id = reader.integer(8, "chain_id")
    genesis_hash = reader.take(32, "genesis_hash")
    fork_hash = reader.integer(4, "the fork hash")
    fork_next = reader.integer(8, "the fork next")
    handshake = Handshake(
        protocol_version,
        supported,
        required,
        chain_id,
        genesis_hash,
        forkid.ForkId(fork_hash, fork_next),
        reader.text("client_name"),
        reader.text("client_version"),
    )
    if reader.offset != len(data):
        reject(ErrorCode.HANDSHAKE_TRAILING_BYTES, f"{len(data) - reader.offset} bytes after the last field")
    check_handshake(handshake)
    return handshake


@dataclass(frozen=True)
class Node:
    """One end of a negotiation: its handshake but for the fork identifier, which follows from its
    fork configuration (genesis hash included) and its head (NEG-6)."""

    protocol_version: str
    supported: int
    required: int
    chain_id: int
    forks: forkid.Forks
    head: forkid.Head
    client_name: str
    client_version: str


def announced_handshake(end: Node) -> Handshake:
    """The handshake a node sends, with the fork identifier of its configuration at its head.

    Implements: NEG-6."""
    return Handshake(
        end.protocol_version,
        end.supported,
        end.required,
        end.chain_id,
        end.forks.genesis_hash,
        forkid.fork_id(end.forks, end.head),
        end.client_name,
        end.client_version,
    )


class ForkIdVerdict(StrEnum):
    """What one node makes of the other's fork identifier (FID-7 to FID-10)."""

    ACCEPTED = "ACCEPTED"
    NEXT_PASSED = ErrorCode.FORK_ID_NEXT_PASSED.value
    REMOTE_STALE = ErrorCode.FORK_ID_REMOTE_STALE.value
    INCOMPATIBLE = ErrorCode.FORK_ID_INCOMPATIBLE.value


class NegotiationVerdict(StrEnum):
    """The outcome of a negotiation: accepted, or the code of the check that refused it (NEG-7)."""

    ACCEPTED = "ACCEPTED"
    CHAIN_ID_MISMATCH = ErrorCode.CHAIN_ID_MISMATCH.value
    GENESIS_MISMATCH = ErrorCode.GENESIS_MISMATCH.value
    FORK_ID_NEXT_PASSED = ErrorCode.FORK_ID_NEXT_PASSED.value
    FORK_ID_REMOTE_STALE = ErrorCode.FORK_ID_REMOTE_STALE.value
    FORK_ID_INCOMPATIBLE = ErrorCode.FORK_ID_INCOMPATIBLE.value
    PROTOCOL_MAJOR_MISMATCH = ErrorCode.PROTOCOL_MAJOR_MISMATCH.value
    REQUIRED_FEATURE_UNSUPPORTED = ErrorCode.REQUIRED_FEATURE_UNSUPPORTED.value


def versions_compatible(major_a: int, minor_a: int, major_b: int, minor_b: int) -> bool:
    """Equal major versions, and equal minor versions under major version 0. Implements: NEG-8."""
    return both(major_a == major_b, either(major_a != 0, minor_a == minor_b))


def negotiation_verdict(
    chain_a: int,
    chain_b: int,
    genesis_a: int,
    genesis_b: int,
    fork_id_seen_by_a: ForkIdVerdict,
    fork_id_seen_by_b: ForkIdVerdict,
    major_a: int,
    minor_a: int,
    major_b: int,
    minor_b: int,
    required_a: int,
    supported_a: int,
    required_b: int,
    supported_b: int,
) -> NegotiationVerdict:
    """The verdict of NEG-7's checks in order, each made in both directions, so that swapping the
    nodes swaps the arguments pairwise and changes nothing. Implements: NEG-7, NEG-8, NEG-10."""

    return if_then_else(
        chain_a != chain_b,
        NegotiationVerdict.CHAIN_ID_MISMATCH,
        if_then_else(
            genesis_a != genesis_b,
            NegotiationVerdict.GENESIS_MISMATCH,
            if_then_else(
                either(
                    fork_id_seen_by_a == ForkIdVerdict.NEXT_PASSED,
                    fork_id_seen_by_b == ForkIdVerdict.NEXT_PASSED,
                ),
                NegotiationVerdict.FORK_ID_NEXT_PASSED,
                if_then_else(
                    either(
                        fork_id_seen_by_a == ForkIdVerdict.REMOTE_STALE,
                        fork_id_seen_by_b == ForkIdVerdict.REMOTE_STALE,
                    ),
                    NegotiationVerdict.FORK_ID_REMOTE_STALE,
                    if_then_else(
                        either(
                            fork_id_seen_by_a == ForkIdVerdict.INCOMPATIBLE,
                            fork_id_seen_by_b == ForkIdVerdict.INCOMPATIBLE,
                        ),
                        NegotiationVerdict.FORK_ID_INCOMPATIBLE,
                        if_then_else(
                            negation(versions_compatible(major_a, minor_a, major_b, minor_b)),
                            NegotiationVerdict.PROTOCOL_MAJOR_MISMATCH,
                            if_then_else(
                                both(is_subset(required_a, supported_b), is_subset(required_b, supported_a)),
                                NegotiationVerdict.ACCEPTED,
                                NegotiationVerdict.REQUIRED_FEATURE_UNSUPPORTED,
                            ),
                        ),
                    ),
                ),
            ),
        ),
    )


def negotiated_features(supported_a: int, supported_b: int, in_force_a: int, in_force_b: int) -> int:
    """The flags both nodes support, in force at the lower of their versions, which are those in
    force at both (FLG-4). Implements: NEG-9."""
    return masked(masked(supported_a, supported_b), masked(in_force_a, in_force_b))


class Negotiation(NamedTuple):
    """An accepted negotiation: the negotiated version (its text) and features (NEG-9). A named
    tuple, as a peer selection makes one per candidate (PEER-5)."""

    protocol_version: str
    features: int


def fork_id_seen_by(local: forkid.LocalChain, remote: Handshake) -> ForkIdVerdict:
    """What a node makes of a well-formed remote handshake's fork identifier (FID-7 to FID-10)."""
    try:
        forkid.judge_fork_id(local, remote.fork_id)
    except SpecError as refusal:
        return ForkIdVerdict(refusal.code.value)
    return ForkIdVerdict.ACCEPTED


def _checked(end: Node) -> tuple[Handshake, Version] | SpecError:
    """A node's handshake and version, or the rejection of its configuration, head or handshake."""
    try:
        handshake = announced_handshake(end)
        return handshake, check_handshake(handshake)
    except SpecError as rejection:
        return rejection


@lru_cache(maxsize=1024)
def _without_build(version: Version) -> str:
    return str(dataclasses.replace(version, build=()))


def negotiate(a: Node, b: Node) -> Negotiation:
    """The negotiation between `a` and `b`, or the refusal with its code; the same for (b, a).

    Implements: NEG-6, NEG-7, NEG-9, NEG-10."""
    checks = (_checked(a), _checked(b))
    errors = [check for check in checks if isinstance(check, SpecError)]
    if errors:
        order = list(ErrorCode)
        raise min(errors, key=lambda error: order.index(error.code))
    (handshake_a, version_a), (handshake_b, version_b) = (
        check for check in checks if not isinstance(check, SpecError)
    )
    return settle(
        (handshake_a, version_a, fork_id_seen_by(forkid.local_chain(a.forks, a.head), handshake_b)),
        (handshake_b, version_b, fork_id_seen_by(forkid.local_chain(b.forks, b.head), handshake_a)),
    )


End = tuple[Handshake, Version, ForkIdVerdict]


def settle(a: End, b: End) -> Negotiation:
    """The negotiation of two well-formed handshakes, each with its version and its node's verdict
    on the other's fork identifier, or the refusal with its code (NEG-7, NEG-9)."""
    (handshake_a, version_a, seen_by_a), (handshake_b, version_b, seen_by_b) = a, b
    verdict = negotiation_verdict(
        handshake_a.chain_id,
        handshake_b.chain_id,
        int.from_bytes(handshake_a.genesis_hash, "big"),
        int.from_bytes(handshake_b.genesis_hash, "big"),
        seen_by_a,
        seen_by_b,
        version_a.major,
        version_a.minor,
        version_b.major,
        version_b.minor,
        handshake_a.required,
        handshake_a.supported,
        handshake_b.required,
        handshake_b.supported,
    )
    if verdict is not NegotiationVerdict.ACCEPTED:
        reject(ErrorCode(verdict.value), f"refused by the check of {verdict.value}")
    lower = version_a if compare_versions(version_a, version_b) <= 0 else version_b
    features = negotiated_features(
        handshake_a.supported, handshake_b.supported, flags_in_force(version_a), flags_in_force(version_b)
    )
    return Negotiation(_without_build(lower), features)
