"""Mutations of JSON documents, and an independent strict validator to judge them by.

`mutants(document)` is a hypothesis strategy of copies of `document` with one to three
mutations at random places: type-breaking (a value replaced by one of another JSON type, or by
`1.0` or `true` where an integer stood), type-preserving (an integer moved to a boundary, a
string emptied, lengthened or given a final newline, an array emptied, shortened or with an
item repeated), a property removed or an extra one added.

`oracle_violation` applies a schema with jsonschema, a validator built independently of the
project's compiled one, with the same rules of GEN-3: `integer` is a true integer, and `pattern`
follows ECMA-262 (`$` only at the very end), checked as a full match of the anchored pattern.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

import jsonschema
from forkspec.schemas import SHARED_SCHEMAS, load_schema
from hypothesis import strategies as st
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

Path = tuple[str | int, ...]

BOUNDARY_INTEGERS = (0, 1, -1, 2**31, 2**32 - 1, 2**32, 2**63, 2**64 - 1, 2**64, -(2**64), 10**40)
OTHER_TYPES: tuple[Any, ...] = (None, True, False, 1.0, 0.5, "", "1", [], {}, 7)


def _is_strict_integer(_checker: object, instance: object) -> bool:
    return type(instance) is int


def _ecma_pattern(_validator: object, pattern: str, instance: object, _schema: object) -> Any:
    assert pattern.startswith("^") and pattern.endswith("$"), "every pattern of the spec is anchored"
    if isinstance(instance, str) and re.fullmatch(pattern[1:-1], instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


StrictOracle: Any = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_strict_integer),
    validators={"pattern": _ecma_pattern},
)


@cache
def oracle(relative_path: str, definition: str | None = None) -> Validator:
    """The independent strict validator for a schema file or one of its `$defs`."""
    resources = [
        Resource.from_contents(load_schema(path), default_specification=DRAFT202012)
        for path in SHARED_SCHEMAS
    ]
    registry: Registry[Any] = Registry().with_resources((r.id() or "", r) for r in resources)
    document = load_schema(relative_path)
    schema = document if definition is None else {**document, "$ref": f"#/$defs/{definition}"}
    checker: Validator = StrictOracle(schema, registry=registry)
    return checker


def oracle_accepts(relative_path: str, definition: str | None, instance: object) -> bool:
    """Whether the independent validator accepts `instance`."""
    return bool(oracle(relative_path, definition).is_valid(instance))


def paths(document: Any, prefix: Path = ()) -> list[Path]:
    """Every place in `document`, the root included, parents before children."""
    found = [prefix]
    if isinstance(document, dict):
        for key, value in document.items():
            found += paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += paths(value, (*prefix, index))
    return found


def _get(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


def _replacements(value: Any) -> st.SearchStrategy[Any]:
    """Values to put where `value` stood: of its own type near its boundaries, or of another type."""
    other = st.sampled_from(OTHER_TYPES) | st.just([value]) | st.just({"value": value})
    if isinstance(value, bool):
        same: st.SearchStrategy[Any] = st.just(not value)
    elif isinstance(value, int):
        same = st.sampled_from(BOUNDARY_INTEGERS) | st.sampled_from(
            (value - 1, value + 1, -value, float(value))
        )
    elif isinstance(value, str):
        same = st.sampled_from(
            (value + "\n", value * 3, value.upper(), value[1:], value[:-1] + "!", "é" + value, "x" * 300)
        )
    elif isinstance(value, list):
        same = st.sampled_from(([], value[:-1], value + value[-1:], value[::-1])) if value else st.just([0])
    elif isinstance(value, dict):
        same = st.just({}) | st.just({**value, "extra": 0})
    else:
        same = st.just(value)
    return same | other


@st.composite
def _mutate_once(draw: st.DrawFn, document: Any) -> Any:
    """`document` with one value replaced, removed or joined by an extra property."""
    path = draw(st.sampled_from(paths(document)))
    if not path:
        return draw(_replacements(document))
    parent = _get(document, path[:-1])
    action = draw(st.sampled_from(("replace", "replace", "replace", "remove", "add")))
    if action == "remove":
        del parent[path[-1]]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(("extra", "", "Version", str(path[-1]) + "_")))] = parent[path[-1]]
    else:
        parent[path[-1]] = draw(_replacements(parent[path[-1]]))
    return document


@st.composite
def mutants(draw: st.DrawFn, document: Any) -> Any:
    """A copy of `document` with one to three mutations (see the module's docstring)."""
    mutant = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        mutant = draw(_mutate_once(mutant))
    return mutant
