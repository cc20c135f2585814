"""The runner against hostile adapters: floods, escaped grandchildren, interruptions, huge integers.

Each test drives a mode of `tests/adapters/hostile_adapter.py` through a `Session` and checks
that the run ends within its timeouts, with bounded memory, with nothing left running, and
with the verdict each case is due (CNF-5, ADP-15).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from forkspec.conformance.adapter_process import SHUTDOWN_GRACE_SECONDS, AdapterStartError
from forkspec.conformance.protocol import encode, run_request, runner_hello, shutdown
from forkspec.conformance.reference_adapter import serve
from forkspec.conformance.runner import STOP_POLL_SECONDS, RunSettings, Session, StartInterrupted
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import CaseResult, Verdict

from tests.support import FAKE_ADAPTER

HOSTILE_ADAPTER = Path(__file__).parent / "adapters" / "hostile_adapter.py"
# Slack for starting Python processes on a loaded machine.
SLACK_SECONDS = 3.0


def hostile(mode: str) -> list[str]:
    return [sys.executable, str(HOSTILE_ADAPTER), mode]


def synthetic_cases(count: int, triggered: Callable[[int], bool] = lambda _i: False) -> list[Case]:
    """Cases the hostile adapters answer correctly unless `triggered`; the answer rides in the input."""
    return [
        Case(
            f"mainnet/version_compare/synthetic-{index}",
            "version_compare",
            "mainnet",
            ("CNF-5",),
            "synthetic",
            (),
            {"answer": {"order": index % 3 - 1}, **({"trigger": True} if triggered(index) else {})},
            output={"order": index % 3 - 1},
        )
        for index in range(count)
    ]


class Recorder:
    """Collects reports; a later report for a case supersedes an earlier one (CNF-5)."""

    def __init__(self) -> None:
        self.reports: list[CaseResult] = []
        self.calling_threads: set[int] = set()

    def __call__(self, result: CaseResult) -> None:
        self.calling_threads.add(threading.get_ident())
        self.reports.append(result)

    def final(self) -> dict[str, Verdict]:
        return {result.case.id: result.verdict for result in self.reports}


def run(
    command: list[str], cases: list[Case], stop: threading.Event | None = None, **settings: Any
) -> tuple[Recorder, Session, float]:
    stop = stop or threading.Event()
    session = Session(RunSettings(command, **settings), stop)
    recorder = Recorder()
    started = time.monotonic()
    session.execute(cases, recorder, stop)
    return recorder, session, time.monotonic() - started


@pytest.fixture
def hostile_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "hostile.log"
    monkeypatch.setenv("HOSTILE_LOG", str(path))
    return path


def logged(path: Path, kind: str) -> list[list[int]]:
    """The numbers of the log lines of one kind: `adapter`, `request` or `grandchild`."""
    lines = path.read_text().splitlines() if path.exists() else []
    return [[int(word) for word in line.split()[1:]] for line in lines if line.split()[0] == kind]


def logged_pids(path: Path, kind: str) -> list[int]:
    return [numbers[0] for numbers in logged(path, kind)]


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


def wait_until_gone(pids: list[int], seconds: float = 2.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := [pid for pid in pids if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def peak_memory_bytes() -> int:
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def test_an_unknown_mode_exits_with_an_error() -> None:
    completed = subprocess.run(hostile("no-such-mode"), capture_output=True, text=True, check=False)
    assert completed.returncode == 2
    assert "unknown mode" in completed.stderr
    with pytest.raises(AdapterStartError, match="exit code 2"):
        Session(RunSettings(hostile("no-such-mode")))


@pytest.mark.parametrize("mode", ["normal", "slow", "flood-repeats", "huge-integer", "write-after-shutdown"])
def test_each_mode_names_itself_in_its_hello(mode: str) -> None:
    session = Session(RunSettings(hostile(mode)))
    try:
        assert session.capabilities.client_name == f"hostile-{mode}"
    finally:
        session.close()


def test_a_flood_of_repeated_answers_ends_within_the_timeout_with_bounded_memory() -> None:
    cases = synthetic_cases(2, triggered=lambda index: index == 0)
    timeout = 2.0
    before = peak_memory_bytes()
    recorder, session, seconds = run(hostile("flood-repeats"), cases, timeout=timeout)
    assert seconds < timeout + SLACK_SECONDS
    assert peak_memory_bytes() - before < 20 * 1024 * 1024
    flooded, silent = cases
    assert [(r.case.id, r.verdict) for r in recorder.reports if r.case is flooded] == [
        (flooded.id, Verdict.PASS),
        (flooded.id, Verdict.ERROR),
    ]
    assert "answered twice" in recorder.reports[1].detail
    # The flood does not count as an answer: the other case times out.
    assert recorder.final()[silent.id] is Verdict.TIMEOUT
    assert session.restarts == 1


def test_writing_after_shutdown_ends_within_the_grace() -> None:
    cases = synthetic_cases(5)
    recorder, _session, seconds = run(hostile("write-after-shutdown"), cases)
    assert seconds < SHUTDOWN_GRACE_SECONDS + SLACK_SECONDS
    assert recorder.final() == {case.id: Verdict.PASS for case in cases}


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_restarts_leave_no_orphan_descriptor_or_thread(hostile_log: Path) -> None:
    cases = synthetic_cases(75, triggered=lambda _index: True)
    descriptors, threads = open_descriptors(), threading.active_count()
    recorder, session, _seconds = run(hostile("orphan-grandchild"), cases, window=1)
    assert session.restarts == 75
    assert recorder.final() == {case.id: Verdict.ERROR for case in cases}
    grandchildren = logged_pids(hostile_log, "grandchild")
    assert len(grandchildren) == 75
    assert wait_until_gone(grandchildren) == []
    assert open_descriptors() == descriptors
    assert threading.active_count() == threads


LOW_LIMIT_RUN = """
import resource, sys, threading
from forkspec.conformance.runner import RunSettings, Session
from tests.test_runner_hostile import hostile, synthetic_cases
resource.setrlimit(resource.RLIMIT_NOFILE, (32, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
stop = threading.Event()
session = Session(RunSettings(hostile("orphan-grandchild"), window=1), stop)
verdicts = []
cases = synthetic_cases(40, lambda _index: True)
session.execute(cases, lambda result: verdicts.append(result.verdict), stop)
print(session.restarts, sorted(set(verdicts)))
"""


def test_a_run_under_a_low_descriptor_limit_completes() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", LOW_LIMIT_RUN],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split("\n")[0] == "40 [<Verdict.ERROR: 'ERROR'>]"


def set_later(stop: threading.Event, seconds: float) -> list[float]:
    """Set `stop` after `seconds` on another thread; the list receives the moment it was set."""
    moments: list[float] = []

    def fire() -> None:
        time.sleep(seconds)
        moments.append(time.monotonic())
        stop.set()

    threading.Thread(target=fire, daemon=True).start()
    return moments


def test_a_stop_during_the_first_hello_kills_the_adapter(hostile_log: Path) -> None:
    stop = threading.Event()
    moments = set_later(stop, 0.5)
    with pytest.raises(StartInterrupted):
        Session(RunSettings(hostile("hang-before-hello"), start_timeout=60), stop)
    assert time.monotonic() - moments[0] < 2 * STOP_POLL_SECONDS + 0.3
    assert wait_until_gone(logged_pids(hostile_log, "adapter")) == []


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_first_hello_leaves_no_adapter_running(
    signal_number: int, hostile_log: Path
) -> None:
    command = [
        sys.executable,
        "-m",
        "forkspec.tools.cli",
        "conform",
        "--adapter",
        " ".join(hostile("hang-before-hello")),
    ]
    runner = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not logged_pids(hostile_log, "adapter") and time.monotonic() < deadline:
        time.sleep(0.02)
    [adapter] = logged_pids(hostile_log, "adapter")
    runner.send_signal(signal_number)
    runner.communicate(timeout=10)
    assert runner.returncode != 0
    assert wait_until_gone([adapter]) == []


def test_a_stop_mid_run_kills_the_adapter_and_reports_the_rest_not_run(hostile_log: Path) -> None:
    cases = synthetic_cases(20)
    stop = threading.Event()
    moments = set_later(stop, 1.0)
    recorder, _session, _seconds = run(hostile("slow"), cases, stop, window=2)
    assert time.monotonic() - moments[0] < 2 * STOP_POLL_SECONDS + 0.3
    assert [result.case.id for result in recorder.reports] == [case.id for case in cases]
    verdicts = [result.verdict for result in recorder.reports]
    passed = verdicts.count(Verdict.PASS)
    assert 0 < passed < len(cases)
    assert verdicts == [Verdict.PASS] * passed + [Verdict.NOT_RUN] * (len(cases) - passed)
    assert all("interrupted" in result.detail for result in recorder.reports[passed:])
    assert wait_until_gone(logged_pids(hostile_log, "adapter")) == []
    assert recorder.calling_threads == {threading.get_ident()}


def test_a_stop_set_by_the_report_sends_nothing_more(hostile_log: Path) -> None:
    cases = synthetic_cases(10)
    stop = threading.Event()
    session = Session(RunSettings(hostile("normal"), window=1), stop)
    verdicts: list[Verdict] = []

    def report(result: CaseResult) -> None:
        verdicts.append(result.verdict)
        stop.set()

    session.execute(cases, report, stop)
    assert verdicts == [Verdict.PASS] + [Verdict.NOT_RUN] * 9
    # The window was refilled with one request before the first answer was reported; no more.
    assert len(logged(hostile_log, "request")) <= 2


def test_an_integer_beyond_the_conversion_limit_in_an_answer_is_a_wrong_value() -> None:
    cases = synthetic_cases(3, triggered=lambda index: index == 1)
    recorder, session, _seconds = run(hostile("huge-integer"), cases)
    assert recorder.final() == {
        cases[0].id: Verdict.PASS,
        cases[1].id: Verdict.FAIL,
        cases[2].id: Verdict.PASS,
    }
    assert session.restarts == 0


def integer_paths(value: object, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The paths of the integers (not booleans) inside a JSON value."""
    if type(value) is int:
        yield path
    elif isinstance(value, dict):
        for key, member in value.items():
            yield from integer_paths(member, (*path, key))
    elif isinstance(value, list):
        for position, member in enumerate(value):
            yield from integer_paths(member, (*path, position))


def with_value_at(value: Any, path: tuple[Any, ...], replacement: object) -> Any:
    if not path:
        return replacement
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = with_value_at(value[path[0]], path[1:], replacement)
    return copy


class Literal(int):
    """An integer written as given digits, to put a 5000-digit integer into a request line."""


def request_line(request_id: int, case: Case, path: tuple[Any, ...], digits: str) -> bytes:
    marker = 7_777_777_777_777_777_777_777_777
    line = encode(
        run_request(request_id, case.id, case.handler, case.preset, with_value_at(case.input, path, marker))
    )
    return line.replace(str(marker).encode(), digits.encode())


def test_the_reference_adapter_reads_integers_of_any_size(shipped_cases: list[Case]) -> None:
    """An integer of 5000 digits gets the same answer as one of 400 digits, read exactly: both are
    beyond every bound of the reference (ADP-13, ADP-15); the adapter answers and goes on."""
    first_of_handler: dict[str, Case] = {}
    for case in shipped_cases:
        if case.error is None and next(integer_paths(case.input), None) is not None:
            first_of_handler.setdefault(case.handler, case)
    assert len(first_of_handler) >= 8
    lines = [encode(runner_hello())]
    for case in first_of_handler.values():
        for path in integer_paths(case.input):
            for sign in ("", "-"):
                for digits in (sign + "1" + "0" * 4999, sign + "1" + "0" * 399):
                    lines.append(request_line(len(lines), case, path, digits))
    writer = io.BytesIO()
    assert serve(io.BytesIO(b"".join([*lines, encode(shutdown())])), writer) == 0
    answers = [json.loads(line) for line in writer.getvalue().splitlines()[1:]]
    assert len(answers) == len(lines) - 1
    for huge, long in zip(answers[0::2], answers[1::2], strict=True):
        assert huge["type"] == long["type"]
        assert huge.get("code") == long.get("code")
        assert huge.get("output") == long.get("output")
    assert {answer["type"] for answer in answers} == {"error", "result"}


def shipped_subset_and_decode(shipped_cases: list[Case]) -> list[Case]:
    return [case for case in shipped_cases if case.handler in ("flags_subset", "flags_decode")]


@pytest.mark.parametrize("mode", ["crash", "duplicate", "garbage"])
def test_parallel_adapters_give_the_verdicts_of_a_serial_run(mode: str, shipped_cases: list[Case]) -> None:
    cases = shipped_subset_and_decode(shipped_cases)
    command = [sys.executable, str(FAKE_ADAPTER), mode]
    serial, _session, _seconds = run(command, cases, timeout=2)
    parallel, _session, _seconds = run(command, cases, timeout=2, jobs=3)
    assert parallel.final() == serial.final()
    assert set(serial.final().values()) == {Verdict.PASS, Verdict.ERROR}


def test_parallel_adapters_share_the_cases(hostile_log: Path) -> None:
    cases = synthetic_cases(300)
    recorder, _session, _seconds = run(hostile("normal"), cases, jobs=3)
    assert recorder.final() == {case.id: Verdict.PASS for case in cases}
    assert len(recorder.reports) == len(cases)
    served_by = {pid for _request, pid in logged(hostile_log, "request")}
    assert served_by == set(logged_pids(hostile_log, "adapter"))
    assert len(served_by) == 3


@pytest.mark.parametrize("settings", [{"jobs": 0}, {"window": 0}])
def test_a_session_needs_at_least_one_adapter_and_one_request_in_flight(settings: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Session(RunSettings(hostile("normal"), **settings))
