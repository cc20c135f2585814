"""Expectation files: what a client team knows it skips or fails (spec/conformance.md, CNF-12).

A client keeps one file of entries, each naming a case (or a glob over case ids), `skip` or
`xfail`, a reason, and optionally an issue URL and an expiry date. A `skip` entry keeps the
case from being sent; an `xfail` entry turns a FAIL, ERROR or TIMEOUT into XFAIL and a PASS
into XPASS. An entry past its expiry date no longer applies. CI then gates on regressions
against the file instead of on an absolute pass rate.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forkspec.conformance.vectorfile import Case, VectorSetError, parse_yaml
from forkspec.conformance.verdicts import BAD_VERDICTS, CaseResult, Verdict
from forkspec.schemas import first_violation, validator

EXPECTATIONS_FORMAT = "forkspec-expectations/1"
MAX_EXPECTATIONS_BYTES = 16 * 1024 * 1024
GLOB_CHARACTERS = "*?["


class ExpectationsError(Exception):
    """An expectation file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Expectation:
    """One entry of an expectation file (CNF-12)."""

    case: str
    expect: str
    reason: str
    issue: str | None = None
    expires: datetime.date | None = None

    @property
    def is_glob(self) -> bool:
        """Whether `case` is a glob over case ids rather than one id."""
        return any(character in self.case for character in GLOB_CHARACTERS)

    def matches(self, case_id: str) -> bool:
        """Whether the entry names `case_id`."""
        return fnmatch.fnmatchcase(case_id, self.case) if self.is_glob else case_id == self.case

    def describe(self) -> str:
        """The entry for a person: its case, its kind and its reason, with the issue when given."""
        issue = f" ({self.issue})" if self.issue else ""
        return f"{self.expect} {self.case}: {self.reason}{issue}"


def _date_text(value: object) -> object:
    """YAML reads a bare 2027-01-31 as a date; the schema wants the same value as text."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def _entry(document: Mapping[str, Any]) -> Expectation:
    expires = document.get("expires")
    return Expectation(
        case=document["case"],
        expect=document["expect"],
        reason=document["reason"],
        issue=document.get("issue"),
        expires=None if expires is None else datetime.date.fromisoformat(expires),
    )


def load_expectations(path: Path) -> list[Expectation]:
    """The entries of the expectation file at `path`, checked against its schema (CNF-12)."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_EXPECTATIONS_BYTES + 1)
    except OSError as error:
        raise ExpectationsError(f"{path}: cannot read the expectation file: {error.strerror}") from error
    if len(data) > MAX_EXPECTATIONS_BYTES:
        raise ExpectationsError(f"{path}: larger than {MAX_EXPECTATIONS_BYTES} bytes")
    try:
        document = parse_yaml(data, str(path))
    except VectorSetError as error:
        raise ExpectationsError(str(error)) from error
    if isinstance(document, dict) and isinstance(document.get("expectations"), list):
        for entry in document["expectations"]:
            if isinstance(entry, dict) and "expires" in entry:
                entry["expires"] = _date_text(entry["expires"])
    violation = first_violation(validator("expectations.json"), document)
    if violation is not None:
        raise ExpectationsError(f"{path}: {violation}")
    assert isinstance(document, dict)
    entries = []
    for number, item in enumerate(document["expectations"], start=1):
        try:
            entries.append(_entry(item))
        except ValueError as error:
            raise ExpectationsError(f"{path}: entry {number}: expires: {error}") from error
    exact = [entry.case for entry in entries if not entry.is_glob]
    repeated = sorted({case_id for case_id in exact if exact.count(case_id) > 1})
    if repeated:
        raise ExpectationsError(f"{path}: more than one entry names {', '.join(repeated)}")
    return entries


@dataclass(frozen=True)
class ExpectationCheck:
    """Entries that need a person's attention: expired ones, and ones that name no case (CNF-12)."""

    expired: tuple[Expectation, ...]
    unmatched: tuple[Expectation, ...]


class Expectations:
    """The entries in force on a given day, looked up by case id (CNF-12).

    An exact entry wins over a glob; among globs, the first in the file wins.
    """

    def __init__(self, entries: Sequence[Expectation], today: datetime.date) -> None:
        self.entries = tuple(entries)
        self.expired = tuple(
            entry for entry in entries if entry.expires is not None and entry.expires < today
        )
        in_force = [entry for entry in entries if entry.expires is None or entry.expires >= today]
        self._exact = {entry.case: entry for entry in in_force if not entry.is_glob}
        self._globs = [entry for entry in in_force if entry.is_glob]

    def entry_for(self, case_id: str) -> Expectation | None:
        """The entry in force for `case_id`, if any."""
        entry = self._exact.get(case_id)
        if entry is not None:
            return entry
        return next((glob for glob in self._globs if glob.matches(case_id)), None)

    def check(self, cases: Iterable[Case]) -> ExpectationCheck:
        """The expired entries and the entries in force that name no case of `cases`."""
        used: set[Expectation] = set()
        for case in cases:
            entry = self.entry_for(case.id)
            if entry is not None:
                used.add(entry)
        expired = set(self.expired)
        unmatched = tuple(entry for entry in self.entries if entry not in expired and entry not in used)
        return ExpectationCheck(self.expired, unmatched)

    def skip_reason(self, case: Case) -> str | None:
        """The reason to skip `case` without sending it, when a `skip` entry names it."""
        entry = self.entry_for(case.id)
        return f"expected skip: {entry.reason}" if entry is not None and entry.expect == "skip" else None

    def apply(self, result: CaseResult) -> CaseResult:
        """The result under an `xfail` entry: a bad verdict becomes XFAIL, a PASS becomes XPASS."""
        entry = self.entry_for(result.case.id)
        if entry is None or entry.expect != "xfail":
            return result
        if result.verdict in BAD_VERDICTS:
            verdict = Verdict.XFAIL
        elif result.verdict is Verdict.PASS:
            verdict = Verdict.XPASS
        else:
            return result
        detail = f"{result.verdict.value} expected: {entry.reason}"
        if result.detail:
            detail += f"; {result.detail}"
        return CaseResult(result.case, verdict, detail, result.answer, result.seconds)
