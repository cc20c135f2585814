"""The conformance runner: cases in, one verdict per case out (spec/conformance.md).

Cases the adapter did not announce (handler, preset or feature) are skipped without being
sent (CNF-6). The rest are pipelined, at most `window` at a time (ADP-10). When the adapter
breaks the protocol in a way no single request can be blamed for, crashes, or falls silent for
`timeout` seconds, it is killed and restarted, and the cases that were in flight run again one
at a time, so that the verdict ERROR or TIMEOUT lands on the case that caused it and on no
other (CNF-5). A malformed or repeated answer that names a request is charged to that request.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from forkspec.conformance.adapter_process import (
    SHUTDOWN_GRACE_SECONDS,
    AdapterProcess,
    AdapterStartError,
    Ended,
    Line,
    Silent,
)
from forkspec.conformance.protocol import Capabilities, ProtocolError, decode, run_request
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import CaseResult, Verdict, judge
from forkspec.errors import ErrorCode

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_START_TIMEOUT_SECONDS = 30.0
DEFAULT_WINDOW = 16


@dataclass(frozen=True)
class RunSettings:
    """How to run: the adapter command, the per-case and start-up timeouts, the pipelining window."""

    command: Sequence[str]
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    window: int = DEFAULT_WINDOW
    start_timeout: float = DEFAULT_START_TIMEOUT_SECONDS


def unsupported_reason(case: Case, announced: Capabilities) -> str | None:
    """Why the adapter cannot run `case` according to its hello, or None (CNF-6).

    A case that expects UNKNOWN_PRESET names a preset no adapter implements: it is sent to every
    adapter that implements its handler and features.
    """
    if case.handler not in announced.handlers:
        return f"handler {case.handler} not implemented"
    if case.preset not in announced.presets and case.error != ErrorCode.UNKNOWN_PRESET:
        return f"preset {case.preset} not supported"
    missing = sorted(set(case.features) - announced.features)
    return f"features {', '.join(missing)} not supported" if missing else None


def _named_id(parsed: object) -> int | None:
    """The integer request id a (possibly malformed) answer names, if any."""
    request_id = parsed.get("id") if isinstance(parsed, dict) else None
    return request_id if type(request_id) is int else None


class Run:
    """One run of cases against one adapter command (CNF-1, CNF-5, CNF-6)."""

    def __init__(self, settings: RunSettings, report: Callable[[CaseResult], None]) -> None:
        self.settings = settings
        self.report = report
        self.adapter = AdapterProcess(settings.command)
        self.capabilities = self._hello(self.adapter)
        self.restarts = 0
        self.results: dict[str, CaseResult] = {}
        self.answered: dict[int, Case] = {}

    def _hello(self, adapter: AdapterProcess) -> Capabilities:
        try:
            return adapter.hello(self.settings.start_timeout)
        except AdapterStartError:
            adapter.kill()
            raise

    def _restart(self) -> None:
        self.adapter.kill()
        self.restarts += 1
        self.adapter = AdapterProcess(self.settings.command)
        announced = self._hello(self.adapter)
        if announced != self.capabilities:
            self.adapter.kill()
            raise AdapterStartError("the restarted adapter announced other capabilities than at the start")

    def _record(self, result: CaseResult) -> None:
        self.results[result.case.id] = result
        self.report(result)

    def _error(self, case: Case, verdict: Verdict, detail: str, sent: float | None = None) -> None:
        tail = self.adapter.stderr_tail()
        seconds = time.monotonic() - sent if sent is not None else 0.0
        self._record(
            CaseResult(case, verdict, f"{detail}; stderr: {tail}" if tail else detail, None, seconds)
        )

    def _charge_repeated_answer(self, request_id: int) -> None:
        """An answer to a request already answered: the owning case is in ERROR (CNF-5)."""
        case = self.answered[request_id]
        self.results[case.id] = CaseResult(
            case, Verdict.ERROR, f"protocol violation: request {request_id} answered twice"
        )

    def execute(self, cases: Sequence[Case]) -> list[CaseResult]:
        """Run `cases` and return their results in the order given (CNF-1, CNF-6)."""
        pending: deque[Case] = deque()
        for case in cases:
            reason = unsupported_reason(case, self.capabilities)
            if reason is None:
                pending.append(case)
            else:
                self._record(CaseResult(case, Verdict.SKIP, reason))
        try:
            self._drive(pending)
            self._finish()
        finally:
            self.adapter.kill()
        return [self.results[case.id] for case in cases]

    def _finish(self) -> None:
        """Shut the adapter down, reading what it still writes: a late repeated answer is an ERROR (ADP-9)."""
        self.adapter.request_shutdown()
        deadline = time.monotonic() + SHUTDOWN_GRACE_SECONDS
        while isinstance(event := self.adapter.next_event(deadline - time.monotonic()), Line):
            try:
                parsed: object = decode(event.data, "adapter_reply")
            except ProtocolError as error:
                parsed = error.parsed
            request_id = _named_id(parsed)
            if request_id in self.answered:
                self._charge_repeated_answer(request_id)

    def _drive(self, pending: deque[Case]) -> None:
        isolated: deque[Case] = deque()
        outstanding: dict[int, tuple[Case, float]] = {}
        next_id = 0
        last_progress = time.monotonic()

        def send(case: Case) -> None:
            nonlocal next_id, last_progress
            if not outstanding:
                last_progress = time.monotonic()
            outstanding[next_id] = (case, time.monotonic())
            self.adapter.send(run_request(next_id, case.id, case.handler, case.preset, dict(case.input)))
            next_id += 1

        while pending or isolated or outstanding:
            if isolated:
                if not outstanding:
                    send(isolated.popleft())
            else:
                while pending and len(outstanding) < self.settings.window:
                    send(pending.popleft())
            event = self.adapter.next_event(last_progress + self.settings.timeout - time.monotonic())
            failure: tuple[Verdict, str] | None = None
            if isinstance(event, Line):
                try:
                    answer = decode(event.data, "adapter_reply")
                except ProtocolError as error:
                    request_id = _named_id(error.parsed)
                    if request_id in outstanding:
                        case, sent = outstanding.pop(request_id)
                        self.answered[request_id] = case
                        self._error(case, Verdict.ERROR, f"protocol violation: {error}", sent)
                        last_progress = time.monotonic()
                    elif request_id in self.answered:
                        self._charge_repeated_answer(request_id)
                    else:
                        failure = (Verdict.ERROR, f"protocol violation: {error}")
                else:
                    request_id = answer["id"]
                    if request_id in outstanding:
                        case, sent = outstanding.pop(request_id)
                        self.answered[request_id] = case
                        self._record(judge(case, answer, time.monotonic() - sent))
                        last_progress = time.monotonic()
                    elif request_id in self.answered:
                        self._charge_repeated_answer(request_id)
                    else:
                        failure = (
                            Verdict.ERROR,
                            f"protocol violation: answer to unknown request id {request_id}",
                        )
            elif isinstance(event, Ended):
                failure = (Verdict.ERROR, self.adapter.end_detail())
            elif isinstance(event, Silent):
                failure = (Verdict.TIMEOUT, f"no answer within {self.settings.timeout:g} s")
            if failure is None:
                continue
            in_flight = list(outstanding.values())
            outstanding.clear()
            if len(in_flight) == 1:
                case, sent = in_flight[0]
                self._error(case, *failure, sent)
            else:
                isolated.extendleft(case for case, _ in reversed(in_flight))
            try:
                self._restart()
            except AdapterStartError as error:
                for case in [*isolated, *pending]:
                    self._record(CaseResult(case, Verdict.ERROR, f"adapter could not be restarted: {error}"))
                return
            last_progress = time.monotonic()
