"""Obligations PRF-75 to PRF-77: a migration is idempotent, alone and in a chain, and a failed run
leaves the state it started from.

A run of a migration is decided by two kernels of `forkspec.migration`: `version_guard` (MIG-8,
step 1) and `keeps_result` (MIG-8, step 6). The obligations are over those very functions. The
state is abstracted as its schema version and one Int standing for everything else in it (its
root, say); what a migration's operations make of that content is a free Int, so the proofs hold
for every operation and every composition of operations, as long as a run is a function of the
state it starts from. Whether each operation failed, and whether a check after them failed, are
free Bools.

PRF-75: running a migration a second time changes nothing. PRF-76: running a chain of two
migrations a second time changes nothing. PRF-77: a run in which an operation or a check fails
leaves the state as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forkspec import migration
from forkspec.logic import both, either, if_then_else, negation
from forkspec.migration import MigrationStep
from forkspec.tools.cases import migration as migration_cases
from forkspec.tools.proofs import (
    Assumption,
    Goal,
    Mutant,
    MutantKind,
    Obligation,
    RegressionCase,
    Sort,
    Values,
    Variable,
    Witness,
    all_of,
    implies,
    kernel_in,
)

LOGIC = "QF_DTLIA"
ENCODING = (
    "Schema versions and the content of a state are unbounded Int: the content stands for all of the "
    "state but its schema version, and what a run's operations make of it is a free Int, so no operation "
    "is modelled and every one is covered. Whether an operation failed and whether a check after them "
    "failed are Bool; the guard's step is a value of the enumeration sort MigrationStep. The kernels are "
    "the reference's, called on these terms."
)
NOT_PROVEN = (
    "That the undo journal restores the pre-state byte for byte: the model takes a restored run to leave "
    "the state it started from, and the hypothesis test of tests/test_migration.py injects a failure at "
    "every step of random migrations and checks the root; the vectors restore at every step.",
    "That each primitive operation computes what MIG-7 says: the vectors cover every operation.",
)
Run = Callable[..., tuple[Any, Any]]


def run_with(guard: Callable[..., Any], keeps: Callable[..., Any]) -> Run:
    """A run of the migration (source, target) from (version, content), with the guard and the
    decision to keep given: the state it leaves, as (schema version, content)."""

    def run(
        version: Any,
        content: Any,
        source: Any,
        target: Any,
        migrated: Any,
        operation_failed: Any,
        validation_failed: Any,
    ) -> tuple[Any, Any]:
        kept = keeps(guard(version, source, target), operation_failed, validation_failed)
        return (
            if_then_else(kept, target, version),
            if_then_else(kept, migrated, content),
        )

    return run


def _reference_run() -> Run:
    """A run with the reference's kernels, as `forkspec.migration` sees them now."""
    return run_with(kernel_in(migration, "version_guard"), kernel_in(migration, "keeps_result"))


def _kernels() -> tuple[Callable[..., Any], ...]:
    return kernel_in(migration, "version_guard"), kernel_in(migration, "keeps_result")


def _unguarded(_version: Any, _source: Any, _target: Any) -> Any:
    """The version guard left out: every run runs, whatever the state's version."""
    return MigrationStep.RUN


def _same(left: tuple[Any, Any], right: tuple[Any, Any]) -> Any:
    return all_of(left[0] == right[0], left[1] == right[1])


def _run_variables(run: str, words: str) -> tuple[Variable, ...]:
    return (
        Variable(f"migrated_{run}", f"the content the operations of {words} produce"),
        Variable(f"operation_failed_{run}", f"an operation of {words} failed", Sort.BOOL),
        Variable(f"validation_failed_{run}", f"a check after the operations of {words} failed", Sort.BOOL),
    )


def _outputs(v: Values, run: str) -> tuple[Any, Any, Any]:
    return v[f"migrated_{run}"], v[f"operation_failed_{run}"], v[f"validation_failed_{run}"]


def _deterministic(
    name: str, first: str, second: str, before: Callable[[Values], Any], words: str
) -> Assumption:
    """A run is a function of the state it starts from: `second`, started from the state `first`
    started from, produces what `first` produced."""
    return Assumption(
        name,
        f"a run is a function of its state: {words}",
        f"{second} starts where {first} did => {second}'s outputs == {first}'s",
        lambda v: implies(
            before(v),
            all_of(
                *(left == right for left, right in zip(_outputs(v, second), _outputs(v, first), strict=True))
            ),
        ),
    )


def _twice_regression(values: Mapping[str, Any]) -> RegressionCase:
    doubling = migration_cases.migration([migration_cases.DOUBLE_STAKE])
    return RegressionCase(
        "migrate",
        "one migration listed twice: the second run finds the target version and changes nothing",
        {"state": migration_cases.state(), "migrations": [doubling, doubling]},
        requirements=("MIG-8", "MIG-9"),
    )


def migration_is_idempotent() -> Obligation:
    """PRF-75."""
    run = _reference_run()

    def once_and_twice(kernel: Run) -> Callable[[Values], Any]:
        def holds(v: Values) -> Any:
            once = kernel(v["version"], v["content"], v["source"], v["target"], *_outputs(v, "1"))
            twice = kernel(*once, v["source"], v["target"], *_outputs(v, "2"))
            return _same(twice, once)

        return holds

    deterministic = _deterministic(
        "D",
        "1",
        "2",
        lambda v: _same(
            run(v["version"], v["content"], v["source"], v["target"], *_outputs(v, "1")),
            (v["version"], v["content"]),
        ),
        "a second run from the state the first left unchanged produces what the first did",
    )
    formula = "run(run(state)) == run(state)"
    return Obligation(
        id="PRF-75",
        title="Running a migration a second time changes nothing",
        statement=(
            "For every state and every migration, whatever its operations make of the state and whether or "
            "not they or the checks after them fail, a second run leaves the state the first run left: after "
            "an applied run the version guard finds the target version and skips; after a run that changed "
            "nothing, the second run starts from the same state and does the same."
        ),
        requirements=("MIG-8", "MIG-9"),
        variables=(
            Variable("version", "the state's schema version"),
            Variable("content", "the rest of the state"),
            Variable("source", "the migration's source version"),
            Variable("target", "the migration's target version"),
            *_run_variables("1", "the first run"),
            *_run_variables("2", "the second run"),
        ),
        assumptions=(deterministic,),
        goal=Goal("a second run leaves the state of the first", formula, once_and_twice(run)),
        witness=Witness(
            "the first run applies a migration that changes the content",
            "run(state) == (target, migrated_1) and migrated_1 != content and migrated_2 != migrated_1",
            lambda v: all_of(
                _same(
                    run(v["version"], v["content"], v["source"], v["target"], *_outputs(v, "1")),
                    (v["target"], v["migrated_1"]),
                ),
                v["migrated_1"] != v["content"],
                v["migrated_2"] != v["migrated_1"],
            ),
        ),
        mutants=(
            Mutant(
                "no-version-guard",
                MutantKind.KERNEL,
                "the version guard left out: a run runs whatever the state's version",
                _twice_regression,
                goal=Goal(
                    "a second run leaves the state of the first",
                    formula,
                    once_and_twice(run_with(_unguarded, kernel_in(migration, "keeps_result"))),
                ),
            ),
        ),
        kernels=_kernels(),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=NOT_PROVEN,
    )


def _chain_variables() -> tuple[Variable, ...]:
    return (
        Variable("version", "the state's schema version"),
        Variable("content", "the rest of the state"),
        Variable("source_a", "migration A's source version"),
        Variable("target_a", "migration A's target version"),
        Variable("source_b", "migration B's source version"),
        Variable("target_b", "migration B's target version"),
        *_run_variables("a1", "A's first run"),
        *_run_variables("b1", "B's first run"),
        *_run_variables("a2", "A's second run"),
        *_run_variables("b2", "B's second run"),
    )


def _passes(kernel: Run, v: Values) -> tuple[tuple[Any, Any], ...]:
    """The states of two passes of the chain (A, B): before A, after A, after B, after A, after B."""
    states = [(v["version"], v["content"])]
    for run, source, target in (("a1", "a", "a"), ("b1", "b", "b"), ("a2", "a", "a"), ("b2", "b", "b")):
        states.append(kernel(*states[-1], v[f"source_{source}"], v[f"target_{target}"], *_outputs(v, run)))
    return tuple(states)


def _chain_regression(values: Mapping[str, Any]) -> RegressionCase:
    first = migration_cases.migration([migration_cases.DOUBLE_STAKE])
    second = migration_cases.migration(
        [migration_cases.ADD_FROZEN], kind="account", source_version=4, target_version=5
    )
    return RegressionCase(
        "migrate",
        "a chain 3 to 4 to 5 run twice: the second pass refuses at 3 to 4 and changes nothing",
        {"state": migration_cases.state(), "migrations": [first, second, first, second]},
        requirements=("MIG-6", "MIG-8", "MIG-9"),
    )


def chain_is_idempotent() -> Obligation:
    """PRF-76."""
    run = _reference_run()

    def second_pass_changes_nothing(kernel: Run) -> Callable[[Values], Any]:
        def holds(v: Values) -> Any:
            states = _passes(kernel, v)
            return _same(states[4], states[2])

        return holds

    chain = Assumption(
        "C",
        "A and B form a chain: A's target is B's source, and each target is above its source (MIG-6)",
        "source_a < target_a == source_b < target_b",
        lambda v: all_of(
            v["source_a"] < v["target_a"], v["target_a"] == v["source_b"], v["source_b"] < v["target_b"]
        ),
    )
    formula = "after B(A(B(A(state)))) == after B(A(state))"
    return Obligation(
        id="PRF-76",
        title="Running a chain of migrations a second time changes nothing",
        statement=(
            "For every state and every chain of two migrations, whatever their operations make of the state "
            "and whichever of them fail, a second pass of the chain leaves the state the first pass left."
        ),
        requirements=("MIG-6", "MIG-8", "MIG-9"),
        variables=_chain_variables(),
        assumptions=(
            chain,
            _deterministic(
                "DA",
                "a1",
                "a2",
                lambda v: _same(_passes(run, v)[2], _passes(run, v)[0]),
                "A's second run, from the state A's first started from, does what A's first did",
            ),
            _deterministic(
                "DB",
                "b1",
                "b2",
                lambda v: _same(_passes(run, v)[3], _passes(run, v)[1]),
                "B's second run, from the state B's first started from, does what B's first did",
            ),
        ),
        goal=Goal("the second pass leaves the state of the first", formula, second_pass_changes_nothing(run)),
        witness=Witness(
            "both migrations apply in the first pass",
            "the state after the first pass == (target_b, migrated_b1) and version == source_a",
            lambda v: all_of(
                _same(_passes(run, v)[2], (v["target_b"], v["migrated_b1"])), v["version"] == v["source_a"]
            ),
        ),
        mutants=(
            Mutant(
                "no-version-guard",
                MutantKind.KERNEL,
                "the version guard left out: a run runs whatever the state's version",
                _chain_regression,
                goal=Goal(
                    "the second pass leaves the state of the first",
                    formula,
                    second_pass_changes_nothing(run_with(_unguarded, kernel_in(migration, "keeps_result"))),
                ),
            ),
        ),
        kernels=_kernels(),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=(
            *NOT_PROVEN,
            "That a list stops at a refused or restored run (MIG-9): the model runs B whatever A did, which "
            "covers every state the reference can reach and more.",
        ),
    )


def _keeps_despite_checks(step: Any, operation_failed: Any, _validation_failed: Any) -> Any:
    """A run kept when its operations succeed, though a check after them failed."""
    return both(step == MigrationStep.RUN, negation(operation_failed))


def _restore_regression(values: Mapping[str, Any]) -> RegressionCase:
    return RegressionCase(
        "migrate",
        "a redenomination that breaks conservation is restored, though every operation succeeded",
        {
            "state": migration_cases.state(),
            "migrations": [migration_cases.migration([migration_cases.REDENOMINATE], conserve_balance=True)],
        },
        requirements=("MIG-8", "MIG-9"),
    )


def failed_run_restores() -> Obligation:
    """PRF-77."""
    run = _reference_run()

    def restored(kernel: Run) -> Callable[[Values], Any]:
        return lambda v: implies(
            either(v["operation_failed_1"], v["validation_failed_1"]),
            _same(
                kernel(v["version"], v["content"], v["source"], v["target"], *_outputs(v, "1")),
                (v["version"], v["content"]),
            ),
        )

    formula = "operation_failed or validation_failed => run(state) == state"
    return Obligation(
        id="PRF-77",
        title="A run in which an operation or a check fails leaves the state it started from",
        statement=(
            "For every state and every migration, a run in which an operation fails, or a check after the "
            "operations fails (conservation, the expected root), leaves the schema version and the content "
            "as they were before the run."
        ),
        requirements=("MIG-8", "MIG-9"),
        variables=(
            Variable("version", "the state's schema version"),
            Variable("content", "the rest of the state"),
            Variable("source", "the migration's source version"),
            Variable("target", "the migration's target version"),
            *_run_variables("1", "the run"),
        ),
        assumptions=(),
        goal=Goal("a failed run leaves the state as it was", formula, restored(run)),
        witness=Witness(
            "a run whose operations succeed and change the content, and whose checks fail",
            "version == source != target and validation_failed and migrated != content",
            lambda v: all_of(
                v["version"] == v["source"],
                v["version"] != v["target"],
                negation(v["operation_failed_1"]),
                v["validation_failed_1"],
                v["migrated_1"] != v["content"],
            ),
        ),
        mutants=(
            Mutant(
                "no-restore-after-validation",
                MutantKind.KERNEL,
                "a run kept when its operations succeed, though a check after them failed",
                _restore_regression,
                goal=Goal(
                    "a failed run leaves the state as it was",
                    formula,
                    restored(run_with(kernel_in(migration, "version_guard"), _keeps_despite_checks)),
                ),
            ),
        ),
        kernels=_kernels(),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=NOT_PROVEN,
    )


def obligations() -> tuple[Obligation, ...]:
    """The migration obligations, PRF-75 to PRF-77."""
    return (migration_is_idempotent(), chain_is_idempotent(), failed_run_restores())
