"""The adapter protocol, version 1 (spec/adapter-protocol.md, ADP-1 to ADP-15).

Newline-delimited JSON over an adapter's stdin and stdout: the runner says `hello`, the
adapter answers with its capabilities, the runner sends `run` requests (pipelined, each with
an id) that the adapter answers with `result`, `error` or `skip` in any order, and the runner
ends with `shutdown`. This module holds the message constructors and the checks both sides
use; the schemas in `spec/schemas/adapter-protocol.json` are normative.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from forkspec.schemas import first_violation, validator

PROTOCOL_VERSION = 1
MAX_LINE_BYTES = 16 * 1024 * 1024
SCHEMA = "adapter-protocol.json"
UNION_MEMBERS = {
    "runner_message": {"hello": "runner_hello", "run": "run", "shutdown": "shutdown"},
    "adapter_reply": {"result": "result", "error": "error", "skip": "skip"},
}


class ProtocolError(Exception):
    """A message that breaks the protocol: not JSON, not an object, or not of its schema.

    `parsed` is the JSON value when the line was JSON at all, so that a malformed answer that
    names a request id can be charged to that request (CNF-5).
    """

    def __init__(self, reason: str, parsed: object = None) -> None:
        super().__init__(reason)
        self.parsed = parsed


@dataclass(frozen=True)
class Capabilities:
    """What an adapter announced in its hello (ADP-3)."""

    client_name: str
    client_version: str
    handlers: frozenset[str]
    presets: frozenset[str]
    features: frozenset[str]


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def encode(message: dict[str, Any]) -> bytes:
    """One protocol line: compact JSON, UTF-8, ending in a newline (ADP-1)."""
    return _ENCODER.encode(message).encode("utf-8") + b"\n"


# Integers are read exactly up to this many digits, Python's own conversion limit. A longer
# one is read in constant time as a saturated value of the same sign (ADP-15).
MAX_EXACT_INTEGER_DIGITS = 4300
SATURATED_MAGNITUDE = 10**MAX_EXACT_INTEGER_DIGITS - 1


class SaturatedInteger(int):
    """An integer of more than MAX_EXACT_INTEGER_DIGITS digits, read as ±(10^4300 - 1) (ADP-15).

    It compares like the true value against every bound the specification uses, so a handler
    gives it the same canonical code; as a distinct type it never equals an expected output
    (CNF-2), so an answer carrying one is a wrong value.
    """


def read_integer(digits: str) -> int:
    """One JSON integer in time linear in its length: exact, or saturated when too long (ADP-15)."""
    magnitude = len(digits) - digits.startswith("-")
    if magnitude <= MAX_EXACT_INTEGER_DIGITS:
        return int(digits)
    return SaturatedInteger(-SATURATED_MAGNITUDE if digits.startswith("-") else SATURATED_MAGNITUDE)


def read_integer_plain(digits: str) -> int:
    """As `read_integer`, with the saturated value as a plain int, for a handler's input (ADP-15)."""
    return int(read_integer(digits))


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise ValueError("an object repeats a key")
    return mapping


_DECODERS = {
    saturate: json.JSONDecoder(
        parse_constant=_reject_constant, object_pairs_hook=_object_without_duplicates, parse_int=saturate
    )
    for saturate in (read_integer, read_integer_plain)
}
# A JSON escape that may denote a lone surrogate, which json accepts and Unicode does not.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def parse_line(line: bytes, *, plain_integers: bool = False) -> object:
    """One line as a JSON value, by the rules of ADP-1, ADP-2, ADP-14 and ADP-15, or ProtocolError.

    The value may be anything JSON; the schema check is `check`. With `plain_integers` a
    saturated integer is a plain int (for a handler's input) rather than a SaturatedInteger.
    """
    if len(line) > MAX_LINE_BYTES:
        raise ProtocolError(f"line longer than {MAX_LINE_BYTES} bytes")
    try:
        text = line.decode("utf-8")
        value: object = _DECODERS[read_integer_plain if plain_integers else read_integer].decode(text)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        preview = line[:80].decode("utf-8", "replace").rstrip("\n")
        raise ProtocolError(f"not a JSON line ({type(error).__name__}: {error}): {preview!r}") from error
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            raise ProtocolError(
                "a string holds a lone surrogate, which is not Unicode text", value
            ) from error
    return value


def check(message: object, definition: str) -> dict[str, Any]:
    """Check a parsed message against the schema `$defs/<definition>` (ADP-2), or ProtocolError.

    A union of messages is checked against the member its `type` names, for a precise message.
    """
    members = UNION_MEMBERS.get(definition)
    if members is not None:
        kind = message.get("type") if isinstance(message, dict) else None
        if not isinstance(kind, str) or kind not in members:
            raise ProtocolError(f"not a {definition} message: type must be one of {sorted(members)}", message)
        definition = members[kind]
    violation = first_violation(validator(SCHEMA, definition), message)
    if violation is not None:
        raise ProtocolError(f"not a valid {definition} message: {violation}", message)
    assert isinstance(message, dict)
    return message


def decode(line: bytes, definition: str, *, plain_integers: bool = False) -> dict[str, Any]:
    """Parse one line and check it against the schema `$defs/<definition>` (ADP-1, ADP-2)."""
    return check(parse_line(line, plain_integers=plain_integers), definition)


def runner_hello() -> dict[str, Any]:
    """The runner's opening message (ADP-3)."""
    return {"type": "hello", "protocol_version": PROTOCOL_VERSION}


def run_request(request_id: int, case_id: str, handler: str, preset: str, data: Any) -> dict[str, Any]:
    """A request to run one case (ADP-5)."""
    return {
        "type": "run",
        "id": request_id,
        "case": case_id,
        "handler": handler,
        "preset": preset,
        "input": data,
    }


def shutdown() -> dict[str, Any]:
    """The runner's closing message (ADP-9)."""
    return {"type": "shutdown"}


def capabilities(hello: dict[str, Any]) -> Capabilities:
    """The capabilities of a checked adapter hello; a different protocol version is refused (ADP-4)."""
    if hello["protocol_version"] != PROTOCOL_VERSION:
        raise ProtocolError(
            f"adapter speaks protocol {hello['protocol_version']}, the runner {PROTOCOL_VERSION}"
        )
    return Capabilities(
        client_name=hello["client"]["name"],
        client_version=hello["client"]["version"],
        handlers=frozenset(hello["handlers"]),
        presets=frozenset(hello["presets"]),
        features=frozenset(hello["features"]),
    )
