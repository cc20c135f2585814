"""Traceability: every requirement is defined once, cited by code or vectors, and every citation resolves;
every proof obligation is numbered in its range, cites defined requirements and ships regression vectors."""

from __future__ import annotations

import importlib
import json
import re
from collections import Counter
from pathlib import Path

from forkspec.conformance.vectorfile import Case
from forkspec.errors import ErrorCode
from forkspec.tools.proofs import AREAS, all_obligations

ROOT = Path(__file__).parent.parent
DEFINITION = re.compile(r"\*\*([A-Z]+-[0-9]+)\.\*\*")
SPEC_README = (ROOT / "spec" / "README.md").read_text()
# The prefixes in use are the rows of the prefix table in spec/README.md.
PREFIXES = re.findall(r"^\| ([A-Z]{3}) \|", SPEC_README, re.MULTILINE)
CITATION = re.compile(rf"\b((?:{'|'.join(PREFIXES)})-[0-9]+)\b")
CODE_FOLDERS = ("reference", "conformance", "tools", "tests")
# GEN-1 is the reading convention of the spec's keywords: there is nothing to implement or test.
EDITORIAL = {"GEN-1"}


def defined_requirements() -> Counter[str]:
    return Counter(
        match
        for path in sorted((ROOT / "spec").glob("*.md"))
        for match in DEFINITION.findall(path.read_text())
    )


def code_citations() -> set[str]:
    return {
        match
        for folder in CODE_FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        for match in CITATION.findall(path.read_text())
    }


def test_every_requirement_is_defined_exactly_once() -> None:
    """GEN-2: one definition per ID, under a prefix of the table."""
    assert {"GEN", "VER", "CLS", "FLG"} <= set(PREFIXES)
    definitions = defined_requirements()
    assert definitions, "the spec defines no requirement"
    assert [requirement for requirement, count in definitions.items() if count > 1] == []


def test_every_citation_resolves_to_a_definition(shipped_cases: list[Case]) -> None:
    cited = code_citations() | {requirement for case in shipped_cases for requirement in case.requirements}
    assert sorted(cited - set(defined_requirements())) == []


def test_every_requirement_is_implemented_or_exercised(shipped_cases: list[Case]) -> None:
    cited = code_citations() | {requirement for case in shipped_cases for requirement in case.requirements}
    assert sorted(set(defined_requirements()) - cited - EDITORIAL) == []


def test_every_reference_requirement_is_exercised_by_a_vector(shipped_cases: list[Case]) -> None:
    exercised = {requirement for case in shipped_cases for requirement in case.requirements}
    # Every area of the reference, that is every prefix but the general rules and the harness's own.
    harness = {"GEN", "VEC", "ADP", "CNF"}
    reference = {
        requirement for requirement in defined_requirements() if requirement.split("-")[0] not in harness
    }
    assert sorted(reference - exercised) == []


def test_error_code_table_matches_the_reference() -> None:
    table = re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", SPEC_README, re.MULTILINE)
    assert table == [code.value for code in ErrorCode]


# Proof obligations (GEN-9): the ID ranges of spec/README.md, the requirements they cite, the vectors.
OBLIGATION_RANGE = re.compile(
    r"^\| PRF-([0-9]+) to PRF-([0-9]+) \| [^|]+ \| `tools/proofs/([a-z_]+)\.py` \|$", re.MULTILINE
)
PROOF_REPORT = ROOT / "spec" / "proofs" / "report.json"


def obligations_by_module() -> dict[str, tuple[str, ...]]:
    modules = {area.rsplit(".", 1)[1]: importlib.import_module(area) for area in AREAS}
    return {
        name: tuple(obligation.id for obligation in module.obligations()) for name, module in modules.items()
    }


def test_every_obligation_is_numbered_in_its_areas_range() -> None:
    ranges = {module: (int(low), int(high)) for low, high, module in OBLIGATION_RANGE.findall(SPEC_README)}
    by_module = obligations_by_module()
    assert set(by_module) <= set(ranges), "an area module without an ID range in spec/README.md"
    for module, identifiers in by_module.items():
        low, high = ranges[module]
        assert identifiers, f"{module} defines no obligation"
        assert all(low <= int(identifier.removeprefix("PRF-")) <= high for identifier in identifiers), module
    assert [obligation.id for obligation in all_obligations()] == [
        entry["id"] for entry in json.loads(PROOF_REPORT.read_text())["obligations"]
    ], "the committed report covers exactly the obligations"


def test_every_obligation_cites_defined_requirements() -> None:
    defined = set(defined_requirements())
    for obligation in all_obligations():
        assert obligation.requirements, obligation.id
        assert sorted(set(obligation.requirements) - defined) == [], obligation.id


def test_every_obligation_is_exercised_by_its_regression_vectors(shipped_cases: list[Case]) -> None:
    shipped = {case.id: case for case in shipped_cases}
    for entry in json.loads(PROOF_REPORT.read_text())["obligations"]:
        regression = entry["vectors"]["regression"]
        assert regression, f"{entry['id']} has no regression vector"
        for case_id in regression:
            assert case_id in shipped, f"{entry['id']}: {case_id} is not in the shipped vectors"
            assert set(shipped[case_id].requirements) == set(entry["requirements"])
            assert entry["id"] in shipped[case_id].description
