"""Verdicts: what the runner concludes about each case (spec/conformance.md, CNF-1 to CNF-4)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from forkspec.conformance.vectorfile import Case


class Verdict(StrEnum):
    """The five verdicts, each distinct (CNF-1)."""

    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    TIMEOUT = "TIMEOUT"
    SKIP = "SKIP"
    NOT_RUN = "NOT_RUN"


@dataclass(frozen=True)
class CaseResult:
    """A case, its verdict, why, what the adapter answered (if it did) and how long it took."""

    case: Case
    verdict: Verdict
    detail: str = ""
    answer: dict[str, Any] | None = None
    seconds: float = 0.0


def same_json(left: object, right: object) -> bool:
    """JSON equality with types kept apart: 1, 1.0 and true are three different values (CNF-2)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        assert isinstance(right, dict)
        return left.keys() == right.keys() and all(same_json(left[key], right[key]) for key in left)
    if isinstance(left, list):
        assert isinstance(right, list)
        return len(left) == len(right) and all(same_json(a, b) for a, b in zip(left, right, strict=True))
    return left == right


def judge(case: Case, answer: dict[str, Any], seconds: float) -> CaseResult:
    """The verdict on a well-formed answer to `case` (CNF-2, CNF-3)."""
    if answer["type"] == "skip":
        return CaseResult(case, Verdict.SKIP, f"adapter skipped: {answer.get('reason', '')}", answer, seconds)
    if answer["type"] == "error":
        if case.error == answer["code"]:
            return CaseResult(case, Verdict.PASS, "", answer, seconds)
        expected = f"error {case.error}" if case.error else f"output {case.output}"
        return CaseResult(
            case, Verdict.FAIL, f"expected {expected}, got error {answer['code']}", answer, seconds
        )
    if case.error is not None:
        return CaseResult(
            case,
            Verdict.FAIL,
            f"expected error {case.error}, got output {answer['output']}",
            answer,
            seconds,
        )
    if same_json(case.output, answer["output"]):
        return CaseResult(case, Verdict.PASS, "", answer, seconds)
    return CaseResult(
        case,
        Verdict.FAIL,
        f"expected output {case.output}, got {answer['output']}",
        answer,
        seconds,
    )


def exit_status(results: list[CaseResult]) -> int:
    """0 when something passed and nothing failed, errored or timed out; 1 otherwise (CNF-4)."""
    bad = {Verdict.FAIL, Verdict.ERROR, Verdict.TIMEOUT}
    if any(result.verdict in bad for result in results):
        return 1
    return 0 if any(result.verdict is Verdict.PASS for result in results) else 1
