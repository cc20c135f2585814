"""The compiled validator of forkspec.schemas against an independent one, and its strict rules."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from forkspec.conformance import protocol
from forkspec.conformance.reference_adapter import hello_reply
from forkspec.conformance.vectorfile import MANIFEST_NAME, parse_yaml
from forkspec.handlers import handler_schema_path
from forkspec.schemas import SchemaDefinitionError, check_definition, first_violation, validator
from forkspec.tools.conform import shipped_vectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzing import mutants, oracle_accepts

SCHEMA_ROOT = Path(__file__).parent.parent / "spec" / "schemas"
SCHEMA_FILES = sorted(str(path.relative_to(SCHEMA_ROOT)) for path in SCHEMA_ROOT.rglob("*.json"))
FUZZ = settings(
    max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


def _yaml(path: Path) -> Any:
    return parse_yaml(path.read_bytes(), str(path))


@cache
def documents() -> list[tuple[str, str | None, Any, bool | None]]:
    """Real documents of every kind, each with the schema that governs it and whether it is valid:
    the input of a case that expects INVALID_INPUT is not, that of one expecting UNKNOWN_PRESET
    may be either (None)."""
    root = shipped_vectors()
    manifest = _yaml(root / MANIFEST_NAME)
    found: list[tuple[str, str | None, Any, bool | None]] = [("manifest.json", None, manifest, True)]
    presets = SCHEMA_ROOT.parent / "presets"
    found += [("preset.json", None, _yaml(path), True) for path in sorted(presets.glob("*.yaml"))]
    found.append(("adapter-protocol.json", "adapter_hello", hello_reply(), True))
    found.append(("adapter-protocol.json", "runner_hello", protocol.runner_hello(), True))
    found.append(("adapter-protocol.json", "shutdown", protocol.shutdown(), True))
    for entry in manifest["files"]:
        vector_file = _yaml(root / entry["path"])
        found.append(("vector-file.json", None, vector_file, True))
        for case in vector_file["cases"]:
            schema = handler_schema_path(case["handler"])
            valid = {"INVALID_INPUT": False, "UNKNOWN_PRESET": None}.get(case.get("error", ""), True)
            found.append((schema, "input", case["input"], valid))
            run = protocol.run_request(1, case["id"], case["handler"], case["preset"], case["input"])
            found.append(("adapter-protocol.json", "run", run, True))
            if "output" in case:
                found.append((schema, "output", case["output"], True))
            else:
                error = {"type": "error", "id": 1, "code": case["error"], "detail": "why"}
                found.append(("adapter-protocol.json", "error", error, True))
    found.append(("adapter-protocol.json", "result", {"type": "result", "id": 1, "output": {}}, True))
    return found


def test_every_schema_and_definition_compiles() -> None:
    for path in SCHEMA_FILES:
        validator(path)
        for definition in json.loads((SCHEMA_ROOT / path).read_text("utf-8")).get("$defs", {}):
            validator(path, definition)


def test_the_real_documents_are_judged_alike_by_both_validators() -> None:
    for path, definition, document, valid in documents():
        accepted = first_violation(validator(path, definition), document) is None
        assert accepted == oracle_accepts(path, definition, document), (path, document)
        assert valid is None or accepted == valid, (path, document)


@FUZZ
@given(st.data())
def test_the_compiled_validator_agrees_with_the_oracle_on_mutants(data: st.DataObject) -> None:
    path, definition, document, _ = data.draw(st.sampled_from(documents()))
    mutant = data.draw(mutants(document))
    violation = first_violation(validator(path, definition), mutant)
    assert (violation is None) == oracle_accepts(path, definition, mutant), (path, definition, violation)
    if violation is not None:
        assert "\n" not in violation and violation.split(": ", 1)[1]


RUN = validator("handlers/deployment_states.json", "input")
VALID_RUN_INPUT = {
    "deployment": {"method": "height", "activation_height": 5},
    "chain": [{"count": 3, "version": 4, "time": 0}],
    "heights": [1],
}


@pytest.mark.parametrize(
    ("place", "value", "message"),
    [
        (("chain", 0, "count"), 1.0, "chain/0/count: 1.0 is not of type integer"),
        (("chain", 0, "count"), True, "chain/0/count: true is not of type integer"),
        (("chain", 0, "count"), "3", 'chain/0/count: "3" is not of type integer'),
        (("deployment", "method"), "bip7", 'deployment/method: "bip7" is not one of'),
        (("chain", 0, "extra"), 1, 'chain/0: properties not allowed here: "extra"'),
    ],
)
def test_strict_rules_and_one_line_messages(place: tuple[Any, ...], value: object, message: str) -> None:
    document = json.loads(json.dumps(VALID_RUN_INPUT))
    target = document
    for step in place[:-1]:
        target = target[step]
    target[place[-1]] = value
    violation = first_violation(RUN, document)
    assert violation is not None and violation.startswith(message)


def test_a_missing_property_is_named() -> None:
    assert (
        first_violation(RUN, {"chain": [], "heights": []})
        == '(root): missing required properties "deployment"'
    )


@pytest.mark.parametrize(("answers", "matches"), [((), 0), (("output", "error"), 2)])
def test_a_case_holds_exactly_one_of_output_and_error(answers: tuple[str, ...], matches: int) -> None:
    case: dict[str, Any] = {
        "id": "mainnet/version_compare/x",
        "handler": "version_compare",
        "preset": "mainnet",
        "requirements": ["VER-7"],
        "description": "d",
        "features": [],
        "input": {},
        **{answer: {"output": {}, "error": "INVALID_INPUT"}[answer] for answer in answers},
    }
    document = {"format": "forkspec-vectors/1", "cases": [case]}
    assert first_violation(validator("vector-file.json"), document) == (
        f"cases/0: must be valid exactly by one definition ({matches} matches found)"
    )
    assert not oracle_accepts("vector-file.json", None, document)


def test_pattern_dollar_matches_only_at_the_end() -> None:
    error_reply = validator("adapter-protocol.json", "error")
    assert first_violation(error_reply, {"type": "error", "id": 1, "code": "INVALID_INPUT"}) is None
    violation = first_violation(error_reply, {"type": "error", "id": 1, "code": "INVALID_INPUT\n"})
    assert violation is not None and violation.startswith("code: ")


def test_long_and_huge_values_are_abbreviated() -> None:
    document = {**VALID_RUN_INPUT, "heights": ["x" * 100_000]}
    violation = first_violation(RUN, document)
    assert violation is not None and "(100000 characters)" in violation and len(violation) < 200
    violation = first_violation(RUN, {**VALID_RUN_INPUT, "heights": [10**5000]})
    assert violation is None
    violation = first_violation(RUN, {**VALID_RUN_INPUT, "heights": [-(10**5000), "z"]})
    assert violation == 'heights/1: "z" is not of type integer'
    assert first_violation(RUN, {**VALID_RUN_INPUT, 10**5000: 1}) is not None


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "unevaluatedProperties": False},
        {"type": "array", "prefixItems": [{"type": "integer"}]},
        {"$ref": "#/$defs/x", "type": "object"},
        {"properties": {"a": {"dependentRequired": {}}}},
        {"allOf": [3]},
    ],
)
def test_a_keyword_the_compiler_would_misread_is_refused(schema: dict[str, Any]) -> None:
    with pytest.raises(SchemaDefinitionError):
        check_definition(schema, "test")
