"""Logic for decision kernels.

A kernel (GEN-5) never branches on its data with Python's `if`, `and` or `or`: it combines
conditions and values with these helpers, so that the kernel is one expression over its
arguments. On Python values they are the ordinary operations; a solver back end supplies its
own forms of the same three operations for the same kernel code.
"""

from __future__ import annotations

from typing import TypeVar

Value = TypeVar("Value")


def if_then_else(condition: bool, then: Value, otherwise: Value) -> Value:
    """`then` where `condition` holds, else `otherwise`."""
    return then if condition else otherwise


def both(left: bool, right: bool) -> bool:
    """Conjunction of two conditions."""
    return left and right
