"""Decision kernels shared by several areas.

Each kernel is a single arithmetic expression over its arguments, with no branching on data,
no division and no floats, so that it evaluates the same way on Python integers and on
solver terms (GEN-5).
"""

from __future__ import annotations

from forkspec.presets import BASIS_POINTS


def meets_threshold(support: int, total: int, threshold_bps: int) -> bool:
    """Whether `support` is at least `threshold_bps` basis points of `total`, by cross-multiplication.

    Implements: GEN-5, CLS-6.
    """
    return support * BASIS_POINTS >= threshold_bps * total


def is_subset(inner: int, outer: int) -> bool:
    """Whether every bit set in mask `inner` is set in mask `outer`. Implements: FLG-9."""
    return inner & ~outer == 0
