"""Cases of the versioning area (spec/versioning.md): parsing, precedence and bumps."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from forkspec.tools.cases import CaseSpec, generic_invalid_cases

UINT64_MAX = "18446744073709551615"
UINT64_OVER = "18446744073709551616"

VALID_FORMS = (
    ("0.0.4", "smallest-looking core"),
    ("1.2.3", "plain core"),
    ("10.20.30", "multi-digit components"),
    ("1.1.2-prerelease+meta", "pre-release and build"),
    ("1.1.2+meta", "build only"),
    ("1.1.2+meta-valid", "hyphen in build identifier"),
    ("1.0.0-alpha", "alphanumeric pre-release"),
    ("1.0.0-alpha.beta.1", "three pre-release identifiers"),
    ("1.0.0-alpha.1", "numeric pre-release identifier"),
    ("1.0.0-alpha0.valid", "alphanumeric identifier ending in a digit"),
    ("1.0.0-alpha.0valid", "alphanumeric identifier starting with zero"),
    ("1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", "hyphens everywhere"),
    ("1.0.0-rc.1+build.1", "release candidate with build"),
    ("2.0.0-rc.1+build.123", "release candidate with numeric build"),
    ("1.2.3-beta", "beta"),
    ("10.2.3-DEV-SNAPSHOT", "upper-case pre-release"),
    ("1.2.3-SNAPSHOT-123", "upper-case pre-release with digits"),
    ("2.0.0+build.1848", "build with numbers"),
    ("2.0.1-alpha.1227", "large numeric pre-release"),
    ("1.0.0-0A.is.legal", "identifier starting with zero then a letter"),
    ("1.0.0+0.build.1-rc.10000aaa-kk-0.1", "leading zero allowed in build"),
    ("1.0.0--", "hyphen-only pre-release identifier"),
    ("1.0.0-0", "zero pre-release identifier"),
    (f"{UINT64_MAX}.{UINT64_MAX}.{UINT64_MAX}", "every component at 2^64-1"),
    (f"1.0.0-{UINT64_MAX}", "numeric pre-release identifier at 2^64-1"),
    (f"1.0.0+{UINT64_OVER}0", "build identifiers are not numbers and have no bound"),
    ("1234567890.9876543210.1029384756", "every digit in every component"),
    ("1.0.0-1234567890.9876543210", "every digit in numeric pre-release identifiers"),
    (
        "1.0.0-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        "+0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "every identifier character in pre-release and build",
    ),
)

INVALID_FORMS = (
    ("1", "one component"),
    ("1.2", "two components"),
    ("1.2.3.4", "four components"),
    ("1.2.3-0123", "leading zero in numeric pre-release"),
    ("1.2.3-0123.0123", "leading zeros in two pre-release identifiers"),
    ("1.1.2+.123", "empty first build identifier"),
    ("+invalid", "build only"),
    ("-invalid", "pre-release only"),
    ("-invalid+invalid", "pre-release and build only"),
    ("-invalid.01", "pre-release with leading zero only"),
    ("alpha", "a word"),
    ("alpha.beta", "words"),
    ("alpha.1", "word and number"),
    ("1.0.0-alpha_beta", "underscore in pre-release"),
    ("1.0.0-alpha..", "empty pre-release identifiers"),
    ("1.0.0-alpha..1", "empty pre-release identifier in the middle"),
    ("1.2.3.DEV", "fourth component that is a word"),
    ("1.2-SNAPSHOT", "two components with pre-release"),
    ("1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788", "several malformations"),
    ("01.1.1", "leading zero in major"),
    ("1.01.1", "leading zero in minor"),
    ("1.1.01", "leading zero in patch"),
    ("00.0.0", "double zero major"),
    ("1.2.3-beta+", "empty build"),
    ("1.2.3-", "empty pre-release"),
    ("1.2.3-+", "empty pre-release and build"),
    ("1.2.3+meta+meta", "two plus signs"),
    ("9.8.7-whatever+meta+meta", "two plus signs after a pre-release"),
    ("v1.2.3", "leading v"),
    (" 1.2.3", "leading space"),
    ("1.2.3 ", "trailing space"),
    ("1.2.3\n", "trailing newline"),
    ("", "empty string"),
    ("1..3", "empty minor"),
    ("-1.0.0", "negative major"),
    ("1.0.0-\u00e9", "non-ASCII letter in pre-release"),
    ("\uff11.0.0", "full-width digit"),
    ("\u0661.0.0", "Arabic-Indic digit"),
    ("1.0.0+build.\u00b2", "superscript digit in build"),
    ("1.0.0-a/b", "slash just below the digits"),
    ("1.0.0-a:b", "colon just above the digits"),
    ("1.0.0-a@b", "at sign just below the upper-case letters"),
    ("1.0.0-a[b", "bracket just above the upper-case letters"),
    ("1.0.0-a`b", "backtick just below the lower-case letters"),
    ("1.0.0-a{b", "brace just above the lower-case letters"),
    ("1.0.0+a,b", "comma just below the hyphen in build"),
    ("1.0.:", "colon as a patch number"),
    ("1./.0", "slash as a minor number"),
)

OUT_OF_RANGE = (
    (f"{UINT64_OVER}.0.0", "major at 2^64"),
    (f"0.{UINT64_OVER}.0", "minor at 2^64"),
    (f"0.0.{UINT64_OVER}", "patch at 2^64"),
    (f"1.0.0-alpha.{UINT64_OVER}", "numeric pre-release identifier at 2^64"),
    ("99999999999999999999999.999999999999999999.99999999999999999", "far beyond 64 bits"),
)

# The precedence chain of semver.org section 11, lowest first.
SEMVER_PRECEDENCE_CHAIN = (
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "2.0.0",
    "2.1.0",
    "2.1.1",
)

ORDER_RULES = (
    ("1.0.0-alpha", "1.0.0", "pre-release below its release", ("VER-7", "VER-8")),
    ("1.0.0-beta.2", "1.0.0-beta.11", "numeric identifiers compare as numbers", ("VER-9",)),
    ("1.0.0-1", "1.0.0-alpha", "numeric identifier below alphanumeric", ("VER-9",)),
    ("1.0.0-0", "1.0.0--", "numeric zero below the hyphen identifier", ("VER-9",)),
    ("1.0.0-Z", "1.0.0-a", "alphanumeric identifiers compare in ASCII order", ("VER-9",)),
    ("1.0.0-a-", "1.0.0-a0", "hyphen sorts before digits in ASCII", ("VER-9",)),
    ("1.0.0-9z", "1.0.0-A", "digits sort before upper-case letters in ASCII", ("VER-9",)),
    ("1.0.0-Zz", "1.0.0-a", "upper-case letters sort before lower-case in ASCII", ("VER-9",)),
    ("1.0.0-0.a", "1.0.0-0.b", "the first differing identifier decides", ("VER-9",)),
    ("1.0.0-alpha", "1.0.0-alpha.0", "shorter identifier set is lower", ("VER-9",)),
    ("1.0.0-9", f"1.0.0-{UINT64_MAX}", "numeric identifiers beyond 32 bits", ("VER-9", "VER-5")),
    (
        "1.0.0-10",
        "1.0.0-9a",
        "a number against an alphanumeric that starts with digits",
        ("VER-9",),
    ),
    ("1.9.0", "1.10.0", "components compare as numbers", ("VER-7",)),
    ("1.0.9", "1.1.0", "minor outranks patch", ("VER-7",)),
    ("1.99.99", "2.0.0-alpha", "major outranks pre-release", ("VER-7", "VER-8")),
    (f"{UINT64_MAX}.0.0", f"{UINT64_MAX}.0.1", "components at 2^64-1", ("VER-7", "VER-5")),
)

EQUAL_PRECEDENCE = (
    ("1.0.0+build.1", "1.0.0+build.2", "build metadata is ignored"),
    ("1.0.0-rc.1+a", "1.0.0-rc.1", "build metadata on a pre-release is ignored"),
    ("1.0.0", "1.0.0", "identical versions"),
    ("1.0.0+zzz", "1.0.0+000", "build identifiers are never compared"),
)

BUMPS = (
    ("1.2.3", "2.0.0", "major"),
    ("1.2.3", "2.5.7", "major with other components changed"),
    ("1.2.3", "2.0.0-rc.1", "major to a pre-release"),
    ("0.9.9", "1.0.0", "first stable major"),
    ("1.2.3", "1.3.0", "minor"),
    ("1.2.3", "1.3.1", "minor with patch changed"),
    ("1.2.3", "1.2.4", "patch"),
    ("1.2.3", "1.2.4-rc.1", "patch to a pre-release"),
    ("1.2.3", "1.2.3", "identical versions"),
    ("1.2.3+a", "1.2.3+b", "build metadata only"),
    ("1.2.3-alpha", "1.2.3-beta", "pre-release advance"),
    ("1.2.3-rc.1", "1.2.3", "release of a pre-release"),
    (f"{UINT64_MAX}.0.0", f"{UINT64_MAX}.0.1", "patch at the 64-bit bound"),
)

DOWNGRADES = (
    ("2.0.0", "1.9.9", "lower major"),
    ("1.3.0", "1.2.9", "lower minor"),
    ("1.2.4", "1.2.3", "lower patch"),
    ("1.2.3", "1.2.3-rc.1", "release to its own pre-release"),
    ("1.2.3-beta", "1.2.3-alpha", "lower pre-release"),
    ("1.2.3-alpha.1", "1.2.3-alpha", "shorter pre-release"),
)


def _slug(text: str) -> str:
    return "".join(
        character if character.isascii() and character.isalnum() else "-" for character in text.lower()
    ).strip("-")


def case_specs() -> Iterator[CaseSpec]:
    """The versioning cases."""
    for text, why in VALID_FORMS:
        yield CaseSpec(
            "version_parse",
            f"valid-{_slug(why)}",
            ("VER-1", "VER-3", "VER-4"),
            f"valid: {why}",
            {"version": text},
        )
    for text, why in INVALID_FORMS:
        yield CaseSpec(
            "version_parse",
            f"invalid-{_slug(why)}",
            ("VER-2", "VER-6"),
            f"invalid: {why}",
            {"version": text},
        )
    for text, why in OUT_OF_RANGE:
        yield CaseSpec(
            "version_parse",
            f"invalid-range-{_slug(why)}",
            ("VER-5",),
            f"out of range: {why}",
            {"version": text},
        )

    for index, (lower, higher) in enumerate(pairwise(SEMVER_PRECEDENCE_CHAIN)):
        for left, right, direction in ((lower, higher, "lt"), (higher, lower, "gt")):
            yield CaseSpec(
                "version_compare",
                f"semver-chain-{index:02d}-{direction}",
                ("VER-7", "VER-8", "VER-9", "VER-10"),
                f"semver.org precedence example: {left} against {right}",
                {"left": left, "right": right},
            )
    yield CaseSpec(
        "version_compare",
        "semver-chain-ends",
        ("VER-7", "VER-8"),
        "the lowest and the highest of the semver.org chain",
        {"left": SEMVER_PRECEDENCE_CHAIN[0], "right": SEMVER_PRECEDENCE_CHAIN[-1]},
    )
    for lower, higher, why, requirements in ORDER_RULES:
        for left, right, direction in ((lower, higher, "lt"), (higher, lower, "gt")):
            yield CaseSpec(
                "version_compare",
                f"{_slug(why)}-{direction}",
                requirements,
                f"{why}: {left} against {right}",
                {"left": left, "right": right},
            )
    for left, right, why in EQUAL_PRECEDENCE:
        yield CaseSpec(
            "version_compare",
            f"equal-{_slug(why)}",
            ("VER-10",),
            f"{why}: {left} against {right}",
            {"left": left, "right": right},
        )
    for left, right, side in (
        ("1.0", "1.0.0", "left"),
        ("1.0.0", "01.0.0", "right"),
        (f"{UINT64_OVER}.0.0", "1.0.0", "left-range"),
    ):
        yield CaseSpec(
            "version_compare",
            f"invalid-{side}",
            ("VER-2", "VER-5"),
            f"an invalid {side} operand is rejected",
            {"left": left, "right": right},
        )

    for old, new, why in BUMPS:
        yield CaseSpec(
            "version_bump",
            _slug(why),
            ("VER-11", "VER-12"),
            f"bump {old} -> {new}: {why}",
            {"old": old, "new": new},
        )
    for old, new, why in DOWNGRADES:
        yield CaseSpec(
            "version_bump",
            f"invalid-downgrade-{_slug(why)}",
            ("VER-13",),
            f"downgrade {old} -> {new}: {why}",
            {"old": old, "new": new},
        )
    for old, new, side in (("1.2", "1.3.0", "old"), ("1.2.3", "1.3.0-", "new")):
        yield CaseSpec(
            "version_bump",
            f"invalid-{side}",
            ("VER-2",),
            f"an invalid {side} version is rejected",
            {"old": old, "new": new},
        )
    yield from generic_invalid_cases("version_parse", {"version": "1.2.3"})
    yield from generic_invalid_cases("version_compare", {"left": "1.0.0", "right": "2.0.0"})
    yield from generic_invalid_cases("version_bump", {"old": "1.2.3", "new": "1.3.0"})
