"""`forkspec prove`: discharge every proof obligation and write the report. Implements: GEN-9, GEN-10.

`forkspec prove` runs every obligation with both solvers into an empty temporary directory and,
only when every one is discharged, replaces the checkout's `spec/proofs/` (README.md,
report.json, smt/*.smt2) and `tools/cases/proof_regressions.json` with the result; a failing
run writes nothing and exits 1 with what failed. `--check` regenerates the same way and
compares with the committed files instead, failing (exit 1) on any difference. `-k PATTERN`
runs the obligations whose ID matches PATTERN (a shell-style pattern such as `PRF-1*`) or whose
title contains it, and writes nothing: the committed report always covers every obligation.
The time of each obligation and the total are printed; they are never written.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from fnmatch import fnmatchcase
from pathlib import Path

import click
from forkspec.tools.cases import authored_case_specs
from forkspec.tools.cases.proofs import REGRESSIONS_FILE
from forkspec.tools.checkout import CheckoutError, ensure_code_is_checkout, find_checkout
from forkspec.tools.conform import HarnessError
from forkspec.tools.proofs import Obligation, all_obligations
from forkspec.tools.proofs.engine import ObligationResult, ProverError, Session, discharge
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
        try:
            result = discharge(session, obligation)
        except ProverError as error:
            raise HarnessError(str(error)) from error
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


def _checkout() -> Path:
    checkout = find_checkout(Path.cwd())
    if checkout is None:
        raise HarnessError(
            f"no forkspec checkout at or above {Path.cwd()}: run forkspec prove from the repository "
            "(the directory with pyproject.toml and vectors/)"
        )
    try:
        ensure_code_is_checkout(checkout, "proofs")
    except CheckoutError as error:
        raise HarnessError(str(error)) from error
    return checkout


@click.command()
@click.option(
    "--check",
    is_flag=True,
    help="Regenerate into a temporary directory and compare with the committed report.",
)
@click.option(
    "-k",
    "pattern",
    metavar="PATTERN",
    help="Run only the obligations whose ID matches or title contains PATTERN; writes nothing.",
)
def prove(check: bool, pattern: str | None) -> None:
    """Discharge every proof obligation with z3 and cvc5 and write spec/proofs/ (GEN-9, GEN-10)."""
    if check and pattern is not None:
        raise click.UsageError("--check compares the whole report: it cannot be combined with -k")
    obligations = selected(all_obligations(), pattern)
    if not obligations:
        raise click.UsageError(f"no obligation matches {pattern!r}")
    checkout = _checkout() if pattern is None else None
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="forkspec-proofs-") as scratch:
        root = Path(scratch)
        results = prove_into(root, obligations)
        failed = [result.obligation.id for result in results if result.failures]
        click.echo(
            f"{len(results)} obligations, {len(failed)} failed, {time.perf_counter() - started:.2f} s in all"
        )
        if failed:
            click.echo(f"not proved: {', '.join(failed)}; the report was not written")
            sys.exit(1)
        if checkout is None:
            return
        write_report(root, results)
        fresh = generated_files(root)
        if check:
            problems = differences(fresh, generated_files(checkout))
            for problem in problems:
                click.echo(problem)
            if problems:
                click.echo(f"{checkout / PROOFS_FOLDER} is stale: run 'forkspec prove' and commit the result")
                sys.exit(1)
            click.echo(f"{checkout / PROOFS_FOLDER} matches the prover")
            return
        shutil.rmtree(checkout / PROOFS_FOLDER, ignore_errors=True)
        for path, content in fresh.items():
            (checkout / path).parent.mkdir(parents=True, exist_ok=True)
            (checkout / path).write_bytes(content)
        click.echo(f"wrote {len(fresh)} files under {checkout / PROOFS_FOLDER} and {REGRESSIONS_PATH}")
