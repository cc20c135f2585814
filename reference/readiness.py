"""Readiness: the go/no-go gate before an activation, and the success criteria after it.

The gate reads the pre-activation checklist (a testnet deployment long enough before the
activation, a compatible set of client versions, a load test at its target, failure-scenario
tests and security audits) and lists every unmet item with its code; the success criteria read
the network after the activation. Every test is an exact integer rule (RDY-1 to RDY-11).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

from forkspec.classification import Validator, checked_total_stake
from forkspec.errors import ErrorCode, check_range, reject
from forkspec.kernels import meets_threshold
from forkspec.negotiation import versions_compatible
from forkspec.versioning import UINT64_MAX, parse_version

# RDY-2: the testnet runs the upgrade at least two weeks before the mainnet activation.
TESTNET_MIN_SECONDS = 14 * 24 * 3600
# RDY-9: the share of validators, by count and by stake, that must run the new version.
UPGRADED_THRESHOLD_BPS = 9000


class Unmet(StrEnum):
    """Why a checklist item or a success criterion is not met (RDY-7, RDY-10)."""

    TESTNET_NOT_DEPLOYED = "TESTNET_NOT_DEPLOYED"
    TESTNET_TOO_SHORT = "TESTNET_TOO_SHORT"
    VERSIONS_INCOMPATIBLE = "VERSIONS_INCOMPATIBLE"
    LOAD_TEST_BELOW_TARGET = "LOAD_TEST_BELOW_TARGET"
    NO_FAILURE_SCENARIOS = "NO_FAILURE_SCENARIOS"
    FAILURE_SCENARIO_FAILED = "FAILURE_SCENARIO_FAILED"
    NO_AUDIT = "NO_AUDIT"
    AUDIT_INCOMPLETE = "AUDIT_INCOMPLETE"
    UPGRADED_COUNT_BELOW = "UPGRADED_COUNT_BELOW"
    UPGRADED_STAKE_BELOW = "UPGRADED_STAKE_BELOW"
    CONSENSUS_FAILURE = "CONSENSUS_FAILURE"
    CRITICAL_BUGS = "CRITICAL_BUGS"
    PERFORMANCE_OUT_OF_BOUNDS = "PERFORMANCE_OUT_OF_BOUNDS"


class Finding(NamedTuple):
    """One unmet item: its code and what it is about (a version, a name), if anything."""

    code: Unmet
    subject: str | None


class Check(NamedTuple):
    """A named check of the checklist: a failure scenario or an audit, passed or not."""

    name: str
    passed: bool


class LoadTest(NamedTuple):
    """A load test: `transactions` processed in `seconds`, against `target_tps` (RDY-4)."""

    target_tps: int
    transactions: int
    seconds: int


class Checklist(NamedTuple):
    """The pre-activation checklist (RDY-1)."""

    activation_at: int
    testnet_deployed_at: int | None
    client_versions: tuple[str, ...]
    load_test: LoadTest
    failure_scenarios: tuple[Check, ...]
    audits: tuple[Check, ...]


class Metric(NamedTuple):
    """A performance measurement and the largest value within bounds (RDY-10)."""

    name: str
    value: int
    limit: int


class Outcome(NamedTuple):
    """What happened after the activation (RDY-8)."""

    validators: tuple[Validator, ...]
    consensus_failures: int
    critical_bugs: int
    performance: tuple[Metric, ...]


class Upgraded(NamedTuple):
    """The validators running the new version, by count and by stake (RDY-9)."""

    running: int
    validators: int
    running_stake: int
    total_stake: int


def _measurement(value: int, low: int, name: str) -> None:
    check_range(value, low, UINT64_MAX, ErrorCode.MEASUREMENT_OUT_OF_RANGE, name)


def _checked_names(checks: Sequence[Check] | Sequence[Metric], what: str) -> None:
    """Each name once (RDY-5, RDY-6, RDY-10)."""
    seen: set[str] = set()
    for check in checks:
        if check.name in seen:
            reject(ErrorCode.DUPLICATE_CHECKLIST_ENTRY, f"the {what} {check.name!r} is listed twice")
        seen.add(check.name)


def _named_checks(checks: Sequence[Check], missing: Unmet, failed: Unmet) -> list[Finding]:
    """None at all is one finding; otherwise each check that did not pass (RDY-5, RDY-6)."""
    if not checks:
        return [Finding(missing, None)]
    return [Finding(failed, check.name) for check in checks if not check.passed]


def gate(checklist: Checklist) -> list[Finding]:
    """Every unmet item of the checklist, in the order of RDY-2 to RDY-6; none means go. The
    input's checks come first, in the order of RDY-11. Implements: RDY-1 to RDY-7, RDY-11."""
    check_range(checklist.activation_at, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "activation_at")
    if checklist.testnet_deployed_at is not None:
        check_range(
            checklist.testnet_deployed_at,
            0,
            UINT64_MAX,
            ErrorCode.TIMESTAMP_OUT_OF_RANGE,
            "testnet_deployed_at",
        )
    versions = [parse_version(text) for text in checklist.client_versions]
    load = checklist.load_test
    _measurement(load.target_tps, 0, "target_tps")
    _measurement(load.transactions, 0, "transactions")
    _measurement(load.seconds, 1, "seconds")
    _checked_names(checklist.failure_scenarios, "failure scenario")
    _checked_names(checklist.audits, "audit")

    findings: list[Finding] = []
    deployed = checklist.testnet_deployed_at
    if deployed is None:
        findings.append(Finding(Unmet.TESTNET_NOT_DEPLOYED, None))
    elif checklist.activation_at - deployed < TESTNET_MIN_SECONDS:
        findings.append(Finding(Unmet.TESTNET_TOO_SHORT, None))
    # NEG-8's compatibility is an equivalence, so every pair is compatible exactly when every
    # version is compatible with the first (RDY-3).
    for text, version in zip(checklist.client_versions, versions, strict=True):
        if not versions_compatible(versions[0].major, versions[0].minor, version.major, version.minor):
            findings.append(Finding(Unmet.VERSIONS_INCOMPATIBLE, text))
    if load.transactions < load.target_tps * load.seconds:
        findings.append(Finding(Unmet.LOAD_TEST_BELOW_TARGET, None))
    findings += _named_checks(
        checklist.failure_scenarios, Unmet.NO_FAILURE_SCENARIOS, Unmet.FAILURE_SCENARIO_FAILED
    )
    findings += _named_checks(checklist.audits, Unmet.NO_AUDIT, Unmet.AUDIT_INCOMPLETE)
    return findings


def upgraded(validators: Sequence[Validator]) -> Upgraded:
    """The upgraded validators by count and by stake, after CLS-7's checks (RDY-9)."""
    total = checked_total_stake(validators)
    running = [validator for validator in validators if validator.supports]
    return Upgraded(len(running), len(validators), sum(validator.stake for validator in running), total)


def success(outcome: Outcome) -> tuple[Upgraded, list[Finding]]:
    """The upgraded share and every unmet success criterion, in the order of RDY-9 and RDY-10;
    none means success. Implements: RDY-8 to RDY-11."""
    share = upgraded(outcome.validators)
    _measurement(outcome.consensus_failures, 0, "consensus_failures")
    _measurement(outcome.critical_bugs, 0, "critical_bugs")
    for metric in outcome.performance:
        _measurement(metric.value, 0, f"value of {metric.name!r}")
        _measurement(metric.limit, 0, f"limit of {metric.name!r}")
    _checked_names(outcome.performance, "metric")

    findings: list[Finding] = []
    if not meets_threshold(share.running, share.validators, UPGRADED_THRESHOLD_BPS):
        findings.append(Finding(Unmet.UPGRADED_COUNT_BELOW, None))
    if not meets_threshold(share.running_stake, share.total_stake, UPGRADED_THRESHOLD_BPS):
        findings.append(Finding(Unmet.UPGRADED_STAKE_BELOW, None))
    if outcome.consensus_failures > 0:
        findings.append(Finding(Unmet.CONSENSUS_FAILURE, None))
    if outcome.critical_bugs > 0:
        findings.append(Finding(Unmet.CRITICAL_BUGS, None))
    findings += [
        Finding(Unmet.PERFORMANCE_OUT_OF_BOUNDS, metric.name)
        for metric in outcome.performance
        if metric.value > metric.limit
    ]
    return share, findings
