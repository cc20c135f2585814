"""Re-check SMT-LIB files by hand: `python3 -m forkspec.tools.proofs.recheck FILE...`.

Each file is given to z3 and to cvc5 as a file, parsed by each solver itself, with the
prover's seed and limits; the answers are printed with the expected answer that the file's
header comment states. Exit code 1 when a solver answers otherwise than expected (GEN-9).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import z3
from forkspec.tools.proofs.engine import QUERY_TIMEOUT_MS, SEED, Answer, cvc5_answer

EXPECTED = re.compile(r"^; expected answer: (sat|unsat)$", re.MULTILINE)


def z3_answer_of_file(path: Path) -> Answer:
    """z3's answer to the SMT-LIB file at `path`, parsed by z3."""
    solver = z3.Solver()
    solver.set(random_seed=SEED, timeout=QUERY_TIMEOUT_MS)
    solver.from_file(str(path))
    return Answer(str(solver.check()))


def main(arguments: list[str]) -> int:
    """Print both solvers' answers per file; 1 if one differs from the expected answer."""
    if not arguments:
        print("usage: python3 -m forkspec.tools.proofs.recheck FILE.smt2...", file=sys.stderr)
        return 2
    status = 0
    for name in arguments:
        path = Path(name)
        expected = EXPECTED.search(path.read_text(encoding="utf-8"))
        z3_result, (cvc5_result, _) = z3_answer_of_file(path), cvc5_answer(path)
        wanted = expected.group(1) if expected else "sat or unsat"
        answered = z3_result is cvc5_result and z3_result is not Answer.UNKNOWN
        if not answered or (expected is not None and z3_result.value != wanted):
            status = 1
        print(f"{path}: z3 {z3_result}, cvc5 {cvc5_result}, expected {wanted}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
