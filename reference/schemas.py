"""The JSON Schemas of `spec/schemas/` and the strict validator the whole project uses.

JSON Schema counts `1.0` as an integer; the canonical encoding does not (GEN-3), so the
validator built here accepts only true integers (and never booleans) where a schema says
`integer`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any, cast

import jsonschema
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012


def _is_strict_integer(_checker: object, instance: object) -> bool:
    return type(instance) is int


_STRICT_TYPES = jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_strict_integer)
StrictValidator: type[Validator] = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, type_checker=_STRICT_TYPES
)


@cache
def load_schema(relative_path: str) -> dict[str, Any]:
    """The schema at `spec/schemas/<relative_path>`."""
    document: dict[str, Any] = json.loads(
        (files("forkspec.spec") / "schemas" / relative_path).read_text("utf-8")
    )
    return document


SHARED_SCHEMAS = ("activation.json",)


@cache
def _registry() -> Registry[Any]:
    """The schemas that others refer to by `$id`."""
    resources = [
        Resource.from_contents(load_schema(path), default_specification=DRAFT202012)
        for path in SHARED_SCHEMAS
    ]
    return Registry().with_resources((resource.id() or "", resource) for resource in resources)


@cache
def validator(relative_path: str, definition: str | None = None) -> Validator:
    """A strict validator for a schema file, or for one of its `$defs` (GEN-3, VEC-4)."""
    document = load_schema(relative_path)
    schema = document if definition is None else {**document, "$ref": f"#/$defs/{definition}"}
    return StrictValidator(schema, registry=_registry())


def first_violation(checker: Validator, instance: object) -> str | None:
    """A one-line description of the first way `instance` violates the schema, or None (GEN-7)."""
    try:
        error = jsonschema.exceptions.best_match(checker.iter_errors(cast(Any, instance)))
    except (ValueError, RecursionError):
        # The validator describes a violating value with repr(), which refuses integers of more
        # than 4300 digits and values nested too deeply: such a value is where the schema does
        # not allow it.
        return "(somewhere): a value too long or too deeply nested to print is not allowed where it is"
    if error is None:
        return None
    location = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"{location}: {error.message}"
