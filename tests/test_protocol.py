"""The adapter protocol's message checks, the reference adapter, and the verdict rules."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from forkspec.conformance import protocol
from forkspec.conformance.protocol import ProtocolError, decode, encode
from forkspec.conformance.reference_adapter import serve
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import Verdict, judge, same_json
from forkspec.handlers import HANDLERS
from forkspec.presets import preset_names
from hypothesis import given
from hypothesis import strategies as st


def transcript(*messages: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """Feed messages to the reference adapter; its exit status and its answers."""
    reader = io.BytesIO(b"".join(encode(message) for message in messages))
    writer = io.BytesIO()
    status = serve(reader, writer)
    return status, [json.loads(line) for line in writer.getvalue().splitlines()]


def test_reference_adapter_transcript() -> None:
    status, answers = transcript(
        protocol.runner_hello(),
        protocol.run_request(
            0, "c0", "version_compare", "mainnet", {"left": "1.0.0-alpha", "right": "1.0.0"}
        ),
        protocol.run_request(1, "c1", "version_parse", "mainnet", {"version": "01.0.0"}),
        protocol.run_request(2, "c2", "no_such_handler", "mainnet", {}),
        protocol.run_request(3, "c3", "version_parse", "testnet", {"version": "1.0.0"}),
        protocol.shutdown(),
        protocol.runner_hello(),
    )
    assert status == 0
    hello, compared, rejected, skipped, unknown_preset = answers
    assert protocol.capabilities(decode(encode(hello), "adapter_hello")).handlers == frozenset(HANDLERS)
    assert set(hello["presets"]) == set(preset_names())
    assert compared == {"type": "result", "id": 0, "output": {"order": -1}}
    assert (rejected["type"], rejected["id"], rejected["code"]) == ("error", 1, "INVALID_VERSION")
    assert (skipped["type"], skipped["id"]) == ("skip", 2)
    assert (unknown_preset["type"], unknown_preset["code"]) == ("error", "UNKNOWN_PRESET")
    for answer in answers[1:]:
        decode(encode(answer), "adapter_reply")


def test_reference_adapter_stops_on_a_broken_message() -> None:
    reader = io.BytesIO(b'{"type": "hello", "protocol_version": 1}\nnot json\n')
    writer = io.BytesIO()
    assert serve(reader, writer) == 2
    assert len(writer.getvalue().splitlines()) == 1


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        (b"not json\n", "not a JSON line"),
        (b"\xff\xfe\n", "not a JSON line"),
        (b'{"type": "result", "id": 1, "output": {"x": NaN}}\n', "not a JSON line"),
        (b'{"type": "result", "id": 1, "id": 2, "output": {}}\n', "repeats a key"),
        (b"[1, 2]\n", "type must be one of"),
        (b'{"type": "answer", "id": 1}\n', "type must be one of"),
        (b'{"type": "result", "id": 1.0, "output": {}}\n', "not a valid result message"),
        (b'{"type": "result", "id": true, "output": {}}\n', "not a valid result message"),
        (b'{"type": "error", "id": 1, "code": "lowercase"}\n', "not a valid error message"),
        (b'{"type": "result", "id": 1, "output": {}, "extra": 0}\n', "not a valid result message"),
    ],
)
def test_malformed_replies_are_protocol_errors(line: bytes, complaint: str) -> None:
    with pytest.raises(ProtocolError, match=complaint):
        decode(line, "adapter_reply")


def test_overlong_line_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="longer than"):
        decode(b" " * (protocol.MAX_LINE_BYTES + 1), "adapter_reply")


def test_hello_with_another_protocol_version_is_refused() -> None:
    hello = {"type": "hello", "protocol_version": 2, "client": {"name": "x", "version": "1"}}
    hello |= {"handlers": [], "presets": [], "features": []}
    with pytest.raises(ProtocolError, match="protocol 2"):
        protocol.capabilities(decode(encode(hello), "adapter_hello"))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=10,
)


@given(JSON_VALUES)
def test_same_json_is_reflexive_and_survives_a_round_trip(value: object) -> None:
    assert same_json(value, value)
    assert same_json(value, json.loads(json.dumps(value)))


@pytest.mark.parametrize(
    ("left", "right"),
    [(1, True), (0, False), (1, 1.0), ({"a": 1}, {"a": 1, "b": 2}), ([1, 2], [2, 1]), (None, 0)],
)
def test_same_json_keeps_types_apart(left: object, right: object) -> None:
    assert not same_json(left, right)
    assert not same_json(right, left)


CASE = Case(
    "mainnet/version_compare/x",
    "version_compare",
    "mainnet",
    ("VER-7",),
    "d",
    (),
    {"left": "1.0.0", "right": "2.0.0"},
    output={"order": -1},
)
REJECTION = Case(
    "mainnet/version_parse/y",
    "version_parse",
    "mainnet",
    ("VER-2",),
    "d",
    (),
    {"version": "1"},
    error="INVALID_VERSION",
)


@pytest.mark.parametrize(
    ("case", "answer", "verdict"),
    [
        (CASE, {"type": "result", "id": 0, "output": {"order": -1}}, Verdict.PASS),
        (CASE, {"type": "result", "id": 0, "output": {"order": 1}}, Verdict.FAIL),
        (CASE, {"type": "error", "id": 0, "code": "INVALID_VERSION"}, Verdict.FAIL),
        (CASE, {"type": "skip", "id": 0}, Verdict.SKIP),
        (
            REJECTION,
            {"type": "error", "id": 0, "code": "INVALID_VERSION", "detail": "any text"},
            Verdict.PASS,
        ),
        (REJECTION, {"type": "error", "id": 0, "code": "VERSION_OUT_OF_RANGE"}, Verdict.FAIL),
        (REJECTION, {"type": "result", "id": 0, "output": {}}, Verdict.FAIL),
    ],
)
def test_judge(case: Case, answer: dict[str, Any], verdict: Verdict) -> None:
    assert judge(case, answer, 0.0).verdict is verdict
