"""The vector generator: case specifications in, a deterministic vector set out.

A case specification names a handler, a slug, the requirements it exercises, a description
and an input; the expected output or error code is what the reference computes (VEC-6).
Writing the same specifications twice gives byte-identical files (VEC-3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from forkspec.conformance.vectorfile import MANIFEST_NAME, Case, render_vector_set
from forkspec.errors import SpecError
from forkspec.handlers import run_handler
from forkspec.tools.cases import CaseSpec, case_specs


def build_cases(specs: Iterable[CaseSpec]) -> list[Case]:
    """Run the reference on each specification under each of its presets (VEC-6).

    Two specifications that give the same case id are a mistake of the case author.
    """
    cases: list[Case] = []
    seen: set[str] = set()
    for spec in specs:
        for preset in spec.presets:
            output: dict[str, Any] | None = None
            error: str | None = None
            try:
                output = run_handler(spec.handler, preset, spec.input)
            except SpecError as rejection:
                error = rejection.code.value
            case_id = f"{preset}/{spec.handler}/{spec.slug}"
            if case_id in seen:
                raise ValueError(f"two case specifications give the id {case_id}")
            seen.add(case_id)
            cases.append(
                Case(
                    id=case_id,
                    handler=spec.handler,
                    preset=preset,
                    requirements=spec.requirements,
                    description=spec.description,
                    features=spec.features,
                    input=spec.input,
                    output=output,
                    error=error,
                )
            )
    return cases


def generate_vector_set() -> dict[str, bytes]:
    """The complete vector set, as path -> bytes."""
    return render_vector_set(build_cases(case_specs()))


class NotAVectorSetError(Exception):
    """The target directory holds files but no vector-set manifest: writing there could destroy them."""


def write_vector_set(files: Mapping[str, bytes], root: Path) -> None:
    """Write `files` under `root`, removing the vector files the set no longer has (VEC-7).

    `root` must be empty, missing, or an earlier vector set (it has a manifest); only files at
    the vector-file depth `<preset>/<area>/<handler>.yaml` are ever removed.
    """
    if root.exists() and any(root.iterdir()) and not (root / MANIFEST_NAME).is_file():
        raise NotAVectorSetError(f"{root} is not empty and has no {MANIFEST_NAME}")
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob("*/*/*.yaml"):
        if stale.relative_to(root).as_posix() not in files:
            stale.unlink()
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def vector_set_differences(expected_root: Path, actual_root: Path) -> list[str]:
    """The differences between two vector directories, one line each, sorted (VEC-7)."""
    expected = {path.relative_to(expected_root).as_posix(): path for path in expected_root.rglob("*.yaml")}
    actual = {path.relative_to(actual_root).as_posix(): path for path in actual_root.rglob("*.yaml")}
    problems = [f"missing: {path}" for path in expected.keys() - actual.keys()]
    problems += [f"not generated: {path}" for path in actual.keys() - expected.keys()]
    problems += [
        f"differs: {path}"
        for path in expected.keys() & actual.keys()
        if expected[path].read_bytes() != actual[path].read_bytes()
    ]
    return sorted(problems)
