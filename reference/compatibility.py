"""Backwards compatibility: the deprecation registry, its policy and an endpoint's status at a
client version (CMP-1 to CMP-4); versioned transaction formats and a node's verdict on a
transaction (CMP-5 to CMP-8).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

from forkspec.activation import UINT32_MAX
from forkspec.errors import ErrorCode, check_range, reject
from forkspec.logic import if_then_else, negation
from forkspec.versioning import Version, compare_versions

# An endpoint stays available this many major versions after its deprecation (CMP-2).
MAJOR_VERSIONS_KEPT = 2


class Deprecation(NamedTuple):
    """One endpoint of the registry (CMP-1)."""

    name: str
    deprecated_in: Version
    removed_in: Version | None
    guide: str


class EndpointStatus(StrEnum):
    """What an endpoint is at a client version (CMP-3)."""

    AVAILABLE = "available"
    DEPRECATED = "deprecated"
    REMOVED = "removed"


class Status(NamedTuple):
    """An endpoint's status and its notice, None when it is available (CMP-3)."""

    name: str
    status: EndpointStatus
    notice: str | None


def check_registry(registry: Sequence[Deprecation]) -> dict[str, Deprecation]:
    """The registry by name, after its names and the policy are checked. Implements: CMP-1, CMP-2."""
    by_name: dict[str, Deprecation] = {}
    for entry in registry:
        if entry.name in by_name:
            reject(ErrorCode.DUPLICATE_ENDPOINT, f"the endpoint {entry.name} is listed twice")
        if (
            entry.removed_in is not None
            and entry.removed_in.major < entry.deprecated_in.major + MAJOR_VERSIONS_KEPT
        ):
            reject(
                ErrorCode.REMOVAL_TOO_EARLY,
                f"{entry.name} is removed in {entry.removed_in}, less than {MAJOR_VERSIONS_KEPT} major "
                f"versions after its deprecation in {entry.deprecated_in}",
            )
        by_name[entry.name] = entry
    return by_name


def _notice(entry: Deprecation) -> str:
    removal = "" if entry.removed_in is None else f" and removed in {entry.removed_in}"
    return f"{entry.name} is deprecated since {entry.deprecated_in}{removal}; see {entry.guide}"


def endpoint_status(by_name: dict[str, Deprecation], name: str, client: Version) -> Status:
    """An endpoint's status at `client`, with its notice. Implements: CMP-3."""
    entry = by_name.get(name)
    if entry is None or compare_versions(entry.deprecated_in, client) > 0:
        return Status(name, EndpointStatus.AVAILABLE, None)
    removed = entry.removed_in is not None and compare_versions(entry.removed_in, client) <= 0
    return Status(name, EndpointStatus.REMOVED if removed else EndpointStatus.DEPRECATED, _notice(entry))


class TransactionField(NamedTuple):
    """A field of a transaction format, required or optional (CMP-5)."""

    name: str
    required: bool


class TransactionFormat(NamedTuple):
    """The fields a transaction of one format version has (CMP-5)."""

    version: int
    fields: tuple[TransactionField, ...]


class Transaction(NamedTuple):
    """A transaction: the format version it declares and the names of the fields it carries (CMP-6)."""

    version: int
    fields: tuple[str, ...]


class TransactionVerdict(StrEnum):
    """What a node makes of a transaction: accepted, or the code of the check that refused it (CMP-6)."""

    ACCEPTED = "ACCEPTED"
    TX_VERSION_UNSUPPORTED = ErrorCode.TX_VERSION_UNSUPPORTED.value
    TX_VERSION_UNKNOWN = ErrorCode.TX_VERSION_UNKNOWN.value
    DUPLICATE_TX_FIELD = ErrorCode.DUPLICATE_TX_FIELD.value
    UNKNOWN_TX_FIELD = ErrorCode.UNKNOWN_TX_FIELD.value
    MISSING_TX_FIELD = ErrorCode.MISSING_TX_FIELD.value


def _check_format(format_: TransactionFormat, previous: TransactionFormat | None) -> None:
    names = [field.name for field in format_.fields]
    if len(set(names)) != len(names):
        reject(ErrorCode.DUPLICATE_TX_FIELD, f"the format {format_.version} lists a field twice")
    if previous is None:
        return
    if format_.version <= previous.version:
        reject(ErrorCode.TX_FORMATS_NOT_ASCENDING, f"the format {format_.version} follows {previous.version}")
    kept = format_.fields[: len(previous.fields)]
    if kept != previous.fields:
        reject(
            ErrorCode.TX_FORMAT_NOT_EXTENSION,
            f"the format {format_.version} does not begin with the fields of {previous.version}",
        )
    added = [field.name for field in format_.fields[len(previous.fields) :] if field.required]
    if added:
        reject(
            ErrorCode.TX_FIELD_ADDED_REQUIRED,
            f"the format {format_.version} adds the required field {added[0]}; a later format adds only "
            "optional fields",
        )


class FormatRules(NamedTuple):
    """The field names a format knows and those it requires (CMP-6)."""

    known: frozenset[str]
    required: frozenset[str]


def check_formats(formats: Sequence[TransactionFormat]) -> dict[int, FormatRules]:
    """The rules of each format by version, after each format is checked against the one before
    it. Implements: CMP-5, CMP-8."""
    for format_ in formats:
        check_range(format_.version, 0, UINT32_MAX, ErrorCode.TX_VERSION_OUT_OF_RANGE, "version")
    previous: TransactionFormat | None = None
    for format_ in formats:
        _check_format(format_, previous)
        previous = format_
    return {
        format_.version: FormatRules(
            frozenset(field.name for field in format_.fields),
            frozenset(field.name for field in format_.fields if field.required),
        )
        for format_ in formats
    }


def transaction_verdict(
    transaction_version: int,
    node_version: int,
    format_defined: bool,
    duplicate_field: bool,
    unknown_field: bool,
    missing_field: bool,
) -> TransactionVerdict:
    """CMP-6's checks in order. The field checks are made against the format the transaction
    declares, never the node's own, so a node at any later version judges an old transaction as
    its own version did. Implements: CMP-6, CMP-7."""
    return if_then_else(
        transaction_version > node_version,
        TransactionVerdict.TX_VERSION_UNSUPPORTED,
        if_then_else(
            negation(format_defined),
            TransactionVerdict.TX_VERSION_UNKNOWN,
            if_then_else(
                duplicate_field,
                TransactionVerdict.DUPLICATE_TX_FIELD,
                if_then_else(
                    unknown_field,
                    TransactionVerdict.UNKNOWN_TX_FIELD,
                    if_then_else(
                        missing_field, TransactionVerdict.MISSING_TX_FIELD, TransactionVerdict.ACCEPTED
                    ),
                ),
            ),
        ),
    )


def judge_transaction(
    formats: dict[int, FormatRules], node_version: int, transaction: Transaction
) -> TransactionVerdict:
    """A node's verdict on a transaction, from the facts `transaction_verdict` decides on;
    linear in the transaction's fields. Implements: CMP-6."""
    rules = formats.get(transaction.version, FormatRules(frozenset(), frozenset()))
    carried = frozenset(transaction.fields)
    return transaction_verdict(
        transaction.version,
        node_version,
        transaction.version in formats,
        len(carried) != len(transaction.fields),
        not carried <= rules.known,
        not rules.required <= carried,
    )


def judge_transactions(
    formats: Sequence[TransactionFormat], node_version: int, transactions: Sequence[Transaction]
) -> list[TransactionVerdict]:
    """A node's verdict on each transaction, after the formats and every version are checked in
    CMP-8's order. Implements: CMP-5 to CMP-8."""
    rules = check_formats(formats)
    check_range(node_version, 0, UINT32_MAX, ErrorCode.TX_VERSION_OUT_OF_RANGE, "node_version")
    for index, transaction in enumerate(transactions):
        check_range(
            transaction.version,
            0,
            UINT32_MAX,
            ErrorCode.TX_VERSION_OUT_OF_RANGE,
            f"transactions[{index}].version",
        )
    return [judge_transaction(rules, node_version, transaction) for transaction in transactions]
