"""Benchmark of the conformance runner itself, every figure measured side by side in one run.

1. Throughput: an instant adapter (it answers each request with the expected output, looked
   up in a precomputed table) driven by the runner over synthetic cases with window 16, against
   the floor: a plain Python pipe ping-pong with the same adapter, the same requests and the
   same window, one JSON line each way and nothing else. Prints both rates and their ratio
   (target: the runner reaches at least 60% of the floor) and the runner's CPU per case.
2. Scale: many synthetic cases through the runner in a fresh process, streamed to a reporter
   that keeps nothing: wall time and peak memory (targets for 100,000 cases: 10 s, 300 MB).
3. Harness overhead: `forkspec conform` on the shipped suite against evaluating the same cases
   in-process (`run_handler` and the runner's judge), whole processes, paired, several
   repetitions; prints min and median of each and of the paired ratios (target: 1.2x).

Usage: python -m forkspec.tools.bench_runner [--cases N] [--scale-cases N] [--repetitions N] [--part 1|2|3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

WINDOW = 16
# The instant adapter's table: version_compare inputs and their outputs.
ORDERS = {"1.0.0": -1, "1.1.0": 0, "1.2.0": 1}
INSTANT_HELLO = {
    "type": "hello",
    "protocol_version": 1,
    "client": {"name": "instant", "version": "1"},
    "handlers": ["version_compare"],
    "presets": ["mainnet"],
    "features": [],
}


def serve_instant() -> int:
    """The instant adapter: the precomputed answer to each request, written at once."""
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        message = json.loads(line)
        if message["type"] == "hello":
            out.write(json.dumps(INSTANT_HELLO).encode() + b"\n")
        elif message["type"] == "shutdown":
            return 0
        else:
            order = ORDERS[message["input"]["left"]]
            out.write(b'{"type":"result","id":%d,"output":{"order":%d}}\n' % (message["id"], order))
        out.flush()
    return 0


def instant_command() -> list[str]:
    return [sys.executable, "-m", "forkspec.tools.bench_runner", "--instant-adapter"]


def synthetic_input(index: int) -> dict[str, str]:
    return {"left": f"1.{index % 3}.0", "right": "1.1.0"}


def floor_request(index: int) -> bytes:
    """The floor's request line: what the runner sends, encoded the plain way."""
    message = {
        "type": "run",
        "id": index,
        "case": f"c{index}",
        "handler": "version_compare",
        "preset": "mainnet",
        "input": synthetic_input(index),
    }
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def floor_rate(count: int, batched: bool) -> float:
    """Messages per second of a bare pipe ping-pong with the instant adapter, window WINDOW.

    The floor does only what any driver must: encode each request as one JSON line, decode
    each reply line, and keep WINDOW requests in flight. The plain floor (the one the issue's
    outside measurement used) reads one reply line and writes one request at a time; the
    batched floor reads whatever the pipe holds and writes all the requests it can send in
    one call, as the runner does, and is the stricter bar.
    """
    child = subprocess.Popen(instant_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    assert child.stdin and child.stdout
    to_child, from_child = child.stdin.fileno(), child.stdout.fileno()
    replies = os.fdopen(os.dup(from_child), "rb")
    os.write(to_child, b'{"type":"hello","protocol_version":1}\n')
    replies.readline()
    started = time.perf_counter()
    sent = min(WINDOW, count)
    os.write(to_child, b"".join(floor_request(index) for index in range(sent)))
    received = 0
    buffer = b""
    while received < count:
        if batched:
            buffer += os.read(from_child, 65536)
            *lines, buffer = buffer.split(b"\n")
        else:
            lines = [replies.readline()]
        for line in lines:
            json.loads(line)
        received += len(lines)
        more = min(len(lines), count - sent)
        if more:
            os.write(to_child, b"".join(floor_request(index) for index in range(sent, sent + more)))
            sent += more
    elapsed = time.perf_counter() - started
    os.write(to_child, b'{"type":"shutdown"}\n')
    replies.close()
    child.stdin.close()
    child.wait()
    return count / elapsed


def synthetic_cases(count: int) -> list[Any]:
    from forkspec.conformance.vectorfile import Case

    return [
        Case(
            f"mainnet/version_compare/synthetic-{index}",
            "version_compare",
            "mainnet",
            ("VER-7",),
            "synthetic",
            (),
            synthetic_input(index),
            output={"order": index % 3 - 1},
        )
        for index in range(count)
    ]


def runner_rate(count: int) -> tuple[float, float]:
    """Cases per second of the runner with the instant adapter, and its CPU microseconds per case."""
    from forkspec.conformance.runner import RunSettings, Session
    from forkspec.conformance.verdicts import CaseResult, Verdict

    cases = synthetic_cases(count)
    stop = threading.Event()
    session = Session(RunSettings(instant_command(), window=WINDOW), stop)
    passed = 0

    def count_pass(result: CaseResult) -> None:
        nonlocal passed
        passed += result.verdict is Verdict.PASS

    started, cpu = time.perf_counter(), time.process_time()
    session.execute(cases, count_pass, stop)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if passed != count:
        raise SystemExit(f"the instant adapter passed {passed} of {count} cases")
    return count / elapsed, cpu / count * 1e6


def scale_run(count: int) -> None:
    """Run `count` synthetic cases, streamed to a reporter that keeps only counts; print time and peak."""
    import resource

    from forkspec.conformance.runner import RunSettings, Session
    from forkspec.conformance.verdicts import CaseResult

    started = time.perf_counter()
    cases = synthetic_cases(count)
    stop = threading.Event()
    session = Session(RunSettings(instant_command(), window=WINDOW), stop)
    verdicts: dict[str, int] = {}

    def tally(result: CaseResult) -> None:
        verdicts[result.verdict.value] = verdicts.get(result.verdict.value, 0) + 1

    session.execute(cases, tally, stop)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": elapsed, "peak_bytes": peak, "verdicts": verdicts}))


def evaluate_in_process() -> int:
    """Load the shipped vectors and judge every case on the reference's own answer, in-process."""
    from importlib.resources import files
    from pathlib import Path

    from forkspec.conformance.vectorfile import load_vector_set
    from forkspec.conformance.verdicts import Verdict, judge
    from forkspec.errors import SpecError
    from forkspec.handlers import run_handler

    passed = 0
    for index, case in enumerate(load_vector_set(Path(str(files("forkspec.vectors")))).cases):
        started = time.monotonic()
        answer: dict[str, Any]
        try:
            output = run_handler(case.handler, case.preset, dict(case.input))
            answer = {"type": "result", "id": index, "output": output}
        except SpecError as rejection:
            answer = {"type": "error", "id": index, "code": rejection.code.value}
        passed += judge(case, answer, time.monotonic() - started).verdict is Verdict.PASS
    print(f"{passed} passed")
    return 0


def timed(command: list[str]) -> tuple[float, float]:
    """The wall seconds and the CPU seconds (user and system, the command and every process it
    waited for) of one run of `command`: the CPU figure is less sensitive to a loaded machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def spread(values: list[float], unit: Callable[[float], str]) -> str:
    return f"min {unit(min(values))}  median {unit(statistics.median(values))}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000, help="synthetic cases per throughput run")
    parser.add_argument("--scale-cases", type=int, default=100_000, help="synthetic cases of the scale run")
    parser.add_argument("--repetitions", type=int, default=5, help="paired repetitions of each comparison")
    parser.add_argument(
        "--part", type=int, choices=(1, 2, 3), action="append", help="run only this part (repeatable)"
    )
    parser.add_argument("--instant-adapter", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale-run", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.instant_adapter:
        return serve_instant()
    if arguments.in_process:
        return evaluate_in_process()
    if arguments.scale_run:
        scale_run(arguments.scale_run)
        return 0

    parts = set(arguments.part or (1, 2, 3))
    if 1 in parts:
        print(f"1. throughput, {arguments.cases} synthetic cases, window {WINDOW}, instant adapter")
        plain_floors, batched_floors, rates, cpus, plain_ratios, batched_ratios = [], [], [], [], [], []
        for _ in range(arguments.repetitions):
            plain, batched = floor_rate(arguments.cases, False), floor_rate(arguments.cases, True)
            rate, cpu = runner_rate(arguments.cases)
            plain_floors.append(plain)
            batched_floors.append(batched)
            rates.append(rate)
            cpus.append(cpu)
            plain_ratios.append(rate / plain)
            batched_ratios.append(rate / batched)
        per_second = lambda value: f"{value:,.0f}/s"  # noqa: E731
        ratio = lambda value: f"{value:.2f}"  # noqa: E731
        print(f"   floor, plain ping-pong     {spread(plain_floors, per_second)}")
        print(f"   floor, batched ping-pong   {spread(batched_floors, per_second)}")
        print(f"   runner                     {spread(rates, per_second)}")
        print(f"   runner CPU per case        {spread(cpus, lambda value: f'{value:.1f} us')}")
        print(f"   runner / plain floor       {spread(plain_ratios, ratio)}  (target >= 0.60)")
        print(f"   runner / batched floor     {spread(batched_ratios, ratio)}")

    if 2 in parts:
        print(f"2. scale, {arguments.scale_cases} synthetic cases through the runner, streamed")
        completed = subprocess.run(
            [sys.executable, "-m", "forkspec.tools.bench_runner", "--scale-run", str(arguments.scale_cases)],
            capture_output=True,
            text=True,
            check=True,
        )
        scale = json.loads(completed.stdout)
        megabytes = scale["peak_bytes"] / 2**20
        print(f"   {scale['seconds']:.2f} s, peak {megabytes:.0f} MB, verdicts {scale['verdicts']}")
        print("   (targets for 100,000 cases: 10 s, 300 MB)")

    if 3 in parts:
        print("3. harness overhead on the shipped suite, whole processes, paired")
        conform = [sys.executable, "-m", "forkspec.tools.cli", "conform"]
        in_process = [sys.executable, "-m", "forkspec.tools.bench_runner", "--in-process"]
        parallel = [*conform, "-j", "2"]
        timed(conform)  # warm the file cache once
        commands = {"conform": conform, "conform -j 2": parallel}
        walls: dict[str, list[float]] = {name: [] for name in ("in-process", *commands)}
        cpu_of: dict[str, list[float]] = {name: [] for name in walls}
        for _ in range(arguments.repetitions):
            for name, command in (("in-process", in_process), *commands.items()):
                wall, cpu = timed(command)
                walls[name].append(wall)
                cpu_of[name].append(cpu)
        seconds = lambda value: f"{value:.3f} s"  # noqa: E731
        times = lambda value: f"{value:.2f}x"  # noqa: E731
        for name in walls:
            print(f"   {name:<28}wall {spread(walls[name], seconds)}; CPU {spread(cpu_of[name], seconds)}")
        for name in commands:
            paired = [wall / alone for wall, alone in zip(walls[name], walls["in-process"], strict=True)]
            paired_cpu = [cpu / alone for cpu, alone in zip(cpu_of[name], cpu_of["in-process"], strict=True)]
            print(
                f"   {name + ' / in-process':<28}wall {spread(paired, times)}  (target <= 1.2x); "
                f"CPU {spread(paired_cpu, times)}"
            )
        print(f"   (os.cpu_count() = {os.cpu_count()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
