"""Verdicts: what the runner concludes about each case (spec/conformance.md, CNF-1 to CNF-4)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from forkspec.conformance.vectorfile import Case


class Verdict(StrEnum):
    """The verdicts, each distinct (CNF-1); XFAIL and XPASS come from an expectation file (CNF-12)."""

    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    TIMEOUT = "TIMEOUT"
    SKIP = "SKIP"
    XFAIL = "XFAIL"
    XPASS = "XPASS"
    NOT_RUN = "NOT_RUN"


# The verdicts that say the client is wrong or broken on a case (CNF-4).
BAD_VERDICTS = frozenset({Verdict.FAIL, Verdict.ERROR, Verdict.TIMEOUT})


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


def json_text(value: object, limit: int | None = None) -> str:
    """`value` as compact JSON, cut to `limit` characters with a note of how much was left out (CNF-10)."""
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        # An integer beyond the interpreter's conversion limit: say what it is instead.
        text = "(a value too large to print)"
    if limit is None or len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def expected_answer(case: Case) -> dict[str, Any]:
    """What the case expects, in the form of CNF-8's `expected` field."""
    return {"error": case.error} if case.error is not None else {"output": case.output}


def actual_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a well-formed answer that is compared: its error code or its output."""
    return {"error": answer["code"]} if answer["type"] == "error" else {"output": answer["output"]}


DETAIL_VALUE_LIMIT = 400


def judge(case: Case, answer: dict[str, Any], seconds: float) -> CaseResult:
    """The verdict on a well-formed answer to `case` (CNF-2, CNF-3); a FAIL's detail is JSON (CNF-10)."""
    if answer["type"] == "skip":
        return CaseResult(case, Verdict.SKIP, f"adapter skipped: {answer.get('reason', '')}", answer, seconds)
    if answer["type"] == "error":
        passed = case.error == answer["code"]
    else:
        passed = case.error is None and same_json(case.output, answer["output"])
    if passed:
        return CaseResult(case, Verdict.PASS, "", answer, seconds)
    detail = (
        f"expected {json_text(expected_answer(case), DETAIL_VALUE_LIMIT)}, "
        f"got {json_text(actual_answer(answer), DETAIL_VALUE_LIMIT)}"
    )
    return CaseResult(case, Verdict.FAIL, detail, answer, seconds)
