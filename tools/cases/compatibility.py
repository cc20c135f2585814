"""Cases of the compatibility area (spec/compatibility.md): deprecation schedules and statuses,
transaction formats and verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.tools.cases import CaseSpec, generic_invalid_cases


def endpoint(
    name: str, deprecated_in: str, removed_in: str | None, guide: str = "guides/v3.md"
) -> dict[str, Any]:
    """A registry entry; with no removal scheduled, `removed_in` is left out (CMP-1)."""
    entry = {"name": name, "deprecated_in": deprecated_in, "guide": guide}
    return entry if removed_in is None else {**entry, "removed_in": removed_in}


REGISTRY = [
    endpoint("eth/get_work", "2.0.0", "4.0.0", "guides/mining.md"),
    endpoint("rpc/tx_pool", "3.1.0", None, "guides/mempool.md"),
    endpoint("rpc/balance_v1", "2.3.0", "4.0.0-rc.1", "guides/balance_v2.md"),
]
ASKED = ["eth/get_work", "rpc/tx_pool", "rpc/balance_v1", "rpc/balance_v2"]


def _status(slug: str, requirements: tuple[str, ...], description: str, **changes: Any) -> CaseSpec:
    data = {"registry": REGISTRY, "client_version": "3.1.0", "endpoints": ASKED, **changes}
    return CaseSpec("endpoint_status", slug, requirements, description, data)


def case_specs() -> Iterator[CaseSpec]:
    """The cases of the area: deprecation, then transaction formats."""
    yield from deprecation_case_specs()
    yield from transaction_case_specs()


def deprecation_case_specs() -> Iterator[CaseSpec]:
    """The deprecation cases."""
    for version, description in (
        ("1.9.0", "before every deprecation: all available"),
        ("2.0.0-rc.1", "a pre-release of the deprecating version: still available"),
        ("2.0.0", "at the deprecating version: deprecated, with its notice"),
        ("2.0.0+build.1", "build metadata does not change precedence"),
        ("3.1.0", "two deprecated, one of them with no removal scheduled"),
        ("3.9.9", "the last version before the removal"),
        ("4.0.0-rc.1", "a removal at a pre-release takes effect there"),
        ("4.0.0", "at the removing version: removed"),
        ("9.0.0", "long after"),
    ):
        yield _status(
            f"at-{version.replace('+', '_')}", ("CMP-1", "CMP-3"), description, client_version=version
        )
    yield _status("empty-registry", ("CMP-1",), "nothing deprecated", registry=[])
    yield _status(
        "removal-exactly-two-majors",
        ("CMP-2",),
        "a removal two major versions after, at x.0.0-alpha: allowed",
        registry=[endpoint("a", "1.9.9", "3.0.0-alpha")],
        endpoints=["a"],
    )
    for slug, registry, requirements, description in (
        (
            "removal-one-major",
            [endpoint("a", "2.0.0", "3.9.9")],
            ("CMP-2",),
            "removed one major version after",
        ),
        (
            "removal-same-major",
            [endpoint("a", "2.0.0", "2.5.0")],
            ("CMP-2",),
            "removed in the same major version",
        ),
        (
            "removal-before-deprecation",
            [endpoint("a", "3.0.0", "1.0.0")],
            ("CMP-2",),
            "removed before deprecated",
        ),
        (
            "duplicate-endpoint",
            [endpoint("a", "1.0.0", None), endpoint("a", "2.0.0", None)],
            ("CMP-1",),
            "an endpoint listed twice",
        ),
        (
            "bad-deprecated-version",
            [endpoint("a", "2.0", None)],
            ("CMP-1", "CMP-4"),
            "a deprecation version not SemVer",
        ),
        (
            "bad-removed-version",
            [endpoint("a", "2.0.0", "4")],
            ("CMP-1", "CMP-4"),
            "a removal version not SemVer",
        ),
        (
            "versions-before-policy",
            [endpoint("a", "2.0.0", "2.1.0"), endpoint("b", "x", None)],
            ("CMP-4",),
            "a policy breach and a bad version in a later entry: every version is read first",
        ),
        (
            "duplicate-before-policy",
            [endpoint("a", "1.0.0", None), endpoint("a", "2.0.0", "2.1.0")],
            ("CMP-4",),
            "a second entry that is both a duplicate and early: the duplicate first",
        ),
    ):
        yield _status(f"invalid-{slug}", requirements, description, registry=registry, endpoints=["a"])
    yield _status("invalid-client-version", ("CMP-4",), "a client version not SemVer", client_version="3.1")
    yield _status(
        "invalid-registry-before-client",
        ("CMP-4",),
        "a policy breach and a bad client version: the registry first",
        registry=[endpoint("a", "2.0.0", "2.1.0")],
        client_version="3.1",
    )
    yield from generic_invalid_cases(
        "endpoint_status", {"registry": REGISTRY, "client_version": "3.1.0", "endpoints": ASKED}
    )


def tx_format(version: int, *fields: tuple[str, bool]) -> dict[str, Any]:
    """A transaction format: its version and its (name, required) fields (CMP-5)."""
    return {"version": version, "fields": [{"name": name, "required": required} for name, required in fields]}


def tx(version: int, *fields: str) -> dict[str, Any]:
    """A transaction declaring format `version` and carrying `fields` (CMP-6)."""
    return {"version": version, "fields": list(fields)}


V1_FIELDS = (("to", True), ("value", True), ("nonce", True))
V2_FIELDS = (*V1_FIELDS, ("memo", False))
V4_FIELDS = (*V2_FIELDS, ("fee_cap", False), ("access_list", False))
FORMATS = [tx_format(1, *V1_FIELDS), tx_format(2, *V2_FIELDS), tx_format(4, *V4_FIELDS)]
TRANSACTIONS = [
    tx(1, "to", "value", "nonce"),
    tx(2, "to", "value", "nonce"),
    tx(2, "to", "value", "nonce", "memo"),
    tx(4, "to", "value", "nonce", "fee_cap"),
    tx(1, "to", "value", "nonce", "memo"),
    tx(2, "to", "value"),
    tx(3, "to", "value", "nonce"),
    tx(4, "to", "value", "nonce", "nonce"),
    tx(4, "to", "value", "nonce", "gas"),
]


def _validity(slug: str, requirements: tuple[str, ...], description: str, **changes: Any) -> CaseSpec:
    data = {"formats": FORMATS, "node_version": 4, "transactions": TRANSACTIONS, **changes}
    return CaseSpec("transaction_validity", slug, requirements, description, data)


def transaction_case_specs() -> Iterator[CaseSpec]:
    """The transaction format cases: validity across node versions, each verdict, each format error."""
    for node_version, description in (
        (0, "a node below every format: nothing is supported"),
        (1, "a node at the first format"),
        (2, "a node at the second format: version 1 stays valid"),
        (3, "a node between two formats: version 3 is not a format"),
        (4, "a node at the latest format: every old transaction stays valid"),
        (4294967295, "a node far ahead judges exactly as one at version 4"),
    ):
        yield _validity(f"node-at-{node_version}", ("CMP-6", "CMP-7"), description, node_version=node_version)
    yield _validity(
        "later-field-in-earlier-format",
        ("CMP-7",),
        "a field of format 2 in a version-1 transaction is unknown, at any node version",
        transactions=[tx(1, "to", "value", "nonce", "memo"), tx(2, "to", "value", "nonce", "memo")],
    )
    yield _validity(
        "verdict-order",
        ("CMP-6",),
        "each transaction fails two checks: the first in order gives its verdict",
        node_version=2,
        transactions=[tx(4, "gas"), tx(3, "to"), tx(2, "to", "to", "gas"), tx(2, "gas")],
    )
    yield _validity("no-formats", ("CMP-5", "CMP-6"), "an empty registry knows no version", formats=[])
    yield _validity(
        "single-format-required-anywhere",
        ("CMP-5", "CMP-8"),
        "the first format may require any fields, in any order of names",
        formats=[tx_format(0, ("z", True), ("a", False), ("m", True))],
        transactions=[tx(0, "z", "m"), tx(0, "a", "z"), tx(0)],
    )
    yield _validity("no-transactions", ("CMP-6",), "nothing to judge", transactions=[])
    for slug, formats, requirements, description in (
        ("format-version-range", [tx_format(2**32, ("to", True))], ("CMP-5",), "a format version of 2^32"),
        ("format-duplicate-field", [tx_format(1, ("to", True), ("to", False))], ("CMP-5",), "a field twice"),
        ("formats-descending", [FORMATS[1], FORMATS[0]], ("CMP-5",), "format 2 listed before format 1"),
        ("formats-repeated", [FORMATS[0], FORMATS[0]], ("CMP-5",), "format 1 listed twice"),
        (
            "format-drops-field",
            [FORMATS[0], tx_format(2, ("to", True), ("value", True))],
            ("CMP-8",),
            "a later format without a field of the one before",
        ),
        (
            "format-reorders-fields",
            [FORMATS[0], tx_format(2, ("value", True), ("to", True), ("nonce", True))],
            ("CMP-8",),
            "a later format with the earlier fields in another order",
        ),
        (
            "format-relaxes-field",
            [FORMATS[0], tx_format(2, ("to", True), ("value", False), ("nonce", True))],
            ("CMP-8",),
            "a later format making a required field optional",
        ),
        (
            "format-tightens-field",
            [tx_format(1, ("to", True), ("memo", False)), tx_format(2, ("to", True), ("memo", True))],
            ("CMP-8",),
            "a later format making an optional field required",
        ),
        (
            "format-adds-required",
            [FORMATS[0], tx_format(2, *V1_FIELDS, ("memo", False), ("fee", True))],
            ("CMP-8",),
            "a later format adding a required field",
        ),
        (
            "format-version-negative",
            [tx_format(-1, *V1_FIELDS), *FORMATS],
            ("CMP-8",),
            "a format version of -1",
        ),
        (
            "formats-range-before-order",
            [FORMATS[1], FORMATS[0], tx_format(2**32)],
            ("CMP-8",),
            "out of order and a version out of range later: every version first",
        ),
        (
            "formats-duplicate-before-order",
            [FORMATS[1], tx_format(1, ("to", True), ("to", True))],
            ("CMP-8",),
            "out of order and a duplicate field: the duplicate first",
        ),
        (
            "formats-extension-before-required",
            [FORMATS[0], tx_format(2, ("to", True), ("fee", True))],
            ("CMP-8",),
            "a dropped field and an added required one: the extension first",
        ),
    ):
        yield _validity(f"invalid-{slug}", requirements, description, formats=formats)
    yield _validity("invalid-node-version-range", ("CMP-8",), "a node version of 2^32", node_version=2**32)
    yield _validity("invalid-node-version-negative", ("CMP-8",), "a node version of -1", node_version=-1)
    yield _validity(
        "invalid-tx-version-range", ("CMP-8",), "a transaction version of 2^32", transactions=[tx(2**32)]
    )
    yield _validity(
        "invalid-tx-version-negative", ("CMP-8",), "a transaction version of -1", transactions=[tx(-1)]
    )
    yield _validity(
        "invalid-formats-before-node",
        ("CMP-8",),
        "a bad format and a node version out of range: the formats first",
        formats=[FORMATS[1], FORMATS[0]],
        node_version=2**32,
    )
    yield _validity(
        "invalid-node-before-transactions",
        ("CMP-8",),
        "node and transaction versions out of range: the node first",
        node_version=2**32,
        transactions=[tx(2**32)],
    )
    yield from generic_invalid_cases(
        "transaction_validity", {"formats": FORMATS, "node_version": 4, "transactions": TRANSACTIONS}
    )
