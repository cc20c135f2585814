"""The conformance runner: cases in, one verdict per case out, streamed (spec/conformance.md).

A `Session` starts `jobs` adapter processes and opens each with the hello; `execute` sends the
cases they announced (the others are skipped without being sent, CNF-6), pipelined up to
`window` per adapter (ADP-10), and reports each verdict as soon as it is known, on the calling
thread, keeping nothing of a case once it is reported. When an adapter breaks the protocol in
a way no single request can be blamed for, crashes, or does not answer in time, it is killed
and restarted, and the cases that were in flight on it run again one at a time, so that the
verdict ERROR or TIMEOUT lands on the case that caused it and on no other (CNF-5). A
malformed answer that names a request is charged to that request; a repeated answer to a
request already reported is reported again, as a correcting ERROR. A stop event ends the run
within STOP_POLL_SECONDS: nothing more is sent, every adapter is killed, and every case without
a verdict is reported NOT_RUN (CNF-5).

Everything happens on one thread: a `Multiplexer` waits on all adapters' pipes with a
deadline, so no wait is longer than the nearest timeout or STOP_POLL_SECONDS.
"""

from __future__ import annotations

import atexit
import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from forkspec.conformance.adapter_process import (
    SHUTDOWN_GRACE_SECONDS,
    AdapterLaunch,
    AdapterProcess,
    AdapterStartError,
    Multiplexer,
    become_subreaper,
)
from forkspec.conformance.protocol import (
    Capabilities,
    ProtocolError,
    capabilities,
    check,
    decode,
    encode,
    parse_line,
    run_request,
    runner_hello,
    shutdown,
)
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import CaseResult, Verdict, judge, same_json
from forkspec.errors import ErrorCode

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_START_TIMEOUT_SECONDS = 30.0
DEFAULT_WINDOW = 16
DEFAULT_JOBS = 1
# The longest the runner waits without looking at the stop event (CNF-5).
STOP_POLL_SECONDS = 0.1
INTERRUPTED_DETAIL = "not run: the run was interrupted"

Report = Callable[[CaseResult], None]
# An answer taken but not yet judged: the case, the parsed message, the seconds it took.
Answer = tuple[Case, dict[str, Any], float]
_tokens = itertools.count()


@dataclass(frozen=True)
class RunSettings:
    """How to run: the adapter (its command, or a forked server), the timeouts, the pipelining
    window, the adapter processes."""

    command: AdapterLaunch
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    window: int = DEFAULT_WINDOW
    start_timeout: float = DEFAULT_START_TIMEOUT_SECONDS
    jobs: int = DEFAULT_JOBS


class StartInterrupted(AdapterStartError):
    """The stop event was set while the session waited for the adapters' hellos (CNF-5)."""


def unsupported_reason(case: Case, announced: Capabilities) -> str | None:
    """Why the adapter cannot run `case` according to its hello, or None (CNF-6).

    A case that expects UNKNOWN_PRESET names a preset no adapter implements: it is sent to every
    adapter that implements its handler and features.
    """
    if case.handler not in announced.handlers:
        return f"handler {case.handler} not implemented"
    if case.preset not in announced.presets and case.error != ErrorCode.UNKNOWN_PRESET:
        return f"preset {case.preset} not supported"
    if not case.features:
        return None
    missing = sorted(set(case.features) - announced.features)
    return f"features {', '.join(missing)} not supported" if missing else None


def _named_id(parsed: object) -> int | None:
    """The integer request id a (possibly malformed) answer names, if any."""
    request_id = parsed.get("id") if isinstance(parsed, dict) else None
    return request_id if type(request_id) is int else None


def is_expected_answer(case: Case, message: dict[str, Any]) -> bool:
    """Whether a parsed answer, already known to be an object naming a request in flight, is
    exactly the right one: then it is schema-valid and PASS, so the schema check is skipped (CNF-5).
    """
    kind = message.get("type")
    if kind == "result":
        return (
            case.output is not None
            and len(message) == 3
            and "output" in message
            and same_json(message["output"], case.output)
        )
    if kind == "error":
        extra = len(message) - 3
        return (
            case.error is not None
            and message.get("code") == case.error
            and (extra == 0 or (extra == 1 and type(message.get("detail")) is str))
        )
    return False


class _Phase(Enum):
    STARTING = "waiting for the hello"
    READY = "running cases"
    CLOSING = "shutting down"
    DONE = "done"


class _Slot:
    """One of the session's adapter processes, with the requests in flight on it.

    Its request ids are `index + jobs * k` for k = 0, 1, …, so ids are unique in the session
    and increasing per adapter (ADP-10); `answered[k]` is the case of request k once it has
    been answered, so that a repeated answer can be charged to it (CNF-5).
    """

    def __init__(self, index: int, adapter: AdapterProcess, deadline: float) -> None:
        self.index = index
        self.adapter = adapter
        self.phase = _Phase.STARTING
        self.deadline = deadline
        self.announced: Capabilities | None = None
        self.outstanding: dict[int, tuple[Case, float]] = {}
        self.isolated: deque[Case] = deque()
        self.last_answer = 0.0
        self.answered: list[Case | None] = []
        self.repeated: set[int] = set()

    def answer_deadline(self, timeout: float) -> float:
        """When the oldest request in flight times out: `timeout` after the later of its sending
        and the adapter's last answer to a request in flight; no other line counts (CNF-5)."""
        _case, sent = next(iter(self.outstanding.values()))
        return max(sent, self.last_answer) + timeout


class _Cases:
    """The cases still to send, one at a time; an unannounced one is reported SKIP on the way (CNF-6)."""

    def __init__(self, cases: Iterable[Case], announced: Capabilities, report: Report) -> None:
        self._iterator = iter(cases)
        self._announced = announced
        self._report = report
        self._held: deque[Case] = deque()
        self._reasons: dict[tuple[str, str, tuple[str, ...]], str | None] = {}
        self.exhausted = False

    def take(self) -> Case | None:
        """The next case to send, or None when there is none left."""
        if self._held:
            return self._held.popleft()
        for case in self._iterator:
            need = (case.handler, case.preset, case.features)  # all the reason depends on
            if need not in self._reasons:
                self._reasons[need] = unsupported_reason(case, self._announced)
            reason = self._reasons[need]
            if reason is None:
                return case
            self._report(CaseResult(case, Verdict.SKIP, reason))
        self.exhausted = True
        return None

    def put_back(self, case: Case) -> None:
        """Return a case taken but not sent."""
        self._held.appendleft(case)
        self.exhausted = False

    def rest(self) -> Iterator[Case]:
        """Every case left to send, in order."""
        while (case := self.take()) is not None:
            yield case


class Session:
    """`settings.jobs` adapter processes, opened with the hello (ADP-3, ADP-4, CNF-5).

    The constructor starts the processes and sends each the hello, then waits for their
    hellos unless `wait_for_hello` is false, in which case `await_hello` does (so that the
    caller can do other work, such as loading the vectors, while the adapters start).
    Waiting raises AdapterStartError (StartInterrupted if `stop` was set meanwhile) after
    killing everything the session started, if an adapter does not complete its hello or the
    adapters announce different capabilities. `execute` runs the cases once and ends the session.
    """

    def __init__(
        self, settings: RunSettings, stop: threading.Event | None = None, *, wait_for_hello: bool = True
    ) -> None:
        if settings.jobs < 1 or settings.window < 1:
            raise ValueError(f"jobs and window must be at least 1, not {settings.jobs} and {settings.window}")
        self.settings = settings
        self.restarts = 0
        self._stop = stop if stop is not None else threading.Event()
        self._multiplexer = Multiplexer()
        self._slots: list[_Slot] = []
        self._capabilities: Capabilities | None = None
        become_subreaper()
        # However the caller unwinds (an exception, SIGINT, a SystemExit from a SIGTERM handler),
        # the adapters do not outlive the interpreter (CNF-5).
        atexit.register(self.close)
        try:
            for index in range(settings.jobs):
                self._slots.append(_Slot(index, self._start_adapter(), self._hello_deadline()))
        except BaseException:
            self.close()
            raise
        if wait_for_hello:
            self.await_hello()

    def await_hello(self) -> Capabilities:
        """Wait for every adapter's hello, within the start-up timeout; what they announced."""
        if self._capabilities is None:
            try:
                self._await_hellos()
                first = self._slots[0].announced
                assert first is not None
                if any(slot.announced != first for slot in self._slots):
                    raise AdapterStartError("the adapter processes announced different capabilities")
            except BaseException:
                self.close()
                raise
            self._capabilities = first
        return self._capabilities

    @property
    def capabilities(self) -> Capabilities:
        """What the adapters announced in their hellos (ADP-3)."""
        if self._capabilities is None:
            raise RuntimeError("the session's hellos have not been awaited: call await_hello() first")
        return self._capabilities

    # Starting and stopping adapters.

    def _start_adapter(self) -> AdapterProcess:
        adapter = AdapterProcess(self.settings.command, f"{os.getpid()}-{next(_tokens)}-{time.time_ns()}")
        adapter.send(encode(runner_hello()))
        adapter.flush()
        return adapter

    def _hello_deadline(self) -> float:
        return time.monotonic() + self.settings.start_timeout

    def _retire(self, adapter: AdapterProcess) -> None:
        self._multiplexer.forget(adapter)
        adapter.kill()

    def close(self) -> None:
        """Kill every adapter and everything they started (CNF-5)."""
        atexit.unregister(self.close)
        for slot in self._slots:
            self._retire(slot.adapter)
            slot.phase = _Phase.DONE
        self._multiplexer.close()

    def _wait(self, wake: float) -> None:
        seconds = min(max(wake - time.monotonic(), 0.0), STOP_POLL_SECONDS)
        self._multiplexer.wait([slot.adapter for slot in self._slots], seconds)

    def _hello_step(self, slot: _Slot, now: float) -> bool:
        """Take the adapter's hello if it has come (ADP-3): whether it has; AdapterStartError if
        it cannot come."""
        adapter = slot.adapter
        if adapter.lines:
            try:
                slot.announced = capabilities(decode(adapter.lines.popleft(), "adapter_hello"))
            except ProtocolError as error:
                raise AdapterStartError(f"bad hello: {error}") from error
            slot.phase = _Phase.READY
            slot.last_answer = now
            return True
        if adapter.ended:
            adapter.read_stderr()
            raise AdapterStartError(
                f"{adapter.end_detail()} before its hello; stderr: {adapter.stderr_tail()}"
            )
        if now >= slot.deadline:
            raise AdapterStartError(f"no hello within {self.settings.start_timeout:g} s")
        return False

    def _await_hellos(self) -> None:
        while True:
            if self._stop.is_set():
                raise StartInterrupted("interrupted while waiting for the adapter's hello")
            now = time.monotonic()
            starting = [slot for slot in self._slots if slot.phase is _Phase.STARTING]
            for slot in starting:
                self._hello_step(slot, now)
            if all(slot.phase is _Phase.READY for slot in self._slots):
                return
            self._wait(min(slot.deadline for slot in starting))

    def _restart(self, slot: _Slot) -> None:
        self._retire(slot.adapter)
        self.restarts += 1
        slot.adapter = self._start_adapter()
        slot.phase = _Phase.STARTING
        slot.deadline = self._hello_deadline()

    # Running cases.

    def execute(self, cases: Iterable[Case], report: Report, stop: threading.Event) -> None:
        """Run `cases`, calling `report` once per case, on this thread, as each verdict is known.

        A repeated answer to a case already reported is reported again as ERROR, superseding
        the first report (CNF-5). When `stop` is set, nothing more is sent, the adapters are
        killed and every case without a verdict is reported NOT_RUN (CNF-5).
        """
        pending = _Cases(cases, self.capabilities, report)
        try:
            self._drive(pending, report, stop)
        finally:
            self.close()

    def _drive(self, pending: _Cases, report: Report, stop: threading.Event) -> None:
        while True:
            if stop.is_set():
                self._abandon(pending, report, Verdict.NOT_RUN, INTERRUPTED_DETAIL)
                return
            now = time.monotonic()
            try:
                for slot in self._slots:
                    self._step(slot, now, pending, report, stop)
            except AdapterStartError as error:
                self._abandon(pending, report, Verdict.ERROR, f"adapter could not be restarted: {error}")
                return
            if all(slot.phase is _Phase.DONE for slot in self._slots):
                return
            self._wait(min(self._wake_time(slot) for slot in self._slots))

    def _wake_time(self, slot: _Slot) -> float:
        if slot.phase is _Phase.READY:
            return slot.answer_deadline(self.settings.timeout) if slot.outstanding else float("inf")
        return slot.deadline if slot.phase is not _Phase.DONE else float("inf")

    def _step(self, slot: _Slot, now: float, pending: _Cases, report: Report, stop: threading.Event) -> None:
        started = slot.phase is _Phase.STARTING and self._hello_step(slot, now)
        if started and slot.announced != self.capabilities:
            raise AdapterStartError("the restarted adapter announced other capabilities than at the start")
        if slot.phase is _Phase.READY:
            self._run_step(slot, now, pending, report, stop)
        if slot.phase is _Phase.CLOSING:
            self._closing_step(slot, now, report)

    def _run_step(
        self, slot: _Slot, now: float, pending: _Cases, report: Report, stop: threading.Event
    ) -> None:
        """Take the adapter's answers, refill its window at once, then judge and report the answers,
        so that the adapter works while the runner judges (ADP-10, CNF-5)."""
        adapter = slot.adapter
        answers: list[Answer] = []
        failure: tuple[Verdict, str] | None = None
        while adapter.lines and failure is None:
            failure = self._take_answer(slot, adapter.lines.popleft(), now, answers, report)
        if failure is None and adapter.ended:
            failure = (Verdict.ERROR, adapter.end_detail())
        if failure is None and slot.outstanding and now >= slot.answer_deadline(self.settings.timeout):
            failure = (Verdict.TIMEOUT, f"no answer within {self.settings.timeout:g} s")
        if failure is None:
            self._send_more(slot, pending, stop)
            adapter.flush()
        self._report_answers(slot, answers, report)
        if failure is not None:
            self._fail(slot, *failure, now, report)
        elif not slot.outstanding and not slot.isolated and pending.exhausted and not stop.is_set():
            adapter.send(encode(shutdown()))
            adapter.close_stdin()
            slot.phase = _Phase.CLOSING
            slot.deadline = now + SHUTDOWN_GRACE_SECONDS

    def _send_more(self, slot: _Slot, pending: _Cases, stop: threading.Event) -> None:
        """Fill the window, or send the next isolated case alone (ADP-10, CNF-5)."""
        if slot.isolated:
            if not slot.outstanding and not stop.is_set():
                self._send(slot, slot.isolated.popleft())
            return
        while len(slot.outstanding) < self.settings.window and not stop.is_set():
            case = pending.take()
            if case is None:
                return
            if stop.is_set():
                pending.put_back(case)
                return
            self._send(slot, case)

    def _send(self, slot: _Slot, case: Case) -> None:
        request_id = slot.index + self.settings.jobs * len(slot.answered)
        slot.answered.append(None)
        slot.outstanding[request_id] = (case, time.monotonic())
        data = case.input if type(case.input) is dict else dict(case.input)
        slot.adapter.send(encode(run_request(request_id, case.id, case.handler, case.preset, data)))

    def _answered_case(self, slot: _Slot, request_id: int) -> Case | None:
        """The case of a request this adapter slot already answered, if `request_id` names one."""
        k, index = divmod(request_id, self.settings.jobs)
        return slot.answered[k] if index == slot.index and 0 <= k < len(slot.answered) else None

    def _take_answer(
        self, slot: _Slot, line: bytes, now: float, answers: list[Answer], report: Report
    ) -> tuple[Verdict, str] | None:
        """Take one line: an answer to a request in flight joins `answers`, to be judged; a failure
        that no single request can be blamed for is returned (CNF-5)."""
        try:
            parsed = parse_line(line)
        except ProtocolError as error:
            return (Verdict.ERROR, f"protocol violation: {error}")
        request_id = _named_id(parsed)
        flight = slot.outstanding.pop(request_id, None) if request_id is not None else None
        if flight is not None:
            assert isinstance(parsed, dict) and request_id is not None
            case, sent = flight
            slot.last_answer = now
            slot.answered[request_id // self.settings.jobs] = case
            answers.append((case, parsed, now - sent))
            return None
        if request_id is not None and (answered := self._answered_case(slot, request_id)) is not None:
            self._report_answers(slot, answers, report)  # the first answer is reported before its repetition
            self._charge_repeated_answer(slot, request_id, answered, report)
            return None
        reason = f"answer to unknown request id {request_id}"
        if request_id is None:
            try:
                check(parsed, "adapter_reply")
            except ProtocolError as error:
                reason = str(error)
        return (Verdict.ERROR, f"protocol violation: {reason}")

    def _report_answers(self, slot: _Slot, answers: list[Answer], report: Report) -> None:
        for case, message, seconds in answers:
            report(self._judge(slot, case, message, seconds))
        answers.clear()

    def _judge(self, slot: _Slot, case: Case, message: dict[str, Any], seconds: float) -> CaseResult:
        """The verdict on an answer naming `case`'s request: the schema is checked only when the
        answer is not exactly the expected one (CNF-5)."""
        if is_expected_answer(case, message):
            return CaseResult(case, Verdict.PASS, "", message, seconds)
        try:
            answer = check(message, "adapter_reply")
        except ProtocolError as error:
            return CaseResult(
                case, Verdict.ERROR, self._with_stderr(slot, f"protocol violation: {error}"), None, seconds
            )
        return judge(case, answer, seconds)

    def _charge_repeated_answer(self, slot: _Slot, request_id: int, case: Case, report: Report) -> None:
        """An answer to a request already answered: the case is reported again, as ERROR (CNF-5).

        Only the first repetition is reported; later ones change nothing.
        """
        if request_id in slot.repeated:
            return
        slot.repeated.add(request_id)
        report(CaseResult(case, Verdict.ERROR, f"protocol violation: request {request_id} answered twice"))

    def _with_stderr(self, slot: _Slot, detail: str) -> str:
        slot.adapter.read_stderr()
        tail = slot.adapter.stderr_tail()
        return f"{detail}; stderr: {tail}" if tail else detail

    def _fail(self, slot: _Slot, verdict: Verdict, detail: str, now: float, report: Report) -> None:
        """Restart the adapter; a lone case in flight takes the blame, several are isolated (CNF-5)."""
        in_flight = list(slot.outstanding.values())
        slot.outstanding.clear()
        if len(in_flight) == 1:
            case, sent = in_flight[0]
            report(CaseResult(case, verdict, self._with_stderr(slot, detail), None, now - sent))
        else:
            slot.isolated.extendleft(case for case, _sent in reversed(in_flight))
        self._restart(slot)

    def _closing_step(self, slot: _Slot, now: float, report: Report) -> None:
        """After shutdown: a late repeated answer is still charged; the grace ends on time (ADP-9)."""
        adapter = slot.adapter
        while adapter.lines:
            try:
                request_id = _named_id(parse_line(adapter.lines.popleft()))
            except ProtocolError:
                continue
            if request_id is not None and (case := self._answered_case(slot, request_id)) is not None:
                self._charge_repeated_answer(slot, request_id, case, report)
        if adapter.ended or now >= slot.deadline:
            self._retire(adapter)
            slot.phase = _Phase.DONE

    def _abandon(self, pending: _Cases, report: Report, verdict: Verdict, detail: str) -> None:
        """End the run: kill every adapter, then give `verdict` to every case without one."""
        self.close()
        for slot in self._slots:
            for case in [*(case for case, _sent in slot.outstanding.values()), *slot.isolated]:
                report(CaseResult(case, verdict, detail))
            slot.outstanding.clear()
            slot.isolated.clear()
        for case in pending.rest():
            report(CaseResult(case, verdict, detail))
