"""Logic for decision kernels.

A kernel (GEN-5) never branches on its data with Python's `if`, `and` or `or`: it combines
conditions and values with these helpers, so that the kernel is one expression over its
arguments. Each helper picks its form by the type of its arguments. On Python values it is
the ordinary operation, decided by identity with `True` and `False`, so that executing a
kernel costs what a plain branch costs. Anything else goes to the solver form of the same
operation in `forkspec.symbolic`, which builds its z3 term (importing z3 only then) or
rejects a value that is neither: the same kernel code evaluates on integers and on solver
terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from forkspec import symbolic
from forkspec.symbolic import EnumTerm

Value = TypeVar("Value")
Key = TypeVar("Key")


def if_then_else(condition: bool, then: Value, otherwise: Value) -> Value:
    """`then` where `condition` holds, else `otherwise`."""
    return (
        then
        if condition is True
        else otherwise
        if condition is False
        else symbolic.choice(condition, then, otherwise)
    )


def both(left: bool, right: bool) -> bool:
    """Conjunction of two conditions."""
    return right if left is True else False if left is False else symbolic.conjunction(left, right)


def either(left: bool, right: bool) -> bool:
    """Disjunction of two conditions."""
    return True if left is True else right if left is False else symbolic.disjunction(left, right)


def negation(condition: bool) -> bool:
    """The opposite of a condition."""
    return False if condition is True else True if condition is False else symbolic.inverse(condition)


def masked(value: int, mask: int) -> int:
    """The bits of `value` that `mask` selects, `value & mask`."""
    return value & mask if type(value) is int else symbolic.bits(value, mask)


def lookup(table: Mapping[Key, Value], key: Key, default: Value) -> Value:
    """The value `table` holds for the enum member `key`, else `default`: a table of constants
    read as one expression, so that a kernel can take it from the specification's tables."""
    return table.get(key, default) if type(key) is not EnumTerm else symbolic.selection(table, key, default)
