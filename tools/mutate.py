"""`forkspec mutate`: mutation testing of the reference against the committed vectors.

A mutant is the reference with one small change to its decision code (a flipped comparison,
an off-by-one constant, swapped operands, `and` for `or`, a negated condition, a dropped
statement, a constant return). Each mutant runs against the vector set in-process exactly as
the runner judges an adapter's answers: every case goes through `run_handler`, the answer is
encoded and decoded as a protocol line, and `judge` gives the verdict. A mutant is killed when
a case's verdict is not PASS (an uncaught exception is the ERROR a crashed adapter earns), and
it is also detected when it exceeds its time budget or kills its process. A mutant that
survives points at a rule the vectors do not pin down, unless it is equivalent: then it is
listed in `mutation-equivalents.yaml` with the reason, and excluded from the score.

How it stays fast and faithful:
- Each mutant runs in a process forked after the vectors are loaded, so that nothing a mutant
  does outlives it and an endless loop is cut off by the time budget.
- The mutated module is compiled and executed into its own module object, then every reference
  module that imports it is executed again in import order, so that a caller that did
  `from forkspec.x import f` sees the mutant as well. Before any mutant of a module runs, the
  same re-execution with the module unchanged must pass every case: the harness checks itself.
- A first pass, with a probe at the top of every function, records which functions each case
  executes; a mutant inside a function runs only the cases that execute that function. A
  mutant outside any function, or in a function that runs while the modules are executed, runs
  every case.
"""

from __future__ import annotations

import ast
import copy
import inspect
import json
import os
import random
import resource
import selectors
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from importlib import import_module
from importlib.resources import files
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

import click
import yaml
from forkspec.conformance.protocol import decode, encode
from forkspec.conformance.vectorfile import Case, VectorSetError, YamlLoader, load_vector_set
from forkspec.conformance.verdicts import Verdict, judge
from forkspec.tools.conform import VECTORS_OPTION, HarnessError, shipped_vectors

# The gate: the minimum share of non-equivalent mutants that must be detected, in basis points.
# The CI test and the tox environment both gate on this default.
GATE_MIN_SCORE_BPS = 9800
BASIS_POINTS = 10_000
DEFAULT_WORKERS = 2
# A mutant's time budget: this many times what the unchanged reference needs for all cases,
# and never less than the floor.
BUDGET_FACTOR = 10
BUDGET_FLOOR_SECONDS = 5.0
# How much more memory than the parent a mutant's process may map before it is stopped.
MEMORY_HEADROOM_BYTES = 1 << 30
PROGRESS_EVERY_SECONDS = 10.0

# Decision code lives in the spec areas (the areas of the handler table), in the two modules of
# helpers that the areas share, and in hpke, the RFC 9180 construction behind the emergency area's
# encrypted reports.
SHARED_DECISION_MODULES = ("kernels", "logic", "hpke")
# The helpers whose `str` parameters are messages and whose `bool` parameters are conditions.
HELPER_MODULES = ("forkspec.errors", "forkspec.logic")
# Subpackages of `forkspec` that are not the reference (GUIDE: the map).
NOT_REFERENCE = ("forkspec.conformance", "forkspec.tools", "forkspec.spec", "forkspec.vectors")
MODULE_SCOPE = "<module>"
DISPLAY_WIDTH = 100
ELIDED = ast.Constant(value=...)

EQUIVALENTS_FORMAT = "forkspec-mutation-equivalents/1"
REPORT_FORMAT = "forkspec-mutation-report/1"


# ---------------------------------------------------------------------------------------------
# The reference's modules


def decision_modules() -> tuple[str, ...]:
    """The short names of the modules to mutate: each spec area of the handler table, then the shared ones."""
    handlers = import_module("forkspec.handlers")
    areas = dict.fromkeys(handler.area for handler in handlers.HANDLERS.values())
    return (*areas, *SHARED_DECISION_MODULES)


def reference_modules() -> dict[str, ModuleType]:
    """Every loaded module of the reference (the `forkspec` package without its subpackages), by name."""
    import_module("forkspec.handlers")
    return {
        name: module
        for name, module in sorted(sys.modules.items())
        if (name == "forkspec" or name.startswith("forkspec."))
        and not any(name == other or name.startswith(other + ".") for other in NOT_REFERENCE)
        and getattr(module, "__file__", None)
    }


def _imported_modules(name: str, is_package: bool, tree: ast.Module, known: Iterable[str]) -> set[str]:
    """The reference modules that module `name` imports at its top level."""
    known = set(known)
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                prefix = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{prefix}.{base}" if base else prefix
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known
            found.update(submodules)
            # `from package import submodule` needs the submodule, not what the package defines.
            if base in known and len(submodules) < len(node.names):
                found.add(base)
    found.discard(name)
    return found


@dataclass(frozen=True)
class ReferenceSource:
    """The parsed source of every reference module and the order to re-execute each one's importers in."""

    trees: Mapping[str, ast.Module]
    files: Mapping[str, str]
    imports: Mapping[str, frozenset[str]]

    @classmethod
    def load(cls) -> ReferenceSource:
        """Parse every reference module."""
        modules = reference_modules()
        trees = {}
        paths = {}
        for name, module in modules.items():
            path = str(module.__file__)
            trees[name] = ast.parse(Path(path).read_text(encoding="utf-8"), path)
            paths[name] = path
        imports = {
            name: frozenset(_imported_modules(name, paths[name].endswith("__init__.py"), tree, trees))
            for name, tree in trees.items()
        }
        return cls(trees, paths, imports)

    def reexecution_order(self, *names: str) -> list[str]:
        """`names` and every module that imports one of them directly or not, each after what it imports."""
        chosen = set(names)
        changed = True
        while changed:
            changed = False
            for module, imported in self.imports.items():
                if module not in chosen and imported & chosen:
                    chosen.add(module)
                    changed = True
        order: list[str] = []
        remaining = sorted(chosen)
        while remaining:
            ready = [m for m in remaining if not (self.imports[m] & set(remaining))]
            if not ready:
                raise RuntimeError(f"an import cycle among {remaining}")
            order.extend(ready)
            remaining = [m for m in remaining if m not in ready]
        return order


# ---------------------------------------------------------------------------------------------
# Mutation operators


class Operator(StrEnum):
    """The mutation operators."""

    COMPARE = "compare"  # a comparison operator to its neighbour or its negation
    NUMBER = "number"  # an integer constant one up or one down
    ARITH = "arith"  # + for -, & for |, << for >>, * for //, and back
    SWAP = "swap"  # the operands of a non-commutative operator or an order comparison swapped
    BOOLOP = "boolop"  # `and` for `or` and back, `both(a, b)` for `a or b`
    NEGATE = (
        "negate"  # a condition negated (if, while, a conditional expression, a filter, a helper's condition)
    )
    DROP = "drop"  # a statement replaced by `pass`
    RETURN = "return"  # `return X` for a constant of the function's return type


COMPARE_REPLACEMENTS: Mapping[type[ast.cmpop], tuple[type[ast.cmpop], ...]] = {
    ast.Lt: (ast.LtE, ast.GtE),
    ast.LtE: (ast.Lt, ast.Gt),
    ast.Gt: (ast.GtE, ast.LtE),
    ast.GtE: (ast.Gt, ast.Lt),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
}
ORDER_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
ARITH_REPLACEMENTS: Mapping[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}
NON_COMMUTATIVE = (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift)
LOGGING_NAMES = frozenset({"print", "logging", "logger", "log", "warnings"})

Path_ = tuple[tuple[str, int | None], ...]
MutantKey = tuple[str, str, str, str, str, int]


@dataclass(frozen=True)
class HelperParameters:
    """Which arguments of the shared helpers are messages (never mutated) and which are conditions."""

    messages: Mapping[str, tuple[frozenset[int], frozenset[str]]]
    conditions: Mapping[str, tuple[frozenset[int], frozenset[str]]]

    @classmethod
    def of_helpers(cls) -> HelperParameters:
        """Read the parameters annotated `str` and `bool` off the helper modules' callables."""
        messages: dict[str, tuple[frozenset[int], frozenset[str]]] = {}
        conditions: dict[str, tuple[frozenset[int], frozenset[str]]] = {}
        for module_name in HELPER_MODULES:
            module = import_module(module_name)
            for name, value in vars(module).items():
                if (
                    name.startswith("_")
                    or not callable(value)
                    or getattr(value, "__module__", "") != module_name
                ):
                    continue
                try:
                    parameters = list(inspect.signature(value).parameters.values())
                except (TypeError, ValueError):
                    continue
                # An annotation is its source text where annotations are postponed, else the type.
                for table, annotation in ((messages, str), (conditions, bool)):
                    chosen = [
                        (i, p.name)
                        for i, p in enumerate(parameters)
                        if p.annotation in (annotation, annotation.__name__)
                    ]
                    if chosen:
                        table[name] = (frozenset(i for i, _ in chosen), frozenset(n for _, n in chosen))
        return cls(messages, conditions)


def _call_name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return ""


def _is_logging(call: ast.Call) -> bool:
    function = call.func
    while isinstance(function, ast.Attribute):
        function = function.value
    return isinstance(function, ast.Name) and function.id in LOGGING_NAMES


def _is_int(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


def _is_type_union(node: ast.expr) -> bool:
    """`A | B | None` over class names: a type, not arithmetic on masks."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _is_type_union(node.left) and _is_type_union(node.right)
    if isinstance(node, ast.Constant):
        return node.value is None
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return name[:1].isupper()


def _is_signed_constant(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
    )


def _located(new: ast.AST, old: ast.AST) -> ast.AST:
    ast.copy_location(new, old)
    return ast.fix_missing_locations(new)


def _negated(condition: ast.expr) -> ast.expr:
    if isinstance(condition, ast.UnaryOp) and isinstance(condition.op, ast.Not):
        return copy.deepcopy(condition.operand)
    return ast.UnaryOp(op=ast.Not(), operand=copy.deepcopy(condition))


def _return_constants(returns: ast.expr | None) -> tuple[bool | int | None, ...]:
    """The constants `return X` may become in a function with this return annotation."""
    if returns is None:
        return ()
    if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
        returns = ast.parse(returns.value, mode="eval").body
    names = {node.id for node in ast.walk(returns) if isinstance(node, ast.Name)}
    nullable = any(isinstance(node, ast.Constant) and node.value is None for node in ast.walk(returns))
    constants: list[bool | int | None] = []
    if names == {"bool"}:
        constants += [True, False]
    elif "int" in names:
        constants.append(0)
    if nullable or "Optional" in names:
        constants.append(None)
    return tuple(constants)


def get_at(root: ast.AST, path: Path_) -> Any:
    """The node at `path` below `root`."""
    node: Any = root
    for name, index in path:
        node = getattr(node, name)
        if index is not None:
            node = node[index]
    return node


def set_at(root: ast.AST, path: Path_, new: ast.AST) -> None:
    """Put `new` at `path` below `root` (a non-empty path)."""
    parent = get_at(root, path[:-1])
    name, index = path[-1]
    if index is None:
        setattr(parent, name, new)
    else:
        getattr(parent, name)[index] = new


@dataclass(frozen=True)
class Mutant:
    """One change to one module: where, what kind, the code before and after, and how to apply it."""

    module: str
    function: str
    operator: Operator
    line: int
    original: str
    mutated: str
    path: Path_ = field(repr=False, compare=False)
    replacement: ast.AST = field(repr=False, compare=False)
    # The same change can appear twice in a function (`return None` in two places): counted in
    # source order, from 1.
    occurrence: int = 1

    @property
    def key(self) -> MutantKey:
        """What identifies the mutant across edits elsewhere: no line number."""
        return (self.module, self.function, self.operator.value, self.original, self.mutated, self.occurrence)

    @property
    def where(self) -> str:
        """The operator and the function, with the occurrence when the same change appears again."""
        again = f", occurrence {self.occurrence}" if self.occurrence > 1 else ""
        return f"{self.operator} in {self.function}{again}"

    @property
    def diff(self) -> str:
        """The one-line diff `module.py:LINE: old  ->  new`."""
        return f"{self.module}.py:{self.line}: {self.original}  ->  {self.mutated}"


class MutantGenerator:
    """Walks one module's syntax tree and lists its mutants, in source order.

    Never inside annotations, docstrings, messages (the `str` arguments of the error helpers,
    f-strings), logging, assertions, imports, class-level declarations (dataclass fields, enum
    members) or match patterns.
    """

    def __init__(self, module: str, tree: ast.Module, helpers: HelperParameters) -> None:
        self.module = module
        self.tree = tree
        self.helpers = helpers
        self.mutants: list[Mutant] = []
        self._scope = MODULE_SCOPE
        self._kind = "module"
        self._returns: ast.expr | None = None
        self._statement: Path_ = ()
        self._seen: set[tuple[Path_, str]] = set()

    def generate(self) -> list[Mutant]:
        """Every mutant of the module."""
        for index, statement in enumerate(self.tree.body):
            self._module_statement(statement, (("body", index),))
        seen = Counter[MutantKey]()
        numbered = []
        for mutant in self.mutants:
            seen[mutant.key] += 1
            numbered.append(replace(mutant, occurrence=seen[mutant.key]))
        return numbered

    # Recording -------------------------------------------------------------------------------

    def _text(self, node: ast.AST) -> str:
        """`node` as one line of source, its messages shown as `...` (so that wording does not matter)."""
        undo: list[tuple[Any, int | str, ast.AST]] = []
        for inner in ast.walk(node):
            for name, value in ast.iter_fields(inner):
                if isinstance(value, ast.JoinedStr):
                    undo.append((inner, name, value))
                    setattr(inner, name, ELIDED)
                elif isinstance(value, list):
                    undo.extend(
                        (value, i, item) for i, item in enumerate(value) if isinstance(item, ast.JoinedStr)
                    )
                    value[:] = [ELIDED if isinstance(item, ast.JoinedStr) else item for item in value]
            if isinstance(inner, ast.Call):
                positions, names = self.helpers.messages.get(_call_name(inner), (frozenset(), frozenset()))
                for position in sorted(positions & set(range(len(inner.args)))):
                    undo.append((inner.args, position, inner.args[position]))
                    inner.args[position] = ELIDED
                for keyword in inner.keywords:
                    if keyword.arg in names:
                        undo.append((keyword, "value", keyword.value))
                        keyword.value = ELIDED
        try:
            return "..." if isinstance(node, ast.JoinedStr) else " ".join(ast.unparse(node).split())
        finally:
            for container, key, old in reversed(undo):
                if isinstance(key, int):
                    container[key] = old
                else:
                    setattr(container, key, old)

    def _render(self, node: ast.AST) -> str:
        """A statement as one line (a compound statement by its header), or an expression."""
        match node:
            case ast.If(test=test):
                return f"if {self._text(test)}:"
            case ast.While(test=test):
                return f"while {self._text(test)}:"
            case ast.For(target=target, iter=iterable):
                return f"for {self._text(target)} in {self._text(iterable)}:"
            case ast.Try():
                return "try:"
            case ast.With(items=items):
                return f"with {', '.join(self._text(item) for item in items)}:"
            case ast.Match(subject=subject):
                return f"match {self._text(subject)}:"
        return self._text(node)

    def _add(self, path: Path_, operator: Operator, replacement: ast.AST) -> None:
        original_node = get_at(self.tree, path)
        _located(replacement, original_node)
        # Show the outermost node from the statement down to the mutated one that fits on a line,
        # but a constant or a name with at least the expression around it. The replacement is
        # put in place only while it is shown.
        relative = path[len(self._statement) :]
        leaf = isinstance(original_node, ast.Constant | ast.Name) or _is_signed_constant(original_node)
        deepest = len(relative) - 1 if leaf and relative else len(relative)
        for depth in range(deepest + 1):
            shown_path = self._statement + relative[:depth]
            original = self._render(get_at(self.tree, shown_path))
            set_at(self.tree, path, replacement)
            try:
                mutated = self._render(get_at(self.tree, shown_path))
            finally:
                set_at(self.tree, path, original_node)
            if len(original) <= DISPLAY_WIDTH and len(mutated) <= DISPLAY_WIDTH:
                break
        if original == mutated or (path, mutated) in self._seen:
            return
        self._seen.add((path, mutated))
        self.mutants.append(
            Mutant(
                self.module,
                self._scope,
                operator,
                getattr(original_node, "lineno", 0),
                original,
                mutated,
                path,
                replacement,
            )
        )

    # Statements ------------------------------------------------------------------------------

    def _module_statement(self, statement: ast.stmt, path: Path_) -> None:
        self._statement = path
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            self._function(statement, path)
        elif isinstance(statement, ast.ClassDef):
            self._class(statement, path)
        elif isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
            self._expression(statement.value, (*path, ("value", None)))

    def _enter(self, name: str, kind: str) -> tuple[str, str]:
        """Enter a class or function scope; returns the scope to restore."""
        outer = (self._scope, self._kind)
        if self._kind == "module":
            self._scope = name
        elif self._kind == "class":
            self._scope = f"{self._scope}.{name}"
        else:
            self._scope = f"{self._scope}.<locals>.{name}"
        self._kind = kind
        return outer

    def _class(self, node: ast.ClassDef, path: Path_) -> None:
        outer = self._enter(node.name, "class")
        for index, statement in enumerate(node.body):
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = (*path, ("body", index))
                self._statement = inner
                if isinstance(statement, ast.ClassDef):
                    self._class(statement, inner)
                else:
                    self._function(statement, inner)
        self._scope, self._kind = outer

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, path: Path_) -> None:
        # Defaults are evaluated where the function is defined: in the enclosing scope.
        for index, default in enumerate(node.args.defaults):
            self._expression(default, (*path, ("args", None), ("defaults", index)))
        outer_returns = self._returns
        outer = self._enter(node.name, "function")
        self._returns = node.returns
        self._body(node.body, (*path, ("body", None)))
        (self._scope, self._kind), self._returns = outer, outer_returns

    def _body(self, statements: list[ast.stmt], path: Path_) -> None:
        field_name = path[-1][0]
        base = path[:-1]
        for index, statement in enumerate(statements):
            self._statement_in_function(statement, (*base, (field_name, index)))

    def _statement_in_function(self, statement: ast.stmt, path: Path_) -> None:
        self._statement = path
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            self._function(statement, path)
            return
        if isinstance(statement, ast.ClassDef):
            self._class(statement, path)
            return
        if isinstance(
            statement, ast.Pass | ast.Import | ast.ImportFrom | ast.Global | ast.Nonlocal | ast.Assert
        ):
            return
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            return  # a docstring
        if isinstance(statement, ast.AnnAssign) and statement.value is None:
            return  # a declaration: a type annotation alone, which does nothing when it runs
        if (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and _is_logging(statement.value)
        ):
            return
        self._add(path, Operator.DROP, ast.Pass())
        self._statement = path
        match statement:
            case ast.Return(value=value) if value is not None:
                self._constant_returns(value, (*path, ("value", None)))
                self._expression(value, (*path, ("value", None)))
            case ast.If(test=test) | ast.While(test=test):
                self._condition(test, (*path, ("test", None)))
                self._expression(test, (*path, ("test", None)))
                self._body(statement.body, (*path, ("body", None)))
                self._body(statement.orelse, (*path, ("orelse", None)))
            case ast.For(iter=iterable):
                self._expression(iterable, (*path, ("iter", None)))
                self._body(statement.body, (*path, ("body", None)))
                self._body(statement.orelse, (*path, ("orelse", None)))
            case ast.Assign(value=value) | ast.AnnAssign(value=value) if value is not None:
                self._expression(value, (*path, ("value", None)))
            case ast.AugAssign(op=op, value=value):
                replacement = ARITH_REPLACEMENTS.get(type(op))
                if replacement is not None:
                    changed = copy.deepcopy(statement)
                    changed.op = replacement()
                    self._add(path, Operator.ARITH, changed)
                self._statement = path
                self._expression(value, (*path, ("value", None)))
            case ast.Expr(value=value):
                self._expression(value, (*path, ("value", None)))
            case ast.Try(body=body, handlers=handlers, orelse=orelse, finalbody=finalbody):
                self._body(body, (*path, ("body", None)))
                for index, handler in enumerate(handlers):
                    self._body(handler.body, (*path, ("handlers", index), ("body", None)))
                self._body(orelse, (*path, ("orelse", None)))
                self._body(finalbody, (*path, ("finalbody", None)))
            case ast.With(body=body):
                self._body(body, (*path, ("body", None)))
            case ast.Match(cases=cases):
                for index, case in enumerate(cases):
                    self._body(case.body, (*path, ("cases", index), ("body", None)))

    def _constant_returns(self, value: ast.expr, path: Path_) -> None:
        for constant in _return_constants(self._returns):
            if isinstance(value, ast.Constant) and value.value is constant:
                continue
            self._add(path, Operator.RETURN, ast.Constant(value=constant))

    def _condition(self, condition: ast.expr, path: Path_) -> None:
        self._add(path, Operator.NEGATE, _negated(condition))

    # Expressions -----------------------------------------------------------------------------

    def _expression(self, node: ast.expr, path: Path_) -> None:
        match node:
            case ast.JoinedStr():
                return
            case ast.Constant(value=value) if type(value) is int:
                self._numbers(node, path, value)
            case ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=value)) if type(value) is int:
                self._numbers(node, path, -value)
            case ast.UnaryOp(operand=operand):
                self._expression(operand, (*path, ("operand", None)))
            case ast.BinOp():
                self._binary(node, path)
            case ast.Compare():
                self._compare(node, path)
            case ast.BoolOp(op=op, values=values):
                swapped = ast.Or() if isinstance(op, ast.And) else ast.And()
                self._add(path, Operator.BOOLOP, ast.BoolOp(op=swapped, values=copy.deepcopy(values)))
                for index, value in enumerate(values):
                    self._expression(value, (*path, ("values", index)))
            case ast.Call():
                self._call(node, path)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                self._condition(test, (*path, ("test", None)))
                self._expression(test, (*path, ("test", None)))
                self._expression(body, (*path, ("body", None)))
                self._expression(orelse, (*path, ("orelse", None)))
            case ast.ListComp(elt=element) | ast.SetComp(elt=element) | ast.GeneratorExp(elt=element):
                self._expression(element, (*path, ("elt", None)))
                self._comprehensions(node.generators, path)
            case ast.DictComp(key=key, value=value):
                self._expression(key, (*path, ("key", None)))
                self._expression(value, (*path, ("value", None)))
                self._comprehensions(node.generators, path)
            case ast.Subscript(value=value, slice=index):
                self._expression(value, (*path, ("value", None)))
                self._expression(index, (*path, ("slice", None)))
            case ast.Slice(lower=lower, upper=upper, step=step):
                for name, part in (("lower", lower), ("upper", upper), ("step", step)):
                    if part is not None:
                        self._expression(part, (*path, (name, None)))
            case ast.Attribute(value=value) | ast.Starred(value=value) | ast.NamedExpr(value=value):
                self._expression(value, (*path, ("value", None)))
            case ast.Tuple(elts=elements) | ast.List(elts=elements) | ast.Set(elts=elements):
                for index, element in enumerate(elements):
                    self._expression(element, (*path, ("elts", index)))
            case ast.Dict(keys=keys, values=values):
                for index, maybe_key in enumerate(keys):
                    if maybe_key is not None:
                        self._expression(maybe_key, (*path, ("keys", index)))
                for index, entry in enumerate(values):
                    self._expression(entry, (*path, ("values", index)))
            case ast.Lambda(body=body):
                self._expression(body, (*path, ("body", None)))

    def _numbers(self, node: ast.expr, path: Path_, value: int) -> None:
        for changed in (value + 1, value - 1):
            literal: ast.expr = ast.Constant(value=abs(changed))
            if changed < 0:
                literal = ast.UnaryOp(op=ast.USub(), operand=literal)
            self._add(path, Operator.NUMBER, literal)

    def _binary(self, node: ast.BinOp, path: Path_) -> None:
        if _is_type_union(node) or _is_text(node.left) or _is_text(node.right):
            return
        if isinstance(node.op, ast.Pow) and _is_int(node.left) and _is_int(node.right):
            # A power of constants is one constant: one up and one down.
            for op in (ast.Add(), ast.Sub()):
                self._add(path, Operator.NUMBER, ast.BinOp(copy.deepcopy(node), op, ast.Constant(value=1)))
            return
        replacement = ARITH_REPLACEMENTS.get(type(node.op))
        if replacement is not None:
            self._add(
                path,
                Operator.ARITH,
                ast.BinOp(copy.deepcopy(node.left), replacement(), copy.deepcopy(node.right)),
            )
        if isinstance(node.op, NON_COMMUTATIVE):
            self._add(
                path, Operator.SWAP, ast.BinOp(copy.deepcopy(node.right), node.op, copy.deepcopy(node.left))
            )
        power_below_one = (
            isinstance(node.op, ast.Add | ast.Sub)
            and isinstance(node.left, ast.BinOp)
            and isinstance(node.left.op, ast.Pow)
            and _is_int(node.left.left)
            and _is_int(node.left.right)
            and _is_int(node.right)
        )
        if not power_below_one:  # `2**64 - 1`: the off-by-one is on the 1
            self._expression(node.left, (*path, ("left", None)))
        self._expression(node.right, (*path, ("right", None)))

    def _compare(self, node: ast.Compare, path: Path_) -> None:
        for index, op in enumerate(node.ops):
            for replacement in COMPARE_REPLACEMENTS.get(type(op), ()):
                changed = copy.deepcopy(node)
                changed.ops[index] = replacement()
                self._add(path, Operator.COMPARE, changed)
        if len(node.ops) == 1 and isinstance(node.ops[0], ORDER_COMPARISONS):
            swapped = ast.Compare(
                copy.deepcopy(node.comparators[0]), [node.ops[0]], [copy.deepcopy(node.left)]
            )
            self._add(path, Operator.SWAP, swapped)
        self._expression(node.left, (*path, ("left", None)))
        for index, comparator in enumerate(node.comparators):
            self._expression(comparator, (*path, ("comparators", index)))

    def _call(self, node: ast.Call, path: Path_) -> None:
        if _is_logging(node):
            return
        name = _call_name(node)
        message_positions, message_names = self.helpers.messages.get(name, (frozenset(), frozenset()))
        condition_positions, condition_names = self.helpers.conditions.get(name, (frozenset(), frozenset()))
        if name == "both" and len(node.args) == 2 and not node.keywords:
            self._add(path, Operator.BOOLOP, ast.BoolOp(op=ast.Or(), values=copy.deepcopy(node.args)))
        for index, argument in enumerate(node.args):
            if index in condition_positions:
                self._condition(argument, (*path, ("args", index)))
        for index, keyword in enumerate(node.keywords):
            if keyword.arg in condition_names:
                self._condition(keyword.value, (*path, ("keywords", index), ("value", None)))
        if not isinstance(node.func, ast.Name):
            self._expression(node.func, (*path, ("func", None)))
        for index, argument in enumerate(node.args):
            if index not in message_positions:
                self._expression(argument, (*path, ("args", index)))
        for index, keyword in enumerate(node.keywords):
            if keyword.arg not in message_names:
                self._expression(keyword.value, (*path, ("keywords", index), ("value", None)))

    def _comprehensions(self, generators: list[ast.comprehension], path: Path_) -> None:
        for index, generator in enumerate(generators):
            where = (*path, ("generators", index))
            self._expression(generator.iter, (*where, ("iter", None)))
            for position, condition in enumerate(generator.ifs):
                self._condition(condition, (*where, ("ifs", position)))
                self._expression(condition, (*where, ("ifs", position)))


def generate_mutants(source: ReferenceSource, module: str, helpers: HelperParameters) -> list[Mutant]:
    """Every mutant of the decision module `module` (a short name such as `activation`)."""
    return MutantGenerator(module, source.trees[f"forkspec.{module}"], helpers).generate()


# ---------------------------------------------------------------------------------------------
# Applying a mutant and judging the cases, inside a forked process


def case_verdict(case: Case) -> tuple[Verdict, str]:
    """Run `case` on the reference as loaded now and judge the answer as the runner does (CNF-2, CNF-3).

    The answer travels as a protocol line, encoded and decoded, exactly as from `forkspec adapter`;
    an exception that the adapter would not survive is the ERROR that its crash would earn.
    """
    handlers = sys.modules["forkspec.handlers"]
    errors = sys.modules["forkspec.errors"]
    try:
        try:
            output = handlers.run_handler(case.handler, case.preset, case.input)
        except errors.SpecError as rejection:
            reply = {"type": "error", "id": 0, "code": rejection.code.value, "detail": rejection.detail}
        else:
            reply = {"type": "result", "id": 0, "output": output}
        answer = decode(encode(reply), "adapter_reply")
    except Exception as error:  # the reference adapter would crash or break the protocol
        return Verdict.ERROR, f"{type(error).__name__}: {error}"[:300]
    result = judge(case, answer, 0.0)
    return result.verdict, result.detail


def apply_mutant(source: ReferenceSource, module: str, mutant: Mutant | None) -> None:
    """Execute `module` (mutated by `mutant`, or unchanged) and then every module that imports it, in place.

    Executing into the existing module objects keeps every `import forkspec.x` reference valid;
    executing the importers again rebinds their `from forkspec.x import f` names. Only for use
    in a process that is thrown away afterwards: the parsed trees are changed in place.
    """
    name = f"forkspec.{module}"
    for reexecuted in source.reexecution_order(name):
        tree = source.trees[reexecuted]
        if reexecuted == name and mutant is not None:
            set_at(tree, mutant.path, copy.deepcopy(mutant.replacement))
        code = compile(tree, source.files[reexecuted], "exec")
        exec(code, sys.modules[reexecuted].__dict__)


def _first_failure(cases: Sequence[Case], indices: Iterable[int]) -> dict[str, Any] | None:
    for index in indices:
        verdict, detail = case_verdict(cases[index])
        if verdict is not Verdict.PASS:
            return {"case": cases[index].id, "verdict": verdict.value, "detail": detail}
    return None


class _Tracer:
    """Records `module:qualname` of every function of the given files that starts running."""

    def __init__(self, modules_by_file: Mapping[str, str]) -> None:
        self.modules_by_file = modules_by_file
        self.seen: set[str] = set()

    def __call__(self, frame: FrameType, event: str, arg: object) -> None:
        module = self.modules_by_file.get(frame.f_code.co_filename)
        if module is not None:
            self.seen.add(f"{module}:{frame.f_code.co_qualname}")

    def __enter__(self) -> _Tracer:
        sys.settrace(self)
        return self

    def __exit__(self, *_: object) -> None:
        sys.settrace(None)


PROBE = "__forkspec_probe__"


class _Probes(ast.NodeVisitor):
    """Puts a call `__forkspec_probe__("module:qualname")` at the top of every function body."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.scopes: list[tuple[str, str]] = []

    def _qualname(self, name: str) -> str:
        qualname = name
        for outer, kind in reversed(self.scopes):
            qualname = f"{outer}.{qualname}" if kind == "class" else f"{outer}.<locals>.{qualname}"
        return qualname

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scopes.append((node.name, "class"))
        self.generic_visit(node)
        self.scopes.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        where = f"{self.module}:{self._qualname(node.name)}"
        probe = ast.Expr(ast.Call(ast.Name(PROBE, ast.Load()), [ast.Constant(where)], []))
        first = node.body[0]
        documented = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        node.body.insert(1 if documented else 0, _located(probe, first))  # type: ignore[arg-type]
        self.scopes.append((node.name, "function"))
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef


def _caches_of(modules: Iterable[ModuleType]) -> list[Callable[[], None]]:
    """The `cache_clear` of every cached function that these modules define."""
    return [
        value.cache_clear
        for module in modules
        for value in vars(module).values()
        if callable(getattr(value, "cache_clear", None))
        and getattr(value, "__module__", None) == module.__name__
    ]


def coverage_job(source: ReferenceSource, cases: Sequence[Case], modules: Sequence[str]) -> dict[str, Any]:
    """Which functions of the decision `modules` each case runs; and the cases that do not pass.

    The modules run with a probe at the top of each function (and their importers are executed
    again to see them); the caches of the executed modules are cleared before each case, so that
    each case records what it would compute from scratch.
    """
    seen: set[str] = set()
    names = source.reexecution_order(*(f"forkspec.{module}" for module in modules))
    for name in names:
        tree = source.trees[name]
        if name.removeprefix("forkspec.") in modules:
            _Probes(name.removeprefix("forkspec.")).visit(tree)
        namespace = sys.modules[name].__dict__
        namespace[PROBE] = seen.add
        exec(compile(tree, source.files[name], "exec"), namespace)
    caches = _caches_of(sys.modules[name] for name in names)
    coverage: list[list[str]] = []
    failures: list[dict[str, Any]] = []
    for case in cases:
        for clear in caches:
            clear()
        seen.clear()
        verdict, detail = case_verdict(case)
        coverage.append(sorted(seen))
        if verdict is not Verdict.PASS:
            failures.append({"case": case.id, "verdict": verdict.value, "detail": detail})
    return {"coverage": coverage, "failures": failures}


def identity_job(
    source: ReferenceSource, modules: Sequence[str], cases: Sequence[Case], modules_by_file: Mapping[str, str]
) -> dict[str, Any]:
    """Re-execute each module of `modules` and its importers unchanged, as a mutant of it would be,
    recording which of its functions run meanwhile; then run every case, which must all pass."""
    import_time: dict[str, list[str]] = {}
    for module in modules:
        with _Tracer(modules_by_file) as tracer:
            apply_mutant(source, module, None)
        import_time[module] = sorted(where for where in tracer.seen if where.startswith(f"{module}:"))
    started = time.perf_counter()
    failure = _first_failure(cases, range(len(cases)))
    return {"import_time": import_time, "failure": failure, "seconds": time.perf_counter() - started}


def mutant_job(
    source: ReferenceSource, mutant: Mutant, cases: Sequence[Case], indices: Sequence[int]
) -> dict[str, Any]:
    """Apply `mutant` and run the chosen cases until one does not pass."""
    try:
        apply_mutant(source, mutant.module, mutant)
    except Exception as error:
        return {
            "case": None,
            "verdict": Verdict.ERROR.value,
            "detail": f"the mutated reference does not load: {type(error).__name__}: {error}"[:300],
        }
    return _first_failure(cases, indices) or {}


# ---------------------------------------------------------------------------------------------
# Forked processes with a time budget


@dataclass(frozen=True)
class ChildResult:
    """How a forked job ended: `done` with its JSON result, `timeout`, or `died` (killed, crashed)."""

    status: str
    value: Any = None
    detail: str = ""


def _limit_child() -> None:
    """In a forked job: no output, default signal handling, and a bound on memory."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = mapped + MEMORY_HEADROOM_BYTES
    if hard == resource.RLIM_INFINITY or soft <= hard:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _start_child(job: Callable[[], object]) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the job, write its JSON result, leave without cleanup
        try:
            os.close(read_end)
            _limit_child()
            message = json.dumps({"value": job()})
        except BaseException as error:
            message = json.dumps({"failed": f"{type(error).__name__}: {error}"[:300]})
        try:
            with os.fdopen(write_end, "wb") as stream:
                stream.write(message.encode("utf-8"))
        finally:
            os._exit(0)
    os.close(write_end)
    return pid, read_end


@dataclass
class _Running:
    index: int
    pid: int
    deadline: float
    chunks: list[bytes] = field(default_factory=list)


def _reap(running: _Running, timed_out: bool) -> ChildResult:
    if timed_out:
        os.kill(running.pid, signal.SIGKILL)
    _, status = os.waitpid(running.pid, 0)
    if timed_out:
        return ChildResult("timeout", detail="over the time budget")
    data = b"".join(running.chunks)
    if not data:
        how = (
            f"signal {os.WTERMSIG(status)}"
            if os.WIFSIGNALED(status)
            else f"exit status {os.WEXITSTATUS(status)}"
        )
        return ChildResult("died", detail=f"the process died ({how})")
    message = json.loads(data)
    if "failed" in message:
        return ChildResult("died", detail=f"the process failed: {message['failed']}")
    return ChildResult("done", message["value"])


def run_forked(
    jobs: Sequence[Callable[[], object]],
    workers: int,
    budgets: Sequence[float],
    on_result: Callable[[int, ChildResult], None] = lambda _index, _result: None,
) -> list[ChildResult]:
    """Run each job in its own forked process, `workers` at a time, each within its budget in seconds.

    Nothing started here outlives the call: on any exit, running children are killed and reaped.
    """
    results: list[ChildResult | None] = [None] * len(jobs)
    pending = list(range(len(jobs)))[::-1]
    running: dict[int, _Running] = {}
    selector = selectors.DefaultSelector()

    def finish(read_end: int, timed_out: bool) -> None:
        entry = running.pop(read_end)
        selector.unregister(read_end)
        os.close(read_end)
        result = _reap(entry, timed_out)
        results[entry.index] = result
        on_result(entry.index, result)

    try:
        while pending or running:
            while pending and len(running) < workers:
                index = pending.pop()
                pid, read_end = _start_child(jobs[index])
                running[read_end] = _Running(index, pid, time.monotonic() + budgets[index])
                selector.register(read_end, selectors.EVENT_READ)
            wait = max(0.0, min(entry.deadline for entry in running.values()) - time.monotonic())
            for key, _ in selector.select(timeout=wait):
                chunk = os.read(key.fd, 1 << 16)
                if chunk:
                    running[key.fd].chunks.append(chunk)
                else:
                    finish(key.fd, timed_out=False)
            now = time.monotonic()
            for read_end in [fd for fd, entry in running.items() if entry.deadline <= now]:
                finish(read_end, timed_out=True)
    finally:
        for read_end, entry in list(running.items()):
            os.kill(entry.pid, signal.SIGKILL)
            os.waitpid(entry.pid, 0)
            selector.unregister(read_end)
            os.close(read_end)
        selector.close()
    return [result for result in results if result is not None]


# ---------------------------------------------------------------------------------------------
# Known equivalent mutants


class EquivalentsError(Exception):
    """An equivalents file that cannot be read or is malformed."""


EQUIVALENT_FIELDS = ("module", "function", "operator", "original", "mutated", "reason")
OPTIONAL_EQUIVALENT_FIELDS = ("occurrence",)


@dataclass(frozen=True)
class Equivalent:
    """A surviving mutant known to be equivalent, by its stable key, with the reason."""

    module: str
    function: str
    operator: str
    original: str
    mutated: str
    reason: str
    occurrence: int = 1

    @property
    def key(self) -> MutantKey:
        """The key of the mutant this entry matches (Mutant.key)."""
        return (self.module, self.function, self.operator, self.original, self.mutated, self.occurrence)

    def describe(self) -> str:
        """One line naming the entry."""
        where = f"{self.function}, occurrence {self.occurrence}" if self.occurrence > 1 else self.function
        return f"{self.module}.py [{self.operator} in {where}]: {self.original}  ->  {self.mutated}"


def default_equivalents_path() -> Path:
    """The equivalents file shipped beside this tool."""
    return Path(str(files("forkspec.tools") / "mutation-equivalents.yaml"))


def load_equivalents(path: Path) -> list[Equivalent]:
    """The entries of an equivalents file (format `forkspec-mutation-equivalents/1`)."""
    try:
        document = yaml.load(path.read_bytes(), Loader=YamlLoader)
    except OSError as error:
        raise EquivalentsError(f"{path}: cannot read: {error.strerror}") from error
    except yaml.YAMLError as error:
        raise EquivalentsError(f"{path}: malformed YAML: {error}".replace("\n", " ")) from error
    if not isinstance(document, dict) or document.get("format") != EQUIVALENTS_FORMAT:
        raise EquivalentsError(f"{path}: not a mapping with format: {EQUIVALENTS_FORMAT}")
    if set(document) != {"format", "equivalents"} or not isinstance(document["equivalents"], list):
        raise EquivalentsError(f"{path}: expected exactly the keys format and equivalents (a list)")
    entries = []
    for number, entry in enumerate(document["equivalents"], start=1):
        where = f"{path}: entry {number}"
        if (
            not isinstance(entry, dict)
            or not set(EQUIVALENT_FIELDS) <= set(entry)
            or not set(entry) <= {*EQUIVALENT_FIELDS, *OPTIONAL_EQUIVALENT_FIELDS}
        ):
            raise EquivalentsError(
                f"{where} must have the keys {', '.join(EQUIVALENT_FIELDS)} and may have occurrence"
            )
        if not all(isinstance(entry[name], str) and entry[name].strip() for name in EQUIVALENT_FIELDS):
            raise EquivalentsError(f"{where}: {', '.join(EQUIVALENT_FIELDS)} must be non-empty strings")
        occurrence = entry.get("occurrence", 1)
        if type(occurrence) is not int or occurrence < 1:
            raise EquivalentsError(f"{where}: occurrence must be an integer of at least 1")
        if entry["operator"] not in Operator.__members__.values():
            raise EquivalentsError(f"{where}: unknown operator {entry['operator']!r}")
        entries.append(Equivalent(**{name: entry[name] for name in EQUIVALENT_FIELDS}, occurrence=occurrence))
    repeated_keys = [key for key, count in Counter(entry.key for entry in entries).items() if count > 1]
    if repeated_keys:
        raise EquivalentsError(f"{path}: a mutant is listed twice: {repeated_keys[0]}")
    return entries


# ---------------------------------------------------------------------------------------------
# The run and its report


class Outcome(StrEnum):
    """What became of a mutant."""

    KILLED = "killed"  # a case's verdict was not PASS
    TIMEOUT = "timeout"  # over its time budget
    ERROR = "error"  # its process died or failed
    SURVIVED = "survived"  # every case it can reach passed
    EQUIVALENT = "equivalent"  # survived, and listed as equivalent


DETECTED = frozenset({Outcome.KILLED, Outcome.TIMEOUT, Outcome.ERROR})


@dataclass(frozen=True)
class MutantResult:
    """A mutant, its outcome, why (the killing case, or the reason it ran nothing), and how many cases ran."""

    mutant: Mutant
    outcome: Outcome
    detail: str
    cases_run: int


@dataclass(frozen=True)
class Tally:
    """Counts of outcomes and the score: detected mutants over non-equivalent ones, in basis points."""

    counts: Mapping[Outcome, int]

    @classmethod
    def of(cls, results: Iterable[MutantResult]) -> Tally:
        """The tally of some results."""
        counts = Counter(result.outcome for result in results)
        return cls({outcome: counts.get(outcome, 0) for outcome in Outcome})

    @property
    def mutants(self) -> int:
        """All mutants run."""
        return sum(self.counts.values())

    @property
    def detected(self) -> int:
        """Killed, timed out or errored."""
        return sum(self.counts[outcome] for outcome in DETECTED)

    @property
    def scored(self) -> int:
        """The mutants that count: all but the equivalent ones."""
        return self.mutants - self.counts[Outcome.EQUIVALENT]

    @property
    def score_bps(self) -> int | None:
        """Detected per scored mutant in basis points, rounded down; None when nothing is scored."""
        return self.detected * BASIS_POINTS // self.scored if self.scored else None

    def meets(self, min_score_bps: int) -> bool:
        """Whether the score is at least `min_score_bps`, by cross-multiplication; never on nothing scored."""
        return self.scored > 0 and self.detected * BASIS_POINTS >= min_score_bps * self.scored

    def to_json(self) -> dict[str, Any]:
        """The tally as JSON."""
        return {
            "mutants": self.mutants,
            **{outcome.value: count for outcome, count in self.counts.items()},
            "score_bps": self.score_bps,
        }


@dataclass(frozen=True)
class StaleEntry:
    """An equivalents entry that matches no mutant, or whose mutant was killed."""

    entry: Equivalent
    why: str


@dataclass(frozen=True)
class Report:
    """The results of a mutation run."""

    modules: tuple[str, ...]
    cases: int
    vectors_root_sha256: str
    vectors_version: str
    generated: int
    results: tuple[MutantResult, ...]
    stale: tuple[StaleEntry, ...]
    min_score_bps: int
    sample: int | None
    seed: int
    seconds: float

    def tally(self, module: str | None = None) -> Tally:
        """The tally of one module, or of all."""
        return Tally.of(result for result in self.results if module is None or result.mutant.module == module)

    @property
    def passed(self) -> bool:
        """Whether the overall score meets the gate."""
        return self.tally().meets(self.min_score_bps)

    def with_outcome(self, outcome: Outcome) -> list[MutantResult]:
        """The results with this outcome, in module and source order."""
        return [result for result in self.results if result.outcome is outcome]

    def to_json(self) -> dict[str, Any]:
        """The machine-readable report."""
        return {
            "format": REPORT_FORMAT,
            "cases": self.cases,
            "vectors": {"root_sha256": self.vectors_root_sha256, "version": self.vectors_version},
            "generated": self.generated,
            "sample": self.sample,
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
            "min_score_bps": self.min_score_bps,
            "passed": self.passed,
            "overall": self.tally().to_json(),
            "modules": {module: self.tally(module).to_json() for module in self.modules},
            "mutants": [
                {
                    "module": result.mutant.module,
                    "function": result.mutant.function,
                    "occurrence": result.mutant.occurrence,
                    "operator": result.mutant.operator.value,
                    "line": result.mutant.line,
                    "original": result.mutant.original,
                    "mutated": result.mutant.mutated,
                    "outcome": result.outcome.value,
                    "detail": result.detail,
                    "cases_run": result.cases_run,
                }
                for result in self.results
            ],
            "stale_equivalents": [
                {
                    **{name: getattr(stale.entry, name) for name in (*EQUIVALENT_FIELDS, "occurrence")},
                    "why": stale.why,
                }
                for stale in self.stale
            ],
        }


def percent(bps: int | None) -> str:
    """Basis points as a percentage with two decimals, exactly; `-` for no score."""
    return "-" if bps is None else f"{bps // 100}.{bps % 100:02d}%"


def render_report(report: Report) -> str:
    """The report for people: a table per module, every survivor as a one-line diff, the gate."""
    lines = []
    sampled = (
        f" (a sample of {report.sample} of {report.generated}, seed {report.seed})" if report.sample else ""
    )
    lines.append(
        f"forkspec mutate: {len(report.results)} mutants{sampled} of {len(report.modules)} modules "
        f"against {report.cases} cases in {report.seconds:.1f} s\n"
        f"vector set {report.vectors_version}, root {report.vectors_root_sha256}"
    )
    header = ("module", "mutants", "killed", "timeout", "error", "survived", "equivalent", "score")
    rows = [
        (
            name,
            *(str(value) for value in (tally.mutants, *(tally.counts[o] for o in Outcome))),
            percent(tally.score_bps),
        )
        for name, tally in [(module, report.tally(module)) for module in report.modules]
        + [("overall", report.tally())]
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append(
            "  ".join(
                cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
            )
        )
    survivors = report.with_outcome(Outcome.SURVIVED)
    lines.append(f"survivors ({len(survivors)}):" if survivors else "no survivors")
    lines.extend(f"  {r.mutant.diff}    [{r.mutant.where}{r.detail and '; ' + r.detail}]" for r in survivors)
    equivalents = report.with_outcome(Outcome.EQUIVALENT)
    if equivalents:
        lines.append(f"equivalent, not scored ({len(equivalents)}):")
        lines.extend(f"  {r.mutant.diff}    [{r.detail}]" for r in equivalents)
    if report.stale:
        lines.append(f"stale equivalents entries ({len(report.stale)}):")
        lines.extend(f"  {stale.entry.describe()}: {stale.why}" for stale in report.stale)
    overall = report.tally()
    verdict = "meets the gate" if report.passed else "below the gate"
    lines.append(f"score {percent(overall.score_bps)} (gate {percent(report.min_score_bps)}): {verdict}")
    return "\n".join(lines)


class MutationSetupError(Exception):
    """A run that cannot start or whose harness check fails: a usage or harness error."""


@dataclass(frozen=True)
class RunOptions:
    """What to mutate and how to run it."""

    modules: tuple[str, ...]
    vectors: Path
    equivalents: Path
    sample: int | None = None
    seed: int = 0
    workers: int = DEFAULT_WORKERS
    timeout: float | None = None
    min_score_bps: int = GATE_MIN_SCORE_BPS
    all_cases: bool = False


def match_equivalents(
    results: Sequence[MutantResult],
    generated: Sequence[Mutant],
    equivalents: Sequence[Equivalent],
    modules: Sequence[str],
) -> tuple[list[MutantResult], list[StaleEntry]]:
    """Mark the survivors that the equivalents list, and find the entries that are stale.

    An entry of a mutated module is stale when it matches no generated mutant (the code has
    changed) or when its mutant was detected (it was not equivalent after all).
    """
    by_key = {entry.key: entry for entry in equivalents}
    marked = []
    for result in results:
        entry = by_key.get(result.mutant.key)
        if entry is not None and result.outcome is Outcome.SURVIVED:
            result = MutantResult(result.mutant, Outcome.EQUIVALENT, entry.reason, result.cases_run)
        marked.append(result)
    generated_keys = {mutant.key for mutant in generated}
    detected_keys = {result.mutant.key for result in marked if result.outcome in DETECTED}
    stale = [
        StaleEntry(
            entry, "matches no mutant" if entry.key not in generated_keys else "its mutant was detected"
        )
        for entry in equivalents
        if entry.module in modules and (entry.key not in generated_keys or entry.key in detected_keys)
    ]
    return marked, stale


def _select_cases(
    mutant: Mutant, coverage: Sequence[frozenset[str]], import_time: frozenset[str]
) -> list[int] | None:
    """The cases that can tell `mutant` apart, or None for all of them."""
    where = f"{mutant.module}:{mutant.function}"
    if mutant.function == MODULE_SCOPE or where in import_time:
        return None
    return [index for index, functions in enumerate(coverage) if where in functions]


def run_mutation(options: RunOptions, progress: Callable[[str], None] = lambda _line: None) -> Report:
    """Generate the mutants of the chosen modules, run them against the vectors and report."""
    started = time.monotonic()
    try:
        vector_set = load_vector_set(options.vectors)
    except VectorSetError as error:
        raise MutationSetupError(f"unusable vector set: {error}") from error
    cases = vector_set.cases
    try:
        equivalents = load_equivalents(options.equivalents)
    except EquivalentsError as error:
        raise MutationSetupError(str(error)) from error
    source = ReferenceSource.load()
    helpers = HelperParameters.of_helpers()
    generated = [mutant for module in options.modules for mutant in generate_mutants(source, module, helpers)]
    chosen = generated
    if options.sample is not None and options.sample < len(generated):
        picked = sorted(random.Random(options.seed).sample(range(len(generated)), options.sample))
        chosen = [generated[index] for index in picked]

    decision_files = {source.files[f"forkspec.{module}"]: module for module in decision_modules()}
    mutated_modules = list(dict.fromkeys(mutant.module for mutant in chosen))
    first_jobs: list[Callable[[], object]] = [
        partial(coverage_job, source, cases, mutated_modules),
        partial(identity_job, source, mutated_modules, cases, decision_files),
    ]
    setup_budget = max(300.0, options.timeout or 0.0)
    progress(f"mutate: checking the harness on {len(cases)} cases ({len(mutated_modules)} modules)")
    first = run_forked(first_jobs, options.workers, [setup_budget] * len(first_jobs))
    for job_result in first:
        if job_result.status != "done":
            raise MutationSetupError(
                f"the unmutated reference could not be run: {job_result.status} {job_result.detail}"
            )
    coverage_result, identity = first[0].value, first[1].value
    if coverage_result["failures"]:
        failure = coverage_result["failures"][0]
        raise MutationSetupError(
            f"the unmutated reference does not pass the vectors ({failure['case']}: {failure['verdict']} "
            f"{failure['detail']}): run 'forkspec vectors check'"
        )
    if identity["failure"] is not None:
        failure = identity["failure"]
        raise MutationSetupError(
            f"harness check failed: with {', '.join(mutated_modules)} executed again unchanged, "
            f"{failure['case']} fails ({failure['verdict']} {failure['detail']})"
        )
    import_time = {module: frozenset(functions) for module, functions in identity["import_time"].items()}
    coverage = [frozenset(functions) for functions in coverage_result["coverage"]]
    budget = options.timeout or max(BUDGET_FLOOR_SECONDS, BUDGET_FACTOR * identity["seconds"])

    selections = [
        None if options.all_cases else _select_cases(mutant, coverage, import_time[mutant.module])
        for mutant in chosen
    ]
    indices = [list(range(len(cases))) if selection is None else selection for selection in selections]
    to_run = [position for position, selected in enumerate(indices) if selected]
    results: dict[int, MutantResult] = {}
    for position, selected in enumerate(indices):
        if not selected:
            mutant = chosen[position]
            results[position] = MutantResult(mutant, Outcome.SURVIVED, f"no case runs {mutant.function}", 0)
    done = Counter[str]()
    last_line = time.monotonic()

    def record(job_index: int, child: ChildResult) -> None:
        nonlocal last_line
        position = to_run[job_index]
        mutant, selected = chosen[position], indices[position]
        if child.status == "timeout":
            result = MutantResult(
                mutant, Outcome.TIMEOUT, f"over the budget of {budget:.1f} s", len(selected)
            )
        elif child.status == "died":
            result = MutantResult(mutant, Outcome.ERROR, child.detail, len(selected))
        elif child.value:
            where = f"{child.value['case']}: " if child.value["case"] else ""
            result = MutantResult(
                mutant,
                Outcome.KILLED,
                f"{where}{child.value['verdict']} {child.value['detail']}",
                len(selected),
            )
        else:
            result = MutantResult(mutant, Outcome.SURVIVED, "", len(selected))
        results[position] = result
        done[result.outcome.value] += 1
        if time.monotonic() - last_line >= PROGRESS_EVERY_SECONDS:
            last_line = time.monotonic()
            progress(f"mutate: {sum(done.values())}/{len(to_run)} mutants run, {done['survived']} survived")

    jobs: list[Callable[[], object]] = [
        partial(mutant_job, source, chosen[position], cases, indices[position]) for position in to_run
    ]
    run_forked(jobs, options.workers, [budget] * len(jobs), record)

    ordered, stale = match_equivalents(
        [results[position] for position in range(len(chosen))], generated, equivalents, options.modules
    )
    return Report(
        modules=options.modules,
        cases=len(cases),
        vectors_root_sha256=vector_set.root_sha256,
        vectors_version=vector_set.version,
        generated=len(generated),
        results=tuple(ordered),
        stale=tuple(stale),
        min_score_bps=options.min_score_bps,
        sample=options.sample if options.sample is not None and options.sample < len(generated) else None,
        seed=options.seed,
        seconds=time.monotonic() - started,
    )


# ---------------------------------------------------------------------------------------------
# The command


def parse_min_score(text: str) -> int:
    """A minimum score in basis points (`9800`) or as an integer percentage (`98%`)."""
    digits = text[:-1] if text.endswith("%") else text
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"{text!r} is not a whole number of basis points (9800) or a whole percentage (98%)")
    value = int(digits) * (100 if text.endswith("%") else 1)
    if value > BASIS_POINTS:
        raise ValueError(f"{text!r} is above 100%")
    return value


def _min_score(_context: click.Context, parameter: click.Parameter, value: str) -> int:
    try:
        return parse_min_score(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param=parameter) from error


def _modules(_context: click.Context, parameter: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    valid = decision_modules()
    unknown = [name for name in value if name not in valid]
    if unknown:
        raise click.BadParameter(
            f"no decision module {', '.join(unknown)}; valid modules: {', '.join(valid)}", param=parameter
        )
    return tuple(dict.fromkeys(value)) or valid


@click.command(
    "mutate",
    epilog="Exit codes: 0 when the score meets --min-score; 1 below it; 2 on a usage or harness error.",
)
@click.option(
    "--module",
    "modules",
    multiple=True,
    metavar="NAME",
    callback=_modules,
    help="Mutate only this module (repeatable); default: every decision module.",
)
@click.option("--sample", type=click.IntRange(min=1), help="Run a random sample of N mutants.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample.")
@click.option(
    "-j",
    "--jobs",
    "workers",
    type=click.IntRange(min=1, max=64),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Mutants run at once, each in its own process.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=3600.0),
    help=f"Seconds a mutant may run (default: {BUDGET_FACTOR} times an unmutated run, "
    f"at least {BUDGET_FLOOR_SECONDS:g}).",
)
@click.option(
    "--min-score",
    default=str(GATE_MIN_SCORE_BPS),
    show_default=True,
    callback=_min_score,
    help="Gate: basis points (9800) or a whole percentage (98%) of non-equivalent mutants to detect.",
)
@VECTORS_OPTION
@click.option(
    "--equivalents",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Known equivalent mutants (default: the mutation-equivalents.yaml shipped with the tools).",
)
@click.option(
    "--all-cases",
    is_flag=True,
    help="Run every case for every mutant, not only the cases that reach it (slower; checks the selection).",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    help="Also write the report as JSON here ('-': to stdout, instead of the text report).",
)
def mutate(
    modules: tuple[str, ...],
    sample: int | None,
    seed: int,
    workers: int,
    timeout: float | None,
    min_score: int,
    vectors_dir: Path | None,
    equivalents: Path | None,
    all_cases: bool,
    json_path: Path | None,
) -> None:
    """Mutate the reference's decision code and run every mutant against the vectors."""
    options = RunOptions(
        modules=modules,
        vectors=vectors_dir or shipped_vectors(),
        equivalents=equivalents or default_equivalents_path(),
        sample=sample,
        seed=seed,
        workers=workers,
        timeout=timeout,
        min_score_bps=min_score,
        all_cases=all_cases,
    )
    try:
        report = run_mutation(options, progress=lambda line: click.echo(line, err=True))
    except MutationSetupError as error:
        raise HarnessError(str(error)) from error
    to_stdout = json_path is not None and str(json_path) == "-"
    if not to_stdout:
        click.echo(render_report(report))
    if json_path is not None:
        text = json.dumps(report.to_json(), indent=2) + "\n"
        if to_stdout:
            click.echo(text, nl=False)
        else:
            try:
                json_path.write_text(text, encoding="utf-8")
            except OSError as error:
                raise HarnessError(f"cannot write {json_path}: {error.strerror}") from error
    sys.exit(0 if report.passed else 1)
