"""The `forkspec` command as a client team uses it: selection, gates, reports, smoke, list (CNF-4, CNF-9+)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from forkspec.conformance.vectorfile import Case

from tests.support import fake_adapter, run_forkspec
from tests.test_conformance_e2e import exercises_prerelease_order

VERSIONING = ("--handler", "version_compare", "--handler", "version_bump")


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (
            ("--handler", "version_comapre"),
            ["'version_comapre'", "did you mean version_compare", "flags_subset"],
        ),
        (("--handler", "version_parse", "--handler", "version_comapre"), ["'version_comapre'"]),
        (("--preset", "minmal"), ["'minmal'", "did you mean minimal", "mainnet"]),
        (("--preset", "mainnet", "--preset", "minmal"), ["'minmal'"]),
        (("-k", "no-such-case-anywhere"), ["'no-such-case-anywhere'", "forkspec list --ids"]),
    ],
)
def test_a_filter_value_that_matches_nothing_is_an_error_naming_it(
    arguments: tuple[str, ...], named: list[str], tmp_path: Path
) -> None:
    for command in ("conform", "list"):
        run = run_forkspec(command, *arguments, tmp_path=tmp_path)
        assert run.exit_code == 2
        assert all(text in run.stderr for text in named), run.stderr
        assert "Traceback" not in run.stderr


def test_filters_that_each_match_but_not_together_are_an_error(tmp_path: Path) -> None:
    run = run_forkspec("conform", "--handler", "deployment_states", "-k", "version_parse", tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "together" in run.stderr


def test_unknown_names_in_the_hello_are_warned_about(tmp_path: Path) -> None:
    run = run_forkspec("conform", "--adapter", fake_adapter("unknown-names"), *VERSIONING, tmp_path=tmp_path)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "handler 'version_comapre'" in run.stderr and "did you mean version_compare" in run.stderr
    assert "preset 'testnet'" in run.stderr
    assert "feature 'bip10'" in run.stderr
    assert "warning" not in run.stdout


def test_each_fake_mode_names_itself_and_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    run = run_forkspec("conform", "--adapter", fake_adapter("out-of-order"), *VERSIONING, tmp_path=tmp_path)
    assert "fake-adapter out-of-order" in run.stdout
    run = run_forkspec("conform", "--adapter", fake_adapter("no-such-mode"), tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "adapter failed to start" in run.stderr and "MODE one of" in run.stderr


def test_required_handlers_must_be_implemented(tmp_path: Path) -> None:
    versioning_only = fake_adapter("versioning-only")
    run = run_forkspec(
        "conform", "--adapter", versioning_only, "--require", "version_parse", tmp_path=tmp_path
    )
    assert run.exit_code == 0, run.stdout
    run = run_forkspec(
        "conform", "--adapter", versioning_only, "--require", "flags_subset", tmp_path=tmp_path
    )
    assert run.exit_code == 1
    assert "conformance not shown: required handler(s) not implemented: flags_subset" in run.stdout
    run = run_forkspec("conform", "--require", "flags_subsett", tmp_path=tmp_path)
    assert run.exit_code == 2 and "did you mean flags_subset" in run.stderr


def test_fail_on_skip_fails_a_run_with_skips_and_the_summary_counts_them(
    tmp_path: Path, shipped_cases: list[Case]
) -> None:
    versioning_only = fake_adapter("versioning-only")
    run = run_forkspec("conform", "--adapter", versioning_only, tmp_path=tmp_path)
    skipped = sum(not case.handler.startswith("version_") for case in shipped_cases)
    assert run.exit_code == 0
    assert f"skipped: {skipped}" in run.stdout
    assert "not implemented" in run.stdout
    run = run_forkspec("conform", "--adapter", versioning_only, "--fail-on-skip", tmp_path=tmp_path)
    assert run.exit_code == 1
    assert f"{skipped} case(s) skipped (--fail-on-skip)" in run.stdout


def test_a_failure_shows_input_expected_and_actual_as_json(tmp_path: Path, shipped_cases: list[Case]) -> None:
    run = run_forkspec(
        "conform", "--adapter", fake_adapter("reversed-prerelease"), *VERSIONING, tmp_path=tmp_path
    )
    failing = next(case for case in shipped_cases if exercises_prerelease_order(case))
    assert run.verdicts[failing.id] == "FAIL"
    block = run.stdout[run.stdout.index(f"FAIL {failing.id}") :]
    assert failing.description in block
    assert f"input:    {json.dumps(dict(failing.input), separators=(',', ':'))}" in block
    assert 'expected: {"output":' in block and 'actual:   {"output":' in block
    records = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text().splitlines()]
    assert records[0]["record"] == "run"
    by_id = {record["id"]: record for record in records[1:]}
    assert by_id[failing.id]["input"] == failing.input


def test_the_table_order_is_the_same_under_every_filter(tmp_path: Path) -> None:
    run = run_forkspec(
        "conform", "--handler", "flags_subset", "--handler", "version_parse", tmp_path=tmp_path
    )
    assert run.stdout.index("version_parse") < run.stdout.index("flags_subset")
    run = run_forkspec(
        "conform", "--handler", "version_parse", "--handler", "flags_subset", tmp_path=tmp_path
    )
    assert run.stdout.index("version_parse") < run.stdout.index("flags_subset")


def test_progress_lines_go_to_stderr_when_it_is_not_a_terminal(tmp_path: Path) -> None:
    run = run_forkspec("conform", "--progress-seconds", "0.1", tmp_path=tmp_path)
    assert run.exit_code == 0
    assert any(line.startswith("forkspec: ") and " cases in " in line for line in run.stderr.splitlines())
    assert "forkspec: " not in run.stdout


@pytest.mark.parametrize("arguments", [("-h",), ("conform", "-h"), ("smoke", "-h"), ("list", "-h")])
def test_short_help_works(arguments: tuple[str, ...]) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "forkspec.tools.cli", *arguments], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0
    assert "Usage:" in completed.stdout


def test_list_counts_what_conform_would_run(tmp_path: Path, shipped_cases: list[Case]) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "forkspec.tools.cli", "list", "--json", "--ids", "--preset", "minimal"],
        capture_output=True,
        text=True,
        check=True,
    )
    listing = json.loads(completed.stdout)
    minimal = [case for case in shipped_cases if case.preset == "minimal"]
    assert listing["cases"] == len(minimal)
    assert listing["ids"] == [case.id for case in minimal]
    assert sum(listing["handlers"].values()) == len(minimal)
    assert listing["presets"] == {"minimal": len(minimal)}


def test_smoke_passes_the_reference_and_explains_a_broken_adapter(tmp_path: Path) -> None:
    run = run_forkspec("smoke", tmp_path=tmp_path)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "FIX" not in run.stdout
    assert run.stdout.count("\nok    ") >= 17
    run = run_forkspec("smoke", "--adapter", fake_adapter("crash"), "--timeout", "2", tmp_path=tmp_path)
    assert run.exit_code == 1
    fixes = [line for line in run.stdout.splitlines() if line.startswith("FIX")]
    assert any("flags_subset" in line and "ADP-13" in line for line in fixes), run.stdout
    run = run_forkspec("smoke", "--adapter", fake_adapter("float-output"), tmp_path=tmp_path)
    assert run.exit_code == 1
    assert 'answered {"output":{"subset":1.0}}' in run.stdout
    run = run_forkspec("smoke", "--adapter", fake_adapter("no-hello"), tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "ADP-3" in run.stderr


def write_expectations(tmp_path: Path, entries: list[dict[str, str]]) -> Path:
    path = tmp_path / "expectations.yaml"
    path.write_text(
        json.dumps({"format": "forkspec-expectations/1", "expectations": entries}), encoding="utf-8"
    )
    return path


def test_expected_failures_do_not_fail_the_run_and_regressions_do(
    tmp_path: Path, shipped_cases: list[Case]
) -> None:
    failing = [case for case in shipped_cases if exercises_prerelease_order(case)]
    reversed_adapter = fake_adapter("reversed-prerelease")
    known = write_expectations(
        tmp_path, [{"case": case.id, "expect": "xfail", "reason": "known"} for case in failing]
    )
    run = run_forkspec(
        "conform", "--adapter", reversed_adapter, "--expectations", str(known), *VERSIONING, tmp_path=tmp_path
    )
    assert run.exit_code == 0, run.stdout
    assert {case.id: run.verdicts[case.id] for case in failing} == {case.id: "XFAIL" for case in failing}
    partial = write_expectations(
        tmp_path, [{"case": case.id, "expect": "xfail", "reason": "known"} for case in failing[1:]]
    )
    run = run_forkspec(
        "conform",
        "--adapter",
        reversed_adapter,
        "--expectations",
        str(partial),
        *VERSIONING,
        tmp_path=tmp_path,
    )
    assert run.exit_code == 1
    assert run.verdicts[failing[0].id] == "FAIL"


def test_xpass_expired_and_unmatched_entries_are_reported_and_fail_under_strict(
    tmp_path: Path, shipped_cases: list[Case]
) -> None:
    passing = next(case for case in shipped_cases if case.handler == "version_compare")
    path = write_expectations(
        tmp_path,
        [
            {"case": passing.id, "expect": "xfail", "reason": "was broken"},
            {"case": "mainnet/version_compare/no-such-case", "expect": "skip", "reason": "gone"},
            {"case": "mainnet/version_bump/*", "expect": "skip", "reason": "old", "expires": "2026-01-01"},
        ],
    )
    arguments = ("conform", "--expectations", str(path), "--today", "2026-06-01", *VERSIONING)
    run = run_forkspec(*arguments, tmp_path=tmp_path)
    assert run.exit_code == 0, run.stdout
    assert run.verdicts[passing.id] == "XPASS"
    assert f"XPASS {passing.id}" in run.stdout
    assert "expectation that names no case: skip mainnet/version_compare/no-such-case" in run.stdout
    assert "expired expectation (2026-01-01)" in run.stdout
    assert all(verdict != "SKIP" for verdict in run.verdicts.values())
    run = run_forkspec(*arguments, "--strict-expectations", tmp_path=tmp_path)
    assert run.exit_code == 1
    assert "passed although expected to fail" in run.stdout
    assert "2 expectation(s) expired or naming no case" in run.stdout


def test_a_skip_entry_is_not_sent_and_does_not_trip_fail_on_skip(tmp_path: Path) -> None:
    path = write_expectations(tmp_path, [{"case": "*/version_bump/*", "expect": "skip", "reason": "later"}])
    run = run_forkspec(
        "conform",
        "--adapter",
        fake_adapter("crash"),
        "--expectations",
        str(path),
        "--fail-on-skip",
        *VERSIONING,
        tmp_path=tmp_path,
    )
    assert run.exit_code == 0, run.stdout
    bumps = {case_id: verdict for case_id, verdict in run.verdicts.items() if "/version_bump/" in case_id}
    assert bumps and set(bumps.values()) == {"SKIP"}
    assert "expected skip: later" in run.stdout


def test_an_unusable_expectation_file_is_a_harness_error(tmp_path: Path) -> None:
    path = tmp_path / "expectations.yaml"
    path.write_text("format: forkspec-expectations/1\nexpectations: [{case: a}]\n", encoding="utf-8")
    run = run_forkspec("conform", "--expectations", str(path), tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "unusable expectation file" in run.stderr


def test_max_fail_and_exit_first_stop_the_run_and_mark_the_rest_not_run(tmp_path: Path) -> None:
    for arguments in (("--max-fail", "2"), ("-x",)):
        run = run_forkspec(
            "conform",
            "--adapter",
            fake_adapter("reversed-prerelease"),
            "--window",
            "1",
            *arguments,
            tmp_path=tmp_path,
        )
        verdicts = list(run.verdicts.values())
        limit = 2 if arguments[0] == "--max-fail" else 1
        assert run.exit_code == 1
        assert verdicts.count("FAIL") == limit
        assert verdicts.count("NOT_RUN") > 0
        assert len(run.verdicts) > verdicts.count("NOT_RUN")


def test_parallel_adapters_give_the_same_verdicts_as_one(tmp_path: Path) -> None:
    adapter = fake_adapter("reversed-prerelease")
    serial = run_forkspec("conform", "--adapter", adapter, tmp_path=tmp_path)
    parallel = run_forkspec("conform", "--adapter", adapter, "-j", "3", tmp_path=tmp_path)
    assert parallel.verdicts == serial.verdicts
    assert parallel.exit_code == serial.exit_code == 1


def test_the_vector_set_root_is_reported_and_can_be_pinned(tmp_path: Path) -> None:
    listing = subprocess.run(
        [sys.executable, "-m", "forkspec.tools.cli", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    root = json.loads(listing.stdout)["vector_set"]["root_sha256"]
    run = run_forkspec("conform", "--expect-root", root, "--handler", "version_parse", tmp_path=tmp_path)
    assert run.exit_code == 0
    assert root in run.stdout
    first = json.loads((tmp_path / "report.jsonl").read_text().splitlines()[0])
    assert first["vector_set"]["root_sha256"] == root
    run = run_forkspec("conform", "--expect-root", "0" * 64, tmp_path=tmp_path)
    assert run.exit_code == 2
    assert root in run.stderr


@pytest.mark.parametrize(("signal_number", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_writes_every_report_and_exits_distinctly(
    signal_number: int, exit_code: int, tmp_path: Path
) -> None:
    jsonl, junit = tmp_path / "report.jsonl", tmp_path / "junit.xml"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "forkspec.tools.cli",
            "conform",
            "--adapter",
            fake_adapter("hang"),
            "--timeout",
            "60",
            "--jsonl",
            str(jsonl),
            "--junit-xml",
            str(junit),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not jsonl.exists() or jsonl.stat().st_size == 0):
        time.sleep(0.05)
    time.sleep(0.5)
    process.send_signal(signal_number)
    stdout, _ = process.communicate(timeout=20)
    assert process.returncode == exit_code
    assert f"interrupted by {signal.Signals(signal_number).name}" in stdout
    records = [json.loads(line) for line in jsonl.read_text().splitlines()[1:]]
    assert {"PASS", "NOT_RUN"} <= {record["verdict"] for record in records}
    assert len({record["id"] for record in records}) == sum(
        1 for _ in ElementTree.parse(junit).iter("testcase")
    )


def test_a_failure_of_forkspec_itself_is_one_line_and_exit_2() -> None:
    program = (
        "import sys, forkspec.tools.conform as conform\n"
        "def broken(_):\n    raise RuntimeError('something broke')\n"
        "conform.load_cases = broken\n"
        "from forkspec.tools.cli import main\n"
        "sys.argv = ['forkspec', 'conform']\nmain()\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != "FORKSPEC_TRACEBACK"}
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False, env=environment
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [
        "forkspec: internal error: RuntimeError: something broke (a bug in forkspec; "
        "FORKSPEC_TRACEBACK=1 shows the traceback)"
    ]
