"""Running obligations into a directory laid out as a checkout, and comparing two such directories.

Implements: GEN-9, GEN-10.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

import click
from forkspec.tools.cases import authored_case_specs
from forkspec.tools.cases.proofs import REGRESSIONS_FILE
from forkspec.tools.proofs import Obligation
from forkspec.tools.proofs.engine import ObligationResult, Session, discharge
from forkspec.tools.proofs.report import (
    SMT_FOLDER,
    VectorIndex,
    regression_specs,
    regressions_document,
    report_json,
    report_markdown,
)

PROOFS_FOLDER = Path("spec") / "proofs"
REGRESSIONS_PATH = Path("tools") / "cases" / REGRESSIONS_FILE


def selected(obligations: tuple[Obligation, ...], pattern: str | None) -> tuple[Obligation, ...]:
    """The obligations whose ID matches `pattern` as a shell pattern or whose title contains it."""
    if pattern is None:
        return obligations
    return tuple(
        obligation
        for obligation in obligations
        if fnmatchcase(obligation.id, pattern) or pattern.lower() in obligation.title.lower()
    )


def prove_into(root: Path, obligations: tuple[Obligation, ...]) -> list[ObligationResult]:
    """Discharge `obligations`, writing their SMT-LIB files under root/spec/proofs/smt and printing "
    "progress."""
    session = Session(root / PROOFS_FOLDER / SMT_FOLDER)
    results = []
    for obligation in obligations:
        result = discharge(session, obligation)
        results.append(result)
        verdict = "proved" if not result.failures else "FAILED"
        refuted = sum(1 for mutant in result.mutants if mutant.outcome.z3.value == "sat")
        click.echo(
            f"{obligation.id:<7} {verdict:<7} z3 {result.proof.z3:<6} cvc5 {result.proof.cvc5:<6} "
            f"witness {result.witness.z3:<6} mutants refuted {refuted}/{len(result.mutants)}  "
            f"{result.seconds:6.2f} s  {obligation.title}"
        )
        for failure in result.failures:
            click.echo(f"    {failure}")
    return results


def write_report(root: Path, results: list[ObligationResult]) -> None:
    """The report files and the regression data file under `root`, laid out as in a checkout."""
    regressions = regression_specs(results)
    vectors = VectorIndex(authored_case_specs())
    proofs = root / PROOFS_FOLDER
    (proofs / "README.md").write_bytes(report_markdown(results, regressions, vectors))
    (proofs / "report.json").write_bytes(report_json(results, regressions, vectors))
    (root / REGRESSIONS_PATH).parent.mkdir(parents=True, exist_ok=True)
    (root / REGRESSIONS_PATH).write_bytes(regressions_document(regressions))


def generated_files(root: Path) -> dict[str, bytes]:
    """The files the prover owns under `root`, by checkout-relative path."""
    proofs = root / PROOFS_FOLDER
    found = (
        {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(proofs.rglob("*"))
            if path.is_file()
        }
        if proofs.is_dir()
        else {}
    )
    regressions = root / REGRESSIONS_PATH
    if regressions.is_file():
        found[REGRESSIONS_PATH.as_posix()] = regressions.read_bytes()
    return found


def differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """One line per file missing, not generated, or differing, sorted."""
    problems = [f"missing: {path}" for path in expected.keys() - actual.keys()]
    problems += [f"not generated: {path}" for path in actual.keys() - expected.keys()]
    problems += [
        f"differs: {path}" for path in expected.keys() & actual.keys() if expected[path] != actual[path]
    ]
    return sorted(problems)
