"""Proof obligations: what `forkspec prove` discharges, and the API an area uses to add its own.

An obligation (GEN-9, spec/README.md "Proof obligations") is a claim about the functions the
reference executes, stated over named integer (or boolean) variables:

- **assumptions**: named conditions (`A1`, `D1`, ...), each in words, as a formula in words,
  and as a predicate;
- a **goal**: the claim. Proved means the solvers answer `unsat` for
  assumptions ∧ ¬goal;
- a **witness**: an extra condition that must be satisfiable together with all assumptions,
  so that the assumptions are not contradictory and the proof is not vacuous;
- **mutants**: deliberately wrong variants (of the kernel, of an assumption, or a claim that
  is *not* made) that must be refuted: their query assumptions ∧ ¬goal must be satisfiable.
  Each counterexample is replayed on the concrete Python code and becomes a regression
  vector through `regression`.

Predicates are plain Python functions of a `Values` mapping (variable name -> value). The
prover calls each one twice: on z3 terms, to build the query, and on the integers of a
counterexample, to replay it on the Python code. A predicate therefore uses only arithmetic,
comparisons, the kernels of the reference (which evaluate on both kinds of value), and the
connectives below (`all_of`, `any_of`, `implies`, `negation`, `ratio_at_least`,
`floor_division`), which pick
the Python or the z3 form by the type of their arguments. A predicate never uses Python's
`and`, `or`, `not` or `if` on values.

An area adds obligations in a module `forkspec.tools.proofs.<area>` with a function
`obligations() -> tuple[Obligation, ...]`, and one line in `AREAS` below. IDs are `PRF-N`;
the number ranges per area are in spec/README.md.

The stable API: `Sort`, `SymbolicSort`, `Variable`, `Assumption`, `Goal`, `Witness`, `MutantKind`, `Mutant`,
`RegressionCase`, `Obligation`, `Values`, `Predicate`, the connectives above, `integers`,
`kernel_in`, and `all_obligations`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any, Protocol

import z3

# Values are Python ints and bools on replay, z3 terms while a query is built.
Values = Mapping[str, Any]
Predicate = Callable[[Values], Any]

# The modules that define obligations, in the order of their ID ranges (spec/README.md).
AREAS = (
    "forkspec.tools.proofs.thresholds",
    "forkspec.tools.proofs.activation_safety",
    "forkspec.tools.proofs.signaling",
    "forkspec.tools.proofs.coordination",
    "forkspec.tools.proofs.negotiation",
    "forkspec.tools.proofs.migration",
    "forkspec.tools.proofs.compatibility",
    "forkspec.tools.proofs.governance",
    "forkspec.tools.proofs.emergency",
)


class Sort(StrEnum):
    """The SMT-LIB sort of a variable."""

    INT = "Int"
    BOOL = "Bool"


class SymbolicSort(Protocol):
    """A sort other than Int and Bool (an enumeration of states, for instance), supplied by its author.

    `symbol` makes the value a predicate receives for a variable of this sort (a z3 term, or an
    object wrapping one); `expression` gives the z3 expression inside it, which the prover
    evaluates in a model; `value` turns that evaluated expression into the Python value the
    predicates receive on replay (an enum member). `name` is the sort's name in the report.
    Every z3 term lives in z3's main context.
    """

    @property
    def name(self) -> str: ...

    def symbol(self, name: str) -> Any: ...

    def expression(self, symbol: Any) -> Any: ...

    def value(self, evaluated: Any) -> Any: ...


@dataclass(frozen=True)
class Variable:
    """A free variable of an obligation, with what it stands for."""

    name: str
    words: str
    sort: Sort | SymbolicSort = Sort.INT

    @property
    def sort_name(self) -> str:
        """The sort's name as the report shows it."""
        return self.sort.value if isinstance(self.sort, Sort) else self.sort.name


@dataclass(frozen=True)
class Assumption:
    """A named assumption: `holds(values)` is its predicate, `formula` the same in plain notation."""

    name: str
    words: str
    formula: str
    holds: Predicate


@dataclass(frozen=True)
class Goal:
    """What an obligation claims."""

    words: str
    formula: str
    holds: Predicate


@dataclass(frozen=True)
class Witness:
    """A condition satisfiable with all assumptions: the proof is not vacuous."""

    words: str
    formula: str
    holds: Predicate


class MutantKind(StrEnum):
    """What a mutant changes."""

    KERNEL = "kernel"  # a wrong variant of the code the goal talks about
    ASSUMPTION = "assumption"  # an assumption weakened or replaced
    CLAIM = "claim"  # a stronger goal that is deliberately not claimed: a documented refutation


@dataclass(frozen=True)
class RegressionCase:
    """A vector case built from a counterexample; its expected output comes from the reference.

    `handler`, `input`, `presets` and `requirements` are as in `forkspec.tools.cases.CaseSpec`;
    the prover names the case after the obligation and the mutant.
    """

    handler: str
    description: str
    input: Mapping[str, Any]
    presets: tuple[str, ...] = ("mainnet",)
    requirements: tuple[str, ...] = ()  # empty: the obligation's requirements


@dataclass(frozen=True)
class Mutant:
    """A deliberately wrong variant that must be refuted with a counterexample.

    `assumptions` and `goal` replace the obligation's where given. `bounds` restricts the
    counterexample (to values a handler accepts, for instance) without being an assumption of
    the mutant; `smallest` names an integer variable whose value the prover minimises, so the
    report shows the smallest counterexample and proves that none is smaller. `regression`
    turns the counterexample's values (ints, bools, and the values of symbolic sorts) into a
    vector case; `refused` says that the reference refuses that case, whose slug then starts
    with `invalid-` as every case expecting an error does (VEC-16).
    """

    name: str
    kind: MutantKind
    words: str
    regression: Callable[[Mapping[str, Any]], RegressionCase]
    assumptions: tuple[Assumption, ...] | None = None
    goal: Goal | None = None
    bounds: Predicate | None = None
    smallest: str | None = None
    refused: bool = False


@dataclass(frozen=True)
class Obligation:
    """One proof obligation (GEN-9).

    `kernels` are the function objects of the reference the goal is about; their source is
    hashed into the report. `logic` is the SMT-LIB logic of every query; `encoding` says in
    words which sorts are used and which abstractions, and why they are sound. `not_proven`
    lists what an auditor might expect and the obligation does not claim.
    """

    id: str
    title: str
    statement: str
    requirements: tuple[str, ...]
    variables: tuple[Variable, ...]
    assumptions: tuple[Assumption, ...]
    goal: Goal
    witness: Witness
    mutants: tuple[Mutant, ...]
    kernels: tuple[Callable[..., Any], ...]
    logic: str
    encoding: str
    not_proven: tuple[str, ...] = field(default=())


def integers(*names_and_words: tuple[str, str]) -> tuple[Variable, ...]:
    """Integer variables from (name, words) pairs."""
    return tuple(Variable(name, words) for name, words in names_and_words)


def _symbolic(values: tuple[Any, ...]) -> bool:
    return any(isinstance(value, z3.ExprRef) for value in values)


def _as_z3(value: Any, context: z3.Context) -> z3.BoolRef:
    return value if isinstance(value, z3.BoolRef) else z3.BoolVal(bool(value), ctx=context)


def _context(values: tuple[Any, ...]) -> z3.Context:
    return next(value.ctx for value in values if isinstance(value, z3.ExprRef))


def all_of(*conditions: Any) -> Any:
    """Conjunction of `conditions` (true when there are none)."""
    if not _symbolic(conditions):
        return all(conditions)
    context = _context(conditions)
    return z3.And(*(_as_z3(condition, context) for condition in conditions))


def any_of(*conditions: Any) -> Any:
    """Disjunction of `conditions` (false when there are none)."""
    if not _symbolic(conditions):
        return any(conditions)
    context = _context(conditions)
    return z3.Or(*(_as_z3(condition, context) for condition in conditions))


def negation(condition: Any) -> Any:
    """The negation of `condition`."""
    return z3.Not(condition) if isinstance(condition, z3.ExprRef) else not condition


def implies(premise: Any, conclusion: Any) -> Any:
    """`premise` implies `conclusion`."""
    if not _symbolic((premise, conclusion)):
        return (not premise) or bool(conclusion)
    context = _context((premise, conclusion))
    return z3.Implies(_as_z3(premise, context), _as_z3(conclusion, context))


def ratio_at_least(part: Any, whole: Any, numerator: Any, denominator: int) -> Any:
    """The exact rational statement: `part` is at least the fraction numerator / denominator of `whole`.

    On integers it is a `Fraction` comparison; on z3 terms a comparison of reals, the fraction
    times the whole, so it states the meaning of a threshold without the integer
    cross-multiplication that a kernel uses (and without a division by a variable).
    """
    if not _symbolic((part, whole, numerator)):
        return Fraction(part) >= Fraction(numerator, denominator) * whole
    context = _context((part, whole, numerator))
    share = z3.ToReal(numerator) if isinstance(numerator, z3.ExprRef) else z3.RealVal(numerator, ctx=context)
    return z3.ToReal(part) >= share / z3.RealVal(denominator, ctx=context) * z3.ToReal(whole)


def floor_division(dividend: Any, divisor: Any) -> Any:
    """Integer division rounding down, for a positive divisor (SMT-LIB `div` on z3 integers)."""
    return dividend / divisor if _symbolic((dividend, divisor)) else dividend // divisor


def kernel_in(module: object, name: str) -> Callable[..., Any]:
    """The function `name` as `module` sees it when it runs: the very object it calls.

    Looked up at the time the obligation is built, so that a kernel replaced in that module
    (a broken kernel in a test) is the one proved about.
    """
    function: Callable[..., Any] = getattr(module, name)
    return function


def all_obligations() -> tuple[Obligation, ...]:
    """Every obligation of every area, in ID order; a repeated ID is an error of the author."""
    found: list[Obligation] = []
    for area in AREAS:
        found.extend(importlib.import_module(area).obligations())
    ids = [obligation.id for obligation in found]
    repeated = sorted({identifier for identifier in ids if ids.count(identifier) > 1})
    if repeated:
        raise ValueError(f"obligation IDs defined twice: {repeated}")
    return tuple(sorted(found, key=lambda obligation: int(obligation.id.removeprefix("PRF-"))))
