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
from forkspec.conformance.vectorfs import list_set_files, read_set_file, remove_set_file, write_set_file
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


def _is_vector_file(path: str) -> bool:
    """A file at the vector-file depth `<preset>/<area>/<handler>.yaml` (or its compiled `.json`)."""
    return path.count("/") == 2 and path.endswith((".yaml", ".json"))


def write_vector_set(files: Mapping[str, bytes], root: Path) -> None:
    """Write `files` under `root`, removing the vector files the set no longer has (VEC-7, VEC-11).

    `root` must be empty, missing, or an earlier vector set (it has a manifest) that holds no
    link and no special file; only files at the vector-file depth are ever removed. Each file
    is replaced atomically, the manifest last.
    """
    root.mkdir(parents=True, exist_ok=True)
    present = list_set_files(root)
    if present and MANIFEST_NAME not in present:
        raise NotAVectorSetError(f"{root} is not empty and has no {MANIFEST_NAME}")
    for stale in sorted(path for path in present if _is_vector_file(path) and path not in files):
        remove_set_file(root, stale)
    for path in sorted(files, key=lambda path: path == MANIFEST_NAME):
        write_set_file(root, path, files[path])


def vector_set_differences(expected_root: Path, actual_root: Path) -> list[str]:
    """The differences between two vector directories, one line each, sorted (VEC-7).

    Both are read as VEC-10 says (no link, no special file, bounded sizes); a directory that
    cannot be read so is refused with a VectorSetError.
    """

    def set_files(root: Path) -> set[str]:
        return {path for path in list_set_files(root) if path.endswith((".yaml", ".json"))}

    expected, actual = set_files(expected_root), set_files(actual_root)
    problems = [f"missing: {path}" for path in expected - actual]
    problems += [f"not generated: {path}" for path in actual - expected]
    problems += [
        f"differs: {path}"
        for path in expected & actual
        if read_set_file(expected_root, path) != read_set_file(actual_root, path)
    ]
    return sorted(problems)
