"""Benchmark of loading a vector set (spec/vectors.md, VEC-13).

Prints milliseconds per case for a cold load (no record of the set: every file shown equal to
its compiled JSON form, by rendering (VEC-17) or else by parsing the YAML, and every case checked
against its schemas, then recorded) and a warm load (a recorded set: every SHA-256 checked, the
cases read from the compiled JSON form), for the shipped set and
for synthetic sets of 1,000, 10,000 and 100,000 cases. A synthetic set repeats the shipped
cases under new ids and is written by the real renderer and writer, so it is a valid set.
Run: `python -m forkspec.tools.bench_vectors [--sizes N ...] [--warm-repeats N]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from forkspec.conformance.vectorfile import (
    CACHE_ENVIRONMENT_VARIABLE,
    Case,
    VectorSet,
    load_vector_set,
    render_vector_set,
)
from forkspec.tools.cases import case_specs
from forkspec.tools.conform import shipped_vectors
from forkspec.tools.generate import build_cases, write_vector_set

DEFAULT_SIZES = (1_000, 10_000, 100_000)


def synthetic_cases(base: Sequence[Case], count: int) -> list[Case]:
    """`count` cases: the base cases over and over, each copy under its own id."""
    copies = ((base[index % len(base)], index // len(base)) for index in range(count))
    return [dataclasses.replace(case, id=f"{case.id}-copy{copy}") for case, copy in copies]


def _timed(load: Callable[[], VectorSet]) -> tuple[float, int]:
    start = time.perf_counter()
    loaded = load()
    return time.perf_counter() - start, len(loaded.cases)


def measure(root: Path, scratch: Path, warm_repeats: int) -> tuple[int, float, float]:
    """(cases, cold ms per case, best warm ms per case) for the set at `root`, recorded in a new cache."""
    cache = Path(tempfile.mkdtemp(dir=scratch, prefix="cache-"))
    os.environ[CACHE_ENVIRONMENT_VARIABLE] = str(cache)
    cold, cases = _timed(lambda: load_vector_set(root))
    warm = min(_timed(lambda: load_vector_set(root))[0] for _ in range(warm_repeats))
    return cases, 1000 * cold / cases, 1000 * warm / cases


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table of load times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES))
    parser.add_argument("--warm-repeats", type=int, default=3)
    options = parser.parse_args(argv)
    print(f"{'set':<16}{'cases':>8}{'cold ms/case':>14}{'warm ms/case':>14}{'cold/warm':>11}")

    def report(name: str, figures: tuple[int, float, float]) -> None:
        cases, cold, warm = figures
        print(f"{name:<16}{cases:>8}{cold:>14.4f}{warm:>14.4f}{cold / warm:>10.1f}x", flush=True)

    with tempfile.TemporaryDirectory(prefix="forkspec-bench-vectors-") as directory:
        scratch = Path(directory)
        report("shipped", measure(shipped_vectors(), scratch, options.warm_repeats))
        base = build_cases(case_specs())
        for size in options.sizes:
            root = scratch / f"set-{size}"
            write_vector_set(render_vector_set(synthetic_cases(base, size)), root)
            report(f"synthetic {size}", measure(root, scratch, options.warm_repeats))


if __name__ == "__main__":
    main()
