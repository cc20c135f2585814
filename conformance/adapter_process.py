"""An adapter as a child process: start, non-blocking pipes, line splitting, kill of all it started.

The runner must survive any adapter (CNF-5). It never blocks on an adapter's pipes: every pipe
is non-blocking, and one `Multiplexer` on the runner's own thread waits on all of them at
once, with a deadline, so there is no thread to leak and no queue to grow. What an adapter
writes is read only as fast as the runner judges it: lines wait in the pipe, not in memory,
so an adapter that floods its output is held back by the pipe (CNF-5).

An adapter is started from its command, or, for an adapter whose code the runner already holds
(the built-in reference, ADP-12), as a forked copy of the runner that serves the protocol on
the same kind of pipes, in a session of its own: it is ready at once instead of after an
interpreter start and its imports.

Nothing an adapter starts may outlive the run (CNF-5). On Linux the runner makes itself a
child subreaper, so that a process that leaves the adapter's tree (a grandchild that calls
`setsid`, a daemon) is re-parented to the runner instead of to init; every adapter carries a
token in its environment; and killing an adapter kills every process descended from it or
carrying its token, then reaps those that became the runner's children.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from forkspec.conformance.protocol import MAX_LINE_BYTES

STDERR_LINES_KEPT = 20
STDERR_CHARACTERS_KEPT = 2000
SHUTDOWN_GRACE_SECONDS = 2.0
READ_CHUNK_BYTES = 65536
# An exiting adapter's stdout is drained at most this much before the session is declared ended.
EXIT_DRAIN_BYTES = MAX_LINE_BYTES + READ_CHUNK_BYTES
TOKEN_VARIABLE = "FORKSPEC_ADAPTER_TOKEN"
KILL_ROUNDS = 20
REAP_SECONDS = 1.0
PR_SET_CHILD_SUBREAPER = 36
PROC = Path("/proc")


class AdapterStartError(Exception):
    """The adapter could not be started or did not complete the hello exchange."""


@dataclass(frozen=True)
class ForkedServer:
    """An adapter that the runner serves from a forked copy of itself (ADP-12).

    `serve(reader, writer)` speaks the protocol on the child's stdin and stdout and returns the
    exit code; `command` is the program that serves the same, started where `os.fork` is missing
    and named in messages.
    """

    serve: Callable[[BinaryIO, BinaryIO], int]
    command: tuple[str, ...]


AdapterLaunch = Sequence[str] | ForkedServer


def launch_command(launch: AdapterLaunch) -> list[str]:
    """The command line that starts the adapter, or serves the same as the forked copy."""
    return list(launch.command if isinstance(launch, ForkedServer) else launch)


class _ForkedChild:
    """A forked copy of the runner serving the protocol, with the part of `subprocess.Popen`'s
    interface that AdapterProcess uses: `pid`, the three pipes, `poll` and `wait`."""

    def __init__(self, server: ForkedServer, token: str) -> None:
        child_stdin, self_stdin = os.pipe()
        self_stdout, child_stdout = os.pipe()
        self_stderr, child_stderr = os.pipe()
        self.returncode: int | None = None
        self.pid = os.fork()
        if self.pid == 0:
            _serve_in_child(server, token, (child_stdin, child_stdout, child_stderr))
        for descriptor in (child_stdin, child_stdout, child_stderr):
            os.close(descriptor)
        self.stdin: IO[bytes] = os.fdopen(self_stdin, "wb", buffering=0)
        self.stdout: IO[bytes] = os.fdopen(self_stdout, "rb", buffering=0)
        self.stderr: IO[bytes] = os.fdopen(self_stderr, "rb", buffering=0)

    def poll(self) -> int | None:
        """The exit code once the child has exited, else None; reaps it."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 0  # reaped elsewhere: gone, its status lost (as Popen reads it)
                return self.returncode
            if pid == 0:
                return None
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the child's exit, at most `timeout` seconds (subprocess.TimeoutExpired after)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"forked adapter {self.pid}", timeout or 0.0)
            time.sleep(0.001)
        return code


def _serve_in_child(server: ForkedServer, token: str, pipes: tuple[int, int, int]) -> None:
    """The forked child: its own session, the pipes as its standard streams, nothing else of the
    runner's open, default signal dispositions; serves the protocol and exits (ADP-9, ADP-12)."""
    code = 2
    try:
        os.setsid()
        for target, descriptor in enumerate(pipes):
            os.dup2(descriptor, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)
        os.environ[TOKEN_VARIABLE] = token
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        code = server.serve(open(0, "rb", closefd=False), open(1, "wb", closefd=False))  # noqa: SIM115
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.write(2, f"forkspec: the forked adapter failed: {type(error).__name__}: {error}\n".encode())
    finally:
        with contextlib.suppress(BaseException):
            sys.stderr.flush()
        os._exit(code)


def become_subreaper() -> None:
    """Adopt orphaned descendants (Linux; elsewhere a no-op), so that none escapes the kill (CNF-5)."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _process_table() -> dict[int, tuple[int, str]]:
    """Every visible process: pid -> (parent pid, state letter), from /proc."""
    table: dict[int, tuple[int, str]] = {}
    if not PROC.is_dir():
        return table
    for entry in os.scandir(PROC):
        if not entry.name.isdigit():
            continue
        try:
            stat = (PROC / entry.name / "stat").read_bytes()
        except OSError:
            continue
        # The command name is in parentheses and may itself hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), fields[0].decode("ascii", "replace"))
    return table


def _carries_token(pid: int, token: bytes) -> bool:
    try:
        environment = (PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return False
    return token in environment.split(b"\0")


def _started_by(root: int, token: bytes, table: dict[int, tuple[int, str]]) -> set[int]:
    """The live processes descended from `root` or carrying `token`, `root` included if alive."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _state) in table.items():
        children.setdefault(parent, []).append(pid)
    found = {root} if root in table else set()
    frontier = [root]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    found |= {pid for pid in table if pid not in found and _carries_token(pid, token)}
    found.discard(os.getpid())
    return {pid for pid in found if table.get(pid, (0, "Z"))[1] != "Z"}


def reap_children(pids: set[int]) -> None:
    """Collect the exit status of those `pids` that are the runner's children, so none stays a zombie."""
    deadline = time.monotonic() + REAP_SECONDS
    waiting = set(pids)
    while waiting and time.monotonic() < deadline:
        for pid in list(waiting):
            try:
                done, _status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                waiting.discard(pid)
                continue
            if done:
                waiting.discard(pid)
        if waiting:
            time.sleep(0.005)


def kill_started(root: int, token: bytes) -> None:
    """SIGKILL `root` and every process it started or that carries its token, then reap them (CNF-5)."""
    killed: set[int] = set()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(root, signal.SIGKILL)
    for _ in range(KILL_ROUNDS):
        victims = _started_by(root, token, _process_table()) - killed
        # A process killed but not yet reaped still shows; only new ones need another round.
        if not victims:
            break
        for pid in victims:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        killed |= victims
    killed.discard(root)  # the adapter itself is reaped by its Popen object
    reap_children(killed)


class AdapterProcess:
    """One running adapter, in a process group of its own (ADP-9), with non-blocking pipes.

    Its complete stdout lines collect in `lines` (a line longer than MAX_LINE_BYTES is cut to
    MAX_LINE_BYTES + 1 bytes, so that the protocol check refuses it), `ended` turns true once
    its stdout is closed or it has exited, and the last lines of its stderr are kept.
    """

    def __init__(self, launch: AdapterLaunch, token: str) -> None:
        self.token = f"{TOKEN_VARIABLE}={token}".encode()
        command = launch_command(launch)
        self._process: subprocess.Popen[bytes] | _ForkedChild
        try:
            if isinstance(launch, ForkedServer) and hasattr(os, "fork"):
                self._process = _ForkedChild(launch, token)
            else:
                self._process = self._started(command, token)
        except OSError as error:
            raise AdapterStartError(
                f"cannot start adapter {' '.join(command)!r}: {error.strerror}"
            ) from error
        assert self._process.stdin and self._process.stdout and self._process.stderr
        self.stdin: int | None = self._process.stdin.fileno()
        self.stdout: int | None = self._process.stdout.fileno()
        self.stderr: int | None = self._process.stderr.fileno()
        for descriptor in (self.stdin, self.stdout, self.stderr):
            os.set_blocking(descriptor, False)
        self.exit_watch: int | None = self._open_exit_watch()
        self.lines: deque[bytes] = deque()
        self.ended = False
        self.outgoing = bytearray()
        self._partial = bytearray()
        self._discarding = False
        self._stderr_lines: deque[str] = deque(maxlen=STDERR_LINES_KEPT)
        self._stderr_partial = bytearray()
        self.killed = False

    @staticmethod
    def _started(command: list[str], token: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, TOKEN_VARIABLE: token},
        )

    def _open_exit_watch(self) -> int | None:
        """A descriptor that becomes readable when the adapter exits (Linux pidfd), if available."""
        try:
            return os.pidfd_open(self._process.pid)
        except (AttributeError, OSError):
            return None

    @property
    def pid(self) -> int:
        """The adapter's process id."""
        return self._process.pid

    def send(self, data: bytes) -> None:
        """Queue bytes for the adapter's stdin; `flush` writes what the pipe takes (CNF-5)."""
        if self.stdin is not None:
            self.outgoing += data

    def flush(self) -> None:
        """Write as much of the queued input as the pipe takes now; a closed pipe drops it."""
        while self.outgoing and self.stdin is not None:
            try:
                written = os.write(self.stdin, self.outgoing)
            except BlockingIOError:
                return
            except OSError:
                self.outgoing.clear()
                return
            del self.outgoing[:written]

    def close_stdin(self) -> None:
        """Close the adapter's stdin once the queued input is written or cannot be (ADP-9)."""
        self.flush()
        if self.stdin is not None:
            self.outgoing.clear()
            self._process.stdin.close()  # type: ignore[union-attr]
            self.stdin = None

    def read_stdout(self, limit: int = READ_CHUNK_BYTES) -> None:
        """Read what stdout holds now, up to `limit` bytes, into `lines`; end of file sets `ended`."""
        while limit > 0 and self.stdout is not None:
            try:
                chunk = os.read(self.stdout, min(limit, READ_CHUNK_BYTES))
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self.ended = True
                return
            limit -= len(chunk)
            self._split(chunk)
            if len(chunk) < READ_CHUNK_BYTES:
                return  # the pipe is drained: spare the read that would only say so

    def _split(self, chunk: bytes) -> None:
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            if self._discarding:
                self._discarding = False
            elif self._partial:
                self._partial += chunk[start : end + 1]
                self.lines.append(bytes(self._partial))
                self._partial.clear()
            else:
                self.lines.append(chunk[start : end + 1])
            start = end + 1
        if start < len(chunk) and not self._discarding:
            self._partial += chunk[start:]
            if len(self._partial) > MAX_LINE_BYTES:
                self.lines.append(bytes(self._partial[: MAX_LINE_BYTES + 1]))
                self._partial.clear()
                self._discarding = True

    def read_stderr(self) -> None:
        """Keep the last lines of stderr, at most STDERR_CHARACTERS_KEPT characters (ADP-11)."""
        while self.stderr is not None:
            try:
                chunk = os.read(self.stderr, READ_CHUNK_BYTES)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self.stderr = None
                return
            self._stderr_partial += chunk
            *complete, rest = self._stderr_partial.split(b"\n")
            for line in complete:
                self._keep_stderr(line)
            self._stderr_partial = bytearray(rest[-STDERR_CHARACTERS_KEPT:])

    def _keep_stderr(self, line: bytes | bytearray) -> None:
        for start in range(0, max(len(line), 1), STDERR_CHARACTERS_KEPT):
            self._stderr_lines.append(line[start : start + STDERR_CHARACTERS_KEPT].decode("utf-8", "replace"))

    def stderr_tail(self) -> str:
        """The last lines the adapter wrote to stderr, at most STDERR_CHARACTERS_KEPT characters (ADP-11)."""
        lines = list(self._stderr_lines)
        if self._stderr_partial:
            lines.append(self._stderr_partial.decode("utf-8", "replace"))
        return "\n".join(lines)[-STDERR_CHARACTERS_KEPT:]

    def exited(self) -> bool:
        """Whether the adapter process has exited (its children may still run)."""
        return self._process.poll() is not None

    def on_exit(self) -> None:
        """The adapter exited: read what its stdout already holds, then the session has ended (CNF-5)."""
        self.read_stdout(EXIT_DRAIN_BYTES)
        self.ended = True
        if self.exit_watch is not None:
            os.close(self.exit_watch)
            self.exit_watch = None

    def end_detail(self) -> str:
        """Why the session ended: the exit code, or a closed stdout of a process still running."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            code = self._process.wait(timeout=0.1)
            return f"adapter exited (exit code {code})"
        return "adapter closed its stdout but is still running"

    def descriptors(self) -> Iterator[int]:
        """The adapter's descriptors that are still open."""
        for descriptor in (self.stdin, self.stdout, self.stderr, self.exit_watch):
            if descriptor is not None:
                yield descriptor

    def kill(self) -> None:
        """Kill the adapter and everything it started, close its pipes and reap it (ADP-9, CNF-5)."""
        if self.killed:
            return
        self.killed = True
        kill_started(self._process.pid, self.token)
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
        if self.exit_watch is not None:
            os.close(self.exit_watch)
        self.stdin = self.stdout = self.stderr = self.exit_watch = None
        self.outgoing.clear()


class Multiplexer:
    """Waits on every adapter's pipes at once and moves their bytes (CNF-5)."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._registered: dict[int, tuple[AdapterProcess, int]] = {}

    def _want(self, descriptor: int, adapter: AdapterProcess, events: int) -> None:
        current = self._registered.get(descriptor)
        if current is not None and current[0] is not adapter:
            # The number of a descriptor of a killed adapter, reused by a new one.
            self._forget(descriptor)
            current = None
        if current is not None and current[1] == events:
            return
        if current is None:
            self._selector.register(descriptor, events)
        else:
            self._selector.modify(descriptor, events)
        self._registered[descriptor] = (adapter, events)

    def _forget(self, descriptor: int) -> None:
        if self._registered.pop(descriptor, None) is not None:
            self._selector.unregister(descriptor)

    def forget(self, adapter: AdapterProcess) -> None:
        """Stop watching an adapter, before it is killed."""
        for descriptor, (owner, _events) in list(self._registered.items()):
            if owner is adapter:
                self._forget(descriptor)

    def wait(self, adapters: Sequence[AdapterProcess], seconds: float) -> None:
        """Wait up to `seconds` for any adapter's pipes, then read and write what they allow.

        An adapter whose unread `lines` are not yet judged is not read further, so its output
        waits in the pipe (backpressure).
        """
        for adapter in adapters:
            if adapter.killed:
                continue
            if adapter.stdout is not None and not adapter.ended and not adapter.lines:
                self._want(adapter.stdout, adapter, selectors.EVENT_READ)
            elif adapter.stdout is not None:
                self._forget(adapter.stdout)
            for watched in (adapter.stderr, adapter.exit_watch):
                if watched is not None:
                    self._want(watched, adapter, selectors.EVENT_READ)
            if adapter.stdin is not None and adapter.outgoing:
                self._want(adapter.stdin, adapter, selectors.EVENT_WRITE)
            elif adapter.stdin is not None:
                self._forget(adapter.stdin)
        if not self._registered:
            time.sleep(max(seconds, 0.0))
            return
        try:
            ready = self._selector.select(max(seconds, 0.0))
        except OSError as error:  # pragma: no cover - EINTR is retried by Python itself
            if error.errno != errno.EINTR:
                raise
            return
        for key, _events in ready:
            descriptor = int(key.fd)
            owner = self._registered.get(descriptor)
            if owner is None:
                continue
            adapter = owner[0]
            if descriptor == adapter.stdout:
                adapter.read_stdout()
            elif descriptor == adapter.stderr:
                adapter.read_stderr()
                if adapter.stderr is None:
                    self._forget(descriptor)
            elif descriptor == adapter.exit_watch:
                self._forget(descriptor)
                if adapter.stdout is not None:
                    self._forget(adapter.stdout)
                adapter.on_exit()
            elif descriptor == adapter.stdin:
                adapter.flush()
        for adapter in adapters:
            if adapter.exit_watch is None and not adapter.ended and not adapter.killed and adapter.exited():
                adapter.on_exit()

    def close(self) -> None:
        """Release the selector."""
        self._selector.close()
        self._registered.clear()
