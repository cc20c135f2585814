"""Canonical errors.

Every rejection the specification defines carries one code from the error-code table in
`spec/README.md` (requirement GEN-4) and a human-readable detail. Vectors and the adapter
protocol compare codes only; the detail is for people.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NoReturn


class ErrorCode(StrEnum):
    """The error-code table of `spec/README.md`, in the same order."""

    INVALID_INPUT = "INVALID_INPUT"
    UNKNOWN_PRESET = "UNKNOWN_PRESET"
    INVALID_VERSION = "INVALID_VERSION"
    VERSION_OUT_OF_RANGE = "VERSION_OUT_OF_RANGE"
    VERSION_DOWNGRADE = "VERSION_DOWNGRADE"
    UNKNOWN_UPGRADE_KIND = "UNKNOWN_UPGRADE_KIND"
    BUMP_MISMATCH = "BUMP_MISMATCH"
    TIMESTAMP_OUT_OF_RANGE = "TIMESTAMP_OUT_OF_RANGE"
    ACTIVATION_BEFORE_RELEASE = "ACTIVATION_BEFORE_RELEASE"
    EMERGENCY_WINDOW_EXCEEDED = "EMERGENCY_WINDOW_EXCEEDED"
    MISSING_ACTIVATION_TIME = "MISSING_ACTIVATION_TIME"
    UNEXPECTED_ACTIVATION = "UNEXPECTED_ACTIVATION"
    STAKE_OUT_OF_RANGE = "STAKE_OUT_OF_RANGE"
    DUPLICATE_VALIDATOR = "DUPLICATE_VALIDATOR"
    NO_STAKE = "NO_STAKE"
    FLAG_MASK_OUT_OF_RANGE = "FLAG_MASK_OUT_OF_RANGE"
    UNKNOWN_FLAG_BITS = "UNKNOWN_FLAG_BITS"
    UNKNOWN_FLAG = "UNKNOWN_FLAG"
    DUPLICATE_FLAG = "DUPLICATE_FLAG"
    FLAG_NOT_INTRODUCED = "FLAG_NOT_INTRODUCED"
    DEPLOYMENT_BIT_OUT_OF_RANGE = "DEPLOYMENT_BIT_OUT_OF_RANGE"
    PERIOD_OUT_OF_RANGE = "PERIOD_OUT_OF_RANGE"
    THRESHOLD_OUT_OF_RANGE = "THRESHOLD_OUT_OF_RANGE"
    TIMEOUT_NOT_AFTER_START = "TIMEOUT_NOT_AFTER_START"
    HEIGHT_OUT_OF_RANGE = "HEIGHT_OUT_OF_RANGE"
    HEIGHT_NOT_PERIOD_ALIGNED = "HEIGHT_NOT_PERIOD_ALIGNED"
    BLOCK_COUNT_OUT_OF_RANGE = "BLOCK_COUNT_OUT_OF_RANGE"
    BLOCK_VERSION_OUT_OF_RANGE = "BLOCK_VERSION_OUT_OF_RANGE"
    BLOCK_TIME_DECREASING = "BLOCK_TIME_DECREASING"
    HEIGHTS_NOT_INCREASING = "HEIGHTS_NOT_INCREASING"
    HEIGHT_BEYOND_CHAIN = "HEIGHT_BEYOND_CHAIN"
    TOO_MANY_PERIODS = "TOO_MANY_PERIODS"
    NOT_COORDINATED = "NOT_COORDINATED"
    MISSING_SPECIFICATION = "MISSING_SPECIFICATION"
    DUPLICATE_AUDIT = "DUPLICATE_AUDIT"
    EVENT_TIME_REGRESSION = "EVENT_TIME_REGRESSION"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    MISSING_AUDIT = "MISSING_AUDIT"
    REVIEW_TOO_SHORT = "REVIEW_TOO_SHORT"
    REVIEW_TOO_LONG = "REVIEW_TOO_LONG"
    VOTE_AFTER_WINDOW = "VOTE_AFTER_WINDOW"
    UNKNOWN_VALIDATOR = "UNKNOWN_VALIDATOR"
    DUPLICATE_VOTE = "DUPLICATE_VOTE"
    VOTING_STILL_OPEN = "VOTING_STILL_OPEN"
    SCHEDULE_WINDOW_PASSED = "SCHEDULE_WINDOW_PASSED"
    ACTIVATION_TOO_SOON = "ACTIVATION_TOO_SOON"
    ACTIVATION_HEIGHT_NOT_REACHED = "ACTIVATION_HEIGHT_NOT_REACHED"
    DEADLINE_NOT_REACHED = "DEADLINE_NOT_REACHED"
    DUPLICATE_UPGRADE = "DUPLICATE_UPGRADE"
    FORKS_NOT_ASCENDING = "FORKS_NOT_ASCENDING"
    FORK_POINT_AMBIGUOUS = "FORK_POINT_AMBIGUOUS"
    FORK_NEXT_OUT_OF_RANGE = "FORK_NEXT_OUT_OF_RANGE"
    FORK_ID_NEXT_PASSED = "FORK_ID_NEXT_PASSED"
    FORK_ID_REMOTE_STALE = "FORK_ID_REMOTE_STALE"
    FORK_ID_INCOMPATIBLE = "FORK_ID_INCOMPATIBLE"
    CHAIN_ID_OUT_OF_RANGE = "CHAIN_ID_OUT_OF_RANGE"
    REQUIRED_NOT_SUPPORTED = "REQUIRED_NOT_SUPPORTED"
    HANDSHAKE_FIELD_TOO_LONG = "HANDSHAKE_FIELD_TOO_LONG"
    HANDSHAKE_TRUNCATED = "HANDSHAKE_TRUNCATED"
    HANDSHAKE_UNKNOWN_ENCODING = "HANDSHAKE_UNKNOWN_ENCODING"
    HANDSHAKE_INVALID_UTF8 = "HANDSHAKE_INVALID_UTF8"
    HANDSHAKE_TRAILING_BYTES = "HANDSHAKE_TRAILING_BYTES"
    CHAIN_ID_MISMATCH = "CHAIN_ID_MISMATCH"
    GENESIS_MISMATCH = "GENESIS_MISMATCH"
    PROTOCOL_MAJOR_MISMATCH = "PROTOCOL_MAJOR_MISMATCH"
    REQUIRED_FEATURE_UNSUPPORTED = "REQUIRED_FEATURE_UNSUPPORTED"
    PEER_COUNT_OUT_OF_RANGE = "PEER_COUNT_OUT_OF_RANGE"
    SCHEMA_VERSION_OUT_OF_RANGE = "SCHEMA_VERSION_OUT_OF_RANGE"
    CONFIG_VALUE_OUT_OF_RANGE = "CONFIG_VALUE_OUT_OF_RANGE"
    BALANCE_OUT_OF_RANGE = "BALANCE_OUT_OF_RANGE"
    NONCE_OUT_OF_RANGE = "NONCE_OUT_OF_RANGE"
    TOO_MANY_FIELDS = "TOO_MANY_FIELDS"
    FIELD_VALUE_OUT_OF_RANGE = "FIELD_VALUE_OUT_OF_RANGE"
    STATE_NOT_CANONICAL = "STATE_NOT_CANONICAL"
    MIGRATION_VERSIONS_INVALID = "MIGRATION_VERSIONS_INVALID"
    OPERATION_NOT_ALLOWED = "OPERATION_NOT_ALLOWED"
    OPERAND_OUT_OF_RANGE = "OPERAND_OUT_OF_RANGE"
    SOURCE_VERSION_MISMATCH = "SOURCE_VERSION_MISMATCH"
    FIELD_CONFLICT = "FIELD_CONFLICT"
    SLOT_MISSING = "SLOT_MISSING"
    SLOT_CONFLICT = "SLOT_CONFLICT"
    BALANCE_NOT_CONSERVED = "BALANCE_NOT_CONSERVED"
    ROOT_MISMATCH = "ROOT_MISMATCH"
    DUPLICATE_ENDPOINT = "DUPLICATE_ENDPOINT"
    REMOVAL_TOO_EARLY = "REMOVAL_TOO_EARLY"


class SpecError(Exception):
    """A rejection defined by the specification: a canonical `code` and a `detail`."""

    def __init__(self, code: ErrorCode, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


LARGEST_INTEGER_SHOWN = 10**40


def integer_text(value: int) -> str:
    """An integer for a detail: in decimal, or by its size when it is too long to print usefully (GEN-3)."""
    if -LARGEST_INTEGER_SHOWN < value < LARGEST_INTEGER_SHOWN:
        return str(value)
    return f"{'-' if value < 0 else ''}an integer of {value.bit_length()} bits"


LONGEST_TEXT_SHOWN = 60


def text_excerpt(text: str) -> str:
    """A string for a detail: quoted, and cut with its length when it is too long to print usefully."""
    if len(text) <= LONGEST_TEXT_SHOWN:
        return repr(text)
    return f"{text[:LONGEST_TEXT_SHOWN]!r}… ({len(text)} characters)"


def reject(code: ErrorCode, detail: str) -> NoReturn:
    """Raise the canonical error `code` with `detail` (GEN-4)."""
    raise SpecError(code, detail)


def range_detail(name: str, value: int, low: int, high: int) -> str:
    """The detail of a value outside `low..high` (GEN-3)."""
    return f"{name} {integer_text(value)} is outside {low}..{integer_text(high)}"


def check_range(value: int, low: int, high: int, code: ErrorCode, name: str) -> None:
    """Reject with `code` unless `low <= value <= high`; the detail is built only on rejection."""
    if not low <= value <= high:
        reject(code, range_detail(name, value, low, high))


def ensure(condition: bool, code: ErrorCode, detail: str) -> None:
    """Reject with `code` unless `condition` holds (GEN-4)."""
    if not condition:
        reject(code, detail)
