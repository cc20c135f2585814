"""The `forkspec` command: conform, adapter, vectors generate, vectors check.

Exit codes (CNF-4): 0 success; 1 a conformance run that failed, errored, timed out or passed
nothing, or vectors that do not match the generator; 2 a usage or harness error (bad
arguments, an unusable vector set, an adapter that cannot be started).
"""

from __future__ import annotations

import fnmatch
import math
import shlex
import signal
import sys
import tempfile
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import click
from forkspec import __version__
from forkspec.conformance import reporters
from forkspec.conformance.adapter_process import AdapterStartError
from forkspec.conformance.reference_adapter import serve
from forkspec.conformance.runner import (
    DEFAULT_START_TIMEOUT_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    DEFAULT_WINDOW,
    Run,
    RunSettings,
)
from forkspec.conformance.vectorfile import Case, VectorSetError, load_vector_set
from forkspec.conformance.verdicts import CaseResult, exit_status
from forkspec.tools.generate import (
    NotAVectorSetError,
    generate_vector_set,
    vector_set_differences,
    write_vector_set,
)
from forkspec.tools.mutate import mutate
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

USAGE_ERROR = 2
MAX_TIMEOUT_SECONDS = 3600.0


class HarnessError(click.ClickException):
    """A usage or harness error: reported in one line, exit code 2."""

    exit_code = USAGE_ERROR


def _finite(_context: click.Context, parameter: click.Parameter, value: float) -> float:
    """Refuse NaN, which passes a range check because it compares false with everything."""
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds", param=parameter)
    return value


def _exit_on_terminate(_signal: int, _frame: object) -> None:
    """A terminated run (a cancelled CI job) unwinds normally, so that the adapter is killed too."""
    sys.exit(USAGE_ERROR)


def shipped_vectors() -> Path:
    """The vector set installed with forkspec."""
    return Path(str(files("forkspec.vectors")))


def reference_adapter_command() -> list[str]:
    """The command that serves the built-in reference over the adapter protocol."""
    return [sys.executable, "-m", "forkspec.tools.cli", "adapter"]


def select_cases(
    cases: Sequence[Case], patterns: Sequence[str], handlers: Sequence[str], presets: Sequence[str]
) -> list[Case]:
    """The cases matching every given filter (CNF-9).

    A `-k` pattern is a glob if it holds one of `*?[`, a substring otherwise.
    """

    def matches(case_id: str, pattern: str) -> bool:
        return (
            fnmatch.fnmatchcase(case_id, pattern) if any(c in pattern for c in "*?[") else pattern in case_id
        )

    return [
        case
        for case in cases
        if (not patterns or any(matches(case.id, pattern) for pattern in patterns))
        and (not handlers or case.handler in handlers)
        and (not presets or case.preset in presets)
    ]


@click.group()
@click.version_option(__version__, prog_name="forkspec")
def cli() -> None:
    """forkspec: reference specification, test vectors and conformance runner for protocol upgrades."""


@cli.command(
    epilog="Exit codes: 0 when at least one case passed and none failed, errored or timed out; "
    "1 otherwise; 2 on a usage or harness error."
)
@click.option(
    "--adapter",
    "adapter_command",
    metavar="CMD",
    help="Adapter command line (default: the built-in reference).",
)
@click.option(
    "--vectors",
    "vectors_dir",
    type=click.Path(path_type=Path),
    help="Vector set directory (default: the shipped vectors).",
)
@click.option(
    "-k",
    "patterns",
    multiple=True,
    metavar="PATTERN",
    help="Only cases whose id contains PATTERN (or matches it as a glob); repeatable.",
)
@click.option(
    "--handler",
    "handlers",
    multiple=True,
    metavar="NAME",
    help="Only cases of this handler; repeatable.",
)
@click.option(
    "--preset",
    "presets",
    multiple=True,
    metavar="NAME",
    help="Only cases of this preset; repeatable.",
)
@click.option(
    "--junit-xml",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JUnit XML report here.",
)
@click.option(
    "--jsonl",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one JSON line per case here.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01, max=MAX_TIMEOUT_SECONDS),
    callback=_finite,
    default=DEFAULT_TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds an adapter may stay silent on a case.",
)
@click.option(
    "--start-timeout",
    type=click.FloatRange(min=0.01, max=MAX_TIMEOUT_SECONDS),
    callback=_finite,
    default=DEFAULT_START_TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds an adapter may take to answer the hello.",
)
@click.option(
    "--window",
    type=click.IntRange(min=1, max=1024),
    default=DEFAULT_WINDOW,
    show_default=True,
    help="Requests in flight at once.",
)
def conform(
    adapter_command: str | None,
    vectors_dir: Path | None,
    patterns: tuple[str, ...],
    handlers: tuple[str, ...],
    presets: tuple[str, ...],
    junit_xml: Path | None,
    jsonl: Path | None,
    timeout: float,
    start_timeout: float,
    window: int,
) -> None:
    """Run the vectors against an adapter and print a verdict per case."""
    for report in (junit_xml, jsonl):
        if report is not None and not report.parent.is_dir():
            raise HarnessError(f"cannot write a report to {report}: {report.parent} is not a directory")
    try:
        command = shlex.split(adapter_command) if adapter_command is not None else reference_adapter_command()
    except ValueError as error:
        raise HarnessError(f"--adapter: {error}") from error
    if not command:
        raise HarnessError("--adapter: empty command")
    try:
        cases = load_vector_set(vectors_dir or shipped_vectors())
    except VectorSetError as error:
        raise HarnessError(f"unusable vector set: {error}") from error
    selected = select_cases(cases, patterns, handlers, presets)
    if not selected:
        raise HarnessError("no case matches the given filters")
    console = Console()
    progress = Progress(
        TextColumn("conformance"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    try:
        with progress:
            task = progress.add_task("cases", total=len(selected))

            def advance(_: CaseResult) -> None:
                progress.advance(task)

            run = Run(RunSettings(command, timeout, window, start_timeout), advance)
            results = run.execute(selected)
    except AdapterStartError as error:
        raise HarnessError(f"adapter failed to start: {error}") from error
    reporters.print_summary(console, results, run.capabilities)
    if run.restarts:
        console.print(f"the adapter was restarted {run.restarts} time(s)")
    try:
        if junit_xml:
            reporters.write_junit(junit_xml, results, run.capabilities)
        if jsonl:
            reporters.write_jsonl(jsonl, results)
    except OSError as error:
        raise HarnessError(f"cannot write a report: {error}") from error
    sys.exit(exit_status(results))


@cli.command()
def adapter() -> None:
    """Serve the reference over the adapter protocol on stdin and stdout."""
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))


@cli.group()
def vectors() -> None:
    """Generate or check the test vectors."""


@vectors.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("vectors"),
    show_default=True,
    help="Directory to write.",
)
def generate(out: Path) -> None:
    """Write the complete vector set and its manifest."""
    vector_files = generate_vector_set()
    try:
        write_vector_set(vector_files, out)
    except (OSError, NotAVectorSetError) as error:
        raise HarnessError(f"cannot write vectors to {out}: {error}") from error
    click.echo(f"wrote {len(vector_files)} files to {out}")


@vectors.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("vectors"),
    show_default=True,
    help="Vector set to check.",
)
def check(directory: Path) -> None:
    """Regenerate into an empty temporary directory and compare, byte for byte."""
    if not directory.is_dir():
        raise HarnessError(f"{directory}: no such directory (run from the repository root or pass --dir)")
    with tempfile.TemporaryDirectory(prefix="forkspec-vectors-") as scratch:
        write_vector_set(generate_vector_set(), Path(scratch))
        try:
            problems = vector_set_differences(Path(scratch), directory)
        except OSError as error:
            raise HarnessError(f"cannot read {directory}: {error}") from error
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(
            f"{directory} does not match the generator: run 'forkspec vectors generate --out {directory}'"
        )
        sys.exit(1)
    click.echo(f"{directory} matches the generator")


cli.add_command(mutate)


def main() -> None:
    """The console script."""
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    cli()


if __name__ == "__main__":
    main()
