"""Cases of the compatibility area (spec/compatibility.md): deprecation schedules and statuses."""

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
