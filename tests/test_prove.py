"""The prover: a broken kernel fails, so do unknowns and disagreements; stale reports are caught."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import z3
from click.testing import CliRunner, Result
from forkspec import classification, kernels
from forkspec.conformance.vectorfile import Case
from forkspec.tools.cli import cli
from forkspec.tools.proofs import (
    Assumption,
    Goal,
    Mutant,
    MutantKind,
    Obligation,
    RegressionCase,
    Variable,
    Witness,
    all_obligations,
    any_of,
    engine,
    integers,
    negation,
    recheck,
    thresholds,
)
from forkspec.tools.proofs.engine import Answer, Session, discharge

ROOT = Path(__file__).parent.parent
PROOFS = ROOT / "spec" / "proofs"
REPORT = json.loads((PROOFS / "report.json").read_text(encoding="utf-8"))


def prove(*arguments: str) -> Result:
    return CliRunner().invoke(cli, ["prove", *arguments])


def obligation(identifier: str) -> Obligation:
    return next(found for found in all_obligations() if found.id == identifier)


def reported(identifier: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(found for found in REPORT["obligations"] if found["id"] == identifier)
    return entry


def test_a_kernel_with_a_strict_comparison_is_not_proved_and_the_counterexample_is_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def strict(support: Any, total: Any, threshold_bps: int) -> Any:
        return support * 10_000 > threshold_bps * total

    monkeypatch.setattr(kernels, "meets_threshold", strict)
    monkeypatch.setattr(classification, "meets_threshold", strict)
    run = prove("-k", "PRF-3")
    assert run.exit_code == 1, run.output
    shown = re.search(
        r"PRF-3 is NOT proved: counterexample support = (\d+), total = (\d+): every", run.output
    )
    assert shown is not None, run.output
    support, total = int(shown.group(1)), int(shown.group(2))
    # The counterexample is a real one: exactly at 80%, which the broken kernel rejects.
    assert support * 10_000 == 8000 * total and not strict(support, total, 8000)
    assert "not proved: PRF-3; the report was not written" in run.output


def test_a_subset_runs_only_the_selected_obligations_and_writes_nothing() -> None:
    before = (PROOFS / "README.md").read_bytes()
    run = prove("-k", "PRF-1")
    assert run.exit_code == 0, run.output
    lines = [line.split()[0] for line in run.output.splitlines() if line.startswith("PRF-")]
    assert lines == ["PRF-1"]
    assert "1 obligations, 0 failed" in run.output
    assert (PROOFS / "README.md").read_bytes() == before
    by_title = prove("-k", "conflicting blocks")
    assert [line.split()[0] for line in by_title.output.splitlines() if line.startswith("PRF-")] == ["PRF-10"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("-k", "no-such-obligation"), "no obligation matches"),
        (("--check", "-k", "PRF-1"), "cannot be combined"),
    ],
)
def test_usage_errors_of_prove(arguments: tuple[str, ...], message: str) -> None:
    run = prove(*arguments)
    assert run.exit_code == 2
    assert message in run.output


def test_an_unknown_answer_fails_the_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(engine, "Z3_RESOURCE_LIMIT", 1)
    result = discharge(Session(tmp_path), obligation("PRF-3"))
    assert result.proof.z3 is Answer.UNKNOWN
    assert any("z3 answered unknown" in failure and "never a proof" in failure for failure in result.failures)


def test_two_solvers_that_disagree_fail_the_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answer = engine.cvc5_answer

    def contrary(path: Path) -> tuple[Answer, int]:
        found, work = answer(path)
        return (Answer.SAT if found is Answer.UNSAT else Answer.UNSAT), work

    monkeypatch.setattr(engine, "cvc5_answer", contrary)
    result = discharge(Session(tmp_path), obligation("PRF-2"))
    assert any(
        "PRF-2.proof: the solvers disagree (z3 unsat, cvc5 sat)" in failure for failure in result.failures
    )


def _toy(**changes: Any) -> Obligation:
    """A small obligation over one integer: x >= 1 implies x > 0, with a mutant x >= 0."""
    fields: dict[str, Any] = {
        "id": "PRF-99",
        "title": "toy",
        "statement": "toy",
        "requirements": ("GEN-5",),
        "variables": integers(("x", "a number")),
        "assumptions": (Assumption("A1", "x is at least one", "x >= 1", lambda v: v["x"] >= 1),),
        "goal": Goal("x is positive", "x > 0", lambda v: v["x"] > 0),
        "witness": Witness("x is 1", "x == 1", lambda v: v["x"] == 1),
        "mutants": (
            Mutant(
                "weaker",
                MutantKind.ASSUMPTION,
                "x at least zero",
                lambda values: RegressionCase("version_parse", "toy", {"version": "1.0.0"}),
                assumptions=(Assumption("A1", "x is at least zero", "x >= 0", lambda v: v["x"] >= 0),),
                smallest="x",
            ),
        ),
        "kernels": (kernels.meets_threshold,),
        "logic": "QF_LIA",
        "encoding": "toy",
    }
    fields.update(changes)
    return Obligation(**fields)


def test_a_well_formed_obligation_is_discharged_with_its_smallest_counterexample(tmp_path: Path) -> None:
    result = discharge(Session(tmp_path), _toy())
    assert result.failures == ()
    (mutant,) = result.mutants
    assert mutant.counterexample == {"x": 0}
    assert mutant.below is not None and mutant.below.answer is Answer.UNSAT
    assert [drop.needed for drop in result.drops] == [True]


def test_contradictory_assumptions_are_reported_as_a_vacuous_proof(tmp_path: Path) -> None:
    contradiction = Assumption("A2", "x is negative", "x < 0", lambda v: v["x"] < 0)
    toy = _toy()
    result = discharge(Session(tmp_path), _toy(assumptions=(*toy.assumptions, contradiction)))
    assert result.proof.answer is Answer.UNSAT
    assert any("vacuous" in failure for failure in result.failures)


def test_a_mutant_that_is_not_refuted_fails_the_run(tmp_path: Path) -> None:
    equivalent = Mutant(
        "equivalent",
        MutantKind.KERNEL,
        "x > 0 written as x >= 1",
        lambda values: RegressionCase("version_parse", "toy", {"version": "1.0.0"}),
        goal=Goal("x at least one", "x >= 1", lambda v: v["x"] >= 1),
    )
    result = discharge(Session(tmp_path), _toy(mutants=(equivalent,)))
    assert any("the mutant equivalent" in failure and "survives" in failure for failure in result.failures)


def test_a_counterexample_that_does_not_replay_on_the_python_code_fails_the_run(tmp_path: Path) -> None:
    # A predicate that says one thing to the solver and another to Python: the replay catches it.
    def two_faced(v: Any) -> Any:
        return v["x"] >= 0 if isinstance(v["x"], z3.ExprRef) else v["x"] >= 5

    toy = _toy()
    liar = Mutant(
        toy.mutants[0].name,
        MutantKind.ASSUMPTION,
        "two-faced",
        toy.mutants[0].regression,
        assumptions=(Assumption("A1", "x two-faced", "x >= 0", two_faced),),
    )
    result = discharge(Session(tmp_path), _toy(mutants=(liar,)))
    assert any("does not reproduce on the Python code" in failure for failure in result.failures)


def _checkout_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "checkout"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, copy / name)
    for folder in ("reference", "conformance", "tools", "spec", "vectors"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def _check_in_a_fresh_process(checkout: Path) -> subprocess.CompletedProcess[str]:
    """`forkspec prove --check` as a user runs it: z3's models depend on the terms a process has
    already built, so the committed report is the one a fresh process computes (GEN-10)."""
    return subprocess.run(
        [sys.executable, "-m", "forkspec.tools.cli", "prove", "--check"],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_check_finds_a_stale_report_and_passes_on_the_committed_one(tmp_path: Path) -> None:
    copy = _checkout_copy(tmp_path)
    committed = _check_in_a_fresh_process(copy)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert "matches the prover" in committed.stdout
    readme = copy / "spec" / "proofs" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("unsat", "sat", 1), encoding="utf-8")
    removed = copy / "spec" / "proofs" / "smt" / "PRF-1.proof.smt2"
    removed.unlink()
    (copy / "spec" / "proofs" / "smt" / "PRF-0.old.smt2").write_text("(check-sat)\n", encoding="utf-8")
    stale = _check_in_a_fresh_process(copy)
    assert stale.returncode == 1
    for line in (
        "differs: spec/proofs/README.md",
        "missing: spec/proofs/smt/PRF-1.proof.smt2",
        "not generated: spec/proofs/smt/PRF-0.old.smt2",
        "is stale: run 'forkspec prove'",
    ):
        assert line in stale.stdout + stale.stderr


def test_the_smtlib_files_are_plain_smtlib_with_the_recorded_hash_and_answer() -> None:
    """Every file declares a logic, sets no option, checks once; z3 reading the file agrees too."""
    for entry in REPORT["obligations"]:
        queries = [entry["proof"], entry["witness"], *(a["drop_query"] for a in entry["assumptions"])]
        for mutant in entry["mutants"]:
            queries += [mutant["query"], *([mutant["below"]] if mutant["below"] else [])]
        for query in queries:
            text = (PROOFS / query["file"]).read_text(encoding="utf-8")
            assert engine.hashlib.sha256(text.encode()).hexdigest() == query["sha256"]
            assert re.search(r"^\(set-logic [A-Z_]+\)$", text, re.MULTILINE)
            assert "set-option" not in text and text.count("(check-sat)") == 1
            solver = z3.Solver()
            solver.from_string(text)
            assert str(solver.check()) == query["z3"] == query["cvc5"], query["file"]


def test_goal_i_does_not_need_the_signalled_support_and_goal_ii_does() -> None:
    def needed(identifier: str) -> dict[str, bool]:
        return {a["name"]: a["needed"] for a in reported(identifier)["assumptions"]}

    assert needed("PRF-10")["A5"] is False and needed("PRF-10")["A2"] is False
    assert needed("PRF-10")["A1"] and needed("PRF-10")["A3"] and needed("PRF-10")["A4"]
    assert needed("PRF-11")["A5"] and needed("PRF-11")["A1"] is False
    assert "does not need" in (PROOFS / "README.md").read_text(encoding="utf-8")


def test_the_documented_counterexamples_are_the_smallest_ones() -> None:
    def counterexample(identifier: str, mutant: str) -> dict[str, Any]:
        found: dict[str, Any] = next(m for m in reported(identifier)["mutants"] if m["name"] == mutant)
        assert found["below"]["z3"] == found["below"]["cvc5"] == "unsat"
        return dict(found["counterexample"])

    liveness = counterexample("PRF-11", "liveness")
    assert liveness["n"] == 3 and 3 * liveness["hu"] <= 2 * liveness["n"]
    quorum = counterexample("PRF-10", "non-strict-quorum")
    assert quorum["n"] == 3 and quorum["final_x"] and quorum["final_y"]
    joined = counterexample("PRF-12", "one-past-the-bound")
    # Past the bound 5J <= n0 by exactly one unit of stake.
    assert 5 * (joined["jl"] + joined["jb"] - 1) <= joined["n0"] < 5 * (joined["jl"] + joined["jb"])


def test_the_recheck_tool_gives_each_file_to_both_solvers_and_compares_with_the_stated_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted((PROOFS / "smt").glob("PRF-10.*.smt2"))
    assert recheck.main([str(path) for path in files]) == 0
    assert capsys.readouterr().out.count("z3 unsat, cvc5 unsat, expected unsat") >= 1
    wrong = tmp_path / "wrong.smt2"
    wrong.write_text(
        (PROOFS / "smt" / "PRF-10.proof.smt2")
        .read_text()
        .replace("expected answer: unsat", "expected answer: sat")
    )
    assert recheck.main([str(wrong)]) == 1


def test_without_the_solvers_forkspec_works_and_prove_says_what_to_install() -> None:
    hide_solvers = "import sys; sys.modules['z3'] = None; sys.modules['cvc5'] = None; "
    run_cli = "from forkspec.tools.cli import main; sys.argv = ['forkspec', *sys.argv[1:]]; main()"
    for arguments, code, text in ((["--help"], 0, "prove"), (["prove", "-k", "PRF-1"], 2, "'prove' extra")):
        completed = subprocess.run(
            [sys.executable, "-c", hide_solvers + run_cli, *arguments],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == code, completed.stderr
        assert text in completed.stdout + completed.stderr
        assert "Traceback" not in completed.stderr


class Light(enum.Enum):
    RED = "red"
    GREEN = "green"


class LightSort:
    """A SymbolicSort for the test: the enum as a z3 enumeration sort of the main context."""

    name = "Light"

    def __init__(self) -> None:
        self.sort, constants = z3.EnumSort("Light", [f"Light.{member.name}" for member in Light])
        self.constants = dict(zip(Light, constants, strict=True))

    def symbol(self, name: str) -> Any:
        return z3.Const(name, self.sort)

    def expression(self, symbol: Any) -> Any:
        return symbol

    def value(self, evaluated: Any) -> Any:
        return next(member for member, constant in self.constants.items() if z3.eq(constant, evaluated))


def test_a_variable_of_a_symbolic_sort_is_declared_solved_and_replayed(tmp_path: Path) -> None:
    lights = LightSort()

    def is_red(v: Any) -> Any:
        light = v["light"]
        return light == (lights.constants[Light.RED] if isinstance(light, z3.ExprRef) else Light.RED)

    toy = _toy(
        variables=(*integers(("x", "a number")), Variable("light", "a light", lights)),
        witness=Witness("the light is red", "light == RED", is_red),
        mutants=(
            Mutant(
                "red-only",
                MutantKind.CLAIM,
                "x is at least 2 on red",
                lambda values: RegressionCase(
                    "version_parse", f"toy {values['light']}", {"version": "1.0.0"}
                ),
                goal=Goal(
                    "x >= 2 or green",
                    "x >= 2 or light == GREEN",
                    lambda v: any_of(v["x"] >= 2, negation(is_red(v))),
                ),
            ),
        ),
    )
    with pytest.raises(engine.ProverError, match=r"cvc5 rejects PRF-99\.witness\.smt2: .*QF_LIA"):
        discharge(Session(tmp_path), toy)
    result = discharge(Session(tmp_path), dataclasses.replace(toy, logic="QF_DTLIA"))
    assert result.failures == ()
    assert result.mutants[0].counterexample["light"] is Light.RED
    witness = (tmp_path / "PRF-99.witness.smt2").read_text()
    assert "(declare-datatypes" in witness and "Light.RED" in witness


def test_each_threshold_regression_vector_tells_the_reference_from_its_mutant(
    shipped_cases: list[Case],
) -> None:
    """The vector of a kernel mutant's counterexample expects the exact answer, which the mutant misses."""
    wrong = {name: test for name, _, test in thresholds.KERNEL_MUTANTS}
    wrong["percent-threshold"] = thresholds.percent_threshold
    checked = 0
    for case in shipped_cases:
        slug = case.id.rsplit("/", 1)[1]
        mutant = next((name for name in wrong if re.fullmatch(rf"prf-[123]-{name}", slug)), None)
        if mutant is None:
            continue
        assert case.output is not None
        support, total = case.output["supporting_stake"], case.output["total_stake"]
        bps = case.output["threshold_bps"]
        exact = Fraction(support) >= Fraction(bps, 10_000) * total
        assert case.output["met"] is exact
        assert wrong[mutant](support, total, bps) is not exact, case.id
        checked += 1
    assert checked == 2 * 7  # seven threshold mutants, each under both presets
