"""An adapter as a child process: start, hello, non-blocking send, receive with a deadline, kill.

The runner must survive any adapter (CNF-5): every read and write happens on a thread of its
own, so a child that stops reading, stops writing, floods its output or dies never blocks the
runner; the runner only ever waits on a queue with a deadline.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from forkspec.conformance.protocol import (
    MAX_LINE_BYTES,
    Capabilities,
    ProtocolError,
    capabilities,
    decode,
    encode,
    runner_hello,
    shutdown,
)

STDERR_LINES_KEPT = 20
STDERR_CHARACTERS_KEPT = 2000
SHUTDOWN_GRACE_SECONDS = 2.0
EXIT_GRACE_SECONDS = 0.5


class AdapterStartError(Exception):
    """The adapter could not be started or did not complete the hello exchange."""


@dataclass(frozen=True)
class Line:
    """One line the adapter wrote to stdout."""

    data: bytes


@dataclass(frozen=True)
class Ended:
    """The adapter closed its stdout or exited; `end_detail` tells which."""


@dataclass(frozen=True)
class Silent:
    """Nothing arrived before the deadline."""


Event = Line | Ended | Silent


class AdapterProcess:
    """One running adapter process, in a process group of its own (ADP-9)."""

    def __init__(self, command: Sequence[str]) -> None:
        try:
            self._process = subprocess.Popen(
                list(command),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as error:
            raise AdapterStartError(
                f"cannot start adapter {' '.join(command)!r}: {error.strerror}"
            ) from error
        assert self._process.stdin and self._process.stdout and self._process.stderr
        self._events: queue.Queue[Event] = queue.Queue()
        self._outgoing: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES_KEPT)
        for target, stream in (
            (self._read_stdout, self._process.stdout),
            (self._read_stderr, self._process.stderr),
            (self._write_stdin, self._process.stdin),
        ):
            threading.Thread(target=target, args=(stream,), daemon=True).start()
        threading.Thread(target=self._wait_for_exit, daemon=True).start()

    def _read_stdout(self, stream: IO[bytes]) -> None:
        while line := stream.readline(MAX_LINE_BYTES + 1):
            self._events.put(Line(line))
        self._events.put(Ended())

    def _wait_for_exit(self) -> None:
        # An adapter that exits while a child of its keeps stdout open still ends the session.
        self._process.wait()
        self._events.put(Ended())

    def _read_stderr(self, stream: IO[bytes]) -> None:
        while line := stream.readline(STDERR_CHARACTERS_KEPT):
            self._stderr.append(line.decode("utf-8", "replace").rstrip("\n"))

    def _write_stdin(self, stream: IO[bytes]) -> None:
        while (data := self._outgoing.get()) is not None:
            try:
                stream.write(data)
                stream.flush()
            except (BrokenPipeError, OSError, ValueError):
                return
        try:
            stream.close()
        except OSError:
            return

    def send(self, message: dict[str, Any]) -> None:
        """Queue one message for the adapter; never blocks (CNF-5)."""
        self._outgoing.put(encode(message))

    def next_event(self, seconds: float) -> Event:
        """The next line or the end of the session, or Silent after `seconds` (CNF-5)."""
        try:
            return self._events.get(timeout=max(seconds, 0.0))
        except queue.Empty:
            return Silent()

    def end_detail(self) -> str:
        """Why the session ended: the exit code, or a closed stdout of a process still running."""
        try:
            code = self._process.wait(timeout=EXIT_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            return "adapter closed its stdout but is still running"
        return f"adapter exited (exit code {code})"

    def stderr_tail(self) -> str:
        """The last lines the adapter wrote to stderr, at most STDERR_CHARACTERS_KEPT characters (ADP-11)."""
        return "\n".join(self._stderr)[-STDERR_CHARACTERS_KEPT:]

    def hello(self, seconds: float) -> Capabilities:
        """Open the session (ADP-3, ADP-4) or raise AdapterStartError."""
        self.send(runner_hello())
        event = self.next_event(seconds)
        if isinstance(event, Silent):
            raise AdapterStartError(f"no hello within {seconds:g} s")
        if isinstance(event, Ended):
            raise AdapterStartError(f"{self.end_detail()} before its hello; stderr: {self.stderr_tail()}")
        try:
            return capabilities(decode(event.data, "adapter_hello"))
        except ProtocolError as error:
            raise AdapterStartError(f"bad hello: {error}") from error

    def _kill_group(self) -> None:
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return

    def kill(self) -> None:
        """End the adapter and every process in its group, at once (ADP-9)."""
        self._outgoing.put(None)
        self._kill_group()
        self._process.wait()

    def request_shutdown(self) -> None:
        """Send shutdown and close the adapter's stdin (ADP-9); the caller then drains and kills."""
        self.send(shutdown())
        self._outgoing.put(None)
