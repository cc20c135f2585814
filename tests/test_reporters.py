"""Reports (CNF-7, CNF-8, CNF-10, CNF-11): the tally, the problem blocks, JUnit XML, progress lines."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from forkspec.conformance import reporters
from forkspec.conformance.protocol import Capabilities
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import CaseResult, Verdict, judge
from forkspec.handlers import HANDLERS
from forkspec.tools.conform import Gate, gate_failures
from rich.console import Console

ANNOUNCED = Capabilities("client", "1.0", frozenset(HANDLERS), frozenset({"mainnet"}), frozenset())
IDENTITY = reporters.VectorSetIdentity("vectors", "0.1.0", "ab" * 32)
CONTEXT = reporters.SummaryContext(ANNOUNCED, IDENTITY)


def make_case(
    handler: str, slug: str, output: dict[str, object] | None = None, error: str | None = None
) -> Case:
    return Case(
        f"mainnet/{handler}/{slug}",
        handler,
        "mainnet",
        ("VER-7", "VER-8"),
        f"description of {slug}",
        (),
        {"left": "1.0.0-alpha", "right": "1.0.0" + "0" * 400},
        output=output,
        error=error,
    )


COMPARE = make_case("version_compare", "a", output={"order": -1})
SUBSET = make_case("flags_subset", "b", output={"subset": True})
PARSE = make_case("version_parse", "c", error="INVALID_VERSION")


def test_a_second_result_for_a_case_replaces_the_first() -> None:
    tally = reporters.Tally()
    tally.add(CaseResult(COMPARE, Verdict.PASS), 10.0)
    tally.add(CaseResult(COMPARE, Verdict.ERROR, "request 0 answered twice"), 11.0)
    assert tally.totals[Verdict.PASS] == 0
    assert tally.totals[Verdict.ERROR] == 1
    assert tally.counts["version_compare"][Verdict.ERROR] == 1
    assert [result.verdict for result in tally.in_order([COMPARE])] == [Verdict.ERROR]


def test_suite_time_is_the_wall_time_of_overlapping_cases_not_their_sum() -> None:
    tally = reporters.Tally()
    first = make_case("version_compare", "one", output={"order": 0})
    second = make_case("version_compare", "two", output={"order": 0})
    tally.add(CaseResult(first, Verdict.PASS, seconds=2.0), 102.0)
    tally.add(CaseResult(second, Verdict.PASS, seconds=2.0), 102.5)
    assert tally.suite_seconds("version_compare") == 2.5


def test_the_table_orders_handlers_by_area_then_handler_whatever_the_arrival_order() -> None:
    assert reporters.handler_order(
        ["upgrade_schedule", "flags_subset", "version_parse", "version_compare"]
    ) == [
        "version_parse",
        "version_compare",
        "flags_subset",
        "upgrade_schedule",
    ]


def test_a_failure_block_shows_json_input_expected_actual_and_where() -> None:
    result = judge(COMPARE, {"type": "result", "id": 3, "output": {"order": 1}}, 0.01)
    block = reporters.problem_block(result)
    assert block[0] == "FAIL mainnet/version_compare/a (VER-7, VER-8)"
    assert block[1].strip() == "description of a"
    assert block[2].split() == ["vectors:", "mainnet/versioning/version_compare.yaml"]
    assert block[3].startswith('    input:    {"left":"1.0.0-alpha","right":"1.0.0000')
    assert block[3].endswith("more characters)")
    assert block[4].split(None, 1) == ["expected:", '{"output":{"order":-1}}']
    assert block[5].split(None, 1) == ["actual:", '{"output":{"order":1}}']
    assert "'" not in result.detail  # JSON, not Python reprs


def test_the_summary_counts_skips_by_reason_and_names_the_vector_set() -> None:
    tally = reporters.Tally()
    tally.add(CaseResult(COMPARE, Verdict.PASS), 1.0)
    tally.add(CaseResult(SUBSET, Verdict.SKIP, "handler flags_subset not implemented"), 1.0)
    tally.add(CaseResult(PARSE, Verdict.SKIP, "handler flags_subset not implemented"), 1.0)
    console = Console(file=io.StringIO(), width=200)
    reporters.print_summary(console, tally, [COMPARE, SUBSET, PARSE], CONTEXT)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "skipped: 2\n    2 handler flags_subset not implemented" in text
    assert f"root {'ab' * 32}" in text
    assert text.index("version_parse") < text.index("version_compare") < text.index("flags_subset")


def test_junit_carries_details_in_the_body_and_system_err(tmp_path: Path) -> None:
    tally = reporters.Tally()
    failed = judge(COMPARE, {"type": "result", "id": 3, "output": {"order": 1}}, 0.5)
    tally.add(failed, 5.0)
    tally.add(CaseResult(PARSE, Verdict.TIMEOUT, "no answer within 1 s; stderr: boom"), 6.0)
    tally.add(CaseResult(SUBSET, Verdict.NOT_RUN, "not run: interrupted"), 6.0)
    path = tmp_path / "junit.xml"
    reporters.write_junit(path, tally, [COMPARE, PARSE, SUBSET], CONTEXT, 7.25)
    root = ElementTree.parse(path).getroot()
    assert root.get("time") == "7.250000"
    properties = {item.get("name"): item.get("value") for item in root.iter("property")}
    assert properties["vector_set_root_sha256"] == "ab" * 32
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == ["version_parse", "version_compare", "flags_subset"]
    failure = suites["version_compare"].find("testcase/failure")
    assert failure is not None and failure.text is not None
    assert '{"output":{"order":1}}' in failure.text
    assert suites["version_compare"].findtext("testcase/system-err") == failed.detail
    error = suites["version_parse"].find("testcase/error")
    assert error is not None and error.get("type") == "TIMEOUT"
    assert "boom" in (suites["version_parse"].findtext("testcase/system-err") or "")
    assert suites["flags_subset"].get("skipped") == "1"


def test_json_lines_records_carry_the_input_and_the_run_record_the_identity() -> None:
    stream = io.StringIO()
    writer = reporters.JsonLinesWriter(stream)
    writer.write_run(IDENTITY, ANNOUNCED)
    writer.write_case(judge(COMPARE, {"type": "result", "id": 0, "output": {"order": -1}}, 0.0))
    run, record = (json.loads(line) for line in stream.getvalue().splitlines())
    assert run["vector_set"]["root_sha256"] == "ab" * 32
    assert run["client"] == {"name": "client", "version": "1.0"}
    assert record["input"] == COMPARE.input
    assert record["file"] == "mainnet/versioning/version_compare.yaml"
    assert record["verdict"] == "PASS"


def test_plain_progress_prints_a_line_only_when_the_interval_has_passed() -> None:
    stream = io.StringIO()
    progress = reporters.PlainProgress(stream, total=3, every_seconds=3600)
    tally = reporters.Tally()
    progress.advance(tally)
    assert stream.getvalue() == ""
    progress.next_line = 0.0
    tally.add(CaseResult(COMPARE, Verdict.PASS), 1.0)
    progress.advance(tally)
    assert stream.getvalue().startswith("forkspec: 2/3 cases in ")
    assert "PASS 1" in stream.getvalue()


@pytest.mark.parametrize(
    ("verdicts", "reasons"),
    [
        ([Verdict.PASS, Verdict.SKIP], []),
        ([Verdict.PASS, Verdict.XFAIL], []),
        ([Verdict.XPASS], []),
        ([Verdict.PASS, Verdict.FAIL], ["1 case(s) failed, errored or timed out"]),
        ([Verdict.PASS, Verdict.ERROR], ["1 case(s) failed, errored or timed out"]),
        ([Verdict.PASS, Verdict.TIMEOUT], ["1 case(s) failed, errored or timed out"]),
        ([Verdict.SKIP, Verdict.SKIP], ["no case passed"]),
        ([Verdict.XFAIL], ["no case passed"]),
        ([], ["no case passed"]),
    ],
)
def test_the_gate_fails_on_bad_verdicts_and_on_nothing_passed(
    verdicts: list[Verdict], reasons: list[str]
) -> None:
    tally = reporters.Tally()
    cases = [
        make_case("version_compare", f"case-{number}", output={"order": 0}) for number in range(len(verdicts))
    ]
    for case, verdict in zip(cases, verdicts, strict=True):
        tally.add(CaseResult(case, verdict), 1.0)
    assert gate_failures(tally, cases, Gate(), ANNOUNCED, None) == reasons
