"""The conformance runner: cases in, one verdict per case out (spec/conformance.md).

Cases the adapter did not announce (handler, preset or feature) are skipped without being
sent (CNF-6). The rest are pipelined, at most `window` at a time. When the adapter breaks the
protocol, crashes or falls silent for `timeout` seconds, it is killed and restarted and the
cases that were in flight run again one at a time, so that the verdict ERROR or TIMEOUT lands
on the case that caused it and on no other (CNF-5).
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from forkspec.conformance.adapter_process import (
    AdapterProcess,
    AdapterStartError,
    Closed,
    Line,
    Silent,
)
from forkspec.conformance.protocol import Capabilities, ProtocolError, decode, run_request
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import CaseResult, Verdict, judge

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_WINDOW = 16


@dataclass(frozen=True)
class RunSettings:
    """How to run: the adapter command, the per-case timeout and the pipelining window."""

    command: Sequence[str]
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    window: int = DEFAULT_WINDOW


def unsupported_reason(case: Case, announced: Capabilities) -> str | None:
    """Why the adapter cannot run `case` according to its hello, or None (CNF-6)."""
    if case.handler not in announced.handlers:
        return f"handler {case.handler} not implemented"
    if case.preset not in announced.presets:
        return f"preset {case.preset} not supported"
    missing = sorted(set(case.features) - announced.features)
    return f"features {', '.join(missing)} not supported" if missing else None


def _attributable_id(line: bytes, outstanding: dict[int, tuple[Case, float]]) -> int | None:
    """The id of an in-flight request that a malformed answer names, if it names one."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    request_id = message.get("id") if isinstance(message, dict) else None
    return request_id if type(request_id) is int and request_id in outstanding else None


class Run:
    """One run of cases against one adapter command."""

    def __init__(self, settings: RunSettings, report: Callable[[CaseResult], None]) -> None:
        self.settings = settings
        self.report = report
        self.adapter = AdapterProcess(settings.command)
        self.capabilities = self._hello(self.adapter)
        self.restarts = 0

    def _hello(self, adapter: AdapterProcess) -> Capabilities:
        try:
            return adapter.hello(self.settings.timeout)
        except AdapterStartError:
            adapter.kill()
            raise

    def _restart(self) -> None:
        self.adapter.kill()
        self.restarts += 1
        self.adapter = AdapterProcess(self.settings.command)
        self._hello(self.adapter)

    def execute(self, cases: Sequence[Case]) -> list[CaseResult]:
        """Run `cases` and return their results in the order given."""
        results: dict[str, CaseResult] = {}

        def record(result: CaseResult) -> None:
            results[result.case.id] = result
            self.report(result)

        pending: deque[Case] = deque()
        for case in cases:
            reason = unsupported_reason(case, self.capabilities)
            if reason is None:
                pending.append(case)
            else:
                record(CaseResult(case, Verdict.SKIP, reason))
        try:
            self._drive(pending, record)
        finally:
            self.adapter.close()
        return [results[case.id] for case in cases]

    def _drive(self, pending: deque[Case], record: Callable[[CaseResult], None]) -> None:
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
                    request_id = _attributable_id(event.data, outstanding)
                    if request_id is None:
                        failure = (Verdict.ERROR, f"protocol violation: {error}")
                    else:
                        case, sent = outstanding.pop(request_id)
                        record(
                            CaseResult(
                                case,
                                Verdict.ERROR,
                                f"protocol violation: {error}",
                                None,
                                time.monotonic() - sent,
                            )
                        )
                        last_progress = time.monotonic()
                else:
                    if answer["id"] in outstanding:
                        case, sent = outstanding.pop(answer["id"])
                        record(judge(case, answer, time.monotonic() - sent))
                        last_progress = time.monotonic()
                    else:
                        failure = (
                            Verdict.ERROR,
                            f"protocol violation: answer to unknown request id {answer['id']}",
                        )
            elif isinstance(event, Closed):
                time.sleep(0.05)
                failure = (Verdict.ERROR, f"adapter exited (exit code {self.adapter.exit_code()})")
            elif isinstance(event, Silent):
                failure = (Verdict.TIMEOUT, f"no answer within {self.settings.timeout:g} s")
            if failure is None:
                continue
            in_flight = list(outstanding.values())
            outstanding.clear()
            if len(in_flight) == 1:
                case, sent = in_flight[0]
                verdict, detail = failure
                tail = self.adapter.stderr_tail()
                record(
                    CaseResult(
                        case,
                        verdict,
                        f"{detail}; stderr: {tail}" if tail else detail,
                        None,
                        time.monotonic() - sent,
                    )
                )
            else:
                isolated.extendleft(case for case, _ in reversed(in_flight))
            try:
                self._restart()
            except AdapterStartError as error:
                for case in [*isolated, *pending]:
                    record(CaseResult(case, Verdict.ERROR, f"adapter could not be restarted: {error}"))
                return
            last_progress = time.monotonic()
