"""Cases of the readiness area (spec/readiness.md): the pre-activation gate at each item's bound
and with every finding, and the success criteria at the 90% bounds by count and by stake."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.readiness import TESTNET_MIN_SECONDS
from forkspec.tools.cases import CaseSpec, generic_invalid_cases

ACTIVATION_AT = 1_800_000_000
READY: dict[str, Any] = {
    "activation_at": ACTIVATION_AT,
    "testnet_deployed_at": ACTIVATION_AT - 30 * 24 * 3600,
    "client_versions": ["2.4.0", "2.4.1", "2.5.0-rc.1"],
    "load_test": {"target_tps": 2000, "transactions": 7_500_000, "seconds": 3600},
    "failure_scenarios": [
        {"name": "partition-and-heal", "passed": True},
        {"name": "migration-restore", "passed": True},
    ],
    "audits": [{"auditor": "first-audit", "complete": True}, {"auditor": "second-audit", "complete": True}],
}


def _gate(slug: str, requirements: tuple[str, ...], description: str, **changes: Any) -> CaseSpec:
    """The ready checklist with `changes`; a field changed to None is left out."""
    data = {key: value for key, value in {**READY, **changes}.items() if value is not None}
    return CaseSpec("readiness_gate", slug, requirements, description, data)


def _load(transactions: int, target_tps: int = 2000, seconds: int = 3600) -> dict[str, int]:
    return {"target_tps": target_tps, "transactions": transactions, "seconds": seconds}


def gate_cases() -> Iterator[CaseSpec]:
    """Go, then each item at its bound, then every finding at once, then the input errors."""
    yield _gate("go", ("RDY-1", "RDY-7"), "every item met: go")
    lead = ACTIVATION_AT - TESTNET_MIN_SECONDS
    yield _gate(
        "testnet-exactly-two-weeks", ("RDY-2",), "deployed exactly 14 days before", testnet_deployed_at=lead
    )
    yield _gate(
        "testnet-one-second-short",
        ("RDY-2",),
        "deployed 1 s less than 14 days before",
        testnet_deployed_at=lead + 1,
    )
    yield _gate("testnet-not-deployed", ("RDY-2",), "never deployed on the testnet", testnet_deployed_at=None)
    yield _gate(
        "testnet-after-activation",
        ("RDY-2",),
        "deployed on the testnet after the mainnet activation",
        testnet_deployed_at=ACTIVATION_AT + 1,
    )
    yield _gate(
        "testnet-at-time-0",
        ("RDY-2",),
        "deployed at time 0, activation 14 days later",
        activation_at=TESTNET_MIN_SECONDS,
        testnet_deployed_at=0,
    )
    yield _gate(
        "activation-at-time-0",
        ("RDY-2", "RDY-11"),
        "an activation at time 0, deployed on the testnet then: too short",
        activation_at=0,
        testnet_deployed_at=0,
    )
    yield _gate("one-version", ("RDY-3",), "a single client version", client_versions=["3.0.0"])
    yield _gate(
        "major-mismatch",
        ("RDY-3",),
        "a client still on major 1: each version off the first's major is listed",
        client_versions=["2.4.0", "1.9.9", "2.0.0", "3.0.0"],
    )
    yield _gate(
        "first-version-is-the-odd-one",
        ("RDY-3",),
        "the first version alone on its major: every other version is listed",
        client_versions=["1.0.0", "2.0.0", "2.1.0"],
    )
    yield _gate(
        "major-zero-minor-mismatch",
        ("RDY-3",),
        "under major 0 the minor versions must match (NEG-8)",
        client_versions=["0.3.1", "0.3.7", "0.4.0"],
    )
    yield _gate("major-zero-same-minor", ("RDY-3",), "0.3.x throughout", client_versions=["0.3.0", "0.3.9"])
    yield _gate(
        "load-exactly-at-target", ("RDY-4",), "2000 tps for 3600 s exactly", load_test=_load(7_200_000)
    )
    yield _gate("load-one-below", ("RDY-4",), "one transaction short of 2000 tps", load_test=_load(7_199_999))
    yield _gate(
        "load-target-zero", ("RDY-4",), "a target of 0 tps", load_test=_load(0, target_tps=0, seconds=1)
    )
    yield _gate(
        "load-fractional-rate",
        ("RDY-4",),
        "1999.9997 tps is below 2000: no rounding",
        load_test=_load(19_999_997, seconds=10_000),
    )
    yield _gate("no-failure-scenarios", ("RDY-5",), "no failure scenario run", failure_scenarios=[])
    yield _gate(
        "failure-scenario-failed",
        ("RDY-5",),
        "one failure scenario failed",
        failure_scenarios=[
            {"name": "partition-and-heal", "passed": False},
            {"name": "migration-restore", "passed": True},
        ],
    )
    yield _gate("no-audit", ("RDY-6",), "no audit", audits=[])
    yield _gate(
        "audit-incomplete",
        ("RDY-6",),
        "the second audit is not complete",
        audits=[{"auditor": "first-audit", "complete": True}, {"auditor": "second-audit", "complete": False}],
    )
    yield _gate(
        "everything-unmet",
        ("RDY-7",),
        "every item unmet: every finding, in the order of RDY-2 to RDY-6",
        testnet_deployed_at=None,
        client_versions=["2.0.0", "3.0.0"],
        load_test=_load(1),
        failure_scenarios=[{"name": "a", "passed": False}, {"name": "b", "passed": False}],
        audits=[{"auditor": "x", "complete": False}],
    )
    for slug, description, changes in (
        ("activation-range", "an activation at 2^64", {"activation_at": 2**64}),
        ("activation-negative", "an activation at -1", {"activation_at": -1}),
        ("testnet-range", "a testnet deployment at 2^64", {"testnet_deployed_at": 2**64}),
        ("testnet-negative", "a testnet deployment at -1", {"testnet_deployed_at": -1}),
        ("version-not-semver", "a client version 2.4", {"client_versions": ["2.4.0", "2.4"]}),
        ("target-range", "a target of 2^64 tps", {"load_test": _load(1, target_tps=2**64)}),
        ("target-negative", "a target of -1 tps", {"load_test": _load(1, target_tps=-1)}),
        ("transactions-range", "2^64 transactions", {"load_test": _load(2**64)}),
        ("transactions-negative", "-1 transactions", {"load_test": _load(-1)}),
        ("seconds-zero", "a load test of 0 s", {"load_test": _load(1, seconds=0)}),
        ("seconds-range", "a load test of 2^64 s", {"load_test": _load(1, seconds=2**64)}),
        (
            "scenario-twice",
            "a failure scenario listed twice",
            {"failure_scenarios": [{"name": "a", "passed": True}, {"name": "a", "passed": False}]},
        ),
        (
            "auditor-twice",
            "an auditor listed twice",
            {"audits": [{"auditor": "x", "complete": True}, {"auditor": "x", "complete": True}]},
        ),
        (
            "times-before-versions",
            "a bad activation time and a bad version: the time first",
            {"activation_at": 2**64, "client_versions": ["x"]},
        ),
        (
            "versions-before-load",
            "a bad version and a load test of 0 s: the version first",
            {"client_versions": ["x"], "load_test": _load(1, seconds=0)},
        ),
        (
            "load-before-names",
            "a load test of 0 s and a scenario twice: the load test first",
            {"load_test": _load(1, seconds=0), "failure_scenarios": [{"name": "a", "passed": True}] * 2},
        ),
        (
            "scenarios-before-audits",
            "a scenario twice and an auditor twice: the scenarios first",
            {
                "failure_scenarios": [{"name": "a", "passed": True}] * 2,
                "audits": [{"auditor": "x", "complete": True}] * 2,
            },
        ),
    ):
        yield _gate(f"invalid-{slug}", ("RDY-11",), description, **changes)
    yield from generic_invalid_cases("readiness_gate", READY)


def _validators(count: int, upgraded: int, stake: int = 10, **stakes: int) -> list[dict[str, Any]]:
    """`count` validators of `stake` each, the first `upgraded` of them upgraded; `stakes`
    overrides the stake of a validator by id."""
    return [
        {"id": f"v{index}", "stake": stakes.get(f"v{index}", stake), "upgraded": index < upgraded}
        for index in range(count)
    ]


SUCCEEDED: dict[str, Any] = {
    "validators": _validators(20, 19),
    "consensus_failures": 0,
    "critical_bugs": 0,
    "performance": [
        {"metric": "block_interval_ms", "value": 6000, "limit": 6500},
        {"metric": "finality_seconds", "value": 13, "limit": 13},
    ],
}


def _success(slug: str, requirements: tuple[str, ...], description: str, **changes: Any) -> CaseSpec:
    return CaseSpec("success_criteria", slug, requirements, description, {**SUCCEEDED, **changes})


def success_cases() -> Iterator[CaseSpec]:
    """Success, the 90% bounds by count and by stake, each failure, then the input errors."""
    yield _success("success", ("RDY-8", "RDY-9", "RDY-10"), "19 of 20 upgraded, no failure, in bounds")
    yield _success(
        "count-exactly-90", ("RDY-9",), "9 of 10 upgraded, by count and stake", validators=_validators(10, 9)
    )
    yield _success("count-below-90", ("RDY-9",), "17 of 19: 89.47%", validators=_validators(19, 17))
    yield _success(
        "stake-below-count-met",
        ("RDY-9",),
        "9 of 10 by count, but the one left holds 11% of the stake",
        validators=_validators(10, 9, stake=89, v9=112),
    )
    yield _success(
        "count-below-stake-met",
        ("RDY-9",),
        "one whale upgraded: 99% of stake, 1 of 3 by count",
        validators=_validators(3, 1, stake=1, v0=198),
    )
    yield _success(
        "stake-exactly-90",
        ("RDY-9",),
        "9000 of 10000 stake upgraded",
        validators=_validators(10, 9, stake=1000),
    )
    yield _success(
        "stake-one-below-90",
        ("RDY-9",),
        "8999 of 10000 stake upgraded",
        validators=_validators(10, 9, stake=1000, v8=999, v9=1001),
    )
    yield _success(
        "zero-stake-validator",
        ("RDY-9",),
        "a validator of stake 0 counts by count, not by stake",
        validators=_validators(10, 9, stake=10, v9=0),
    )
    yield _success("consensus-failure", ("RDY-10",), "one consensus failure", consensus_failures=1)
    yield _success("critical-bug", ("RDY-10",), "one critical bug open", critical_bugs=1)
    yield _success(
        "metric-one-over",
        ("RDY-10",),
        "finality one second over its bound",
        performance=[
            {"metric": "block_interval_ms", "value": 6000, "limit": 6500},
            {"metric": "finality_seconds", "value": 14, "limit": 13},
        ],
    )
    yield _success(
        "metric-at-zero",
        ("RDY-10", "RDY-11"),
        "a metric of 0 against a limit of 0: within bounds",
        performance=[{"metric": "open_alerts", "value": 0, "limit": 0}],
    )
    yield _success("no-metrics", ("RDY-10",), "no performance metric", performance=[])
    yield _success(
        "everything-failed",
        ("RDY-10",),
        "every criterion failed: every finding, in the order of RDY-9 and RDY-10",
        validators=_validators(10, 1),
        consensus_failures=2,
        critical_bugs=3,
        performance=[{"metric": "a", "value": 2, "limit": 1}, {"metric": "b", "value": 5, "limit": 4}],
    )
    for slug, description, changes in (
        (
            "validator-twice",
            "a validator listed twice",
            {"validators": [*_validators(2, 2), {"id": "v0", "stake": 1, "upgraded": True}]},
        ),
        ("stake-range", "a stake of 2^64", {"validators": _validators(2, 2, v1=2**64)}),
        ("stake-negative", "a stake of -1", {"validators": _validators(2, 2, v1=-1)}),
        ("no-stake", "validators holding no stake", {"validators": _validators(2, 2, stake=0)}),
        ("no-validators", "no validator", {"validators": []}),
        ("failures-range", "2^64 consensus failures", {"consensus_failures": 2**64}),
        ("failures-negative", "-1 consensus failures", {"consensus_failures": -1}),
        ("bugs-range", "2^64 critical bugs", {"critical_bugs": 2**64}),
        ("bugs-negative", "-1 critical bugs", {"critical_bugs": -1}),
        (
            "value-range",
            "a metric value of 2^64",
            {"performance": [{"metric": "a", "value": 2**64, "limit": 1}]},
        ),
        (
            "value-negative",
            "a metric value of -1",
            {"performance": [{"metric": "a", "value": -1, "limit": 1}]},
        ),
        (
            "limit-range",
            "a metric limit of 2^64",
            {"performance": [{"metric": "a", "value": 1, "limit": 2**64}]},
        ),
        (
            "limit-negative",
            "a metric limit of -1",
            {"performance": [{"metric": "a", "value": 1, "limit": -1}]},
        ),
        (
            "metric-twice",
            "a metric listed twice",
            {
                "performance": [
                    {"metric": "a", "value": 1, "limit": 1},
                    {"metric": "a", "value": 1, "limit": 2},
                ]
            },
        ),
        (
            "validators-before-counts",
            "no stake and 2^64 failures: the validators first",
            {"validators": _validators(2, 2, stake=0), "consensus_failures": 2**64},
        ),
        (
            "counts-before-metrics",
            "2^64 bugs and a metric twice: the bugs first",
            {"critical_bugs": 2**64, "performance": [{"metric": "a", "value": 1, "limit": 1}] * 2},
        ),
        (
            "ranges-before-names",
            "a metric twice, the second out of range: the range first",
            {
                "performance": [
                    {"metric": "a", "value": 1, "limit": 1},
                    {"metric": "a", "value": 2**64, "limit": 1},
                ]
            },
        ),
    ):
        yield _success(f"invalid-{slug}", ("RDY-11",), description, **changes)
    yield from generic_invalid_cases("success_criteria", SUCCEEDED)


def case_specs() -> Iterator[CaseSpec]:
    """The cases of the area, in the order of the spec."""
    yield from gate_cases()
    yield from success_cases()
