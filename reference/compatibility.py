"""Backwards compatibility: the deprecation registry, its policy and an endpoint's status at a
client version (CMP-1 to CMP-4).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

from forkspec.errors import ErrorCode, reject
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
