"""Versioning: Semantic Versioning 2.0.0 as the protocol uses it.

A protocol or client version is a SemVer 2.0.0 string, parsed strictly (VER-1 to VER-6),
ordered by SemVer precedence (VER-7 to VER-10), and two versions are related by the bump that
separates them (VER-11 to VER-13). Numeric components are bounded to unsigned 64 bits so that
every client can hold them in a machine word (VER-5).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from forkspec.errors import ErrorCode, reject, text_excerpt

UINT64_MAX = 2**64 - 1
UINT64_DIGITS = len(str(UINT64_MAX))
DIGITS = frozenset("0123456789")
IDENTIFIER_CHARACTERS = DIGITS | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")


@dataclass(frozen=True)
class Version:
    """A parsed version. Pre-release and build identifiers keep their exact text."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text


class Bump(StrEnum):
    """The highest version-core component that changed between two versions (VER-11)."""

    MAJOR = "major"
    MINOR = "minor"
    PATCH = "patch"
    NONE = "none"


def _is_numeric(identifier: str) -> bool:
    return bool(identifier) and set(identifier) <= DIGITS


# Each check below builds its detail only when it fails, and shows long text as an excerpt: a
# detail that quoted the whole version on every passing check made parsing quadratic.


def _numeric_value(text: str, what: str, version: str) -> int:
    """A numeric component: digits only, no leading zero, at most UINT64_MAX (VER-2, VER-5)."""
    if not _is_numeric(text):
        reject(
            ErrorCode.INVALID_VERSION,
            f"{what} {text_excerpt(text)} of {text_excerpt(version)} is not a number",
        )
    if text != "0" and text.startswith("0"):
        reject(
            ErrorCode.INVALID_VERSION,
            f"{what} {text_excerpt(text)} of {text_excerpt(version)} has a leading zero",
        )
    # Compare lengths first: a string of thousands of digits is out of range without converting it.
    if len(text) > UINT64_DIGITS or int(text) > UINT64_MAX:
        reject(ErrorCode.VERSION_OUT_OF_RANGE, f"{what} of {text_excerpt(version)} exceeds 2^64-1")
    return int(text)


def _identifiers(text: str, what: str, version: str) -> tuple[str, ...]:
    """Dot-separated, non-empty identifiers of [0-9A-Za-z-] (VER-3, VER-4)."""
    identifiers = tuple(text.split("."))
    for identifier in identifiers:
        if identifier == "":
            reject(ErrorCode.INVALID_VERSION, f"empty {what} identifier in {text_excerpt(version)}")
        if not set(identifier) <= IDENTIFIER_CHARACTERS:
            reject(
                ErrorCode.INVALID_VERSION,
                f"{what} identifier {text_excerpt(identifier)} of {text_excerpt(version)}"
                " has a character outside [0-9A-Za-z-]",
            )
    return identifiers


def parse_version(text: str) -> Version:
    """Parse a SemVer 2.0.0 string strictly, in time linear in its length.

    Implements: VER-1, VER-2, VER-3, VER-4, VER-5, VER-6.
    """
    core_and_pre, plus, build_text = text.partition("+")
    core_text, dash, pre_text = core_and_pre.partition("-")
    parts = core_text.split(".")
    if len(parts) != 3:
        reject(ErrorCode.INVALID_VERSION, f"{text_excerpt(text)} does not have the form MAJOR.MINOR.PATCH")
    major, minor, patch = (
        _numeric_value(part, name, text)
        for part, name in zip(parts, ("major", "minor", "patch"), strict=True)
    )
    prerelease: tuple[str, ...] = ()
    if dash:
        prerelease = _identifiers(pre_text, "pre-release", text)
        for identifier in prerelease:
            if _is_numeric(identifier):
                _numeric_value(identifier, "numeric pre-release identifier", text)
    build = _identifiers(build_text, "build", text) if plus else ()
    return Version(major, minor, patch, prerelease, build)


def _compare_identifiers(left: str, right: str) -> int:
    """Precedence of one pre-release identifier pair (VER-9)."""
    left_numeric, right_numeric = _is_numeric(left), _is_numeric(right)
    if left_numeric and right_numeric:
        return (int(left) > int(right)) - (int(left) < int(right))
    if left_numeric != right_numeric:
        return -1 if left_numeric else 1
    return (left > right) - (left < right)


def compare_versions(left: Version, right: Version) -> int:
    """-1, 0 or 1 as `left` has lower, equal or higher precedence. Implements: VER-7 to VER-10."""
    left_core = (left.major, left.minor, left.patch)
    right_core = (right.major, right.minor, right.patch)
    if left_core != right_core:
        return -1 if left_core < right_core else 1
    if not left.prerelease or not right.prerelease:
        return (not left.prerelease) - (not right.prerelease)
    for left_identifier, right_identifier in zip(left.prerelease, right.prerelease, strict=False):
        order = _compare_identifiers(left_identifier, right_identifier)
        if order:
            return order
    return (len(left.prerelease) > len(right.prerelease)) - (len(left.prerelease) < len(right.prerelease))


def version_bump(old: Version, new: Version) -> Bump:
    """The bump from `old` to `new`; a lower precedence is a downgrade. Implements: VER-11, VER-12, VER-13."""
    if compare_versions(new, old) < 0:
        reject(ErrorCode.VERSION_DOWNGRADE, f"{new} has lower precedence than {old}")
    if new.major != old.major:
        return Bump.MAJOR
    if new.minor != old.minor:
        return Bump.MINOR
    if new.patch != old.patch:
        return Bump.PATCH
    return Bump.NONE
