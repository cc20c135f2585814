"""`forkspec smoke`: check a new adapter in seconds and say what is wrong in plain words (CNF-16).

It opens a session, runs one case that expects an output and one that expects an error (an
input the handler must reject, preferably a malformed one) for every handler the adapter
announces, lets the session shut down, and explains each problem with the rule it breaks.
"""

from __future__ import annotations

import shlex
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import click
from forkspec.conformance.adapter_process import AdapterStartError, launch_command
from forkspec.conformance.protocol import Capabilities
from forkspec.conformance.runner import (
    RunSettings,
    Session,
    unsupported_reason,
)
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import CaseResult, Verdict, actual_answer, expected_answer, json_text
from forkspec.tools.conform import (
    ADAPTER_OPTION,
    VECTORS_OPTION,
    HarnessError,
    adapter_command_line,
    announcement_warnings,
    load_cases,
    timeout_options,
)

SMOKE_TIMEOUT_SECONDS = 5.0
SHOWN_CHARACTERS = 200
# What to do about a broken protocol, by a phrase of the runner's detail (adapter-protocol.md).
HINTS = (
    ("not a JSON line", "standard output carries protocol lines only; log to standard error (ADP-1, ADP-11)"),
    (
        "not a valid",
        "the answer breaks its schema, spec/schemas/adapter-protocol.json (ADP-2, ADP-6 to ADP-8)",
    ),
    ("answered twice", "answer every request exactly once (ADP-10)"),
    ("unknown request id", "answer with the id of the request being answered (ADP-10)"),
    ("exited", "answer every request, rejections too; exit only on shutdown or end of input (ADP-9, ADP-13)"),
    ("closed its stdout", "keep standard output open until shutdown (ADP-9)"),
    ("no answer within", "write and flush each answer without waiting for the next request (ADP-1, ADP-10)"),
)


def smoke_cases(cases: Sequence[Case], announced: Capabilities) -> list[Case]:
    """Per announced handler, the first runnable case expecting an output and the first expecting an error.

    Among the error cases, one expecting INVALID_INPUT is preferred: a malformed input tests that
    a rejection is an answer and not a crash (ADP-13).
    """
    outputs: dict[str, Case] = {}
    malformed: dict[str, Case] = {}
    rejections: dict[str, Case] = {}
    for case in cases:
        if unsupported_reason(case, announced) is not None:
            continue
        if case.error is None:
            outputs.setdefault(case.handler, case)
        elif case.error == "INVALID_INPUT":
            malformed.setdefault(case.handler, case)
        else:
            rejections.setdefault(case.handler, case)
    handlers = dict.fromkeys([*outputs, *malformed, *rejections])
    chosen = [outputs.get(handler) for handler in handlers]
    chosen += [malformed.get(handler) or rejections.get(handler) for handler in handlers]
    return [case for case in chosen if case is not None]


def explain(result: CaseResult) -> str:
    """One problem in plain words, with the rule and what to do (CNF-16)."""
    case = result.case
    where = f"{case.id} ({', '.join(case.requirements)}; input {json_text(case.input, SHOWN_CHARACTERS)})"
    if result.verdict is Verdict.FAIL and result.answer is not None:
        return (
            f"{where}: answered {json_text(actual_answer(result.answer), SHOWN_CHARACTERS)}, "
            f"the vectors expect {json_text(expected_answer(case), SHOWN_CHARACTERS)}"
        )
    if result.verdict is Verdict.SKIP:
        return f"{where}: skipped although the hello announces {case.handler}: {result.detail} (ADP-8)"
    hint = next((advice for phrase, advice in HINTS if phrase in result.detail), None)
    return f"{where}: {result.verdict.value}: {result.detail}" + (f"; what to do: {hint}" if hint else "")


@click.command()
@ADAPTER_OPTION
@VECTORS_OPTION
@timeout_options(SMOKE_TIMEOUT_SECONDS)
def smoke(
    adapter_command: str | None, vectors_dir: Path | None, timeout: float, start_timeout: float
) -> None:
    """Check an adapter quickly: hello, a few cases per handler, a malformed input, shutdown."""
    command = adapter_command_line(adapter_command)
    vector_set = load_cases(vectors_dir)
    stop = threading.Event()
    started = time.monotonic()
    try:
        session = Session(RunSettings(command, timeout, 1, start_timeout, 1), stop)
    except AdapterStartError as error:
        raise HarnessError(
            f"no usable hello: {error}. The adapter must write its hello as its first line on standard "
            "output and flush it, with protocol_version 1 (ADP-3, ADP-4)"
        ) from error
    announced = session.capabilities
    listed = {
        kind: ", ".join(sorted(names)) or "(none)"
        for kind, names in (
            ("handlers", announced.handlers),
            ("presets", announced.presets),
            ("features", announced.features),
        )
    }
    click.echo(
        f"ok    hello in {time.monotonic() - started:.2f} s: {announced.client_name} "
        f"{announced.client_version}; " + "; ".join(f"{kind} {names}" for kind, names in listed.items())
    )
    problems = announcement_warnings(announced, vector_set)
    cases = smoke_cases(vector_set.cases, announced)
    if not cases:
        problems.append("the hello announces no handler and preset that the vectors have a case for (ADP-3)")
    results: list[CaseResult] = []
    session.execute(cases, results.append, stop)
    for result in results:
        if result.verdict is Verdict.PASS:
            kind = "rejects" if result.case.error else "answers"
            click.echo(
                f"ok    {result.case.handler} {kind} {result.case.id} in {result.seconds * 1000:.0f} ms"
            )
        else:
            problems.append(explain(result))
    if session.restarts:
        problems.append(f"the adapter had to be restarted {session.restarts} time(s) (CNF-5)")
    for problem in problems:
        click.echo(f"FIX   {problem}")
    if problems:
        click.echo(f"{len(problems)} problem(s); fix them, then run 'forkspec conform --adapter ...'")
        sys.exit(1)
    quoted = shlex.quote(shlex.join(launch_command(command)))
    click.echo(f"the adapter looks right; next: forkspec conform --adapter {quoted}")
