"""The signaling and coordination obligations (PRF-30 to PRF-39, PRF-45, PRF-46) are about the
kernels the reference executes: a broken kernel is not proved, the drop-one results say which
assumptions the claims need, and the regression vectors tell the mutants from the reference."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from forkspec import activation, coordination
from forkspec.activation import DeploymentState, HeightSignaling
from forkspec.coordination import EventType, ProposalState
from forkspec.handlers import run_handler
from forkspec.logic import if_then_else
from forkspec.tools.cli import cli

ROOT = Path(__file__).parent.parent
REPORT = json.loads((ROOT / "spec" / "proofs" / "report.json").read_text(encoding="utf-8"))
REGRESSIONS = json.loads((ROOT / "tools" / "cases" / "proof_regressions.json").read_text(encoding="utf-8"))
S = DeploymentState


def prove(*arguments: str) -> Result:
    return CliRunner().invoke(cli, ["prove", *arguments])


def reported(identifier: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(found for found in REPORT["obligations"] if found["id"] == identifier)
    return entry


def needed(identifier: str) -> dict[str, bool]:
    return {assumption["name"]: assumption["needed"] for assumption in reported(identifier)["assumptions"]}


def regression(slug: str) -> dict[str, Any]:
    case: dict[str, Any] = next(entry for entry in REGRESSIONS["cases"] if entry["slug"] == slug)
    return case


def assert_not_proved(identifier: str) -> None:
    run = prove("-k", identifier)
    assert run.exit_code == 1, run.output
    assert re.search(rf"{identifier} is NOT proved: counterexample \w+ = ", run.output), run.output


def test_a_bip9_step_that_unlocks_a_lock_in_is_not_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    real = activation.bip9_step

    def unlocking(state: Any, median_time: Any, count: Any, deployment: Any) -> Any:
        return if_then_else(state == S.LOCKED_IN, S.STARTED, real(state, median_time, count, deployment))

    monkeypatch.setattr(activation, "bip9_step", unlocking)
    assert_not_proved("PRF-33")


def test_a_bip8_step_that_fails_after_activation_is_not_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    real = activation.bip8_step

    def failing(state: Any, count: Any, period_start: Any, deployment: HeightSignaling) -> Any:
        return if_then_else(
            period_start >= deployment.timeout_height, S.FAILED, real(state, count, period_start, deployment)
        )

    monkeypatch.setattr(activation, "bip8_step", failing)
    assert_not_proved("PRF-32")


def test_a_lenient_must_signal_rule_breaks_the_bip8_lock_in_invariant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def lenient(failures: Any, deployment: HeightSignaling) -> Any:
        return failures > deployment.period - deployment.threshold + 1

    monkeypatch.setattr(activation, "too_many_failures", lenient)
    assert_not_proved("PRF-38")


def test_a_close_that_always_approves_is_not_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {**coordination.LEADS_TO, EventType.CLOSE_VOTING: ProposalState.APPROVED}

    def approving(event: Any, decided: Any) -> Any:
        return coordination.lookup(table, event, decided)

    monkeypatch.setattr(coordination, "accepted_state", approving)
    assert_not_proved("PRF-45")


def test_a_schedule_window_twice_as_long_breaks_the_four_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    def generous(voting_opened_at: Any, at: Any, preset: Any) -> Any:
        return at <= coordination.schedule_deadline(voting_opened_at, preset) + preset.schedule_window_seconds

    monkeypatch.setattr(coordination, "scheduling_open", generous)
    assert_not_proved("PRF-46")


def test_the_drop_one_check_names_what_each_claim_needs() -> None:
    # The BIP-8 lock-in invariant needs the chain to be valid; the others need no validity of the chain.
    assert needed("PRF-38")["A1"] is True
    # FAILED is reachable without lock-in on timeout, and with a negative period.
    assert needed("PRF-39") == {"D1": True, "A1": True}
    # Absorbing needs the state to be final, not the deployment to be valid.
    assert needed("PRF-30") == {"D1": False, "A1": True}
    # The four weeks need the longest review and the scheduling rules, not the close: the schedule
    # window counts from the end of the vote (HFC-9), so a late close cannot stretch the timeline.
    assert needed("PRF-46") == {"H1": False, "H2": True, "H3": False, "H4": True}


def test_every_signaling_and_coordination_obligation_is_proved_by_both_solvers() -> None:
    identifiers = [f"PRF-{number}" for number in (*range(30, 40), 45, 46)]
    for identifier in identifiers:
        entry = reported(identifier)
        assert entry["proof"]["z3"] == entry["proof"]["cvc5"] == "unsat", identifier
        assert entry["witness"]["z3"] == entry["witness"]["cvc5"] == "sat", identifier
        assert entry["mutants"] and all(
            mutant["query"]["z3"] == mutant["query"]["cvc5"] == "sat" for mutant in entry["mutants"]
        ), identifier


def states_of(data: dict[str, Any]) -> list[str]:
    answer = run_handler("deployment_states", "minimal", data)
    return [step["state"] for step in answer["states"]]


def test_the_lock_in_on_timeout_regression_fails_where_the_option_is_ignored() -> None:
    """The case's chain reaches FAILED when lock_in_on_timeout is off: a client that ignores the
    option answers FAILED where the reference answers LOCKED_IN."""
    data = regression("prf-39-lock-in-on-timeout-ignored")["input"]
    assert "FAILED" not in states_of(data) and "MUST_SIGNAL" in states_of(data)
    ignored = {**data, "deployment": {**data["deployment"], "lock_in_on_timeout": False}}
    assert "FAILED" in states_of(ignored)


def test_the_speedy_trial_regression_waits_for_the_minimum_activation_height() -> None:
    data = regression("prf-34-activation-at-once")["input"]
    states = states_of(data)
    heights = data["heights"]
    first_active = heights[states.index("ACTIVE")]
    assert states.count("LOCKED_IN") >= 2 and first_active == data["deployment"]["min_activation_height"]
    at_once = {**data, "deployment": {**data["deployment"], "min_activation_height": 0}}
    assert states_of(at_once).count("LOCKED_IN") == 1


def test_the_must_signal_regression_is_invalid_one_failure_past_the_allowance() -> None:
    data = regression("prf-38-one-failure-too-many-allowed")["input"]
    deployment = data["deployment"]
    answer = run_handler("deployment_validity", "minimal", data)
    period, threshold = deployment["period"], deployment["threshold"]
    # The MUST_SIGNAL period is the third; its last block is the one failure too many.
    assert answer["first_invalid_height"] == 3 * period - 1
    assert period - (threshold - 1) == period - threshold + 1


def test_the_lifecycle_regressions_reject_what_their_mutants_accept() -> None:
    def steps(slug: str) -> list[dict[str, Any]]:
        answer = run_handler("proposal_lifecycle", "mainnet", regression(slug)["input"])
        result: list[dict[str, Any]] = answer["steps"]
        return result

    assert steps("prf-45-threshold-in-percent")[-1] == {"state": "REJECTED", "error": None}
    assert steps("prf-45-schedule-legal-in-voting")[-1]["error"] == "ILLEGAL_TRANSITION"
    assert steps("prf-46-schedule-window-from-the-close")[-1]["error"] == "SCHEDULE_WINDOW_PASSED"
    assert steps("prf-46-no-longest-review")[-1]["error"] == "REVIEW_TOO_LONG"
