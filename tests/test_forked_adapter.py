"""The built-in reference served from a forked copy of the runner (ADP-12, ADP-9, CNF-5).

The forked child must be the same adapter from the runner's side of the pipes: the same
answers, its own session, none of the runner's descriptors, killed and reaped like any other
adapter, and a clear failure when its server raises.
"""

from __future__ import annotations

import os
import select
import threading
import time
from pathlib import Path
from typing import BinaryIO

import pytest
from forkspec.conformance.adapter_process import AdapterProcess, AdapterStartError, ForkedServer
from forkspec.conformance.protocol import encode, runner_hello
from forkspec.conformance.reference_adapter import built_in_reference, reference_adapter_command
from forkspec.conformance.runner import RunSettings, Session
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import CaseResult, Verdict


def command_line_of(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


def started(launch: ForkedServer) -> AdapterProcess:
    """An adapter process that has answered the hello, so that it is fully set up."""
    adapter = AdapterProcess(launch, "forked-test")
    adapter.send(encode(runner_hello()))
    adapter.flush()
    deadline = time.monotonic() + 30
    while not adapter.lines and not adapter.ended and time.monotonic() < deadline:
        select.select([adapter.stdout], [], [], 1.0)
        adapter.read_stdout()
    assert adapter.lines, adapter.stderr_tail()
    return adapter


def test_the_forked_reference_passes_the_shipped_cases(shipped_cases: list[Case]) -> None:
    stop = threading.Event()
    session = Session(RunSettings(built_in_reference(), window=8), stop)
    assert session.capabilities.client_name == "forkspec-reference"
    results: list[CaseResult] = []
    session.execute(shipped_cases, results.append, stop)
    assert [result.verdict for result in results] == [Verdict.PASS] * len(shipped_cases)
    assert session.restarts == 0


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_the_forked_child_is_a_copy_in_its_own_session_with_only_its_pipes() -> None:
    held_open = os.open(os.devnull, os.O_RDONLY)
    adapter = started(built_in_reference())
    try:
        assert command_line_of(adapter.pid) == command_line_of(os.getpid())
        assert os.getsid(adapter.pid) == adapter.pid
        assert sorted(int(name) for name in os.listdir(f"/proc/{adapter.pid}/fd")) == [0, 1, 2]
    finally:
        adapter.kill()
        os.close(held_open)
    with pytest.raises(ChildProcessError):
        os.waitpid(adapter.pid, os.WNOHANG)  # killed and reaped: no zombie is left


def test_where_fork_is_missing_the_reference_program_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    adapter = started(built_in_reference())
    try:
        assert command_line_of(adapter.pid) == reference_adapter_command()
    finally:
        adapter.kill()


def _raises(_reader: BinaryIO, _writer: BinaryIO) -> int:
    raise RuntimeError("the server broke")


def test_a_forked_server_that_raises_exits_2_and_says_why() -> None:
    with pytest.raises(AdapterStartError) as raised:
        Session(RunSettings(ForkedServer(_raises, ("broken-server",)), start_timeout=5), threading.Event())
    message = str(raised.value)
    assert "exit code 2" in message
    assert "the forked adapter failed: RuntimeError: the server broke" in message
