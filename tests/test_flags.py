"""Feature flags: the registry, masks, progressive enablement and mask algebra (FLG-1 to FLG-10)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from forkspec.errors import ErrorCode, SpecError
from forkspec.flags import (
    FLAG_REGISTRY,
    KNOWN_MASK,
    FeatureFlag,
    MaskOperation,
    check_mask_at_version,
    combine_masks,
    encode_flags,
    flag_names,
    flags_in_force,
    mask_is_subset,
    validate_mask,
)
from forkspec.versioning import UINT64_MAX, Version, compare_versions, parse_version
from hypothesis import given
from hypothesis import strategies as st

FLAG_IDS = [flag.name for flag in FLAG_REGISTRY]
BY_NAME = {flag.name: flag for flag in FLAG_REGISTRY}


def bit(flag: FeatureFlag) -> int:
    return 1 << flag.bit


def mask_of(*names: str) -> int:
    """A mask built by hand from bit positions, independently of encode_flags."""
    return sum(bit(BY_NAME[name]) for name in names)


def rejection(function: Callable[..., object], *args: object) -> ErrorCode:
    with pytest.raises(SpecError) as excinfo:
        function(*args)
    return excinfo.value.code


def greatest_release_below(version: Version) -> Version:
    """The highest-precedence release strictly below the release `version`."""
    if version.patch:
        return Version(version.major, version.minor, version.patch - 1)
    if version.minor:
        return Version(version.major, version.minor - 1, UINT64_MAX)
    return Version(version.major - 1, UINT64_MAX, UINT64_MAX)


# Invalid masks, one of each kind, with the code that rejects them.
INVALID_MASKS = [
    (-1, ErrorCode.FLAG_MASK_OUT_OF_RANGE),
    (2**64, ErrorCode.FLAG_MASK_OUT_OF_RANGE),
    (1 << 4, ErrorCode.UNKNOWN_FLAG_BITS),
    (1 << 63, ErrorCode.UNKNOWN_FLAG_BITS),
]

# Masks made only of registered bits, and masks that may carry any of the 64 bits or none.
valid_masks = st.sets(st.sampled_from(FLAG_REGISTRY)).map(lambda flags: sum(map(bit, flags)))
any_integers = st.one_of(st.integers(-(2**66), 2**66), st.integers(0, UINT64_MAX), valid_masks)
flag_name_lists = st.lists(st.sampled_from(FLAG_IDS), unique=True)

# Versions clustered around the registry's introduction versions, with pre-releases and builds.
protocol_versions = st.builds(
    Version,
    major=st.integers(0, 4),
    minor=st.one_of(st.integers(0, 2), st.just(UINT64_MAX)),
    patch=st.one_of(st.integers(0, 2), st.just(UINT64_MAX)),
    prerelease=st.one_of(
        st.just(()), st.sampled_from([("0",), ("alpha",), ("rc", "1"), ("rc", "2"), ("zzz",)])
    ),
    build=st.one_of(st.just(()), st.just(("build", "7"))),
)

# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


def test_registry_bits_and_names_are_distinct_and_fit_in_64_bits() -> None:
    bits = [flag.bit for flag in FLAG_REGISTRY]
    names = [flag.name for flag in FLAG_REGISTRY]
    assert len(set(bits)) == len(bits)
    assert len(set(names)) == len(names)
    assert all(0 <= b < 64 for b in bits)
    assert sum(1 << b for b in bits) == KNOWN_MASK


def test_registry_is_the_specified_table() -> None:
    assert [(flag.name, flag.bit, str(flag.introduced_in)) for flag in FLAG_REGISTRY] == [
        ("CROSS_SHARD_V2", 0, "2.0.0"),
        ("AGGREGATED_SIGNATURES", 1, "2.1.0"),
        ("ZK_RECURSION", 2, "3.0.0"),
        ("ENCRYPTED_MEMPOOL", 3, "3.1.0"),
    ]


# --------------------------------------------------------------------------------------------
# Encoding and decoding
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", FLAG_REGISTRY, ids=FLAG_IDS)
def test_each_flag_encodes_to_its_bit(flag: FeatureFlag) -> None:
    assert encode_flags([flag.name]) == bit(flag)
    assert flag_names(bit(flag)) == (flag.name,)


def test_empty_set_encodes_to_zero() -> None:
    assert encode_flags([]) == 0
    assert flag_names(0) == ()


@given(flag_name_lists)
def test_encode_then_decode_gives_the_names_in_bit_order(names: list[str]) -> None:
    mask = encode_flags(names)
    assert mask == mask_of(*names)
    assert flag_names(mask) == tuple(sorted(names, key=lambda name: BY_NAME[name].bit))


@given(valid_masks)
def test_decode_then_encode_gives_the_mask(mask: int) -> None:
    assert encode_flags(flag_names(validate_mask(mask))) == mask


@pytest.mark.parametrize(
    "names",
    [
        ["NOT_A_FLAG"],
        ["cross_shard_v2"],
        [""],
        ["CROSS_SHARD_V2", "CROSS_SHARD_V2 "],
        ["ZK_RECURSION", "ENCRYPTED_MEMPOOL", "BIT_4"],
    ],
)
def test_unknown_flag_name_is_rejected(names: list[str]) -> None:
    assert rejection(encode_flags, names) is ErrorCode.UNKNOWN_FLAG


@pytest.mark.parametrize(
    "names",
    [
        ["CROSS_SHARD_V2", "CROSS_SHARD_V2"],
        ["ZK_RECURSION", "ENCRYPTED_MEMPOOL", "ZK_RECURSION"],
        FLAG_IDS + FLAG_IDS[-1:],
    ],
)
def test_duplicate_flag_name_is_rejected(names: list[str]) -> None:
    assert rejection(encode_flags, names) is ErrorCode.DUPLICATE_FLAG


# --------------------------------------------------------------------------------------------
# Mask validation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [0, KNOWN_MASK, *(bit(flag) for flag in FLAG_REGISTRY)])
def test_masks_of_registered_flags_are_valid(mask: int) -> None:
    assert validate_mask(mask) == mask


@pytest.mark.parametrize("mask", [-1, -(2**64), 2**64, 2**64 + 1, 2**100])
def test_mask_outside_64_bits_is_out_of_range(mask: int) -> None:
    assert rejection(validate_mask, mask) is ErrorCode.FLAG_MASK_OUT_OF_RANGE


@pytest.mark.parametrize("mask", [1 << 4, 1 << 63, 2**64 - 1, KNOWN_MASK | 1 << 4, 1 | 1 << 63, 0xF0])
def test_mask_with_unregistered_bits_is_rejected(mask: int) -> None:
    assert rejection(validate_mask, mask) is ErrorCode.UNKNOWN_FLAG_BITS


@given(any_integers)
def test_validate_mask_accepts_exactly_registered_64_bit_masks(mask: int) -> None:
    registered_bits = {flag.bit for flag in FLAG_REGISTRY}
    if not 0 <= mask <= UINT64_MAX:
        assert rejection(validate_mask, mask) is ErrorCode.FLAG_MASK_OUT_OF_RANGE
    elif any(mask >> b & 1 for b in range(64) if b not in registered_bits):
        assert rejection(validate_mask, mask) is ErrorCode.UNKNOWN_FLAG_BITS
    else:
        assert validate_mask(mask) == mask


# --------------------------------------------------------------------------------------------
# Progressive enablement
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", FLAG_REGISTRY, ids=FLAG_IDS)
def test_flag_is_not_in_force_below_its_version(flag: FeatureFlag) -> None:
    introduced = flag.introduced_in
    below = [
        greatest_release_below(introduced),
        Version(introduced.major, introduced.minor, introduced.patch, ("0",)),
        Version(introduced.major, introduced.minor, introduced.patch, ("rc", "1")),
        Version(introduced.major, introduced.minor, introduced.patch, ("zzzz",), ("build",)),
    ]
    for version in below:
        assert not flags_in_force(version) & bit(flag), str(version)


@pytest.mark.parametrize("flag", FLAG_REGISTRY, ids=FLAG_IDS)
def test_flag_is_in_force_at_and_above_its_version(flag: FeatureFlag) -> None:
    introduced = flag.introduced_in
    at_or_above = [
        introduced,
        Version(introduced.major, introduced.minor, introduced.patch, (), ("build", "1")),
        Version(introduced.major, introduced.minor, introduced.patch + 1),
        Version(introduced.major, introduced.minor, introduced.patch + 1, ("rc", "1")),
        Version(introduced.major, introduced.minor + 1, 0),
        Version(introduced.major + 1, 0, 0, ("alpha",)),
        Version(UINT64_MAX, UINT64_MAX, UINT64_MAX),
    ]
    for version in at_or_above:
        assert flags_in_force(version) & bit(flag), str(version)


@pytest.mark.parametrize(
    ("version", "names"),
    [
        ("0.0.0", []),
        ("1.99.99", []),
        ("2.0.0-rc.1", []),
        ("2.0.0", ["CROSS_SHARD_V2"]),
        ("2.0.5+build.1", ["CROSS_SHARD_V2"]),
        ("2.1.0-rc.1", ["CROSS_SHARD_V2"]),
        ("2.1.0", ["CROSS_SHARD_V2", "AGGREGATED_SIGNATURES"]),
        ("3.0.0-alpha", ["CROSS_SHARD_V2", "AGGREGATED_SIGNATURES"]),
        ("3.0.0", ["CROSS_SHARD_V2", "AGGREGATED_SIGNATURES", "ZK_RECURSION"]),
        ("3.0.9", ["CROSS_SHARD_V2", "AGGREGATED_SIGNATURES", "ZK_RECURSION"]),
        ("3.1.0", FLAG_IDS),
        ("42.0.0", FLAG_IDS),
    ],
)
def test_flags_in_force_at_versions(version: str, names: list[str]) -> None:
    assert flags_in_force(parse_version(version)) == mask_of(*names)


@given(protocol_versions, protocol_versions)
def test_flags_in_force_is_monotonic_in_version(a: Version, b: Version) -> None:
    low, high = (a, b) if compare_versions(a, b) <= 0 else (b, a)
    assert mask_is_subset(flags_in_force(low), flags_in_force(high))
    if compare_versions(a, b) == 0:
        assert flags_in_force(a) == flags_in_force(b)


@given(protocol_versions)
def test_flags_in_force_is_a_valid_mask(version: Version) -> None:
    assert validate_mask(flags_in_force(version)) == flags_in_force(version)


@pytest.mark.parametrize(
    ("mask", "version"),
    [
        (mask_of("ZK_RECURSION"), "2.1.0"),
        (mask_of("ZK_RECURSION"), "3.0.0-rc.1"),
        (mask_of("CROSS_SHARD_V2"), "2.0.0-rc.1"),
        (mask_of("CROSS_SHARD_V2", "AGGREGATED_SIGNATURES"), "2.0.9"),
        (KNOWN_MASK, "3.0.99"),
    ],
)
def test_mask_with_a_flag_not_yet_introduced_is_rejected(mask: int, version: str) -> None:
    assert rejection(check_mask_at_version, mask, parse_version(version)) is (ErrorCode.FLAG_NOT_INTRODUCED)


@pytest.mark.parametrize(("mask", "code"), INVALID_MASKS)
def test_check_mask_at_version_validates_the_mask_first(mask: int, code: ErrorCode) -> None:
    assert rejection(check_mask_at_version, mask, parse_version("0.0.1")) is code


@given(valid_masks, protocol_versions)
def test_check_mask_accepts_exactly_masks_in_force(mask: int, version: Version) -> None:
    in_force = {flag.name for flag in FLAG_REGISTRY if compare_versions(flag.introduced_in, version) <= 0}
    if set(flag_names(mask)) <= in_force:
        assert check_mask_at_version(mask, version) == mask
    else:
        assert rejection(check_mask_at_version, mask, version) is ErrorCode.FLAG_NOT_INTRODUCED


# --------------------------------------------------------------------------------------------
# Mask algebra
# --------------------------------------------------------------------------------------------


def names_of(mask: int) -> set[str]:
    return set(flag_names(mask))


@given(valid_masks, valid_masks)
def test_combine_is_the_set_operation_on_flag_names(left: int, right: int) -> None:
    assert names_of(combine_masks(MaskOperation.INTERSECTION, left, right)) == (
        names_of(left) & names_of(right)
    )
    assert names_of(combine_masks(MaskOperation.UNION, left, right)) == (names_of(left) | names_of(right))
    assert names_of(combine_masks(MaskOperation.DIFFERENCE, left, right)) == (
        names_of(left) - names_of(right)
    )


@given(valid_masks, valid_masks)
def test_set_operation_laws(left: int, right: int) -> None:
    intersection = combine_masks(MaskOperation.INTERSECTION, left, right)
    union = combine_masks(MaskOperation.UNION, left, right)
    difference = combine_masks(MaskOperation.DIFFERENCE, left, right)
    assert mask_is_subset(intersection, left)
    assert mask_is_subset(intersection, right)
    assert mask_is_subset(left, union)
    assert mask_is_subset(right, union)
    assert mask_is_subset(difference, left)
    assert combine_masks(MaskOperation.INTERSECTION, difference, right) == 0
    assert combine_masks(MaskOperation.UNION, difference, intersection) == left
    for result in (intersection, union, difference):
        assert validate_mask(result) == result


@given(valid_masks)
def test_subset_is_reflexive(mask: int) -> None:
    assert mask_is_subset(mask, mask)
    assert mask_is_subset(0, mask)
    assert mask_is_subset(mask, KNOWN_MASK)


@given(valid_masks, valid_masks)
def test_subset_is_antisymmetric(a: int, b: int) -> None:
    if mask_is_subset(a, b) and mask_is_subset(b, a):
        assert a == b


@given(valid_masks, valid_masks, valid_masks)
def test_subset_is_transitive(a: int, b: int, c: int) -> None:
    if mask_is_subset(a, b) and mask_is_subset(b, c):
        assert mask_is_subset(a, c)
    # And the union/intersection chain always gives a comparable triple.
    low = combine_masks(MaskOperation.INTERSECTION, a, b)
    high = combine_masks(MaskOperation.UNION, a, c)
    assert mask_is_subset(low, a) and mask_is_subset(a, high) and mask_is_subset(low, high)


@given(valid_masks, valid_masks)
def test_subset_iff_intersection_is_the_inner_mask(inner: int, outer: int) -> None:
    subset = mask_is_subset(inner, outer)
    assert subset == (combine_masks(MaskOperation.INTERSECTION, inner, outer) == inner)
    assert subset == (names_of(inner) <= names_of(outer))


@pytest.mark.parametrize(("mask", "code"), INVALID_MASKS)
@pytest.mark.parametrize("operation", list(MaskOperation))
@pytest.mark.parametrize("position", ["left", "right"])
def test_combine_validates_both_masks(
    operation: MaskOperation, position: str, mask: int, code: ErrorCode
) -> None:
    left, right = (mask, 0) if position == "left" else (0, mask)
    assert rejection(combine_masks, operation, left, right) is code


@pytest.mark.parametrize(("mask", "code"), INVALID_MASKS)
@pytest.mark.parametrize("position", ["inner", "outer"])
def test_subset_validates_both_masks(position: str, mask: int, code: ErrorCode) -> None:
    inner, outer = (mask, KNOWN_MASK) if position == "inner" else (0, mask)
    assert rejection(mask_is_subset, inner, outer) is code
