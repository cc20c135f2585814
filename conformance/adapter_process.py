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
import time
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
SHUTDOWN_GRACE_SECONDS = 2.0


class AdapterStartError(Exception):
    """The adapter could not be started or did not complete the hello exchange."""


@dataclass(frozen=True)
class Line:
    """One line the adapter wrote to stdout."""

    data: bytes


@dataclass(frozen=True)
class Closed:
    """The adapter closed its stdout (it exited or crashed)."""


@dataclass(frozen=True)
class Silent:
    """Nothing arrived before the deadline."""


Event = Line | Closed | Silent


class AdapterProcess:
    """One running adapter process."""

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

    def _read_stdout(self, stream: IO[bytes]) -> None:
        while line := stream.readline(MAX_LINE_BYTES + 1):
            self._events.put(Line(line))
        self._events.put(Closed())

    def _read_stderr(self, stream: IO[bytes]) -> None:
        while line := stream.readline(4096):
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
        """Queue one message for the adapter; never blocks."""
        self._outgoing.put(encode(message))

    def next_event(self, seconds: float) -> Event:
        """The next line or the end of output, or Silent after `seconds`."""
        try:
            return self._events.get(timeout=max(seconds, 0.0))
        except queue.Empty:
            return Silent()

    def exit_code(self) -> int | None:
        """The exit code once the process has ended, else None."""
        return self._process.poll()

    def stderr_tail(self) -> str:
        """The last lines the adapter wrote to stderr."""
        return "\n".join(self._stderr)

    def hello(self, seconds: float) -> Capabilities:
        """Open the session (ADP-3, ADP-4) or raise AdapterStartError."""
        self.send(runner_hello())
        event = self.next_event(seconds)
        if isinstance(event, Silent):
            raise AdapterStartError(f"no hello within {seconds:g} s")
        if isinstance(event, Closed):
            time.sleep(0.05)
            raise AdapterStartError(
                f"adapter exited before its hello (exit code {self.exit_code()}) {self.stderr_tail()}"
            )
        try:
            return capabilities(decode(event.data, "adapter_hello"))
        except ProtocolError as error:
            raise AdapterStartError(f"bad hello: {error}") from error

    def kill(self) -> None:
        """End the adapter and everything it started, at once."""
        self._outgoing.put(None)
        if self._process.poll() is None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self._process.kill()
        self._process.wait()

    def close(self) -> None:
        """Ask the adapter to shut down (ADP-9); kill it if it has not exited after a grace period."""
        self.send(shutdown())
        self._outgoing.put(None)
        try:
            self._process.wait(timeout=SHUTDOWN_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
