"""The readiness area: properties of the gate and of the success criteria (RDY-1 to RDY-11)."""

from __future__ import annotations

from fractions import Fraction

from forkspec.classification import Validator
from forkspec.readiness import (
    TESTNET_MIN_SECONDS,
    Check,
    Checklist,
    LoadTest,
    Metric,
    Outcome,
    Unmet,
    gate,
    success,
)
from hypothesis import assume, given
from hypothesis import strategies as st

times = st.integers(0, 2**64 - 1)
checks = st.lists(st.booleans(), max_size=4).map(
    lambda results: tuple(Check(f"c{index}", passed) for index, passed in enumerate(results))
)


@given(
    times,
    st.one_of(st.none(), times),
    st.integers(0, 10**6),
    st.integers(0, 10**9),
    st.integers(1, 10**5),
    checks,
    checks,
)
def test_go_exactly_when_every_item_is_met(
    activation_at: int,
    deployed_at: int | None,
    target_tps: int,
    transactions: int,
    seconds: int,
    scenarios: tuple[Check, ...],
    audits: tuple[Check, ...],
) -> None:
    findings = gate(
        Checklist(
            activation_at,
            deployed_at,
            ("1.0.0",),
            LoadTest(target_tps, transactions, seconds),
            scenarios,
            audits,
        )
    )
    testnet_met = deployed_at is not None and activation_at - deployed_at >= TESTNET_MIN_SECONDS
    load_met = Fraction(transactions, seconds) >= target_tps
    met = (
        testnet_met
        and load_met
        and bool(scenarios)
        and all(check.passed for check in scenarios)
        and bool(audits)
        and all(check.passed for check in audits)
    )
    assert (findings == []) == met
    assert (Unmet.LOAD_TEST_BELOW_TARGET in {finding.code for finding in findings}) == (not load_met)


@given(
    st.lists(st.sampled_from(["1.0.0", "1.4.2", "2.0.0", "0.3.0", "0.3.5", "0.4.0"]), min_size=1, max_size=6)
)
def test_the_versions_are_compatible_exactly_when_every_pair_is(versions: list[str]) -> None:
    def key(text: str) -> tuple[int, int | None]:
        major, minor, _ = (int(part) for part in text.split("."))
        return major, minor if major == 0 else None

    findings = gate(
        Checklist(0, 0, tuple(versions), LoadTest(0, 0, 1), (Check("s", True),), (Check("a", True),))
    )
    incompatible = [finding.subject for finding in findings if finding.code is Unmet.VERSIONS_INCOMPATIBLE]
    assert (not incompatible) == all(key(left) == key(right) for left in versions for right in versions)
    assert incompatible == [text for text in versions if key(text) != key(versions[0])]


@given(st.lists(st.tuples(st.integers(0, 1000), st.booleans()), min_size=1, max_size=30))
def test_upgraded_is_judged_by_count_and_by_stake_exactly(validators: list[tuple[int, bool]]) -> None:
    assume(sum(stake for stake, _ in validators) > 0)
    outcome = Outcome(
        tuple(Validator(f"v{index}", stake, upgraded) for index, (stake, upgraded) in enumerate(validators)),
        0,
        0,
        (Metric("m", 1, 1),),
    )
    share, findings = success(outcome)
    codes = {finding.code for finding in findings}
    running = [stake for stake, upgraded in validators if upgraded]
    assert (Unmet.UPGRADED_COUNT_BELOW in codes) == (
        Fraction(len(running), len(validators)) < Fraction(9, 10)
    )
    total = sum(stake for stake, _ in validators)
    assert (Unmet.UPGRADED_STAKE_BELOW in codes) == (Fraction(sum(running), total) < Fraction(9, 10))
    assert codes <= {Unmet.UPGRADED_COUNT_BELOW, Unmet.UPGRADED_STAKE_BELOW}
    assert (share.running, share.validators, share.running_stake, share.total_stake) == (
        len(running),
        len(validators),
        sum(running),
        total,
    )
