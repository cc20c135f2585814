"""Decision kernels shared by several areas.

Each kernel is a single expression over its arguments, with no branching on data, no division
and no floats, through the helpers of `forkspec.logic`, so that it evaluates the same way on
Python integers and on solver terms (GEN-5).
"""

from __future__ import annotations

from forkspec.logic import masked
from forkspec.presets import BASIS_POINTS


def meets_threshold(support: int, total: int, threshold_bps: int) -> bool:
    """Whether `support` is at least `threshold_bps` basis points of `total`, by cross-multiplication.

    Implements: GEN-5, CLS-6.
    """
    return support * BASIS_POINTS >= threshold_bps * total


VERSION_BITS_TOP_MASK = 0xE0000000
VERSION_BITS_TOP_BITS = 0x20000000


def is_signaling(version: int, bit: int) -> bool:
    """Whether a block version signals for `bit`: top three bits 001 and the bit set. Implements: SIG-6.

    On solver terms the version is a bit-vector (and the bit may be one too) or an integer
    (and the bit a Python int, which makes the mask a constant).
    """
    mask = VERSION_BITS_TOP_MASK | 1 << bit
    return masked(version, mask) == VERSION_BITS_TOP_BITS | 1 << bit


def is_subset(inner: int, outer: int) -> bool:
    """Whether every bit set in mask `inner` is set in mask `outer`. Implements: FLG-9.

    On solver terms `inner` is a bit-vector, or an integer with `outer` a Python int.
    """
    return masked(inner, outer) == inner
