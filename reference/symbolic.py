"""Solver forms of the kernel helpers: the same kernels, evaluated on z3 terms (GEN-5).

`forkspec.logic` decides Python values itself and hands everything else here, so that a
kernel called with z3 terms builds the z3 term of its own expression: this is how the proofs
talk about the very function objects the reference executes. z3 is an optional dependency
(the `prove` extra): it is imported on the first solver term, and never by a run on Python
values. A value that is neither a Python value the helper accepts nor a solver term is a
`TypeError`, never a silent guess.

The encoding of values (GEN-5):

- A Python `int` is a z3 integer (unbounded, like Python's); a `bool` a z3 Boolean.
- A member of an `enum.Enum` class (a `DeploymentState`, a `ProposalState`) is a constant of
  one z3 enumeration sort per class, named after the class, with one constructor per member,
  in declaration order, named `Class.MEMBER` (`DeploymentState.ACTIVE`) so that two classes
  with a member of the same name stay apart in an SMT-LIB file. An enumeration sort has exactly those values,
  all distinct, so a symbolic state needs no range assumption and cannot be anything but a
  member. A symbolic value of such a sort is an `EnumTerm`, which compares with `==` and
  `!=` against members and other terms as a member would, so kernel code such as
  `state == DeploymentState.DEFINED` is unchanged.
- A bit mask of a solver integer is a sum over the mask's set bits of
  `(value / 2**i) % 2 * 2**i`, exact for every integer, negative ones included (z3's `/` and
  `%` by a positive constant round down, as Python's `>>` and `&` do); a bit-vector keeps
  z3's own `&`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from fractions import Fraction
from functools import cache
from typing import Any

SOLVER_MODULE = "z3.z3"


class EnumTerm:
    """A solver term of an enum class's sort: a state that a solver chooses.

    It compares with members of its class and with other terms of the same class, giving a z3
    Boolean, so that a kernel's `state == DeploymentState.ACTIVE` reads the same on both.
    """

    __slots__ = ("enum", "term")

    def __init__(self, enum: type[Enum], term: Any) -> None:
        self.enum = enum
        self.term = term

    def __eq__(self, other: object) -> Any:
        return self.term == encode(self.enum, other)

    def __ne__(self, other: object) -> Any:
        return _z3().Not(self == other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EnumTerm({self.enum.__name__}, {self.term})"


def _z3() -> Any:
    """The z3 module, imported on first use."""
    import z3

    return z3


def is_term(value: object) -> bool:
    """Whether `value` is a solver term (a z3 expression or an `EnumTerm`)."""
    return type(value).__module__ == SOLVER_MODULE or isinstance(value, EnumTerm)


@cache
def enum_sort(enum: type[Enum]) -> tuple[Any, tuple[Any, ...]]:
    """The z3 enumeration sort of an enum class and its constants, in member order."""
    names = [f"{enum.__name__}.{member.name}" for member in enum]
    sort, constants = _z3().EnumSort(enum.__name__, names)
    return sort, tuple(constants)


def enum_variable(enum: type[Enum], name: str) -> EnumTerm:
    """A fresh solver variable called `name` that ranges over the members of `enum`."""
    sort, _ = enum_sort(enum)
    return EnumTerm(enum, _z3().Const(name, sort))


def encode(enum: type[Enum], value: object) -> Any:
    """The z3 term of `value`, a member of `enum` or an `EnumTerm` of it."""
    if isinstance(value, EnumTerm) and value.enum is enum:
        return value.term
    if isinstance(value, enum):
        return enum_sort(enum)[1][list(enum).index(value)]
    raise TypeError(f"{value!r} is not a {enum.__name__} or a solver term of it")


def decode(enum: type[Enum], value: Any) -> Enum:
    """The member of `enum` that a solver constant of its sort (from a model or `simplify`) stands for."""
    for member, constant in zip(enum, enum_sort(enum)[1], strict=True):
        if value.eq(constant):
            return member
    raise TypeError(f"{value} is not a constant of the sort {enum.__name__}")


def _enum_of(*values: object) -> type[Enum] | None:
    """The enum class of the members or enum terms among `values`, or None when there are none."""
    for value in values:
        if isinstance(value, EnumTerm):
            return value.enum
        if isinstance(value, Enum):
            return type(value)
    return None


def _require_term(helper: str, *values: object) -> None:
    if not any(is_term(value) for value in values):
        kinds = ", ".join(type(value).__name__ for value in values)
        raise TypeError(f"{helper} takes Python booleans or solver terms, not ({kinds})")


# The solver forms of the helpers of `forkspec.logic`, named apart from them so that each helper
# is told from its solver form wherever it is called.


def choice(condition: Any, then: Any, otherwise: Any) -> Any:
    """The solver form of `if_then_else`: `then` where `condition` holds, else `otherwise`."""
    _require_term("if_then_else", condition)
    enum = _enum_of(then, otherwise)
    if enum is not None:
        return EnumTerm(enum, _z3().If(condition, encode(enum, then), encode(enum, otherwise)))
    return _z3().If(condition, then, otherwise)


def selection(table: Mapping[Any, Any], key: Any, default: Any) -> Any:
    """The solver form of `lookup`: `default`, or the value of the first entry whose key is `key`."""
    _require_term("lookup", key)
    result = default
    for entry, value in reversed(list(table.items())):
        result = choice(key == entry, value, result)
    return result


def conjunction(left: Any, right: Any) -> Any:
    """The solver form of `both`."""
    _require_term("both", left, right)
    return _z3().And(left, right)


def disjunction(left: Any, right: Any) -> Any:
    """The solver form of `either`."""
    _require_term("either", left, right)
    return _z3().Or(left, right)


def inverse(condition: Any) -> Any:
    """The solver form of `negation`."""
    _require_term("negation", condition)
    return _z3().Not(condition)


def bits(value: Any, mask: Any) -> Any:
    """The solver form of `masked`, `value & mask`: z3's `&` on a bit-vector, a sum of bits on an integer."""
    _require_term("masked", value)
    z3 = _z3()
    if z3.is_bv(value):
        return value & mask
    if not z3.is_int(value) or type(mask) is not int or mask < 0:
        raise TypeError(
            f"masked takes a bit-vector, or a solver integer with a non-negative int mask, not {mask!r}"
        )
    positions = [position for position in range(mask.bit_length()) if mask >> position & 1]
    return (
        z3.Sum([value / 2**position % 2 * 2**position for position in positions])
        if positions
        else z3.IntVal(0)
    )


class EnumerationSort:
    """An enum class as the sort of a proof's variables: a fresh variable is an `EnumTerm`, and a
    value of the sort in a model is decoded to its member (the shape of the prover's symbolic sorts)."""

    def __init__(self, enum: type[Enum]) -> None:
        self.enum = enum

    @property
    def name(self) -> str:
        """The sort's name: the enum class's."""
        return self.enum.__name__

    def symbol(self, name: str) -> EnumTerm:
        """A fresh variable of the sort."""
        return enum_variable(self.enum, name)

    def expression(self, symbol: EnumTerm) -> Any:
        """The z3 expression of a variable of the sort."""
        return symbol.term

    def value(self, evaluated: Any) -> Enum:
        """The member a constant of the sort stands for."""
        return decode(self.enum, evaluated)


class BitVectorSort:
    """Fixed-width bit-vectors as the sort of a proof's variables: flag masks (FLG-1), whose
    `masked` is z3's own `&`; a value in a model is decoded to its unsigned integer."""

    def __init__(self, width: int) -> None:
        self.width = width

    @property
    def name(self) -> str:
        """The sort's name as SMT-LIB writes it."""
        return f"(_ BitVec {self.width})"

    def symbol(self, name: str) -> Any:
        """A fresh variable of the sort."""
        return _z3().BitVec(name, self.width)

    def expression(self, symbol: Any) -> Any:
        """The z3 expression of a variable of the sort: the variable itself."""
        return symbol

    def value(self, evaluated: Any) -> int:
        """The unsigned integer a constant of the sort stands for."""
        return int(evaluated.as_long())


class RealSort:
    """Real numbers as the sort of a proof's variables: voting weights, whose tests are
    homogeneous per chamber, so that a claim proved over the reals holds for every integer
    weight; a value in a model is decoded to an exact `Fraction`."""

    name = "Real"

    def symbol(self, name: str) -> Any:
        """A fresh variable of the sort."""
        return _z3().Real(name)

    def expression(self, symbol: Any) -> Any:
        """The z3 expression of a variable of the sort: the variable itself."""
        return symbol

    def value(self, evaluated: Any) -> Fraction:
        """The rational number a constant of the sort stands for; an irrational algebraic
        number, which no counterexample needs, is refused."""
        if not _z3().is_rational_value(evaluated):
            raise TypeError(f"{evaluated} is not a rational number")
        return Fraction(evaluated.as_fraction())
