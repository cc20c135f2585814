"""Fuzzing every handler with mutants of its vector inputs (GEN-4, GEN-7, VEC-4).

Whatever the input, `run_handler` either answers with an output valid against the handler's
output schema, or raises SpecError with a code of the error-code table: never another
exception. The input schema decides INVALID_INPUT exactly as the independent oracle does.
Mutants are type-breaking and type-preserving (tests/fuzzing.py); the runs are derandomized,
so every run of the suite tries the same inputs.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from forkspec import HANDLERS, ErrorCode, SpecError, run_handler
from forkspec.conformance.vectorfile import Case, load_vector_set
from forkspec.handlers import handler_schema_path
from forkspec.presets import preset_names
from forkspec.schemas import first_violation, validator
from forkspec.tools.conform import shipped_vectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import mutants, oracle_accepts

SCHEMA_ROOT = Path(__file__).parent.parent / "spec" / "schemas"
LONGEST_VERSION = 256
VERSION_FIELD = re.compile(r"version|left|right|old|new|[a-z_]+_version")
FUZZ = settings(
    max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


@cache
def inputs_by_handler() -> dict[str, list[tuple[str, Any]]]:
    """(preset, input) of every shipped case, by handler."""
    found: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    cases: tuple[Case, ...] = load_vector_set(shipped_vectors()).cases
    for case in cases:
        found[case.handler].append((case.preset, json.loads(json.dumps(case.input))))
    return found


def test_every_handler_has_inputs_to_mutate() -> None:
    assert set(inputs_by_handler()) == set(HANDLERS)


def assert_contract(name: str, preset: str, data: object) -> None:
    """The handler's contract on any input: a valid output or a canonical error; UNKNOWN_PRESET
    for an unknown preset, else INVALID_INPUT exactly when the input schema rejects the input."""
    schema = handler_schema_path(name)
    accepted = oracle_accepts(schema, "input", data)
    assert (first_violation(validator(schema, "input"), data) is None) == accepted
    try:
        output = run_handler(name, preset, data)
    except SpecError as rejection:
        assert rejection.code in ErrorCode
        if preset not in preset_names():
            assert rejection.code is ErrorCode.UNKNOWN_PRESET
        else:
            assert (rejection.code is ErrorCode.INVALID_INPUT) == (not accepted)
        assert "\n" not in rejection.detail
        return
    assert accepted and preset in preset_names()
    assert first_violation(validator(schema, "output"), output) is None
    assert oracle_accepts(schema, "output", output)


@pytest.mark.parametrize("name", sorted(HANDLERS))
@FUZZ
@given(data=st.data())
def test_a_mutated_input_gets_an_output_or_a_canonical_error(name: str, data: st.DataObject) -> None:
    preset, document = data.draw(st.sampled_from(inputs_by_handler()[name]))
    assert_contract(name, preset, data.draw(mutants(document)))


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_an_unknown_preset_is_the_first_check(name: str) -> None:
    _, document = inputs_by_handler()[name][0]
    with pytest.raises(SpecError) as rejection:
        run_handler(name, "testnet", {"not": "an input"})
    assert rejection.value.code is ErrorCode.UNKNOWN_PRESET
    with pytest.raises(SpecError) as rejection:
        run_handler(name, "testnet", document)
    assert rejection.value.code is ErrorCode.UNKNOWN_PRESET


def _version_fields(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The paths of the input string fields of a schema whose names say they hold a version."""
    found = []
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            if value.get("type") == "string" and VERSION_FIELD.fullmatch(key):
                found.append((*path, "properties", key))
        for key, value in node.items():
            if key != "output":
                found += _version_fields(value, (*path, key))
    return found


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_every_version_field_is_bounded(name: str) -> None:
    """VER-14: each input field that holds a version has maxLength 256."""
    node: Any
    definitions = json.loads((SCHEMA_ROOT / handler_schema_path(name)).read_text("utf-8"))["$defs"]
    for path in _version_fields(definitions):
        node = definitions
        for step in path:
            node = node[step]
        assert node.get("maxLength") == LONGEST_VERSION, (name, path)


AT_BOUND = "1.0.0-" + "a" * (LONGEST_VERSION - len("1.0.0-"))


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("version_parse", {"version": AT_BOUND}, "version"),
        ("version_compare", {"left": AT_BOUND, "right": "1.0.0"}, "left"),
        ("version_bump", {"old": "1.0.0-a", "new": AT_BOUND}, "new"),
    ],
)
def test_a_version_one_past_the_bound_is_invalid_input(name: str, data: dict[str, str], field: str) -> None:
    """VER-14: 256 characters parse; 257 are rejected by the input schema."""
    run_handler(name, "mainnet", data)
    with pytest.raises(SpecError) as rejection:
        run_handler(name, "mainnet", {**data, field: data[field] + "a"})
    assert rejection.value.code is ErrorCode.INVALID_INPUT
