"""Reports of a run: a summary for people, JUnit XML and JSON Lines for machines (CNF-7, CNF-8, CNF-10).

Results stream in: each one is written to the JSON Lines report as it arrives and counted, and
only a compact form of it (verdict, detail, time) is kept for the JUnit report and the summary,
so that a run of any size needs memory for its cases and little more (CNF-11).
"""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from forkspec import __version__
from forkspec.conformance.expectations import ExpectationCheck
from forkspec.conformance.protocol import Capabilities
from forkspec.conformance.vectorfile import Case, case_file_path
from forkspec.conformance.verdicts import (
    BAD_VERDICTS,
    CaseResult,
    Verdict,
    expected_answer,
    json_text,
)
from forkspec.handlers import HANDLERS
from rich.console import Console
from rich.markup import escape
from rich.table import Table

PROBLEMS_SHOWN = 40
INPUT_SHOWN_CHARACTERS = 300
VERDICT_STYLES = {
    Verdict.PASS: "green",
    Verdict.FAIL: "red",
    Verdict.ERROR: "magenta",
    Verdict.TIMEOUT: "yellow",
    Verdict.SKIP: "dim",
    Verdict.XFAIL: "cyan",
    Verdict.XPASS: "bold cyan",
    Verdict.NOT_RUN: "dim",
}
ALWAYS_SHOWN = (Verdict.PASS, Verdict.FAIL, Verdict.ERROR, Verdict.TIMEOUT, Verdict.SKIP)
HANDLER_ORDER = {name: position for position, name in enumerate(HANDLERS)}


def handler_order(handlers: Iterable[str]) -> list[str]:
    """Handlers by spec area and then by handler, in the order of the handler table (CNF-10)."""
    return sorted(handlers, key=lambda name: (HANDLER_ORDER.get(name, len(HANDLER_ORDER)), name))


@dataclass(frozen=True)
class VectorSetIdentity:
    """Which vector set a run used: where it is, its version and its root hash (CNF-13)."""

    path: str
    version: str
    root_sha256: str


@dataclass
class Tally:
    """The verdicts of a run so far; a second result for a case replaces the first (CNF-5, CNF-11)."""

    verdicts: dict[str, CaseResult] = field(default_factory=dict)
    counts: dict[str, Counter[Verdict]] = field(default_factory=dict)
    totals: Counter[Verdict] = field(default_factory=Counter)
    first_started: dict[str, float] = field(default_factory=dict)
    last_finished: dict[str, float] = field(default_factory=dict)

    def add(self, result: CaseResult, now: float) -> None:
        """Count `result`, received at monotonic time `now`, in place of any earlier one for its case."""
        case = result.case
        earlier = self.verdicts.get(case.id)
        handler_counts = self.counts.setdefault(case.handler, Counter())
        if earlier is not None:
            handler_counts[earlier.verdict] -= 1
            self.totals[earlier.verdict] -= 1
        handler_counts[result.verdict] += 1
        self.totals[result.verdict] += 1
        # Only what the JUnit report and the summary need is kept: a passing answer is not.
        answer = None if result.verdict in (Verdict.PASS, Verdict.XPASS) else result.answer
        self.verdicts[case.id] = CaseResult(case, result.verdict, result.detail, answer, result.seconds)
        # Only a case that was sent is in progress for a while: not a skip before sending, not NOT_RUN.
        if result.seconds or result.answer is not None:
            started = now - result.seconds
            self.first_started[case.handler] = min(self.first_started.get(case.handler, started), started)
            self.last_finished[case.handler] = max(self.last_finished.get(case.handler, now), now)

    def suite_seconds(self, handler: str) -> float:
        """The wall time a handler's cases were in progress: first request sent to last answer (CNF-7)."""
        if handler not in self.first_started:
            return 0.0
        return self.last_finished[handler] - self.first_started[handler]

    def in_order(self, cases: Sequence[Case]) -> list[CaseResult]:
        """The results of `cases` that were given, in the order of `cases`."""
        return [self.verdicts[case.id] for case in cases if case.id in self.verdicts]


def case_record(result: CaseResult) -> dict[str, Any]:
    """One JSON Lines record of a case (CNF-8)."""
    case = result.case
    return {
        "record": "case",
        "id": case.id,
        "handler": case.handler,
        "preset": case.preset,
        "requirements": list(case.requirements),
        "description": case.description,
        "file": case_file_path(case),
        "verdict": result.verdict.value,
        "detail": result.detail,
        "input": case.input,
        "expected": expected_answer(case),
        "answer": result.answer,
        "seconds": round(result.seconds, 6),
    }


def run_record(identity: VectorSetIdentity, announced: Capabilities | None) -> dict[str, Any]:
    """The first JSON Lines record: the forkspec version, the vector set and the client (CNF-8, CNF-13)."""
    return {
        "record": "run",
        "forkspec": __version__,
        "vector_set": {
            "path": identity.path,
            "version": identity.version,
            "root_sha256": identity.root_sha256,
        },
        "client": None
        if announced is None
        else {"name": announced.client_name, "version": announced.client_version},
    }


def json_line(record: dict[str, Any]) -> str:
    """A record as one line of ASCII JSON; an integer too long to convert is written by its size."""
    try:
        return json.dumps(record, separators=(",", ":")) + "\n"
    except ValueError:
        record = {**record, "answer": json_text(record["answer"])}
        return json.dumps(record, separators=(",", ":")) + "\n"


class JsonLinesWriter:
    """Writes each result as it arrives, so that an interrupted run keeps what ran (CNF-8)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write_run(self, identity: VectorSetIdentity, announced: Capabilities | None) -> None:
        """Write the run record."""
        self.stream.write(json_line(run_record(identity, announced)))

    def write_case(self, result: CaseResult) -> None:
        """Write one case record."""
        self.stream.write(json_line(case_record(result)))


def problem_block(result: CaseResult) -> list[str]:
    """What a client team needs to fix a case without opening a file (CNF-10), as lines of text."""
    case = result.case
    lines = [
        f"{result.verdict.value} {case.id} ({', '.join(case.requirements)})",
        f"    {case.description}",
        f"    vectors:  {case_file_path(case)}",
        f"    input:    {json_text(case.input, INPUT_SHOWN_CHARACTERS)}",
        f"    expected: {json_text(expected_answer(case), INPUT_SHOWN_CHARACTERS)}",
    ]
    if result.verdict is Verdict.FAIL and result.answer is not None:
        answer = result.answer
        actual = {"error": answer["code"]} if answer["type"] == "error" else {"output": answer.get("output")}
        lines.append(f"    actual:   {json_text(actual, INPUT_SHOWN_CHARACTERS)}")
    else:
        lines.append(f"    reason:   {result.detail}")
    return lines


@dataclass(frozen=True)
class SummaryContext:
    """What the summary says besides the verdicts: who ran, on what, and what needs attention."""

    announced: Capabilities | None
    identity: VectorSetIdentity
    restarts: int = 0
    expectation_check: ExpectationCheck | None = None
    interrupted: str | None = None


def print_summary(console: Console, tally: Tally, cases: Sequence[Case], context: SummaryContext) -> None:
    """A table of verdicts per handler, then what did not pass, skips by reason, and notices (CNF-10)."""
    if context.announced is not None:
        console.print(
            f"adapter: [bold]{escape(context.announced.client_name)} "
            f"{escape(context.announced.client_version)}[/bold]",
            highlight=False,
        )
    identity = context.identity
    console.print(
        f"vectors: {escape(identity.path)} (version {escape(identity.version)}, root {identity.root_sha256})",
        highlight=False,
        soft_wrap=True,
    )
    shown = [verdict for verdict in Verdict if verdict in ALWAYS_SHOWN or tally.totals[verdict]]
    table = Table(title="forkspec conformance", title_justify="left")
    table.add_column("handler")
    for verdict in shown:
        table.add_column(verdict.value, justify="right", style=VERDICT_STYLES[verdict])
    for handler in handler_order(tally.counts):
        counts = tally.counts[handler]
        table.add_row(handler, *(str(counts[verdict]) for verdict in shown))
    table.add_section()
    table.add_row("total", *(str(tally.totals[verdict]) for verdict in shown), style="bold")
    console.print(table)
    problems = [result for result in tally.in_order(cases) if result.verdict in BAD_VERDICTS]
    for result in problems[:PROBLEMS_SHOWN]:
        style = VERDICT_STYLES[result.verdict]
        first, *rest = problem_block(result)
        console.print(f"[{style}]{escape(first)}[/{style}]", highlight=False, soft_wrap=True)
        for line in rest:
            console.print(escape(line), highlight=False, soft_wrap=True)
    if len(problems) > PROBLEMS_SHOWN:
        console.print(
            f"... and {len(problems) - PROBLEMS_SHOWN} more; --jsonl or --junit-xml lists every case"
        )
    print_skips(console, tally)
    for result in tally.in_order(cases):
        if result.verdict is Verdict.XPASS:
            console.print(
                f"XPASS {escape(result.case.id)}: passes although expected to fail; remove its entry",
                highlight=False,
                soft_wrap=True,
            )
    check = context.expectation_check
    if check is not None:
        for entry in check.expired:
            console.print(
                f"expired expectation ({entry.expires}): {escape(entry.describe())}", highlight=False
            )
        for entry in check.unmatched:
            console.print(f"expectation that names no case: {escape(entry.describe())}", highlight=False)
    if context.restarts:
        console.print(f"the adapter was restarted {context.restarts} time(s)")
    if context.interrupted:
        console.print(
            f"[yellow]interrupted by {context.interrupted}: "
            f"{tally.totals[Verdict.NOT_RUN]} case(s) not run[/yellow]"
        )
    elif not (tally.totals[Verdict.PASS] or tally.totals[Verdict.XPASS]):
        console.print("[red]no case passed: this run does not show conformance[/red]")


def print_skips(console: Console, tally: Tally) -> None:
    """How many cases were skipped and why, most common reason first (CNF-10)."""
    reasons = Counter(result.detail for result in tally.verdicts.values() if result.verdict is Verdict.SKIP)
    total = sum(reasons.values())
    console.print(f"skipped: {total}", highlight=False)
    for reason, count in reasons.most_common(10):
        console.print(f"    {count} {escape(reason)}", highlight=False, soft_wrap=True)
    if len(reasons) > 10:
        console.print(f"    ... and {len(reasons) - 10} other reasons", highlight=False)


def _xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry, so that any adapter output can be reported."""
    return "".join(
        character
        if character in "\t\n\r"
        or " " <= character <= "\ud7ff"
        or "\ue000" <= character <= "\ufffd"
        or character >= "\U00010000"
        else "\ufffd"
        for character in text
    )


JUNIT_ELEMENTS = {
    Verdict.FAIL: "failure",
    Verdict.ERROR: "error",
    Verdict.TIMEOUT: "error",
    Verdict.SKIP: "skipped",
    Verdict.NOT_RUN: "skipped",
}


def write_junit(
    path: Path,
    tally: Tally,
    cases: Sequence[Case],
    context: SummaryContext,
    wall_seconds: float,
) -> None:
    """Write JUnit XML: one testsuite per handler, one testcase per case, details in the body (CNF-7)."""
    client = context.announced.client_name if context.announced is not None else "an adapter"
    root = ElementTree.Element(
        "testsuites", name=_xml_safe(f"forkspec conformance of {client}"), time=f"{wall_seconds:.6f}"
    )
    properties = ElementTree.SubElement(root, "properties")
    for name, value in (
        ("forkspec", __version__),
        ("vector_set", context.identity.path),
        ("vector_set_version", context.identity.version),
        ("vector_set_root_sha256", context.identity.root_sha256),
    ):
        ElementTree.SubElement(properties, "property", name=name, value=_xml_safe(value))
    by_handler: dict[str, list[CaseResult]] = {}
    for result in tally.in_order(cases):
        by_handler.setdefault(result.case.handler, []).append(result)
    for handler in handler_order(by_handler):
        members = by_handler[handler]
        counts = tally.counts[handler]
        suite = ElementTree.SubElement(
            root,
            "testsuite",
            name=handler,
            tests=str(len(members)),
            failures=str(counts[Verdict.FAIL]),
            errors=str(counts[Verdict.ERROR] + counts[Verdict.TIMEOUT]),
            skipped=str(counts[Verdict.SKIP] + counts[Verdict.NOT_RUN]),
            time=f"{tally.suite_seconds(handler):.6f}",
        )
        for result in members:
            _junit_case(suite, result)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _junit_case(suite: ElementTree.Element, result: CaseResult) -> None:
    case = result.case
    element = ElementTree.SubElement(
        suite,
        "testcase",
        name=case.id,
        classname=f"{case.preset}.{case.area}.{case.handler}",
        time=f"{result.seconds:.6f}",
        file=case_file_path(case),
    )
    tag = JUNIT_ELEMENTS.get(result.verdict)
    if tag is None:
        return
    child = ElementTree.SubElement(
        element, tag, message=_xml_safe(result.detail.split("\n", 1)[0]), type=result.verdict.value
    )
    if tag != "skipped":
        child.text = _xml_safe("\n".join(problem_block(result)))
        ElementTree.SubElement(element, "system-err").text = _xml_safe(result.detail)


class PlainProgress:
    """A progress line every few seconds, for logs that are not a terminal (CNF-10)."""

    def __init__(self, stream: IO[str], total: int, every_seconds: float) -> None:
        self.stream = stream
        self.total = total
        self.every = every_seconds
        self.started = time.monotonic()
        self.next_line = self.started + every_seconds
        self.done = 0

    def advance(self, tally: Tally) -> None:
        """Count one more result; print a line when the interval has passed."""
        self.done += 1
        now = time.monotonic()
        if now < self.next_line:
            return
        self.next_line = now + self.every
        counts = ", ".join(f"{verdict.value} {count}" for verdict, count in tally.totals.items() if count)
        self.stream.write(
            f"forkspec: {self.done}/{self.total} cases in {now - self.started:.0f} s ({counts})\n"
        )
        self.stream.flush()
