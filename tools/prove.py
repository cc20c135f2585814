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
from pathlib import Path

import click
from forkspec.tools.checkout import CheckoutError, ensure_code_is_checkout, find_checkout
from forkspec.tools.conform import HarnessError

SOLVERS = ("z3", "cvc5")
INSTALL_SOLVERS = "python3 -m pip install -e '.[prove]'"


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
    try:
        from forkspec.tools.proofs import all_obligations
        from forkspec.tools.proofs.engine import ProverError
        from forkspec.tools.proofs.run import (
            PROOFS_FOLDER,
            REGRESSIONS_PATH,
            differences,
            generated_files,
            prove_into,
            selected,
            write_report,
        )
    except ModuleNotFoundError as error:
        if error.name not in SOLVERS:
            raise
        raise HarnessError(
            f"forkspec prove needs the solvers z3 and cvc5 ({error.name} is not installed): install the "
            f"'prove' extra, for example '{INSTALL_SOLVERS}' in the checkout"
        ) from error
    if check and pattern is not None:
        raise click.UsageError("--check compares the whole report: it cannot be combined with -k")
    obligations = selected(all_obligations(), pattern)
    if not obligations:
        raise click.UsageError(f"no obligation matches {pattern!r}")
    checkout = _checkout() if pattern is None else None
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="forkspec-proofs-") as scratch:
        root = Path(scratch)
        try:
            results = prove_into(root, obligations)
        except ProverError as error:
            raise HarnessError(str(error)) from error
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
