"""The signaling and coordination obligations (PRF-30 to PRF-39, PRF-45, PRF-46) are about the
kernels the reference executes: a broken kernel is not proved, the drop-one results say which
assumptions the claims need, and the regression vectors tell the mutants from the reference."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from forkspec.activation import DeploymentState
from forkspec.handlers import run_handler
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


# Each broken kernel, as the statements that put it in place of the reference's. The prover runs
# in a child process: the z3 terms a broken kernel builds stay out of the tests' own process.
BROKEN_KERNELS = {
    "PRF-33": """
real = activation.bip9_step
def unlocking(state, median_time, count, deployment):
    return if_then_else(state == S.LOCKED_IN, S.STARTED, real(state, median_time, count, deployment))
activation.bip9_step = unlocking
""",
    "PRF-32": """
real = activation.bip8_step
def failing(state, count, period_start, deployment):
    return if_then_else(
        period_start >= deployment.timeout_height, S.FAILED, real(state, count, period_start, deployment)
    )
activation.bip8_step = failing
""",
    "PRF-38": """
def lenient(failures, deployment):
    return failures > deployment.period - deployment.threshold + 1
activation.too_many_failures = lenient
""",
    "PRF-45": """
table = {**coordination.LEADS_TO, coordination.EventType.CLOSE_VOTING: coordination.ProposalState.APPROVED}
def approving(event, decided):
    return coordination.lookup(table, event, decided)
coordination.accepted_state = approving
""",
    "PRF-46": """
def generous(voting_opened_at, at, preset):
    return at <= coordination.schedule_deadline(voting_opened_at, preset) + preset.schedule_window_seconds
coordination.scheduling_open = generous
""",
}
PROLOGUE = """
import sys
from forkspec import activation, coordination
from forkspec.activation import DeploymentState as S
from forkspec.logic import if_then_else
"""
EPILOGUE = """
from forkspec.tools.cli import main
sys.argv = ["forkspec", "prove", "-k", sys.argv[1]]
main()
"""


@pytest.mark.parametrize("identifier", sorted(BROKEN_KERNELS))
def test_a_broken_kernel_is_not_proved_and_its_counterexample_is_shown(
    identifier: str, tmp_path: Path
) -> None:
    # A file, not `-c`: the report hashes each kernel's source, which a file has.
    program = tmp_path / "broken.py"
    program.write_text(PROLOGUE + BROKEN_KERNELS[identifier] + EPILOGUE, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(program), identifier], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.search(rf"{identifier} is NOT proved: counterexample \w+ = ", run.stdout), run.stdout


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
