"""`forkspec mutate`: the operators, applying a mutant, the time budget, the equivalents and the gate."""

from __future__ import annotations

import ast
import json
import os
import textwrap
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from forkspec.conformance.vectorfile import Case, render_vector_set
from forkspec.tools.conform import shipped_vectors
from forkspec.tools.generate import write_vector_set
from forkspec.tools.mutate import (
    GATE_MIN_SCORE_BPS,
    Equivalent,
    EquivalentsError,
    HelperParameters,
    Mutant,
    MutantGenerator,
    MutantResult,
    Outcome,
    ReferenceSource,
    Report,
    RunOptions,
    Tally,
    apply_mutant,
    decision_modules,
    default_equivalents_path,
    generate_mutants,
    get_at,
    identity_job,
    load_equivalents,
    match_equivalents,
    mutant_job,
    parse_min_score,
    render_report,
    run_forked,
    run_mutation,
    set_at,
)

from tests.support import run_forkspec


def mutants_of(source: str) -> list[Mutant]:
    """The mutants of a synthetic module."""
    return MutantGenerator(
        "synthetic", ast.parse(textwrap.dedent(source)), HelperParameters.of_helpers()
    ).generate()


def changes(source: str, operator: str | None = None) -> set[tuple[str, str, str]]:
    """(operator, original, mutated) of every mutant of `source`, or of one operator's."""
    return {
        (m.operator.value, m.original, m.mutated)
        for m in mutants_of(source)
        if operator is None or m.operator == operator
    }


# Operators, on synthetic source ------------------------------------------------------------


def test_comparison_flips_to_neighbours_and_negation_and_swaps_order_comparisons() -> None:
    source = """
    def f(a: int, b: int) -> bool:
        return a < b
    """
    assert changes(source, "compare") == {
        ("compare", "return a < b", "return a <= b"),
        ("compare", "return a < b", "return a >= b"),
    }
    assert changes(source, "swap") == {("swap", "return a < b", "return b < a")}
    equality = changes("def g(a, b):\n    return a == b\n")
    assert ("compare", "return a == b", "return a != b") in equality
    assert not {change for change in equality if change[0] == "swap"}, "== is symmetric: no swap"


def test_constants_one_up_and_one_down_and_plus_minus_one() -> None:
    assert changes("def f(n: int) -> int:\n    return n + 1\n", "number") == {
        ("number", "return n + 1", "return n + 2"),
        ("number", "return n + 1", "return n + 0"),
    }
    assert changes("def f(n: int) -> int:\n    return n + 1\n", "arith") == {
        ("arith", "return n + 1", "return n - 1")
    }
    # A power of constants is one constant; `2**64 - 1` is off by one through its 1.
    assert changes("LIMIT = 2**16\n", "number") == {
        ("number", "LIMIT = 2 ** 16", "LIMIT = 2 ** 16 + 1"),
        ("number", "LIMIT = 2 ** 16", "LIMIT = 2 ** 16 - 1"),
    }
    assert changes("MAX = 2**64 - 1\n", "number") == {
        ("number", "MAX = 2 ** 64 - 1", "MAX = 2 ** 64 - 2"),
        ("number", "MAX = 2 ** 64 - 1", "MAX = 2 ** 64 - 0"),
    }
    assert changes("def f(xs: list[int]) -> int:\n    return xs[-1]\n", "number") == {
        ("number", "return xs[-1]", "return xs[0]"),
        ("number", "return xs[-1]", "return xs[-2]"),
    }


def test_swapped_operands_only_where_the_operator_is_not_commutative() -> None:
    source = """
    def f(a: int, b: int) -> int:
        return a - b + a * b
    """
    assert changes(source, "swap") == {("swap", "return a - b + a * b", "return b - a + a * b")}


def test_and_or_and_both_swapped_and_conditions_negated() -> None:
    source = """
    def f(a: bool, b: bool, x: int) -> None:
        if a and b:
            ensure(x > 0, ErrorCode.NO_STAKE, f"x {x + 1} is bad")
        return both(a, b)
    """
    found = changes(source)
    assert ("boolop", "if a and b:", "if a or b:") in found
    assert ("negate", "if a and b:", "if not (a and b):") in found
    assert (
        "negate",
        "ensure(x > 0, ErrorCode.NO_STAKE, ...)",
        "ensure(not x > 0, ErrorCode.NO_STAKE, ...)",
    ) in found
    assert ("boolop", "return both(a, b)", "return a or b") in found
    assert ("negate", "return both(a, b)", "return both(not a, b)") in found
    assert ("negate", "return both(a, b)", "return both(a, not b)") in found
    negated_not = changes("def f(a):\n    while not a:\n        a = g()\n", "negate")
    assert negated_not == {("negate", "while not a:", "while a:")}


def test_dropped_statements_and_constant_returns_by_return_type() -> None:
    source = '''
    def f(x: int) -> int | None:
        """Docstring."""
        if x:
            return 7
        raise ValueError("no")
    '''
    found = changes(source)
    assert ("drop", "return 7", "pass") in found
    assert ("drop", "if x:", "pass") in found
    assert ("drop", "raise ValueError('no')", "pass") in found
    assert {change for change in found if change[0] == "return"} == {
        ("return", "return 7", "return 0"),
        ("return", "return 7", "return None"),
    }
    boolean = changes("def p() -> bool:\n    return True\n", "return")
    assert boolean == {("return", "return True", "return False")}
    assert not changes("def v() -> Version:\n    return make()\n", "return")


def test_nothing_in_annotations_docstrings_messages_logging_asserts_or_class_declarations() -> None:
    source = '''
    """Module docstring 1 < 2."""

    @dataclass(frozen=True)
    class Run:
        """Class docstring."""

        count: int = 1
        kind: A | B | None = None

    def f(x: int | None = None, limit: list[int] = LIMITS) -> dict[int, int]:
        """Function docstring with 3 > 2."""
        assert x != 5, "never"
        print(x - 1)
        logging.info("%s", x + 2)
        check_range(x, 0, 9, ErrorCode.HEIGHT_OUT_OF_RANGE, f"height {x * 3}")
        reject(ErrorCode.NO_STAKE, "detail " + str(x - 4))
        return {}
    '''
    mutants = mutants_of(source)
    shown = " ".join(f"{m.original} {m.mutated}" for m in mutants)
    for untouched in ("docstring", "x != 5", "x == 5", "x - 1", "x + 2", "x * 3", "x - 4", "count", "A | B"):
        assert untouched not in shown.replace("Docstring", "docstring"), untouched
    assert {m.function for m in mutants} == {"f"}
    # What is left: the range check's bounds, dropped calls, the constant return, the reject.
    assert (
        "number",
        "check_range(x, 0, 9, ErrorCode.HEIGHT_OUT_OF_RANGE, ...)",
        "check_range(x, 1, 9, ErrorCode.HEIGHT_OUT_OF_RANGE, ...)",
    ) in {(m.operator.value, m.original, m.mutated) for m in mutants}


def test_scopes_name_methods_and_nested_functions_like_their_code_objects() -> None:
    source = """
    class Chain:
        def at(self, h: int) -> int:
            def inner(k: int) -> int:
                return k + 1
            return inner(h) - 1
    """
    functions = {m.function for m in mutants_of(source)}
    assert functions == {"Chain.at", "Chain.at.<locals>.inner"}
    namespace: dict[str, object] = {}
    exec(compile(textwrap.dedent(source), "<synthetic>", "exec"), namespace)
    chain = namespace["Chain"]
    assert chain.at.__code__.co_qualname == "Chain.at"  # type: ignore[attr-defined]


def test_the_same_change_twice_in_a_function_is_numbered() -> None:
    source = """
    def f(x):
        if x:
            return None
        g()
        return None
    """
    drops = [m for m in mutants_of(source) if m.operator == "drop" and m.original == "return None"]
    assert [m.occurrence for m in drops] == [1, 2]
    assert len({m.key for m in drops}) == 2


def test_every_mutant_of_the_reference_compiles_and_changes_the_code() -> None:
    source = ReferenceSource.load()
    helpers = HelperParameters.of_helpers()
    for module in decision_modules():
        tree = source.trees[f"forkspec.{module}"]
        before = ast.dump(tree)
        for mutant in generate_mutants(source, module, helpers):
            original = get_at(tree, mutant.path)
            assert ast.dump(original) != ast.dump(mutant.replacement), mutant.diff
            set_at(tree, mutant.path, mutant.replacement)
            try:
                compile(tree, module, "exec")
            finally:
                set_at(tree, mutant.path, original)
        assert ast.dump(tree) == before, "generating mutants leaves the parsed module as it was"


def test_decision_modules_come_from_the_handler_table() -> None:
    from forkspec.handlers import HANDLERS

    modules = decision_modules()
    assert set(modules) == {handler.area for handler in HANDLERS.values()} | {"kernels", "logic", "hpke"}
    assert "handlers" not in modules and "errors" not in modules


# Applying mutants to the real reference ----------------------------------------------------


@pytest.fixture(scope="module")
def reference_source() -> ReferenceSource:
    return ReferenceSource.load()


def _mutant(
    source: ReferenceSource, module: str, function: str, operator: str, mutated: str, original: str = ""
) -> Mutant:
    found = [
        m
        for m in generate_mutants(source, module, HelperParameters.of_helpers())
        if m.function == function
        and m.operator == operator
        and m.mutated == mutated
        and m.original == (original or m.original)
    ]
    assert len(found) == 1, [m.diff for m in found]
    return found[0]


def test_a_wrong_threshold_is_killed_through_a_caller_that_imported_it_by_name(
    reference_source: ReferenceSource, shipped_cases: list[Case]
) -> None:
    # classification does `from forkspec.kernels import meets_threshold`: only if the mutant is
    # visible through that name do the upgrade_support cases see it.
    mutant = _mutant(
        reference_source,
        "kernels",
        "meets_threshold",
        "compare",
        "return support * BASIS_POINTS > threshold_bps * total",
    )
    support = [i for i, case in enumerate(shipped_cases) if case.handler == "upgrade_support"]
    assert support
    [result] = run_forked([partial(mutant_job, reference_source, mutant, shipped_cases, support)], 1, [120.0])
    assert result.status == "done"
    assert result.value["verdict"] == "FAIL", result.value
    assert shipped_cases[support[0]].handler == "upgrade_support"


def _registry_versions(source: ReferenceSource, mutant: Mutant) -> list[str]:
    apply_mutant(source, mutant.module, mutant)
    import forkspec.flags

    return [repr(flag.introduced_in) for flag in forkspec.flags.FLAG_REGISTRY]


def test_a_mutant_of_a_function_used_while_importing_reaches_the_importer(
    reference_source: ReferenceSource, shipped_cases: list[Case]
) -> None:
    # flags builds its registry with parse_version while it is imported: the mutant must reach
    # the registry, and every case must count as able to see it.
    mutant = _mutant(
        reference_source,
        "versioning",
        "parse_version",
        "drop",
        "pass",
        original="return Version(major, minor, patch, prerelease, build)",
    )
    [registry] = run_forked([partial(_registry_versions, reference_source, mutant)], 1, [60.0])
    assert registry.status == "done"
    assert registry.value == ["None"] * len(registry.value)
    modules_by_file = {reference_source.files["forkspec.versioning"]: "versioning"}
    [identity] = run_forked(
        [partial(identity_job, reference_source, ["versioning"], shipped_cases, modules_by_file)], 1, [300.0]
    )
    assert "versioning:parse_version" in identity.value["import_time"]["versioning"]


def test_the_unchanged_reference_reexecuted_passes_every_case(
    reference_source: ReferenceSource, shipped_cases: list[Case]
) -> None:
    job = partial(identity_job, reference_source, ["activation", "versioning"], shipped_cases, {})
    [result] = run_forked([job], 1, [300.0])
    assert result.status == "done"
    assert result.value["failure"] is None


def test_the_reexecution_order_puts_importers_after_what_they_import(
    reference_source: ReferenceSource,
) -> None:
    order = reference_source.reexecution_order("forkspec.versioning")
    assert order[0] == "forkspec.versioning"
    for position, module in enumerate(order):
        assert not reference_source.imports[module] & set(order[position + 1 :]), module
    assert {"forkspec.flags", "forkspec.schedule", "forkspec.handlers"} <= set(order)
    assert "forkspec.errors" not in order


# Forked jobs -------------------------------------------------------------------------------


def _forever() -> None:
    while True:
        pass


def _die() -> None:
    os._exit(3)


def _fail() -> None:
    raise RuntimeError("broken")


def test_a_job_over_its_budget_is_killed_and_nothing_is_left_running() -> None:
    results = run_forked([_forever, _die, _fail, lambda: {"answer": 42}], 2, [0.5, 30.0, 30.0, 30.0])
    assert [result.status for result in results] == ["timeout", "died", "died", "done"]
    assert "exit status 3" in results[1].detail
    assert "RuntimeError: broken" in results[2].detail
    assert results[3].value == {"answer": 42}
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


# Scores, gate and equivalents --------------------------------------------------------------


def test_the_score_is_exact_and_the_gate_cross_multiplies() -> None:
    tally = Tally(
        {outcome: 0 for outcome in Outcome}
        | {Outcome.KILLED: 97, Outcome.SURVIVED: 2, Outcome.EQUIVALENT: 5, Outcome.TIMEOUT: 1}
    )
    assert tally.scored == 100 and tally.detected == 98
    assert tally.score_bps == 9800
    assert tally.meets(9800) and not tally.meets(9801)
    nothing = Tally({outcome: 0 for outcome in Outcome} | {Outcome.EQUIVALENT: 3})
    assert nothing.score_bps is None and not nothing.meets(0)


def test_min_score_is_basis_points_or_a_whole_percentage() -> None:
    assert parse_min_score("9800") == 9800
    assert parse_min_score("98%") == 9800
    assert parse_min_score("0") == 0
    for bad in ("98.5%", "98.5", "-1", "101%", "10001", "", "%", "٩٨"):
        with pytest.raises(ValueError):
            parse_min_score(bad)


def _result(mutant: Mutant, outcome: Outcome) -> MutantResult:
    return MutantResult(mutant, outcome, "", 1)


def test_equivalents_are_excluded_and_stale_entries_reported() -> None:
    mutants = mutants_of("def f(a: int, b: int) -> bool:\n    return a < b\n")
    survivor, killed = mutants[0], mutants[1]

    def entry(mutant: Mutant) -> Equivalent:
        return Equivalent(
            mutant.module, mutant.function, mutant.operator.value, mutant.original, mutant.mutated, "r"
        )

    gone = replace(entry(survivor), original="return a > b")
    results, stale = match_equivalents(
        [_result(survivor, Outcome.SURVIVED), _result(killed, Outcome.KILLED)],
        mutants,
        [entry(survivor), entry(killed), gone],
        ["synthetic"],
    )
    assert [result.outcome for result in results] == [Outcome.EQUIVALENT, Outcome.KILLED]
    assert [(item.entry, item.why) for item in stale] == [
        (entry(killed), "its mutant was detected"),
        (gone, "matches no mutant"),
    ]
    _, elsewhere = match_equivalents([], mutants, [gone], ["other"])
    assert elsewhere == [], "entries of modules not mutated are not judged"


def test_the_shipped_equivalents_file_loads_and_malformed_ones_are_refused(tmp_path: Path) -> None:
    assert load_equivalents(default_equivalents_path())
    path = tmp_path / "equivalents.yaml"
    for text in (
        "format: other/1\nequivalents: []\n",
        "format: forkspec-mutation-equivalents/1\nequivalents: [{module: a}]\n",
        "format: forkspec-mutation-equivalents/1\nequivalents: []\nextra: 1\n",
        "format: forkspec-mutation-equivalents/1\nequivalents:\n"
        "  - {module: a, function: f, operator: nope, original: x, mutated: y, reason: r}\n",
        "format: forkspec-mutation-equivalents/1\nequivalents:\n"
        "  - {module: a, function: f, operator: drop, original: x, mutated: y, reason: r, occurrence: 0}\n",
        "format: forkspec-mutation-equivalents/1\nequivalents:\n"
        "  - {module: a, function: f, operator: drop, original: x, mutated: y, reason: r}\n"
        "  - {module: a, function: f, operator: drop, original: x, mutated: y, reason: s}\n",
        "format: [",
    ):
        path.write_text(text)
        with pytest.raises(EquivalentsError):
            load_equivalents(path)


# The command -------------------------------------------------------------------------------


def test_an_unknown_module_is_a_usage_error_naming_the_valid_ones(tmp_path: Path) -> None:
    run = run_forkspec("mutate", "--module", "logic", "--module", "activaton", tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "activaton" in run.stderr
    for module in decision_modules():
        assert module in run.stderr


def test_a_fractional_min_score_is_a_usage_error(tmp_path: Path) -> None:
    run = run_forkspec("mutate", "--module", "logic", "--min-score", "97.5%", tmp_path=tmp_path)
    assert run.exit_code == 2
    assert "97.5%" in run.stderr


def test_the_json_report_and_the_exit_status_follow_the_gate(tmp_path: Path) -> None:
    run = run_forkspec("mutate", "--module", "logic", "--json", "-", tmp_path=tmp_path)
    document = json.loads(run.stdout)
    overall = document["overall"]
    assert document["format"] == "forkspec-mutation-report/1"
    assert set(document["modules"]) == {"logic"}
    assert overall["mutants"] == len(document["mutants"]) == sum(overall[o.value] for o in Outcome) > 0
    assert document["passed"] == (overall["score_bps"] >= GATE_MIN_SCORE_BPS)
    assert run.exit_code == (0 if document["passed"] else 1)


def test_mutants_no_case_reaches_survive_and_fail_the_gate(tmp_path: Path, shipped_cases: list[Case]) -> None:
    # A vector set of versioning cases only: nothing runs the logic helpers.
    vectors = tmp_path / "vectors"
    versioning = [case for case in shipped_cases if case.area == "versioning"]
    write_vector_set(render_vector_set(versioning), vectors)
    report = tmp_path / "mutate.json"
    run = run_forkspec(
        "mutate", "--module", "logic", "--vectors", str(vectors), "--json", str(report), tmp_path=tmp_path
    )
    document = json.loads(report.read_text())
    assert run.exit_code == 1
    assert document["passed"] is False and document["overall"]["score_bps"] == 0
    for mutant in document["mutants"]:
        assert mutant["outcome"] == "survived" and mutant["cases_run"] == 0
        assert mutant["detail"] == f"no case runs {mutant['function']}"
        assert f"logic.py:{mutant['line']}: {mutant['original']}  ->  {mutant['mutated']}" in run.stdout
    assert "below the gate" in run.stdout


# The gate, on a sample of the real reference -----------------------------------------------


@pytest.fixture(scope="module")
def sampled_report() -> Report:
    """The sampled run that CI gates on."""
    return run_mutation(
        RunOptions(
            modules=decision_modules(),
            vectors=shipped_vectors(),
            equivalents=default_equivalents_path(),
            sample=40,
            seed=1,
        )
    )


def test_a_sampled_mutation_run_over_the_reference_meets_the_gate(sampled_report: Report) -> None:
    assert len(sampled_report.results) == 40
    assert not sampled_report.stale
    survivors = "\n".join(r.mutant.diff for r in sampled_report.with_outcome(Outcome.SURVIVED))
    assert sampled_report.passed, f"mutation score below the gate; survivors:\n{survivors}"


def test_the_report_lists_every_survivor_and_agrees_with_its_json(sampled_report: Report) -> None:
    text = render_report(sampled_report)
    document = sampled_report.to_json()
    for result in sampled_report.results:
        if result.outcome is Outcome.SURVIVED:
            assert result.mutant.diff in text
    for module in sampled_report.modules:
        tally = document["modules"][module]
        assert tally["mutants"] == sum(1 for r in sampled_report.results if r.mutant.module == module)
    assert f"gate {GATE_MIN_SCORE_BPS // 100}.{GATE_MIN_SCORE_BPS % 100:02d}%" in text
