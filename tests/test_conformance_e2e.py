"""End to end: `forkspec conform` against the reference and against misbehaving adapters."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from forkspec.activation import DeploymentState, DeploymentTracker, TimeSignaling
from forkspec.conformance.vectorfile import Case
from forkspec.errors import SpecError
from forkspec.forkid import TIMESTAMP_THRESHOLD
from forkspec.governance import HOLDER_CHAMBER_BPS
from forkspec.handlers import chain_from_json, deployment_from_json, run_handler
from forkspec.presets import load_preset
from forkspec.versioning import UINT64_MAX, parse_version

from tests.support import fake_adapter, run_forkspec

SUBSET_AND_DECODE = ("--handler", "flags_subset", "--handler", "flags_decode")


def exercises_prerelease_order(case: Case) -> bool:
    """Whether a case's answer depends on the order between two different pre-releases of one core."""
    if case.handler not in ("version_compare", "version_bump"):
        return False
    texts = list(case.input.values())
    try:
        left, right = (parse_version(text) for text in texts)
    except Exception:
        return False
    same_core = (left.major, left.minor, left.patch) == (right.major, right.minor, right.patch)
    return (
        same_core and bool(left.prerelease) and bool(right.prerelease) and left.prerelease != right.prerelease
    )


def exercises_rule_1a(case: Case) -> bool:
    """Whether a fork_id_check case's remote is at the local node's stage and announces a next fork
    that the local head has reached, by height or, above the threshold, by time (FID-7); or a
    negotiation refused by that rule (NEG-7)."""
    if case.handler == "negotiate":
        return case.error == "FORK_ID_NEXT_PASSED"
    if case.handler != "fork_id_check" or case.preset != "mainnet":
        return False
    local = {key: value for key, value in case.input.items() if key != "remote"}
    try:
        announced = run_handler("fork_id", "mainnet", local)
        remote_hash, remote_next = case.input["remote"]["hash"], case.input["remote"]["next"]
    except (SpecError, KeyError, TypeError):
        return False
    if remote_hash != announced["hash"] or type(remote_next) is not int or not 0 < remote_next <= UINT64_MAX:
        return False
    height, time = local["head"]["height"], local["head"]["time"]
    return height >= remote_next or (remote_next > TIMESTAMP_THRESHOLD and time >= remote_next)


def refused_only_for_the_second_nodes_requirements(case: Case) -> bool:
    """Whether a negotiate case is refused for a missing required feature that only the second
    node requires of the first (NEG-7)."""
    if case.handler != "negotiate" or case.error != "REQUIRED_FEATURE_UNSUPPORTED":
        return False
    a, b = case.input["a"], case.input["b"]
    return a["required"] & ~b["supported"] == 0


def restores_after_a_failed_validation(case: Case) -> bool:
    """Whether a migrate case restores a migration whose checks after its operations failed (MIG-8)."""
    if case.handler != "migrate" or case.output is None:
        return False
    return any(
        result["code"] in ("BALANCE_NOT_CONSERVED", "ROOT_MISMATCH") for result in case.output["results"]
    )


def judged_differently_by_the_nodes_format(case: Case) -> bool:
    """Whether a transaction_validity case holds an older transaction whose fields its own format
    and the node's newest format judge differently (CMP-6)."""
    if case.handler != "transaction_validity" or case.output is None:
        return False
    formats = {
        entry["version"]: {field["name"]: field["required"] for field in entry["fields"]}
        for entry in case.input["formats"]
    }
    node_version = case.input["node_version"]
    newest = max((version for version in formats if version <= node_version), default=None)
    if newest is None:
        return False

    def field_verdict(fields: list[str], declared: dict[str, bool]) -> str:
        required = {name for name, is_required in declared.items() if is_required}
        if not set(fields) <= set(declared):
            return "UNKNOWN_TX_FIELD"
        return "ACCEPTED" if required <= set(fields) else "MISSING_TX_FIELD"

    return any(
        transaction["version"] in formats
        and transaction["version"] <= node_version
        and len(set(transaction["fields"])) == len(transaction["fields"])
        and field_verdict(transaction["fields"], formats[transaction["version"]])
        != field_verdict(transaction["fields"], formats[newest])
        for transaction in case.input["transactions"]
    )


def lists_a_signer_twice(case: Case) -> bool:
    """Whether a rollback_authorization case lists one signer in two approvals (EMG-14)."""
    if case.handler != "rollback_authorization":
        return False
    rollback = case.input.get("rollback")
    if not isinstance(rollback, dict) or not isinstance(rollback.get("approvals"), list):
        return False
    signers = [
        entry["signer"]
        for entry in rollback["approvals"]
        if isinstance(entry, dict) and isinstance(entry.get("signer"), str)
    ]
    return len(set(signers)) < len(signers)


def upgraded_share_between_percent_and_bps(case: Case) -> bool:
    """Whether a success_criteria case has a count or stake share of at least 90 basis points
    but below 90%, which a threshold read as 90 basis points passes (RDY-9)."""
    if case.handler != "success_criteria" or case.output is None:
        return False
    upgraded = case.output["upgraded"]
    return any(
        90 * whole <= part * 10_000 < 9000 * whole
        for part, whole in (
            (upgraded["count"], upgraded["of_count"]),
            (upgraded["stake"], upgraded["of_stake"]),
        )
    )


def float_and_exact_shares_differ(case: Case) -> bool:
    """Whether a governance_tally case has a quorum or approval test that a float computation of
    the chambers' shares decides otherwise than the exact one (GEN-5, GOV-6)."""
    if case.handler != "governance_tally" or case.output is None:
        return False
    rules = load_preset(case.preset).proposal_rules(case.input["proposal"]["type"])
    share = HOLDER_CHAMBER_BPS if rules.two_chamber else 0
    validators, *rest = case.output["chambers"]
    holders = rest[0] if rest else {"eligible": 0, "yes": 0, "no": 0, "abstain": 0}

    def decided_alike(part_v: int, whole_v: int, part_h: int, whole_h: int, threshold: int) -> bool:
        floats = (10_000 - share) * (part_v / whole_v if whole_v else 0.0) + share * (
            part_h / whole_h if whole_h else 0.0
        )
        exact = (10_000 - share) * Fraction(part_v, max(whole_v, 1)) + share * Fraction(
            part_h, max(whole_h, 1)
        )
        return (floats >= threshold) == (exact >= threshold)

    def participating(chamber: dict[str, int]) -> int:
        return chamber["yes"] + chamber["no"] + chamber["abstain"]

    return not (
        decided_alike(
            participating(validators),
            validators["eligible"],
            participating(holders),
            holders["eligible"],
            rules.quorum_bps,
        )
        and decided_alike(
            validators["yes"],
            validators["yes"] + validators["no"],
            holders["yes"],
            holders["yes"] + holders["no"],
            rules.approval_bps,
        )
    )


def exercises_speedy_trial_lock_in_precedence(case: Case) -> bool:
    """Whether a speedy_trial case crosses a boundary where lock-in and timeout both hold (SIG-8)."""
    if (
        case.handler != "deployment_states"
        or case.error
        or case.input["deployment"]["method"] != "speedy_trial"
    ):
        return False
    deployment = deployment_from_json(case.input["deployment"])
    chain = chain_from_json(case.input["chain"])
    assert isinstance(deployment, TimeSignaling)
    tracker = DeploymentTracker(deployment, chain)
    period = deployment.period
    for boundary in range(period, max(case.input["heights"]) + 1, period):
        before = tracker.state_at(boundary - period).state
        count = chain.signal_count(deployment.bit, boundary - period, boundary)
        median_time = chain.median_time_past(boundary - 1)
        if (
            before == DeploymentState.STARTED
            and count >= deployment.threshold
            and median_time >= deployment.timeout
        ):
            return True
    return False


def test_reference_passes_every_shipped_case(tmp_path: Path, shipped_cases: list[Case]) -> None:
    junit = tmp_path / "junit.xml"
    run = run_forkspec("conform", "--junit-xml", str(junit), tmp_path=tmp_path)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.verdicts == {case.id: "PASS" for case in shipped_cases}
    suites = ElementTree.parse(junit).getroot().findall("testsuite")
    assert sum(int(suite.get("tests", "0")) for suite in suites) == len(shipped_cases)
    assert all(suite.get("failures") == "0" and suite.get("errors") == "0" for suite in suites)


# Each deliberately wrong adapter, the rule it breaks (which cases it must fail), and how many
# shipped cases at least exercise that rule.
WRONG_ADAPTERS = [
    ("reversed-prerelease", exercises_prerelease_order, 10),
    ("speedy-timeout-first", exercises_speedy_trial_lock_in_precedence, 1),
    ("one-sided-required", refused_only_for_the_second_nodes_requirements, 2),
    ("no-restore-after-validation", restores_after_a_failed_validation, 2),
    ("node-format-rules", judged_differently_by_the_nodes_format, 2),
    ("float-tally", float_and_exact_shares_differ, 2),
    ("duplicate-signer-counted", lists_a_signer_twice, 3),
    ("upgraded-threshold-in-percent", upgraded_share_between_percent_and_bps, 4),
    ("skip-rule-1a", exercises_rule_1a, 5),
]


@pytest.mark.parametrize(
    ("mode", "exercises", "at_least"), WRONG_ADAPTERS, ids=[row[0] for row in WRONG_ADAPTERS]
)
def test_a_wrong_adapter_fails_exactly_the_cases_of_its_rule(
    mode: str, exercises: Callable[[Case], bool], at_least: int, tmp_path: Path, shipped_cases: list[Case]
) -> None:
    run = run_forkspec("conform", "--adapter", fake_adapter(mode), tmp_path=tmp_path)
    expected_failures = {case.id for case in shipped_cases if exercises(case)}
    assert len(expected_failures) >= at_least
    assert {case_id for case_id, verdict in run.verdicts.items() if verdict == "FAIL"} == expected_failures
    assert {verdict for case_id, verdict in run.verdicts.items() if case_id not in expected_failures} == {
        "PASS"
    }
    assert run.exit_code == 1


def test_a_one_sided_required_check_breaks_one_order_of_each_pair(shipped_cases: list[Case]) -> None:
    """Each negotiate case is shipped in both orders, and only the order with the requirement
    second is one that a one-sided check gets wrong (NEG-10)."""
    affected = {case.id for case in shipped_cases if refused_only_for_the_second_nodes_requirements(case)}
    swapped = {case_id[:-2] + ("ba" if case_id.endswith("ab") else "ab") for case_id in affected}
    assert affected and not swapped & affected


@pytest.mark.parametrize(
    ("mode", "verdict", "restarts"),
    [
        ("crash", "ERROR", True),
        ("orphan", "ERROR", True),
        ("garbage", "ERROR", True),
        ("deep-json", "ERROR", True),
        ("missing-output", "ERROR", False),
        ("duplicate", "ERROR", False),
        ("hang", "TIMEOUT", True),
    ],
)
def test_misbehaviour_lands_on_the_guilty_cases_only(
    mode: str, verdict: str, restarts: bool, tmp_path: Path, shipped_cases: list[Case]
) -> None:
    run = run_forkspec(
        "conform", "--adapter", fake_adapter(mode), *SUBSET_AND_DECODE, "--timeout", "0.5", tmp_path=tmp_path
    )
    selected = [case for case in shipped_cases if case.handler in ("flags_subset", "flags_decode")]
    assert run.verdicts == {
        case.id: verdict if case.handler == "flags_subset" else "PASS" for case in selected
    }
    assert run.exit_code == 1
    assert ("the adapter was restarted" in run.stdout) is restarts


def test_float_for_boolean_is_a_failure_not_a_pass(tmp_path: Path, shipped_cases: list[Case]) -> None:
    run = run_forkspec(
        "conform", "--adapter", fake_adapter("float-output"), "--handler", "flags_subset", tmp_path=tmp_path
    )
    subset_cases = [case for case in shipped_cases if case.handler == "flags_subset"]
    assert run.verdicts == {case.id: "PASS" if case.error else "FAIL" for case in subset_cases}


def test_an_adapter_name_with_markup_is_printed_as_text(tmp_path: Path) -> None:
    run = run_forkspec(
        "conform", "--adapter", fake_adapter("markup-name"), "--handler", "signal_check", tmp_path=tmp_path
    )
    assert run.exit_code == 0, run.stderr
    assert "[/bold]x[red" in run.stdout


def test_answers_in_any_order_are_matched_by_id(tmp_path: Path, shipped_cases: list[Case]) -> None:
    run = run_forkspec("conform", "--adapter", fake_adapter("out-of-order"), tmp_path=tmp_path)
    assert run.exit_code == 0
    assert set(run.verdicts.values()) == {"PASS"}
    assert len(run.verdicts) == len(shipped_cases)


def test_unannounced_handlers_are_skipped_without_failing(tmp_path: Path) -> None:
    run = run_forkspec("conform", "--adapter", fake_adapter("versioning-only"), tmp_path=tmp_path)
    assert run.exit_code == 0
    for case_id, verdict in run.verdicts.items():
        assert verdict == ("PASS" if case_id.split("/")[1].startswith("version_") else "SKIP")


def test_a_run_that_passes_nothing_is_not_a_pass(tmp_path: Path) -> None:
    run = run_forkspec("conform", "--adapter", fake_adapter("announces-nothing"), tmp_path=tmp_path)
    assert set(run.verdicts.values()) == {"SKIP"}
    assert run.exit_code == 1
    assert "no case passed" in run.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--adapter", fake_adapter("no-hello")), "adapter failed to start"),
        (("--adapter", "/nonexistent/adapter"), "cannot start adapter"),
        (("--adapter", "'unbalanced"), "--adapter"),
        (("-k", "no-such-case-anywhere"), "matches no case id"),
        (("--vectors", "/nonexistent/vectors"), "unusable vector set"),
        (("--timeout", "0"), "--timeout"),
        (("--timeout", "nan"), "--timeout"),
        (("--timeout", "inf"), "--timeout"),
        (("--junit-xml", "/nonexistent/dir/report.xml"), "is not a directory"),
    ],
)
def test_usage_and_harness_errors_exit_2(arguments: tuple[str, ...], message: str, tmp_path: Path) -> None:
    run = run_forkspec("conform", *arguments, tmp_path=tmp_path)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_selection_by_pattern_glob_handler_and_preset(tmp_path: Path, shipped_cases: list[Case]) -> None:
    run = run_forkspec(
        "conform", "-k", "*/version_compare/semver-chain-*", "--preset", "mainnet", tmp_path=tmp_path
    )
    expected = {
        case.id for case in shipped_cases if case.handler == "version_compare" and "/semver-chain-" in case.id
    }
    assert set(run.verdicts) == expected
    run = run_forkspec(
        "conform", "-k", "emergency", "--handler", "upgrade_check", "--preset", "minimal", tmp_path=tmp_path
    )
    assert set(run.verdicts) == {
        case.id
        for case in shipped_cases
        if case.handler == "upgrade_check" and case.preset == "minimal" and "emergency" in case.id
    }
    assert run.verdicts


NODE_ADAPTER = Path(__file__).parent.parent / "conformance" / "examples" / "node" / "adapter.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_example_node_adapter_passes_what_it_announces(tmp_path: Path, shipped_cases: list[Case]) -> None:
    run = run_forkspec("conform", "--adapter", f"node {NODE_ADAPTER}", tmp_path=tmp_path)
    assert run.exit_code == 0, run.stdout
    implemented = {"signal_check", "version_compare"}
    assert run.verdicts == {
        case.id: "PASS" if case.handler in implemented else "SKIP" for case in shipped_cases
    }
