"""Expectation files (CNF-12): loading, matching, expiry and the verdicts they give."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from forkspec.conformance.expectations import (
    Expectation,
    Expectations,
    ExpectationsError,
    load_expectations,
)
from forkspec.conformance.vectorfile import Case
from forkspec.conformance.verdicts import CaseResult, Verdict

TODAY = datetime.date(2027, 1, 15)


def case(case_id: str) -> Case:
    preset, handler, _ = case_id.split("/")
    return Case(case_id, handler, preset, ("VER-2",), "d", (), {"version": "1"}, output={"major": 1})


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "expectations.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_with_every_field_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "format: forkspec-expectations/1\nclient: c\nexpectations:\n"
        "  - {case: mainnet/version_parse/a, expect: xfail, reason: r, issue: 'https://x.org/1',"
        " expires: 2027-01-31}\n"
        "  - {case: 'minimal/*', expect: skip, reason: s, expires: '2027-02-01'}\n",
    )
    assert load_expectations(path) == [
        Expectation("mainnet/version_parse/a", "xfail", "r", "https://x.org/1", datetime.date(2027, 1, 31)),
        Expectation("minimal/*", "skip", "s", None, datetime.date(2027, 2, 1)),
    ]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("format: forkspec-expectations/1\nexpectations: [{case: a, expect: maybe, reason: r}]\n", "expect"),
        ("format: forkspec-expectations/1\nexpectations: [{case: a, expect: skip}]\n", "reason"),
        ("format: forkspec-expectations/1\nexpectations: [{case: a, expect: skip, reason: r, x: 1}]\n", "x"),
        ("format: forkspec-expectations/2\nexpectations: []\n", "format"),
        (
            "format: forkspec-expectations/1\n"
            "expectations: [{case: a, expect: skip, reason: r, expires: '2027-02-30'}]\n",
            "expires",
        ),
        (
            "format: forkspec-expectations/1\nexpectations:\n  - {case: a, expect: skip, reason: r}\n"
            "  - {case: a, expect: xfail, reason: q}\n",
            "more than one entry names a",
        ),
        ("format: [unclosed\n", "malformed YAML"),
        (
            "format: forkspec-expectations/1\n"
            "expectations: [{case: a, expect: skip, reason: r, issue: 'not a url'}]\n",
            "issue",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_a_message_naming_the_problem(
    tmp_path: Path, text: str, complaint: str
) -> None:
    with pytest.raises(ExpectationsError, match=complaint):
        load_expectations(write(tmp_path, text))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExpectationsError, match="cannot read"):
        load_expectations(tmp_path / "absent.yaml")


def test_an_exact_entry_wins_over_a_glob_and_the_first_glob_wins() -> None:
    exact = Expectation("mainnet/version_parse/a", "xfail", "exact")
    first = Expectation("mainnet/*", "skip", "first")
    second = Expectation("*", "xfail", "second")
    expectations = Expectations([first, second, exact], TODAY)
    assert expectations.entry_for("mainnet/version_parse/a") is exact
    assert expectations.entry_for("mainnet/version_parse/b") is first
    assert expectations.entry_for("minimal/version_parse/b") is second


def test_an_entry_applies_through_its_expiry_day_and_not_after() -> None:
    entry = Expectation("mainnet/version_parse/a", "xfail", "r", expires=TODAY)
    assert Expectations([entry], TODAY).entry_for(entry.case) is entry
    later = Expectations([entry], TODAY + datetime.timedelta(days=1))
    assert later.entry_for(entry.case) is None
    assert later.check([case(entry.case)]).expired == (entry,)


def test_entries_that_name_no_case_are_reported() -> None:
    used = Expectation("mainnet/version_parse/a", "xfail", "r")
    unused = Expectation("mainnet/flags_*/*", "skip", "r")
    check = Expectations([used, unused], TODAY).check([case("mainnet/version_parse/a")])
    assert check.unmatched == (unused,)
    assert check.expired == ()


@pytest.mark.parametrize(
    ("verdict", "becomes"),
    [
        (Verdict.FAIL, Verdict.XFAIL),
        (Verdict.ERROR, Verdict.XFAIL),
        (Verdict.TIMEOUT, Verdict.XFAIL),
        (Verdict.PASS, Verdict.XPASS),
        (Verdict.SKIP, Verdict.SKIP),
        (Verdict.NOT_RUN, Verdict.NOT_RUN),
    ],
)
def test_xfail_turns_bad_verdicts_into_xfail_and_a_pass_into_xpass(
    verdict: Verdict, becomes: Verdict
) -> None:
    entry = Expectation("mainnet/version_parse/a", "xfail", "known bug")
    expectations = Expectations([entry], TODAY)
    result = expectations.apply(CaseResult(case(entry.case), verdict, "why"))
    assert result.verdict is becomes
    if becomes is not verdict:
        assert result.detail == f"{verdict.value} expected: known bug; why"
    untouched = CaseResult(case("mainnet/version_parse/other"), verdict, "why")
    assert expectations.apply(untouched) == untouched


def test_a_skip_entry_gives_a_reason_and_an_xfail_entry_does_not() -> None:
    expectations = Expectations(
        [
            Expectation("mainnet/version_parse/a", "skip", "later"),
            Expectation("mainnet/version_parse/b", "xfail", "r"),
        ],
        TODAY,
    )
    assert expectations.skip_reason(case("mainnet/version_parse/a")) == "expected skip: later"
    assert expectations.skip_reason(case("mainnet/version_parse/b")) is None
