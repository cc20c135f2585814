"""Feature flags: 64-bit masks of protocol features and their progressive enablement.

Bit `i` of a mask stands for the flag registered at bit `i` (FLG-1, FLG-2). Each flag is
introduced by a protocol version and is in force at every version of equal or higher
precedence (FLG-4). A mask that reaches a client is validated: it must fit in 64 bits
(FLG-5) and name only registered flags (FLG-6): unknown bits are rejected, never ignored,
because a peer that ignored them would believe a feature is on that it does not implement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from forkspec.errors import ErrorCode, check_range, ensure
from forkspec.kernels import is_subset
from forkspec.versioning import Version, compare_versions, parse_version

MASK_BITS = 64
MASK_LIMIT = 2**MASK_BITS


@dataclass(frozen=True)
class FeatureFlag:
    """A registered flag: its name, its bit and the protocol version that introduces it."""

    name: str
    bit: int
    introduced_in: Version


FLAG_REGISTRY: tuple[FeatureFlag, ...] = (
    FeatureFlag("CROSS_SHARD_V2", 0, parse_version("2.0.0")),
    FeatureFlag("AGGREGATED_SIGNATURES", 1, parse_version("2.1.0")),
    FeatureFlag("ZK_RECURSION", 2, parse_version("3.0.0")),
    FeatureFlag("ENCRYPTED_MEMPOOL", 3, parse_version("3.1.0")),
)
KNOWN_MASK = sum(1 << flag.bit for flag in FLAG_REGISTRY)


class MaskOperation(StrEnum):
    """The set operations on masks (FLG-8)."""

    INTERSECTION = "intersection"
    UNION = "union"
    DIFFERENCE = "difference"


def validate_mask(mask: int) -> int:
    """Return `mask` if it fits in 64 bits and names only registered flags. Implements: FLG-5, FLG-6."""
    check_range(mask, 0, MASK_LIMIT - 1, ErrorCode.FLAG_MASK_OUT_OF_RANGE, "mask")
    ensure(
        is_subset(mask, KNOWN_MASK),
        ErrorCode.UNKNOWN_FLAG_BITS,
        f"mask {mask:#x} sets bits {mask & ~KNOWN_MASK:#x} that no flag is registered at",
    )
    return mask


def flag_names(mask: int) -> tuple[str, ...]:
    """The names of the flags set in a valid `mask`, in bit order. Implements: FLG-3."""
    return tuple(flag.name for flag in FLAG_REGISTRY if mask >> flag.bit & 1)


def encode_flags(names: Iterable[str]) -> int:
    """The mask of the named flags; unknown or repeated names are rejected. Implements: FLG-3, FLG-7."""
    by_name = {flag.name: flag for flag in FLAG_REGISTRY}
    mask = 0
    for name in names:
        ensure(name in by_name, ErrorCode.UNKNOWN_FLAG, f"no flag is registered as {name!r}")
        bit = 1 << by_name[name].bit
        ensure(not mask & bit, ErrorCode.DUPLICATE_FLAG, f"flag {name} is named twice")
        mask |= bit
    return mask


# A node meets few distinct versions: each one's flags are computed once, in a bounded cache.
@lru_cache(maxsize=1024)
def flags_in_force(protocol_version: Version) -> int:
    """The mask of the flags in force at `protocol_version`. Implements: FLG-4."""
    return sum(
        1 << flag.bit for flag in FLAG_REGISTRY if compare_versions(flag.introduced_in, protocol_version) <= 0
    )


def check_mask_at_version(mask: int, protocol_version: Version) -> int:
    """Validate `mask` and require every flag in it to be in force at `protocol_version`.

    Implements: FLG-5, FLG-6, FLG-10.
    """
    validate_mask(mask)
    in_force = flags_in_force(protocol_version)
    ensure(
        is_subset(mask, in_force),
        ErrorCode.FLAG_NOT_INTRODUCED,
        f"{', '.join(flag_names(mask & ~in_force))} not yet introduced at {protocol_version}",
    )
    return mask


def combine_masks(operation: MaskOperation, left: int, right: int) -> int:
    """Intersection, union or difference of two valid masks. Implements: FLG-8."""
    validate_mask(left)
    validate_mask(right)
    match operation:
        case MaskOperation.INTERSECTION:
            return left & right
        case MaskOperation.UNION:
            return left | right
        case MaskOperation.DIFFERENCE:
            return left & ~right


def mask_is_subset(inner: int, outer: int) -> bool:
    """Whether valid mask `inner` is a subset of valid mask `outer`. Implements: FLG-9."""
    return is_subset(validate_mask(inner), validate_mask(outer))
