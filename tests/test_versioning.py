"""Versioning: strict SemVer 2.0.0 parsing, precedence and bumps (VER-1 to VER-13)."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from functools import cmp_to_key

import pytest
from forkspec.errors import ErrorCode, SpecError
from forkspec.versioning import (
    UINT64_MAX,
    Bump,
    Version,
    compare_versions,
    parse_version,
    version_bump,
)
from hypothesis import given
from hypothesis import strategies as st

# --------------------------------------------------------------------------------------------
# Helpers and strategies
# --------------------------------------------------------------------------------------------

# The regular expression semver.org publishes for SemVer 2.0.0 ("Is there a suggested regular
# expression?"), used here as an independent oracle for the syntax. `re.ASCII` keeps `\d` to
# 0-9, as the specification means it.
SEMVER_REGEX = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?",
    re.ASCII,
)


def v(text: str) -> Version:
    return parse_version(text)


def rejection_code(text: str) -> ErrorCode:
    with pytest.raises(SpecError) as excinfo:
        parse_version(text)
    return excinfo.value.code


def precedence_key(version: Version) -> tuple[object, ...]:
    """SemVer precedence as a plain sort key, written independently of compare_versions.

    A release sorts after every pre-release of its core; numeric identifiers are tagged 0 so
    they sort before alphanumeric ones (tagged 1), which compare as ASCII bytes; Python's
    tuple order gives "a shorter prefix sorts first".
    """
    core = (version.major, version.minor, version.patch)
    if not version.prerelease:
        return (core, 1, ())
    identifiers = tuple(
        (0, int(identifier), b"")
        if re.fullmatch(r"[0-9]+", identifier)
        else (1, 0, identifier.encode("ascii"))
        for identifier in version.prerelease
    )
    return (core, 0, identifiers)


def key_order(left: Version, right: Version) -> int:
    left_key, right_key = precedence_key(left), precedence_key(right)
    return (left_key > right_key) - (left_key < right_key)


# Small values make equal cores and shared pre-release prefixes common; the full range keeps
# the 64-bit bound in play.
numbers = st.one_of(st.integers(0, 3), st.integers(0, UINT64_MAX))
numeric_identifiers = numbers.map(str)
alphanumeric_identifiers = st.one_of(
    st.sampled_from(["alpha", "beta", "rc", "a", "A", "-", "0a", "a0", "x-y"]),
    st.from_regex(r"[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*", fullmatch=True),
)
prerelease_identifiers = st.one_of(numeric_identifiers, alphanumeric_identifiers)
build_identifiers = st.from_regex(r"[0-9A-Za-z-]+", fullmatch=True)
versions = st.builds(
    Version,
    major=numbers,
    minor=numbers,
    patch=numbers,
    prerelease=st.lists(prerelease_identifiers, max_size=4).map(tuple),
    build=st.lists(build_identifiers, max_size=3).map(tuple),
)
builds = st.lists(build_identifiers, max_size=3).map(tuple)


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    """A valid version with one character replaced, inserted or deleted."""
    text = str(draw(versions))
    position = draw(st.integers(0, len(text)))
    removed = draw(st.integers(0, 1))
    inserted = draw(st.sampled_from(["", "0", ".", "-", "+", "a", " ", "\uff10"]))
    return text[:position] + inserted + text[position + removed :]


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------

VALID_VERSIONS = [
    "0.0.4",
    "1.2.3",
    "10.20.30",
    "1.1.2-prerelease+meta",
    "1.1.2+meta",
    "1.1.2+meta-valid",
    "1.0.0-alpha",
    "1.0.0-beta",
    "1.0.0-alpha.beta",
    "1.0.0-alpha.beta.1",
    "1.0.0-alpha.1",
    "1.0.0-alpha0.valid",
    "1.0.0-alpha.0valid",
    "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay",
    "1.0.0-rc.1+build.1",
    "2.0.0-rc.1+build.123",
    "1.2.3-beta",
    "10.2.3-DEV-SNAPSHOT",
    "1.2.3-SNAPSHOT-123",
    "1.0.0",
    "2.0.0",
    "1.1.7",
    "2.0.0+build.1848",
    "2.0.1-alpha.1227",
    "1.0.0-alpha+beta",
    "1.2.3----RC-SNAPSHOT.12.9.1--.12+788",
    "1.2.3----R-S.12.9.1--.12+meta",
    "1.2.3----RC-SNAPSHOT.12.9.1--.12",
    "1.0.0+0.build.1-rc.10000aaa-kk-0.1",
    "1.0.0-0A.is.legal",
    # The 64-bit bound, exactly at the limit, in every numeric position.
    f"{UINT64_MAX}.{UINT64_MAX}.{UINT64_MAX}",
    f"0.0.0-{UINT64_MAX}",
    # Build identifiers are not numbers: leading zeros and any length are fine.
    "1.0.0+001",
    "1.0.0+99999999999999999999999999",
    # An alphanumeric identifier may be long and digit-heavy.
    "1.0.0-99999999999999999999999a",
]


@pytest.mark.parametrize("text", VALID_VERSIONS)
def test_valid_versions_parse_and_print_back(text: str) -> None:
    assert str(parse_version(text)) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.0.4", Version(0, 0, 4)),
        ("1.1.2-prerelease+meta", Version(1, 1, 2, ("prerelease",), ("meta",))),
        (
            "1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay",
            Version(1, 0, 0, ("alpha-a", "b-c-somethinglong"), ("build", "1-aef", "1-its-okay")),
        ),
        ("2.0.0+build.1848", Version(2, 0, 0, (), ("build", "1848"))),
        ("1.0.0-0A.is.legal", Version(1, 0, 0, ("0A", "is", "legal"))),
        (
            "1.2.3----R-S.12.9.1--.12+meta",
            Version(1, 2, 3, ("---R-S", "12", "9", "1--", "12"), ("meta",)),
        ),
        (f"{UINT64_MAX}.0.1", Version(UINT64_MAX, 0, 1)),
    ],
)
def test_parse_splits_components(text: str, expected: Version) -> None:
    assert parse_version(text) == expected


INVALID_VERSIONS = [
    "",
    "1",
    "1.2",
    "1.2.3.4",
    "1.2.3-0123",
    "1.2.3-0123.0123",
    "1.2.3-alpha.01",
    "1.1.2+.123",
    "+invalid",
    "-invalid",
    "-invalid+invalid",
    "-invalid.01",
    "alpha",
    "alpha.beta",
    "alpha.beta.1",
    "alpha.1",
    "alpha+beta",
    "alpha_beta",
    "alpha.",
    "alpha..",
    "beta",
    "1.0.0-alpha_beta",
    "-alpha.",
    "1.0.0-alpha..",
    "1.0.0-alpha..1",
    "1.0.0-alpha...1",
    "1.0.0-alpha.",
    "1.0.0-.alpha",
    "01.1.1",
    "1.01.1",
    "1.1.01",
    "1.2.3.DEV",
    "1.2-SNAPSHOT",
    "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788",
    "1.2-RC-SNAPSHOT",
    "-1.0.3-gamma+b7718",
    "+justmeta",
    "1.2.3-beta+",
    "1.2.3-+",
    "1.2.3-",
    "1.2.3+",
    "1.2.3+meta+meta",
    "9.8.7+meta+meta",
    "9.8.7-whatever+meta+meta",
    "1.0.0+build..1",
    "1.0.0+build_1",
    "..",
    "1..3",
    ".2.3",
    "1.2.",
    # Non-ASCII digits and letters.
    "\uff11.0.0",  # FULLWIDTH DIGIT ONE
    "1.\u0660.0",  # ARABIC-INDIC DIGIT ZERO
    "1.0.\u00b2",  # SUPERSCRIPT TWO (str.isdigit() is true for it)
    "1.0.0-\u0661",
    "1.0.0-alph\u00e9",
    "1.0.0+b\u00fcild",
    # Whitespace anywhere.
    " 1.0.0",
    "1.0.0 ",
    "1.0.0\n",
    "\t1.0.0",
    "1. 0.0",
    "1.0.0-alpha beta",
    "1.0.0+build 1",
    # Prefixes and signs.
    "v1.0.0",
    "V1.0.0",
    "=1.0.0",
    "+1.0.0",
    "1.-1.0",
    "1_0.0.0",
]


@pytest.mark.parametrize("text", INVALID_VERSIONS)
def test_invalid_versions_are_rejected(text: str) -> None:
    assert rejection_code(text) is ErrorCode.INVALID_VERSION


@pytest.mark.parametrize(
    "text",
    [
        "99999999999999999999999.999999999999999999.99999999999999999",
        f"{UINT64_MAX + 1}.0.0",
        f"0.{UINT64_MAX + 1}.0",
        f"0.0.{UINT64_MAX + 1}",
        f"1.0.0-{UINT64_MAX + 1}",
        f"1.0.0-alpha.{UINT64_MAX + 1}+build",
    ],
)
def test_numbers_above_uint64_are_out_of_range(text: str) -> None:
    assert rejection_code(text) is ErrorCode.VERSION_OUT_OF_RANGE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # The core must have three parts before any number is read.
        ("1.0.0.99999999999999999999", ErrorCode.INVALID_VERSION),
        # MAJOR, then MINOR, then PATCH; digits, then leading zero, then range, per component.
        ("99999999999999999999.0.x", ErrorCode.VERSION_OUT_OF_RANGE),
        ("01.99999999999999999999.0", ErrorCode.INVALID_VERSION),
        ("0.99999999999999999999.01", ErrorCode.VERSION_OUT_OF_RANGE),
        (
            "99999999999999999999999.999999999999999999.99999999999999999"
            "----RC-SNAPSHOT.12.09.1--------------------------------..12",
            ErrorCode.VERSION_OUT_OF_RANGE,
        ),
        # Pre-release: every identifier's syntax first, then numeric identifiers left to right.
        ("1.0.0-99999999999999999999.a..b", ErrorCode.INVALID_VERSION),
        ("1.0.0-99999999999999999999.a_b", ErrorCode.INVALID_VERSION),
        ("1.0.0-99999999999999999999.01", ErrorCode.VERSION_OUT_OF_RANGE),
        ("1.0.0-01.99999999999999999999", ErrorCode.INVALID_VERSION),
        # Pre-release before build.
        ("1.0.0-99999999999999999999+a..b", ErrorCode.VERSION_OUT_OF_RANGE),
        ("1.0.0-01+99999999999999999999", ErrorCode.INVALID_VERSION),
    ],
)
def test_parsing_procedure_order_decides_between_defects(text: str, code: ErrorCode) -> None:
    assert rejection_code(text) is code


@pytest.mark.parametrize("text", ["1" * 5000 + ".0.0", "1.0.0-" + "1" * 5000], ids=["major", "prerelease"])
def test_huge_numbers_are_out_of_range_not_a_crash(text: str) -> None:
    assert rejection_code(text) is ErrorCode.VERSION_OUT_OF_RANGE


@given(versions)
def test_parse_round_trips_printed_versions(version: Version) -> None:
    assert parse_version(str(version)) == version


@given(
    st.one_of(
        st.text(alphabet="0123456789.-+aZ", max_size=24),
        st.text(max_size=12),
        versions.map(str),
        near_misses(),
    )
)
def test_parse_agrees_with_the_semver_regex(text: str) -> None:
    """A string parses iff it matches the semver.org regex and its numbers fit in 64 bits."""
    match = SEMVER_REGEX.fullmatch(text)
    if match is None:
        code = rejection_code(text)
        # A syntactically invalid string is INVALID_VERSION, unless a number in it that the
        # parser reached first is too large (which needs at least 20 digits).
        if code is ErrorCode.VERSION_OUT_OF_RANGE:
            assert re.search(r"[0-9]{20}", text)
        else:
            assert code is ErrorCode.INVALID_VERSION
        return
    numbers_in_range = all(int(part) <= UINT64_MAX for part in match.groups()[:3]) and all(
        int(identifier) <= UINT64_MAX
        for identifier in (match.group(4) or "").split(".")
        if identifier.isdigit()
    )
    if numbers_in_range:
        assert str(parse_version(text)) == text
    else:
        assert rejection_code(text) is ErrorCode.VERSION_OUT_OF_RANGE


# --------------------------------------------------------------------------------------------
# Precedence
# --------------------------------------------------------------------------------------------

SEMVER_ORDER_EXAMPLES = [
    ["1.0.0", "2.0.0", "2.1.0", "2.1.1"],
    [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ],
    # Numeric comparison, not lexical; ASCII order for letters (uppercase first); numeric
    # identifiers before alphanumeric ones; the 64-bit limits.
    ["1.0.0-2", "1.0.0-10", "1.0.0-A", "1.0.0-a"],
    ["1.9.0", "1.10.0", "1.11.0"],
    ["0.0.0-0", "0.0.0", "0.0.1", f"0.0.{UINT64_MAX}", "0.1.0", f"{UINT64_MAX}.0.0"],
    [f"1.0.0-{UINT64_MAX - 1}", f"1.0.0-{UINT64_MAX}", "1.0.0-0a"],
    ["1.0.0-a", "1.0.0-a.0", "1.0.0-a.a", "1.0.0-aa", "1.0.0-b"],
    # VER-9's own examples: `Z` before `a`, `-` before `0`, a proper prefix first.
    ["1.0.0-0", "1.0.0--", "1.0.0-0a", "1.0.0-Z", "1.0.0-alpha", "1.0.0-alphab"],
]


@pytest.mark.parametrize(
    ("lower", "higher"),
    [pair for chain in SEMVER_ORDER_EXAMPLES for pair in itertools.combinations(chain, 2)],
)
def test_semver_precedence_examples(lower: str, higher: str) -> None:
    assert compare_versions(v(lower), v(higher)) == -1
    assert compare_versions(v(higher), v(lower)) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1.0.0", "1.0.0"),
        ("1.0.0+build.1", "1.0.0"),
        ("1.0.0+build.1", "1.0.0+build.2"),
        ("1.0.0-alpha+001", "1.0.0-alpha+exp.sha.5114f85"),
        ("1.0.0+20130313144700", "1.0.0+zzz"),
    ],
)
def test_build_metadata_has_no_precedence(left: str, right: str) -> None:
    assert compare_versions(v(left), v(right)) == 0
    assert compare_versions(v(right), v(left)) == 0


@given(versions, versions)
def test_compare_agrees_with_an_independent_sort_key(left: Version, right: Version) -> None:
    assert compare_versions(left, right) == key_order(left, right)


@given(versions, versions)
def test_compare_is_antisymmetric(left: Version, right: Version) -> None:
    assert compare_versions(left, right) in (-1, 0, 1)
    assert compare_versions(left, right) == -compare_versions(right, left)


@given(versions, builds)
def test_compare_is_zero_on_the_same_version_whatever_its_build(
    version: Version, build: tuple[str, ...]
) -> None:
    assert compare_versions(version, version) == 0
    assert compare_versions(version, replace(version, build=build)) == 0


@given(versions, versions, builds, builds)
def test_build_metadata_never_affects_order(
    left: Version, right: Version, left_build: tuple[str, ...], right_build: tuple[str, ...]
) -> None:
    assert compare_versions(
        replace(left, build=left_build), replace(right, build=right_build)
    ) == compare_versions(left, right)


@given(st.lists(versions, min_size=3, max_size=6))
def test_compare_is_transitive(sample: list[Version]) -> None:
    for a, b, c in itertools.permutations(sample, 3):
        ab, bc, ac = compare_versions(a, b), compare_versions(b, c), compare_versions(a, c)
        if ab <= 0 and bc <= 0:
            assert ac <= 0
            if ab < 0 or bc < 0:
                assert ac < 0
        if ab == 0 and bc == 0:
            assert ac == 0


@given(st.lists(versions, max_size=8))
def test_sorting_by_compare_is_sorting_by_precedence_key(sample: list[Version]) -> None:
    ordered = sorted(sample, key=cmp_to_key(compare_versions))
    keys = [precedence_key(version) for version in ordered]
    assert keys == sorted(keys)


# --------------------------------------------------------------------------------------------
# Bumps
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ("1.2.3", "2.0.0", Bump.MAJOR),
        ("1.9.9", "2.0.0", Bump.MAJOR),
        ("1.2.3", "2.5.7", Bump.MAJOR),
        ("1.2.3", "2.0.0-rc.1", Bump.MAJOR),
        ("1.2.3", "1.3.0", Bump.MINOR),
        ("1.2.9", "1.3.0", Bump.MINOR),
        ("1.2.3-rc.1", "1.3.0", Bump.MINOR),
        ("1.2.3", "1.2.4", Bump.PATCH),
        ("1.2.3", "1.2.4-alpha", Bump.PATCH),
        ("1.2.3", "1.2.3", Bump.NONE),
        ("1.2.3", "1.2.3+build.5", Bump.NONE),
        ("1.2.3+build.5", "1.2.3", Bump.NONE),
        ("1.2.3-rc.1", "1.2.3", Bump.NONE),
        ("1.2.3-alpha", "1.2.3-beta", Bump.NONE),
        ("0.0.0", f"{UINT64_MAX}.0.0", Bump.MAJOR),
        (f"0.0.{UINT64_MAX}", "0.1.0", Bump.MINOR),
    ],
)
def test_bump_is_the_highest_changed_core_component(old: str, new: str, bump: Bump) -> None:
    assert version_bump(v(old), v(new)) is bump


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("2.0.0", "1.9.9"),
        ("1.3.0", "1.2.99"),
        ("1.2.4", "1.2.3"),
        ("1.0.0", "1.0.0-rc.1"),
        ("1.0.0-beta", "1.0.0-alpha"),
        ("1.0.0-alpha.1", "1.0.0-alpha"),
        ("1.0.0-a", "1.0.0-1"),
    ],
)
def test_downgrade_is_rejected(old: str, new: str) -> None:
    with pytest.raises(SpecError) as excinfo:
        version_bump(v(old), v(new))
    assert excinfo.value.code is ErrorCode.VERSION_DOWNGRADE


@given(versions, versions)
def test_bump_rejects_exactly_the_downgrades(old: Version, new: Version) -> None:
    if key_order(new, old) < 0:
        with pytest.raises(SpecError) as excinfo:
            version_bump(old, new)
        assert excinfo.value.code is ErrorCode.VERSION_DOWNGRADE
    else:
        version_bump(old, new)


@given(versions, versions)
def test_bump_is_none_iff_cores_are_equal(a: Version, b: Version) -> None:
    old, new = (a, b) if key_order(a, b) <= 0 else (b, a)
    old_core, new_core = (old.major, old.minor, old.patch), (new.major, new.minor, new.patch)
    bump = version_bump(old, new)
    assert (bump is Bump.NONE) == (old_core == new_core)
    if old_core != new_core:
        first_change = next(i for i in range(3) if old_core[i] != new_core[i])
        assert bump is (Bump.MAJOR, Bump.MINOR, Bump.PATCH)[first_change]
