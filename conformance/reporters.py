"""Reports of a run: a summary for people, JUnit XML and JSON Lines for machines (CNF-7, CNF-8)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from forkspec.conformance.protocol import Capabilities
from forkspec.conformance.verdicts import CaseResult, Verdict
from rich.console import Console
from rich.markup import escape
from rich.table import Table

PROBLEMS_SHOWN = 40
VERDICT_STYLES = {
    Verdict.PASS: "green",
    Verdict.FAIL: "red",
    Verdict.ERROR: "magenta",
    Verdict.TIMEOUT: "yellow",
    Verdict.SKIP: "dim",
    Verdict.NOT_RUN: "dim",
}


def print_summary(console: Console, results: Sequence[CaseResult], announced: Capabilities) -> None:
    """A table of verdicts per handler, then the cases that did not pass or skip (CNF-1)."""
    console.print(f"adapter: [bold]{escape(announced.client_name)} {escape(announced.client_version)}[/bold]")
    table = Table(title="forkspec conformance", title_justify="left")
    table.add_column("handler")
    for verdict in Verdict:
        table.add_column(verdict.value, justify="right", style=VERDICT_STYLES[verdict])
    per_handler: dict[str, Counter[Verdict]] = {}
    for result in results:
        per_handler.setdefault(result.case.handler, Counter())[result.verdict] += 1
    totals: Counter[Verdict] = Counter(result.verdict for result in results)
    for handler, counts in per_handler.items():
        table.add_row(handler, *(str(counts[verdict]) for verdict in Verdict))
    table.add_section()
    table.add_row("total", *(str(totals[verdict]) for verdict in Verdict), style="bold")
    console.print(table)
    problems = [result for result in results if result.verdict not in (Verdict.PASS, Verdict.SKIP)]
    for result in problems[:PROBLEMS_SHOWN]:
        style = VERDICT_STYLES[result.verdict]
        console.print(
            f"[{style}]{result.verdict.value}[/{style}] {escape(result.case.id)}: {escape(result.detail)}",
            highlight=False,
            soft_wrap=True,
        )
    if len(problems) > PROBLEMS_SHOWN:
        console.print(f"... and {len(problems) - PROBLEMS_SHOWN} more; see --jsonl or --junit-xml for all")
    if not totals[Verdict.PASS]:
        console.print("[red]no case passed: this run does not show conformance[/red]")


def result_record(result: CaseResult) -> dict[str, object]:
    """One JSON Lines record (CNF-8)."""
    case = result.case
    expected: dict[str, object] = {"error": case.error} if case.error else {"output": case.output}
    return {
        "id": case.id,
        "handler": case.handler,
        "preset": case.preset,
        "requirements": list(case.requirements),
        "verdict": result.verdict.value,
        "detail": result.detail,
        "expected": expected,
        "answer": result.answer,
        "seconds": round(result.seconds, 6),
    }


def write_jsonl(path: Path, results: Sequence[CaseResult]) -> None:
    """Write one JSON object per case, in run order."""
    with path.open("w", encoding="utf-8") as stream:
        for result in results:
            stream.write(json.dumps(result_record(result), separators=(",", ":")) + "\n")


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


def write_junit(path: Path, results: Sequence[CaseResult], announced: Capabilities) -> None:
    """Write JUnit XML: one testsuite per handler, one testcase per case (CNF-7)."""
    root = ElementTree.Element(
        "testsuites", name=_xml_safe(f"forkspec conformance of {announced.client_name}")
    )
    suites: dict[str, list[CaseResult]] = {}
    for result in results:
        suites.setdefault(result.case.handler, []).append(result)
    for handler, members in suites.items():
        counts = Counter(result.verdict for result in members)
        suite = ElementTree.SubElement(
            root,
            "testsuite",
            name=handler,
            tests=str(len(members)),
            failures=str(counts[Verdict.FAIL]),
            errors=str(counts[Verdict.ERROR] + counts[Verdict.TIMEOUT]),
            skipped=str(counts[Verdict.SKIP]),
            time=f"{sum(result.seconds for result in members):.6f}",
        )
        for result in members:
            case = result.case
            element = ElementTree.SubElement(
                suite,
                "testcase",
                name=case.id,
                classname=f"{case.preset}.{case.area}.{case.handler}",
                time=f"{result.seconds:.6f}",
            )
            if result.verdict is Verdict.FAIL:
                ElementTree.SubElement(element, "failure", message=_xml_safe(result.detail), type="FAIL")
            elif result.verdict in (Verdict.ERROR, Verdict.TIMEOUT):
                ElementTree.SubElement(
                    element, "error", message=_xml_safe(result.detail), type=result.verdict.value
                )
            elif result.verdict is Verdict.SKIP:
                ElementTree.SubElement(element, "skipped", message=_xml_safe(result.detail))
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
