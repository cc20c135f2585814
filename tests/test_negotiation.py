"""Peer negotiation (spec/negotiation.md): the canonical codec and the symmetric decision, as
properties over random handshakes and nodes."""

from __future__ import annotations

from typing import Any

import pytest
from forkspec.errors import SpecError
from forkspec.flags import KNOWN_MASK, flags_in_force
from forkspec.forkid import ForkId, Forks, Head
from forkspec.negotiation import Handshake, Negotiation, Node, decode_handshake, encode_handshake, negotiate
from forkspec.tools.cases.forkid import MAINNET_GENESIS, MAINNET_PETERSBURG
from forkspec.versioning import parse_version
from hypothesis import given
from hypothesis import strategies as st

VERSIONS = ["0.4.1", "0.4.7", "0.5.0", "2.0.0", "2.1.0", "3.0.0-rc.1", "3.0.0", "3.0.2+b", "3.1.0", "4.0.0"]
GENESES = [bytes.fromhex(MAINNET_GENESIS), bytes(32)]
texts = st.text(max_size=40)


@st.composite
def handshakes(draw: st.DrawFn) -> Handshake:
    """Well-formed handshakes: flags in force at the version, required within supported."""
    version = draw(st.sampled_from(VERSIONS))
    supported = draw(st.integers(0, KNOWN_MASK)) & flags_in_force(parse_version(version))
    required = draw(st.integers(0, KNOWN_MASK)) & supported
    return Handshake(
        version,
        supported,
        required,
        draw(st.integers(0, 2**64 - 1)),
        draw(st.sampled_from(GENESES)),
        ForkId(draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 2**64 - 1))),
        draw(texts.filter(lambda text: len(text.encode()) <= 64)),
        draw(texts.filter(lambda text: len(text.encode()) <= 64)),
    )


@given(handshakes())
def test_decoding_an_encoding_gives_the_handshake_back(handshake: Handshake) -> None:
    """NEG-5."""
    assert decode_handshake(encode_handshake(handshake)) == handshake


@given(st.binary(max_size=300))
def test_every_accepted_byte_string_is_the_encoding_of_what_it_decodes_to(data: bytes) -> None:
    """NEG-5: the decoder accepts canonical encodings only."""
    try:
        handshake = decode_handshake(data)
    except SpecError:
        return
    assert encode_handshake(handshake) == data


@given(handshakes(), st.data())
def test_a_corrupted_encoding_is_refused_or_decodes_to_a_canonical_handshake(
    handshake: Handshake, data: st.DataObject
) -> None:
    """NEG-4, NEG-5: flipping one byte never yields bytes that decode to a handshake other than
    the one they encode."""
    encoded = bytearray(encode_handshake(handshake))
    position = data.draw(st.integers(0, len(encoded) - 1))
    encoded[position] ^= data.draw(st.integers(1, 255))
    try:
        decoded = decode_handshake(bytes(encoded))
    except SpecError:
        return
    assert encode_handshake(decoded) == bytes(encoded)


@st.composite
def nodes(draw: st.DrawFn) -> Node:
    """Nodes of mainnet (or of a chain with the all-zero genesis) at assorted stages and versions,
    some with a fork configuration of their own."""
    announced = draw(handshakes())
    blocks = draw(
        st.sampled_from(
            [list(MAINNET_PETERSBURG), list(MAINNET_PETERSBURG[:-2]), [*MAINNET_PETERSBURG, 8000000]]
        )
    )
    return Node(
        announced.protocol_version,
        announced.supported,
        announced.required,
        draw(st.sampled_from([1, 5])),
        Forks(announced.genesis_hash, 0, blocks, []),
        Head(draw(st.sampled_from([0, 4370000, 7279999, 7280000, 7987396, 8100000])), 0),
        announced.client_name,
        announced.client_version,
    )


def outcome(a: Node, b: Node) -> Negotiation | str:
    try:
        return negotiate(a, b)
    except SpecError as refusal:
        return refusal.code.value


@given(nodes(), nodes())
def test_negotiation_is_symmetric(a: Node, b: Node) -> None:
    """NEG-10: same verdict, code, version and features in both orders."""
    assert outcome(a, b) == outcome(b, a)


@given(nodes())
def test_a_node_accepts_a_copy_of_itself(a: Node) -> None:
    """NEG-10: at its own version without build metadata, with its supported flags."""
    result = negotiate(a, a)
    assert result.features == a.supported
    assert parse_version(result.protocol_version) == parse_version(a.protocol_version.partition("+")[0])


@given(nodes(), nodes())
def test_negotiated_features_are_shared_and_cover_what_is_required(a: Node, b: Node) -> None:
    """NEG-9: supported by both, in force at the negotiated version, every required flag included."""
    result = outcome(a, b)
    if isinstance(result, str):
        return
    assert result.features & ~(a.supported & b.supported) == 0
    assert result.features & ~flags_in_force(parse_version(result.protocol_version)) == 0
    assert (a.required | b.required) & ~result.features == 0


def _node(**changes: Any) -> Node:
    fields: dict[str, Any] = {
        "protocol_version": "3.1.0",
        "supported": KNOWN_MASK,
        "required": 0,
        "chain_id": 1,
        "forks": Forks(bytes.fromhex(MAINNET_GENESIS), 0, list(MAINNET_PETERSBURG), []),
        "head": Head(7987396, 0),
        "client_name": "",
        "client_version": "",
    }
    return Node(**{**fields, **changes})


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"protocol_version": "4.0.0"}, "PROTOCOL_MAJOR_MISMATCH"),
        ({"chain_id": 2, "protocol_version": "4.0.0"}, "CHAIN_ID_MISMATCH"),
        ({"forks": Forks(bytes(32), 0, [], [])}, "GENESIS_MISMATCH"),
        ({"forks": Forks(bytes.fromhex(MAINNET_GENESIS), 0, [1150000, 1920001], [])}, "FORK_ID_INCOMPATIBLE"),
        ({"supported": 1, "required": 1}, "REQUIRED_FEATURE_UNSUPPORTED"),
    ],
)
def test_each_check_refuses_with_its_code(changes: dict[str, Any], code: str) -> None:
    """NEG-7, NEG-8: a node with every flag, required ENCRYPTED_MEMPOOL, against a changed copy."""
    local = _node(required=8)
    assert outcome(local, _node(**changes)) == code


def test_the_text_limit_counts_bytes_of_utf8() -> None:
    """NEG-2: 32 two-byte characters fit in 64 bytes, 33 do not (a case the YAML vectors cannot
    hold without a line break that YAML emitters place differently)."""
    fitting = Handshake("3.1.0", 0, 0, 1, bytes(32), ForkId(0, 0), "é" * 32, "")
    assert decode_handshake(encode_handshake(fitting)) == fitting
    with pytest.raises(SpecError) as raised:
        encode_handshake(Handshake("3.1.0", 0, 0, 1, bytes(32), ForkId(0, 0), "é" * 33, ""))
    assert raised.value.code.value == "HANDSHAKE_FIELD_TOO_LONG"


def test_a_lone_surrogate_is_refused_as_text_utf8_cannot_encode() -> None:
    """NEG-2: JSON's "\\ud800" gives a string with a lone surrogate; it is refused, not a crash."""
    with pytest.raises(SpecError) as raised:
        encode_handshake(Handshake("3.1.0", 0, 0, 1, bytes(32), ForkId(0, 0), "\ud800", ""))
    assert raised.value.code.value == "HANDSHAKE_INVALID_UTF8"
