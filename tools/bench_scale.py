"""Benchmark of `forkspec conform` at scale: a synthetic vector set through an instant adapter.

The whole command runs as a child process, as a CI would run it: loading the vectors (first
with an empty verification cache, then with the set recorded in it, VEC-13), the hello, every
case, the summary and both reports (JSON Lines and JUnit XML). It prints the wall time and the
peak memory of each run and the figure per case. The set is written by the real vector writer:
`version_compare` cases whose answers the instant adapter of `bench_runner` knows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from forkspec.conformance.vectorfile import render_vector_set
from forkspec.tools.bench_runner import instant_command, synthetic_cases
from forkspec.tools.generate import write_vector_set


def conform_once(vectors: Path, scratch: Path, cache: Path) -> tuple[float, int]:
    """One `forkspec conform` run: its wall seconds and its peak resident memory in bytes."""
    command = [
        sys.executable,
        "-m",
        "forkspec.tools.cli",
        "conform",
        "--vectors",
        str(vectors),
        "--adapter",
        " ".join(instant_command()),
        "--jsonl",
        str(scratch / "report.jsonl"),
        "--junit-xml",
        str(scratch / "report.xml"),
    ]
    environment = {**os.environ, "FORKSPEC_CACHE_DIR": str(cache)}
    started = time.perf_counter()
    # A fresh child per run, so that its peak memory is its own: measured by a wrapper process.
    wrapper = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(code)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"conform exited {completed.returncode}: {completed.stderr.strip()}")
    return elapsed, int(completed.stdout.strip().splitlines()[-1]) * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000, help="synthetic cases in the set")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="forkspec-bench-scale-") as directory:
        scratch = Path(directory)
        vectors = scratch / "vectors"
        write_vector_set(render_vector_set(synthetic_cases(arguments.cases)), vectors)
        cache = scratch / "cache"
        cache.mkdir()
        print(f"forkspec conform, {arguments.cases} cases, instant adapter, JSON Lines and JUnit reports")
        print(f"{'load':<28} {'seconds':>8} {'µs/case':>8} {'peak MB':>8}")
        for label in ("cold (empty cache)", "warm (set verified before)", "warm, again"):
            seconds, peak = conform_once(vectors, scratch, cache)
            per_case = seconds / arguments.cases * 1e6
            print(f"{label:<28} {seconds:8.2f} {per_case:8.1f} {peak / 2**20:8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
