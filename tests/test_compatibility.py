"""Properties of transaction formats (spec/compatibility.md, CMP-5 to CMP-8)."""

from __future__ import annotations

import itertools

import pytest
from forkspec.compatibility import (
    Transaction,
    TransactionField,
    TransactionFormat,
    TransactionVerdict,
    check_formats,
    judge_transactions,
)
from forkspec.errors import ErrorCode, SpecError
from hypothesis import given
from hypothesis import strategies as st

NAMES = st.sampled_from(["to", "value", "nonce", "memo", "fee", "gas"])


@st.composite
def registries(draw: st.DrawFn) -> list[TransactionFormat]:
    """Formats that follow CMP-8: each extends the one before with optional fields."""
    versions = sorted(draw(st.sets(st.integers(0, 20), min_size=1, max_size=4)))
    names = draw(st.lists(NAMES, unique=True, min_size=len(versions), max_size=6))
    first = draw(st.integers(1, len(names) - len(versions) + 1))
    fields = tuple(TransactionField(name, draw(st.booleans())) for name in names[:first])
    formats = [TransactionFormat(versions[0], fields)]
    for index, version in enumerate(versions[1:], start=first):
        fields = (*fields, TransactionField(names[index], False))
        formats.append(TransactionFormat(version, fields))
    return formats


@given(
    registries(),
    st.lists(st.tuples(st.integers(0, 20), st.lists(NAMES, max_size=5)), max_size=6),
    st.integers(0, 20),
    st.integers(0, 40),
)
def test_a_transaction_valid_at_a_version_stays_valid_at_every_later_one(
    formats: list[TransactionFormat], drawn: list[tuple[int, list[str]]], node: int, later: int
) -> None:
    """CMP-7: a node at any version from the transaction's own upward gives the same verdict."""
    transactions = [Transaction(version, tuple(fields)) for version, fields in drawn]
    at_node = judge_transactions(formats, node, transactions)
    at_later = judge_transactions(formats, node + later, transactions)
    for transaction, verdict, later_verdict in zip(transactions, at_node, at_later, strict=True):
        if transaction.version <= node:
            assert later_verdict == verdict
        if verdict is TransactionVerdict.ACCEPTED:
            assert later_verdict is TransactionVerdict.ACCEPTED


@given(registries())
def test_every_field_of_a_format_is_in_each_later_one_unchanged(formats: list[TransactionFormat]) -> None:
    """CMP-8, read back: a transaction accepted under one format is well formed under each later one."""
    rules = check_formats(formats)
    for earlier, later in itertools.pairwise(formats):
        assert rules[earlier.version].known <= rules[later.version].known
        assert rules[earlier.version].required == rules[later.version].required


@pytest.mark.parametrize(
    ("later", "code"),
    [
        ((TransactionField("to", True),), ErrorCode.TX_FORMAT_NOT_EXTENSION),
        ((TransactionField("to", True), TransactionField("memo", True)), ErrorCode.TX_FORMAT_NOT_EXTENSION),
        (
            (TransactionField("to", True), TransactionField("memo", False), TransactionField("fee", True)),
            ErrorCode.TX_FIELD_ADDED_REQUIRED,
        ),
    ],
)
def test_a_format_that_breaks_an_older_transaction_is_refused(
    later: tuple[TransactionField, ...], code: ErrorCode
) -> None:
    """CMP-8: dropping a field, tightening one or adding a required one is refused with its code."""
    earlier = TransactionFormat(1, (TransactionField("to", True), TransactionField("memo", False)))
    with pytest.raises(SpecError) as raised:
        check_formats([earlier, TransactionFormat(2, later)])
    assert raised.value.code is code
