"""`forkspec conform` and `forkspec list`: select cases, run them against an adapter, report.

The selection and gating rules are spec/conformance.md's (CNF-4, CNF-9 to CNF-14); the run
itself is the runner's (conformance/runner.py).
"""

from __future__ import annotations

import datetime
import difflib
import fnmatch
import json
import math
import shlex
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import IO, Any

import click
from forkspec.conformance import reporters
from forkspec.conformance.adapter_process import AdapterLaunch, AdapterStartError
from forkspec.conformance.expectations import (
    ExpectationCheck,
    Expectations,
    ExpectationsError,
    load_expectations,
)
from forkspec.conformance.protocol import Capabilities
from forkspec.conformance.reference_adapter import built_in_reference
from forkspec.conformance.runner import (
    DEFAULT_START_TIMEOUT_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    DEFAULT_WINDOW,
    RunSettings,
    Session,
    StartInterrupted,
)
from forkspec.conformance.vectorfile import Case, VectorSet, VectorSetError, load_vector_set
from forkspec.conformance.verdicts import BAD_VERDICTS, CaseResult, Verdict
from forkspec.handlers import FEATURES, HANDLERS
from forkspec.presets import preset_names
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

USAGE_ERROR = 2
MAX_TIMEOUT_SECONDS = 3600.0
MAX_JOBS = 64
# Exit codes of an interrupted run: 128 + the signal's number, as shells report it (CNF-4).
INTERRUPTED_EXIT_CODES = {"SIGINT": 128 + signal.SIGINT, "SIGTERM": 128 + signal.SIGTERM}


class HarnessError(click.ClickException):
    """A usage or harness error: reported in one line, exit code 2 (CNF-4)."""

    exit_code = USAGE_ERROR


def shipped_vectors() -> Path:
    """The vector set installed with forkspec."""
    return Path(str(files("forkspec.vectors")))


def finite_seconds(_context: click.Context, parameter: click.Parameter, value: float) -> float:
    """Refuse NaN, which passes a range check because it compares false with everything."""
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds", param=parameter)
    return value


def load_cases(vectors_dir: Path | None) -> VectorSet:
    """The vector set at `vectors_dir`, or the shipped one; an unusable set is a harness error (VEC-9)."""
    try:
        return load_vector_set(vectors_dir or shipped_vectors())
    except VectorSetError as error:
        raise HarnessError(f"unusable vector set: {error}") from error


def _id_matches(case_id: str, pattern: str) -> bool:
    """CNF-9: a pattern with one of `*?[` is a glob over the whole id, any other a substring."""
    return fnmatch.fnmatchcase(case_id, pattern) if any(c in pattern for c in "*?[") else pattern in case_id


def _unknown_value(option: str, value: str, valid: Sequence[str]) -> HarnessError:
    close = difflib.get_close_matches(value, valid, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return HarnessError(f"{option} {value!r} matches no case{hint}; valid names: {', '.join(valid)}")


def select_cases(
    cases: Sequence[Case], patterns: Sequence[str], handlers: Sequence[str], presets: Sequence[str]
) -> list[Case]:
    """The cases matching every given filter; a filter value that matches no case is an error (CNF-9)."""
    set_handlers = reporters.handler_order({case.handler for case in cases})
    set_presets = sorted({case.preset for case in cases})
    for handler in handlers:
        if handler not in set_handlers:
            raise _unknown_value("--handler", handler, set_handlers)
    for preset in presets:
        if preset not in set_presets:
            raise _unknown_value("--preset", preset, set_presets)
    for pattern in patterns:
        if not any(_id_matches(case.id, pattern) for case in cases):
            raise HarnessError(f"-k {pattern!r} matches no case id ('forkspec list --ids' lists them)")
    selected = [
        case
        for case in cases
        if (not patterns or any(_id_matches(case.id, pattern) for pattern in patterns))
        and (not handlers or case.handler in handlers)
        and (not presets or case.preset in presets)
    ]
    if not selected:
        raise HarnessError("no case matches the given filters together ('forkspec list' shows what there is)")
    return selected


def announcement_warnings(announced: Capabilities, vector_set: VectorSet) -> list[str]:
    """A warning per handler, preset or feature the hello names that the spec does not define (CNF-10)."""
    known = {
        "handler": sorted(HANDLERS),
        "preset": sorted(set(preset_names()) | {case.preset for case in vector_set.cases}),
        "feature": sorted(FEATURES),
    }
    warnings = []
    for kind, names in (
        ("handler", announced.handlers),
        ("preset", announced.presets),
        ("feature", announced.features),
    ):
        for name in sorted(names - set(known[kind])):
            close = difflib.get_close_matches(name, known[kind], n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            warnings.append(
                f"warning: the adapter announces {kind} {name!r}, "
                f"which this specification does not define{hint}"
            )
    return warnings


EXPECTED_SKIP_PREFIX = "expected skip:"


@dataclass(frozen=True)
class Gate:
    """What makes a run fail besides wrong answers (CNF-4, CNF-12, CNF-14)."""

    required_handlers: frozenset[str] = frozenset()
    fail_on_skip: bool = False
    strict_expectations: bool = False


def gate_failures(
    tally: reporters.Tally,
    selected: Sequence[Case],
    gate: Gate,
    announced: Capabilities,
    expectation_check: ExpectationCheck | None,
) -> list[str]:
    """Why the run fails, one line per reason; empty when it passes (CNF-4)."""
    reasons = []
    bad = sum(tally.totals[verdict] for verdict in BAD_VERDICTS)
    if bad:
        reasons.append(f"{bad} case(s) failed, errored or timed out")
    if not (tally.totals[Verdict.PASS] or tally.totals[Verdict.XPASS]):
        reasons.append("no case passed")
    missing = sorted(gate.required_handlers - announced.handlers)
    if missing:
        reasons.append(f"required handler(s) not implemented: {', '.join(missing)}")
    skipped = [result for result in tally.in_order(selected) if result.verdict is Verdict.SKIP]
    required_skipped = sum(result.case.handler in gate.required_handlers for result in skipped)
    if required_skipped:
        reasons.append(f"{required_skipped} case(s) of required handlers skipped")
    unexpected = sum(not result.detail.startswith(EXPECTED_SKIP_PREFIX) for result in skipped)
    if gate.fail_on_skip and unexpected:
        reasons.append(f"{unexpected} case(s) skipped (--fail-on-skip)")
    if gate.strict_expectations:
        if tally.totals[Verdict.XPASS]:
            reasons.append(f"{tally.totals[Verdict.XPASS]} case(s) passed although expected to fail")
        if expectation_check is not None and (expectation_check.expired or expectation_check.unmatched):
            stale = len(expectation_check.expired) + len(expectation_check.unmatched)
            reasons.append(f"{stale} expectation(s) expired or naming no case (--strict-expectations)")
    return reasons


class Interruption:
    """SIGINT and SIGTERM during a run: remember which, and ask the runner to stop (CNF-15)."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.signal_name: str | None = None

    def _handle(self, number: int, _frame: object) -> None:
        self.signal_name = self.signal_name or signal.Signals(number).name
        self.stop.set()

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Handle both signals inside the block, and restore the previous handlers after it."""
        previous = {number: signal.signal(number, self._handle) for number in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


class ProgressDisplay:
    """A progress bar on a terminal, a plain line every few seconds elsewhere (CNF-10)."""

    def __init__(self, total: int, every_seconds: float) -> None:
        self.stream: IO[str] = sys.stderr
        self.bar: Progress | None = None
        self.plain: reporters.PlainProgress | None = None
        if self.stream.isatty():
            self.bar = Progress(
                TextColumn("conformance"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.task = self.bar.add_task("cases", total=total)
        else:
            self.plain = reporters.PlainProgress(self.stream, total, every_seconds)

    def advance(self, tally: reporters.Tally) -> None:
        """One more case has a verdict."""
        if self.bar is not None:
            self.bar.advance(self.task)
        elif self.plain is not None:
            self.plain.advance(tally)

    def shown(self) -> Any:
        """A context in which the bar is drawn (nothing for plain lines)."""
        return self.bar if self.bar is not None else nullcontext()


@dataclass(frozen=True)
class ConformOptions:
    """Everything `forkspec conform` was asked, after its arguments were checked."""

    vector_set: VectorSet
    selected: list[Case]
    gate: Gate
    expectations: Expectations | None
    junit_xml: Path | None
    jsonl: Path | None
    max_fail: int | None
    progress_seconds: float


class Conformance:
    """One `forkspec conform` run: the callback the runner reports to, the reports, the exit code."""

    def __init__(self, options: ConformOptions, session: Session, interruption: Interruption) -> None:
        self.options = options
        self.session = session
        self.tally = reporters.Tally()
        self.stop = interruption.stop
        self.interruption = interruption
        self.bad = 0
        self.progress = ProgressDisplay(len(options.selected), options.progress_seconds)
        self.jsonl: reporters.JsonLinesWriter | None = None
        self.identity = reporters.VectorSetIdentity(
            str(options.vector_set.path), options.vector_set.version, options.vector_set.root_sha256
        )
        self.check = (
            options.expectations.check(options.vector_set.cases) if options.expectations is not None else None
        )

    def report(self, result: CaseResult) -> None:
        """Take one verdict: apply the expectations, count, write, and stop at --max-fail (CNF-11, CNF-14)."""
        if self.options.expectations is not None:
            result = self.options.expectations.apply(result)
        repeated = result.case.id in self.tally.verdicts
        self.tally.add(result, time.monotonic())
        if self.jsonl is not None:
            self.jsonl.write_case(result)
        if not repeated:
            self.progress.advance(self.tally)
        if result.verdict in BAD_VERDICTS:
            self.bad += 1
            if self.options.max_fail is not None and self.bad >= self.options.max_fail:
                self.stop.set()

    def run(self) -> int:
        """Run the selected cases and write every report; the exit code (CNF-4, CNF-15)."""
        options, session = self.options, self.session
        with self._jsonl_file() as stream:
            try:
                announced = session.await_hello()
            except StartInterrupted:
                click.echo(
                    f"forkspec: interrupted by {self.interruption.signal_name} before the adapter's hello",
                    err=True,
                )
                return INTERRUPTED_EXIT_CODES[self.interruption.signal_name or "SIGINT"]
            except AdapterStartError as error:
                raise HarnessError(f"adapter failed to start: {error}") from error
            for warning in announcement_warnings(announced, options.vector_set):
                click.echo(warning, err=True)
            if stream is not None:
                self.jsonl = reporters.JsonLinesWriter(stream)
                self.jsonl.write_run(self.identity, announced)
            to_send = []
            for case in options.selected:
                reason = options.expectations.skip_reason(case) if options.expectations is not None else None
                if reason is None:
                    to_send.append(case)
                else:
                    self.report(CaseResult(case, Verdict.SKIP, reason))
            started = time.monotonic()
            with self.progress.shown():
                session.execute(to_send, self.report, self.stop)
            wall_seconds = time.monotonic() - started
        return self._finish(wall_seconds)

    @contextmanager
    def _jsonl_file(self) -> Iterator[IO[str] | None]:
        if self.options.jsonl is None:
            yield None
            return
        try:
            stream = self.options.jsonl.open("w", encoding="utf-8")
        except OSError as error:
            raise HarnessError(f"cannot write a report to {self.options.jsonl}: {error.strerror}") from error
        with stream:
            yield stream

    def _finish(self, wall_seconds: float) -> int:
        options, session = self.options, self.session
        context = reporters.SummaryContext(
            session.capabilities, self.identity, session.restarts, self.check, self.interruption.signal_name
        )
        reporters.print_summary(Console(), self.tally, options.selected, context)
        if options.junit_xml is not None:
            try:
                reporters.write_junit(options.junit_xml, self.tally, options.selected, context, wall_seconds)
            except OSError as error:
                raise HarnessError(
                    f"cannot write a report to {options.junit_xml}: {error.strerror}"
                ) from error
        if self.interruption.signal_name is not None:
            return INTERRUPTED_EXIT_CODES[self.interruption.signal_name]
        reasons = gate_failures(self.tally, options.selected, options.gate, session.capabilities, self.check)
        for reason in reasons:
            click.echo(f"conformance not shown: {reason}")
        return 1 if reasons else 0


def adapter_command_line(adapter_command: str | None) -> AdapterLaunch:
    """The adapter's argv: `--adapter` split like a shell would, or the built-in reference adapter."""
    if adapter_command is None:
        return built_in_reference()
    try:
        command = shlex.split(adapter_command)
    except ValueError as error:
        raise HarnessError(f"--adapter: {error}") from error
    if not command:
        raise HarnessError("--adapter: empty command")
    return command


def parse_day(_context: click.Context, _parameter: click.Parameter, value: str | None) -> datetime.date:
    """`--today YYYY-MM-DD`, or the current date in UTC."""
    if value is None:
        return datetime.datetime.now(datetime.UTC).date()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from error


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

ADAPTER_OPTION: Decorator = click.option(
    "--adapter",
    "adapter_command",
    metavar="CMD",
    help="Adapter command line (default: the built-in reference).",
)
VECTORS_OPTION: Decorator = click.option(
    "--vectors",
    "vectors_dir",
    type=click.Path(path_type=Path),
    help="Vector set directory (default: the shipped vectors).",
)


def applied(*options: Decorator) -> Decorator:
    """One decorator applying `options`, listed in the order `--help` shows them."""

    def apply(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


selection_options = applied(
    VECTORS_OPTION,
    click.option(
        "-k",
        "patterns",
        multiple=True,
        metavar="PATTERN",
        help="Only cases whose id contains PATTERN (or matches it as a glob); repeatable.",
    ),
    click.option(
        "--handler", "handlers", multiple=True, metavar="NAME", help="Only cases of this handler; repeatable."
    ),
    click.option(
        "--preset", "presets", multiple=True, metavar="NAME", help="Only cases of this preset; repeatable."
    ),
)


def timeout_options(per_case_default: float) -> Decorator:
    """`--timeout` with its default and `--start-timeout`, shared by `conform` and `smoke` (CNF-5)."""
    return applied(
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.01, max=MAX_TIMEOUT_SECONDS),
            callback=finite_seconds,
            default=per_case_default,
            show_default=True,
            help="Seconds an adapter may take to answer a case.",
        ),
        click.option(
            "--start-timeout",
            type=click.FloatRange(min=0.01, max=MAX_TIMEOUT_SECONDS),
            callback=finite_seconds,
            default=DEFAULT_START_TIMEOUT_SECONDS,
            show_default=True,
            help="Seconds an adapter may take to answer the hello.",
        ),
    )


@click.command(
    epilog="Exit codes: 0 when conformance is shown (at least one case passed, none failed, errored or "
    "timed out, and every gate holds); 1 otherwise; 2 on a usage or harness error; 130 or 143 when "
    "interrupted by SIGINT or SIGTERM (the reports are still written)."
)
@ADAPTER_OPTION
@selection_options
@click.option(
    "--junit-xml", type=click.Path(dir_okay=False, path_type=Path), help="Write a JUnit XML report here."
)
@click.option(
    "--jsonl", type=click.Path(dir_okay=False, path_type=Path), help="Write one JSON line per case here."
)
@timeout_options(DEFAULT_TIMEOUT_SECONDS)
@click.option(
    "--window",
    type=click.IntRange(min=1, max=1024),
    default=DEFAULT_WINDOW,
    show_default=True,
    help="Requests in flight at once, per adapter.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1, max=MAX_JOBS),
    default=1,
    show_default=True,
    help="Adapter processes run in parallel.",
)
@click.option(
    "--max-fail",
    type=click.IntRange(min=1),
    metavar="N",
    help="Stop after N cases failed, errored or timed out.",
)
@click.option(
    "-x", "--exit-first", is_flag=True, help="Stop at the first case that fails, errors or times out."
)
@click.option(
    "--require",
    "required",
    multiple=True,
    metavar="HANDLER",
    help="Fail unless the adapter implements HANDLER and skips none of its cases; repeatable.",
)
@click.option("--fail-on-skip", is_flag=True, help="Fail when any case is skipped (expected skips excepted).")
@click.option(
    "--expectations",
    "expectations_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The client's expectation file: cases to skip or expected to fail.",
)
@click.option(
    "--strict-expectations",
    is_flag=True,
    help="Fail on an XPASS, an expired entry or an entry that names no case.",
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    callback=parse_day,
    help="The date expectation expiries are judged on (default: today, UTC).",
)
@click.option("--expect-root", metavar="SHA256", help="Refuse a vector set whose root hash is not SHA256.")
@click.option(
    "--progress-seconds",
    type=click.FloatRange(min=0.1, max=MAX_TIMEOUT_SECONDS),
    callback=finite_seconds,
    default=5.0,
    show_default=True,
    help="Seconds between progress lines when standard error is not a terminal.",
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
    jobs: int,
    max_fail: int | None,
    exit_first: bool,
    required: tuple[str, ...],
    fail_on_skip: bool,
    expectations_file: Path | None,
    strict_expectations: bool,
    today: datetime.date,
    expect_root: str | None,
    progress_seconds: float,
) -> None:
    """Run the vectors against an adapter and print a verdict per case."""
    for report in (junit_xml, jsonl):
        if report is not None and not report.parent.is_dir():
            raise HarnessError(f"cannot write a report to {report}: {report.parent} is not a directory")
    unknown = sorted(set(required) - set(HANDLERS))
    if unknown:
        raise _unknown_value("--require", unknown[0], sorted(HANDLERS))
    settings = RunSettings(adapter_command_line(adapter_command), timeout, window, start_timeout, jobs)
    interruption = Interruption(threading.Event())
    with interruption.installed():
        try:
            # The adapters start while the vectors load; their hellos are awaited in the run.
            session = Session(settings, interruption.stop, wait_for_hello=False)
        except AdapterStartError as error:
            raise HarnessError(f"adapter failed to start: {error}") from error
        try:
            vector_set = load_cases(vectors_dir)
            if expect_root is not None and expect_root.lower() != vector_set.root_sha256:
                raise HarnessError(
                    f"vector set {vector_set.path} has root {vector_set.root_sha256}, "
                    f"not the expected {expect_root}"
                )
            expectations = None
            if expectations_file is not None:
                try:
                    expectations = Expectations(load_expectations(expectations_file), today)
                except ExpectationsError as error:
                    raise HarnessError(f"unusable expectation file: {error}") from error
            options = ConformOptions(
                vector_set=vector_set,
                selected=select_cases(vector_set.cases, patterns, handlers, presets),
                gate=Gate(frozenset(required), fail_on_skip, strict_expectations),
                expectations=expectations,
                junit_xml=junit_xml,
                jsonl=jsonl,
                max_fail=1 if exit_first else max_fail,
                progress_seconds=progress_seconds,
            )
            code = Conformance(options, session, interruption).run()
        finally:
            session.close()
    sys.exit(code)


@click.command("list")
@selection_options
@click.option("--ids", is_flag=True, help="Also list every selected case id.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def list_cases(
    vectors_dir: Path | None,
    patterns: tuple[str, ...],
    handlers: tuple[str, ...],
    presets: tuple[str, ...],
    ids: bool,
    as_json: bool,
) -> None:
    """List the handlers, presets, features and cases of a vector set, without running anything."""
    vector_set = load_cases(vectors_dir)
    selected = select_cases(vector_set.cases, patterns, handlers, presets)
    listing = case_listing(vector_set, selected, ids)
    if as_json:
        click.echo(json.dumps(listing, indent=2))
        return
    click.echo(f"vectors: {vector_set.path} (version {vector_set.version}, root {vector_set.root_sha256})")
    click.echo(f"{len(selected)} case(s)")
    for title in ("handlers", "presets", "features"):
        click.echo(f"{title}:")
        for name, count in listing[title].items():
            click.echo(f"  {name:<24} {count}")
    for case_id in listing.get("ids", ()):
        click.echo(case_id)


def case_listing(vector_set: VectorSet, selected: Sequence[Case], with_ids: bool) -> dict[str, Any]:
    """Counts of the selected cases per handler (spec order), preset and feature, and their ids."""

    handlers = Counter(case.handler for case in selected)
    listing: dict[str, Any] = {
        "vector_set": {
            "path": str(vector_set.path),
            "version": vector_set.version,
            "root_sha256": vector_set.root_sha256,
        },
        "cases": len(selected),
        "handlers": {name: handlers[name] for name in reporters.handler_order(handlers)},
        "presets": dict(sorted(Counter(case.preset for case in selected).items())),
        "features": dict(sorted(Counter(feature for case in selected for feature in case.features).items())),
    }
    if with_ids:
        listing["ids"] = [case.id for case in selected]
    return listing
