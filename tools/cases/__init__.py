"""Case specifications, one module per spec area, in the spec's order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from forkspec.handlers import handler_schema_path
from forkspec.schemas import load_schema

# A preset name that no preset file carries, ever (GEN-6): the preset of the UNKNOWN_PRESET cases.
UNDEFINED_PRESET = "no_such_preset"
EXTRA_FIELD = "unexpected_field"


@dataclass(frozen=True)
class CaseSpec:
    """What a case author writes: everything but the expected answer, which the reference computes."""

    handler: str
    slug: str
    requirements: tuple[str, ...]
    description: str
    input: Mapping[str, Any]
    presets: tuple[str, ...] = ("mainnet",)
    features: tuple[str, ...] = ()


def _slug(path: tuple[str | int, ...]) -> str:
    return "-".join(str(part).replace("_", "-") for part in path)


def _integer_paths(value: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The paths of every integer (never a boolean) inside `value`, depth first in key order."""
    if type(value) is int:
        yield path
    elif isinstance(value, dict):
        for key, member in value.items():
            yield from _integer_paths(member, (*path, key))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield from _integer_paths(member, (*path, index))


def _replaced(value: Any, path: tuple[str | int, ...], replacement: object) -> Any:
    """A copy of `value` with the member at `path` replaced."""
    if not path:
        return replacement
    head, *rest = path
    if isinstance(value, dict):
        return {
            key: _replaced(member, tuple(rest), replacement) if key == head else member
            for key, member in value.items()
        }
    return [
        _replaced(member, tuple(rest), replacement) if index == head else member
        for index, member in enumerate(value)
    ]


def _first_integer_per_field(data: Mapping[str, Any]) -> Iterator[tuple[str | int, ...]]:
    """For each top-level field in order, the path of the first integer in it, if it holds one."""
    for key, value in data.items():
        found = next(_integer_paths(value, (key,)), None)
        if found is not None:
            yield found


def _of_another_type(value: object) -> object:
    """A JSON value of a type other than `value`'s: a string for anything but a string, else a number."""
    return 0 if isinstance(value, str) else "0"


def generic_invalid_cases(
    handler: str,
    valid_input: Mapping[str, Any],
    preset: str = "mainnet",
    features: tuple[str, ...] = (),
) -> Iterator[CaseSpec]:
    """The cases every handler gets, derived from one valid input of it (GEN-3, GEN-6, GEN-7).

    INVALID_INPUT for a top-level field of another JSON type, for each required field left out,
    for an extra field, and for `true` and `1.0` in place of the first integer of each top-level
    field that holds one; UNKNOWN_PRESET for the valid input under a preset no file defines, and
    UNKNOWN_PRESET again when the input is broken too, since the preset is resolved first.

    Implements: VEC-15.
    """
    required = load_schema(handler_schema_path(handler))["$defs"]["input"]["required"]
    first_field = next(iter(valid_input))

    def case(
        slug: str, requirements: tuple[str, ...], description: str, data: Mapping[str, Any], on: str = preset
    ) -> CaseSpec:
        return CaseSpec(handler, slug, requirements, description, data, presets=(on,), features=features)

    yield case(
        f"invalid-input-wrong-type-{_slug((first_field,))}",
        ("GEN-3", "GEN-7"),
        f"{first_field} of the wrong JSON type",
        _replaced(valid_input, (first_field,), _of_another_type(valid_input[first_field])),
    )
    for field in sorted(required):
        yield case(
            f"invalid-input-missing-{_slug((field,))}",
            ("GEN-7",),
            f"the required field {field} left out",
            {key: value for key, value in valid_input.items() if key != field},
        )
    yield case(
        "invalid-input-extra-field",
        ("GEN-7",),
        f"a field {EXTRA_FIELD} that the input schema does not have",
        {**valid_input, EXTRA_FIELD: 0},
    )
    for path in _first_integer_per_field(valid_input):
        where = "/".join(str(part) for part in path)
        yield case(
            f"invalid-input-bool-for-integer-{_slug(path)}",
            ("GEN-3", "GEN-7"),
            f"true where the integer {where} is expected (a boolean is never an integer)",
            _replaced(valid_input, path, True),
        )
        yield case(
            f"invalid-input-float-for-integer-{_slug(path)}",
            ("GEN-3", "GEN-7"),
            f"1.0 where the integer {where} is expected (a fraction is never an integer)",
            _replaced(valid_input, path, 1.0),
        )
    yield case(
        "invalid-preset-unknown",
        ("GEN-6",),
        f"a valid input under the preset {UNDEFINED_PRESET}, which no preset file defines",
        valid_input,
        UNDEFINED_PRESET,
    )
    yield case(
        "invalid-preset-before-input",
        ("GEN-6", "GEN-7"),
        "an unknown preset and an input with an extra field: the preset is resolved first",
        {**valid_input, EXTRA_FIELD: 0},
        UNDEFINED_PRESET,
    )


def authored_case_specs() -> Iterator[CaseSpec]:
    """The case specifications written by case authors, per spec area, in the spec's order."""
    from forkspec.tools.cases import (
        activation,
        classification,
        compatibility,
        coordination,
        emergency,
        flags,
        forkid,
        governance,
        migration,
        negotiation,
        peers,
        readiness,
        schedule,
        versioning,
    )

    for area in (
        versioning,
        classification,
        flags,
        activation,
        coordination,
        schedule,
        forkid,
        negotiation,
        peers,
        migration,
        compatibility,
        governance,
        emergency,
        readiness,
    ):
        yield from area.case_specs()


def case_specs() -> Iterator[CaseSpec]:
    """Every case specification: the authored ones, then the regression cases of the proofs."""
    from forkspec.tools.cases import proofs

    yield from authored_case_specs()
    yield from proofs.case_specs()
