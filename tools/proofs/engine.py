"""Discharging obligations: queries, both solvers, drop-one, mutants, replay. Implements: GEN-9, GEN-11.

Every question put to a solver is a `Query`: a list of labelled assertions over the
obligation's variables, written out as one SMT-LIB 2 file (logic declared, declarations,
assertions, `(check-sat)`, nothing solver-specific). z3 answers it from the terms built by
calling the obligation's predicates, cvc5 answers it by parsing that file; both run with a
fixed seed, a per-query time limit and a resource limit. An answer other than `sat` or
`unsat`, or two answers that differ, fails the run: a proof that is not found is not a proof.

The queries of an obligation:
- `proof`: assumptions ∧ ¬goal, must be `unsat`;
- `witness`: assumptions ∧ witness, must be `sat`;
- `drop-<A>`: the proof without assumption A: `unsat` means A is not needed, `sat` needed;
- `mutant-<name>`: the mutant's assumptions ∧ bounds ∧ ¬(its goal), must be `sat`; with a
  variable to minimise, the counterexample is the model of `mutant-<name>` with the variable
  bounded by the least value found, and `mutant-<name>-below` (bounded by one less) must be
  `unsat`, so that no smaller counterexample exists.
Each mutant's counterexample is replayed on the Python code: its assumptions must hold and its
goal fail when the predicates run on the integers, and where the obligation's own assumptions
hold there, the obligation's goal must hold (the reference gets right what the mutant gets wrong).
"""

from __future__ import annotations

import hashlib
import inspect
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import cvc5
import z3
from forkspec.tools.proofs import Assumption, Goal, Mutant, Obligation, Sort, Values, Variable

SEED = 1
QUERY_TIMEOUT_MS = 10_000
Z3_RESOURCE_LIMIT = 50_000_000
CVC5_RESOURCE_LIMIT = 50_000_000


class Answer(StrEnum):
    """A solver's answer to `(check-sat)`."""

    SAT = "sat"
    UNSAT = "unsat"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Query:
    """One question to both solvers: the conjunction of `assertions`, each with a label.

    The declarations in the file are those of the constants the assertions use, as z3 writes
    them (with the declarations of any enumeration sort); a variable that no assertion uses is
    not declared."""

    name: str
    purpose: str
    logic: str
    variables: tuple[Variable, ...]
    assertions: tuple[tuple[str, z3.BoolRef], ...]


@dataclass(frozen=True)
class Outcome:
    """Both solvers' answers to one query, the counterexample or witness model, and the file."""

    query: Query
    z3: Answer
    cvc5: Answer
    z3_work: int
    cvc5_work: int
    seconds: float
    model: dict[str, Any] | None
    smtlib: str
    sha256: str

    @property
    def answer(self) -> Answer:
        """The agreed answer (the run fails before an Outcome with two answers is used)."""
        return self.z3


@dataclass(frozen=True)
class Replay:
    """A counterexample evaluated by the Python code: each predicate's value on the integers."""

    assumptions: dict[str, bool]
    goal: bool
    obligation_assumptions: dict[str, bool]
    obligation_goal: bool

    def describe(self) -> str:
        """The replay in one sentence: which predicates hold on the counterexample's values."""

        def listed(values: dict[str, bool]) -> str:
            return ", ".join(f"{name} {'holds' if holds else 'fails'}" for name, holds in values.items())

        return (
            f"the mutant's assumptions: {listed(self.assumptions)}; its goal "
            f"{'holds' if self.goal else 'fails'}; "
            f"the obligation's assumptions: {listed(self.obligation_assumptions)}; its goal "
            f"{'holds' if self.obligation_goal else 'fails'}"
        )

    @property
    def reproduces(self) -> bool:
        """The mutant's assumptions hold and its goal fails; where the obligation's assumptions all
        hold, its goal holds (the real code is right where the mutant is wrong)."""
        right_where_applicable = not all(self.obligation_assumptions.values()) or self.obligation_goal
        return all(self.assumptions.values()) and not self.goal and right_where_applicable


@dataclass(frozen=True)
class DropOne:
    """Whether the proof still goes through without one assumption."""

    assumption: str
    needed: bool
    outcome: Outcome


@dataclass(frozen=True)
class MutantResult:
    """A mutant's refutation: the counterexample, its replay, the minimality check."""

    mutant: Mutant
    outcome: Outcome
    below: Outcome | None
    replay: Replay | None
    counterexample: dict[str, Any]


@dataclass(frozen=True)
class KernelSource:
    """A function the obligation is about, by import name and SHA-256 of its source text."""

    name: str
    sha256: str


@dataclass(frozen=True)
class ObligationResult:
    """Everything `forkspec prove` learnt about one obligation; `failures` empty means discharged."""

    obligation: Obligation
    proof: Outcome
    witness: Outcome
    drops: tuple[DropOne, ...]
    mutants: tuple[MutantResult, ...]
    kernels: tuple[KernelSource, ...]
    failures: tuple[str, ...]
    seconds: float


class ProverError(Exception):
    """A solver could not be run on a query (not a failed proof: that is a failure of the result)."""


def solver_versions() -> dict[str, str]:
    """The versions of both solvers, as the report states them."""
    return {"z3": z3.get_full_version(), "cvc5": str(cvc5.__version__)}


def kernel_source(function: Callable[..., Any]) -> KernelSource:
    """The import name and source hash of `function` (the same in a checkout and in an installed wheel)."""
    module = inspect.getmodule(function)
    source = inspect.getsource(function)
    return KernelSource(
        f"{module.__name__ if module else function.__module__}.{function.__qualname__}",
        hashlib.sha256(source.encode("utf-8")).hexdigest(),
    )


def _symbols(obligation: Obligation) -> dict[str, Any]:
    """The value each predicate receives per variable, in z3's main context."""
    symbols: dict[str, Any] = {}
    for variable in obligation.variables:
        sort = variable.sort
        if sort is Sort.INT:
            symbols[variable.name] = z3.Int(variable.name)
        elif sort is Sort.BOOL:
            symbols[variable.name] = z3.Bool(variable.name)
        else:
            symbols[variable.name] = sort.symbol(variable.name)
    return symbols


def _expression(variable: Variable, symbol: Any) -> Any:
    return symbol if isinstance(variable.sort, Sort) else variable.sort.expression(symbol)


def _declarations(query: Query) -> list[str]:
    """The sort and constant declarations of the query's terms, as z3 writes them in SMT-LIB."""
    solver = z3.Solver()
    for _, formula in query.assertions:
        solver.add(formula)
    script = solver.to_smt2()
    preamble = script[: script.index("(assert")] if "(assert" in script else script
    return [
        line
        for line in preamble.splitlines()
        if line.strip() and not line.startswith((";", "(set-info", "(check-sat"))
    ]


def smtlib_text(query: Query, obligation_id: str, expected: str) -> str:
    """The query as an SMT-LIB 2 script: comments, logic, declarations, one assert per label, check-sat."""
    lines = [
        f"; forkspec proof obligation {obligation_id}: {query.purpose}",
        f"; expected answer: {expected}",
        f"(set-logic {query.logic})",
    ]
    lines += _declarations(query)
    for label, formula in query.assertions:
        lines.append(f"; {label}")
        lines.append(f"(assert {formula.sexpr()})")
    lines.append("(check-sat)")
    return "\n".join(lines) + "\n"


def _model_value(variable: Variable, evaluated: Any) -> Any:
    """A variable's value in a model, as the predicates receive it on replay."""
    if variable.sort is Sort.INT:
        return evaluated.as_long()
    if variable.sort is Sort.BOOL:
        return z3.is_true(evaluated)
    return variable.sort.value(evaluated)


def _z3_answer(query: Query, symbols: Mapping[str, Any]) -> tuple[Answer, int, dict[str, Any] | None]:
    # A fresh context per query, so that the answer, the model and the work depend on the query
    # alone, never on the terms built before it in the process.
    context = z3.Context()
    solver = z3.Solver(ctx=context)
    solver.set(random_seed=SEED, timeout=QUERY_TIMEOUT_MS, rlimit=Z3_RESOURCE_LIMIT)
    for _, formula in query.assertions:
        solver.add(formula.translate(context))
    result = solver.check()
    work = int(solver.statistics().get_key_value("rlimit count"))
    if result == z3.sat:
        model = solver.model()
        main = z3.main_ctx()
        return (
            Answer.SAT,
            work,
            {
                variable.name: _model_value(
                    variable,
                    model.eval(
                        _expression(variable, symbols[variable.name]).translate(context),
                        model_completion=True,
                    ).translate(main),
                )
                for variable in query.variables
            },
        )
    return (Answer.UNSAT if result == z3.unsat else Answer.UNKNOWN), work, None


def cvc5_answer(path: Path) -> tuple[Answer, int]:
    """cvc5's answer to the SMT-LIB file at `path`, parsed by cvc5 itself, and the resource units used."""
    terms = cvc5.TermManager()
    solver = cvc5.Solver(terms)
    solver.setOption("seed", str(SEED))
    solver.setOption("tlimit-per", str(QUERY_TIMEOUT_MS))
    solver.setOption("rlimit-per", str(CVC5_RESOURCE_LIMIT))
    symbols = cvc5.SymbolManager(terms)
    parser = cvc5.InputParser(solver, symbols)
    parser.setFileInput(cvc5.InputLanguage.SMT_LIB_2_6, str(path))
    answers: list[str] = []
    try:
        while True:
            command = parser.nextCommand()
            if command.isNull():
                break
            output = command.invoke(solver, symbols).strip()
            if output.startswith("(error"):
                raise ProverError(f"cvc5 rejects {path.name}: {output}")
            if output:
                answers.append(output)
    except RuntimeError as error:
        raise ProverError(f"cvc5 cannot read {path.name}: {error}") from error
    work = solver.getStatistics().get(True, True).get("resource::resourceUnitsUsed", {}).get("value", 0)
    known = {answer.value for answer in Answer}
    answer = Answer(answers[-1]) if answers and answers[-1] in known else Answer.UNKNOWN
    return answer, int(work)


class Session:
    """Runs the queries of obligations, writing each SMT-LIB file under `smt_dir` first."""

    def __init__(self, smt_dir: Path) -> None:
        self.smt_dir = smt_dir
        smt_dir.mkdir(parents=True, exist_ok=True)

    def ask(self, obligation: Obligation, query: Query, symbols: Mapping[str, Any], expected: str) -> Outcome:
        """Both solvers' answers to `query`; z3 from the terms, cvc5 from the file just written."""
        text = smtlib_text(query, obligation.id, expected)
        path = self.smt_dir / f"{query.name}.smt2"
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        z3_result, z3_work, model = _z3_answer(query, symbols)
        cvc5_result, cvc5_work = cvc5_answer(path)
        return Outcome(
            query,
            z3_result,
            cvc5_result,
            z3_work,
            cvc5_work,
            time.perf_counter() - started,
            model,
            text,
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )


def _labelled(assumptions: tuple[Assumption, ...], symbols: Values) -> list[tuple[str, z3.BoolRef]]:
    return [
        (f"{assumption.name}: {assumption.words}", assumption.holds(symbols)) for assumption in assumptions
    ]


def _negated(goal: Goal, symbols: Values) -> tuple[str, z3.BoolRef]:
    return (f"negated goal: not ({goal.formula})", z3.Not(goal.holds(symbols)))


def _problems(outcome: Outcome, expected: Answer | None) -> list[str]:
    """What is wrong with an outcome: an unknown, a disagreement, or an unexpected answer."""
    name = outcome.query.name
    for solver, answer in (("z3", outcome.z3), ("cvc5", outcome.cvc5)):
        if answer is Answer.UNKNOWN:
            return [
                f"{name}: {solver} answered unknown (time limit {QUERY_TIMEOUT_MS} ms or resource limit "
                "reached); an unknown is never a proof"
            ]
    if outcome.z3 is not outcome.cvc5:
        return [f"{name}: the solvers disagree (z3 {outcome.z3}, cvc5 {outcome.cvc5})"]
    if expected is not None and outcome.z3 is not expected:
        return [f"{name}: expected {expected}, both solvers answered {outcome.z3}"]
    return []


def _shown(values: Mapping[str, Any] | None) -> str:
    return ", ".join(f"{name} = {value}" for name, value in (values or {}).items())


def _claim(obligation: Obligation, mutant: Mutant) -> tuple[tuple[Assumption, ...], Goal]:
    """The assumptions and the goal of a mutant: its own where it has them, else the obligation's."""
    assumptions = mutant.assumptions if mutant.assumptions is not None else obligation.assumptions
    return assumptions, mutant.goal if mutant.goal is not None else obligation.goal


def replay(obligation: Obligation, mutant: Mutant, values: Mapping[str, Any]) -> Replay:
    """Evaluate the predicates of `mutant` and of `obligation` on the counterexample's Python values."""
    assumptions, goal = _claim(obligation, mutant)
    checked = {assumption.name: bool(assumption.holds(values)) for assumption in assumptions}
    if mutant.bounds is not None:
        checked["bounds"] = bool(mutant.bounds(values))
    return Replay(
        checked,
        bool(goal.holds(values)),
        {assumption.name: bool(assumption.holds(values)) for assumption in obligation.assumptions},
        bool(obligation.goal.holds(values)),
    )


def _least(query: Query, symbols: Mapping[str, Any], variable: str, start: int) -> int:
    """The least value of `variable` in a model of `query`, by bisection with z3 between 0 and `start`.

    Only a search, for a variable that is never negative: its result is confirmed by both solvers
    on the two exported queries (a model at the value, none below it).
    """
    low, high = -1, start  # no model at or below `low` is known to exist, one at `high` does
    bounded = symbols[variable]
    while high - low > 1:
        middle = (low + high) // 2
        answer, _, model = _z3_answer(
            Query(
                query.name,
                query.purpose,
                query.logic,
                query.variables,
                (*query.assertions, ("search bound", bounded <= middle)),
            ),
            symbols,
        )
        if answer is Answer.SAT and model is not None:
            high = int(model[variable])
        else:
            low = middle
    return high


def _mutant(
    session: Session, obligation: Obligation, mutant: Mutant, symbols: dict[str, Any], failures: list[str]
) -> MutantResult:
    assumptions, goal = _claim(obligation, mutant)
    assertions = _labelled(assumptions, symbols)
    if mutant.bounds is not None:
        assertions.append(("bounds on the counterexample (not an assumption)", mutant.bounds(symbols)))
    assertions.append(_negated(goal, symbols))
    name = f"{obligation.id}.mutant-{mutant.name}"
    purpose = f"mutant {mutant.name} ({mutant.kind}): {mutant.words}"
    variables = obligation.variables
    query = Query(name, purpose, obligation.logic, variables, tuple(assertions))
    below: Outcome | None = None
    if mutant.smallest is not None:
        answer, _, model = _z3_answer(query, symbols)
        if answer is Answer.SAT and model is not None:
            least = _least(query, symbols, mutant.smallest, int(model[mutant.smallest]))
            bound = symbols[mutant.smallest]
            query = Query(
                name,
                f"{purpose}; smallest {mutant.smallest}",
                obligation.logic,
                variables,
                (*query.assertions, (f"smallest {mutant.smallest}", bound <= least)),
            )
            below_query = Query(
                f"{name}-below",
                f"{purpose}; no counterexample with {mutant.smallest} below {least}",
                obligation.logic,
                variables,
                (*query.assertions[:-1], (f"below the smallest {mutant.smallest}", bound <= least - 1)),
            )
            below = session.ask(obligation, below_query, symbols, Answer.UNSAT)
            failures += _problems(below, Answer.UNSAT)
    outcome = session.ask(obligation, query, symbols, Answer.SAT)
    problems = _problems(outcome, Answer.SAT)
    failures += [
        f"{problem}: the mutant {mutant.name} ({mutant.words}) survives, no counterexample refutes it"
        if outcome.z3 is Answer.UNSAT and outcome.cvc5 is Answer.UNSAT
        else problem
        for problem in problems
    ]
    counterexample = dict(outcome.model or {})
    replayed = replay(obligation, mutant, counterexample) if outcome.model is not None else None
    if replayed is not None and not replayed.reproduces:
        failures.append(
            f"{name}: the counterexample ({_shown(counterexample)}) does not reproduce on the Python code: "
            f"{replayed.describe()}"
        )
    return MutantResult(mutant, outcome, below, replayed, counterexample)


def discharge(session: Session, obligation: Obligation) -> ObligationResult:
    """Proof, witness, drop-one per assumption and every mutant of `obligation`, on both solvers."""
    started = time.perf_counter()
    symbols = _symbols(obligation)
    failures: list[str] = []

    def query(suffix: str, purpose: str, assertions: list[tuple[str, z3.BoolRef]]) -> Query:
        return Query(
            f"{obligation.id}.{suffix}", purpose, obligation.logic, obligation.variables, tuple(assertions)
        )

    assumed = _labelled(obligation.assumptions, symbols)
    proof = session.ask(
        obligation,
        query(
            "proof",
            f"proof: assumptions and not ({obligation.goal.formula})",
            [*assumed, _negated(obligation.goal, symbols)],
        ),
        symbols,
        Answer.UNSAT,
    )
    problems = _problems(proof, Answer.UNSAT)
    if proof.z3 is Answer.SAT and proof.cvc5 is Answer.SAT:
        problems = [
            f"{obligation.id} is NOT proved: counterexample {_shown(proof.model)}: every assumption holds "
            f"and the goal fails ({obligation.goal.words}: {obligation.goal.formula})"
        ]
    failures += problems
    witness = session.ask(
        obligation,
        query(
            "witness",
            f"witness: assumptions and {obligation.witness.formula}",
            [*assumed, (f"witness: {obligation.witness.words}", obligation.witness.holds(symbols))],
        ),
        symbols,
        Answer.SAT,
    )
    failures += [
        f"{problem}: the assumptions and the witness are contradictory, the proof would be vacuous"
        if witness.z3 is Answer.UNSAT and witness.cvc5 is Answer.UNSAT
        else problem
        for problem in _problems(witness, Answer.SAT)
    ]
    drops = []
    for index, assumption in enumerate(obligation.assumptions):
        rest = assumed[:index] + assumed[index + 1 :]
        outcome = session.ask(
            obligation,
            query(
                f"drop-{assumption.name}",
                f"drop-one: the proof without {assumption.name}",
                [*rest, _negated(obligation.goal, symbols)],
            ),
            symbols,
            "sat if the assumption is needed, unsat if not",
        )
        failures += _problems(outcome, None)
        drops.append(DropOne(assumption.name, outcome.z3 is Answer.SAT, outcome))
    mutants = tuple(_mutant(session, obligation, mutant, symbols, failures) for mutant in obligation.mutants)
    if not obligation.mutants:
        failures.append(f"{obligation.id} has no mutant: an obligation must refute at least one")
    return ObligationResult(
        obligation,
        proof,
        witness,
        tuple(drops),
        mutants,
        tuple(kernel_source(kernel) for kernel in obligation.kernels),
        tuple(failures),
        time.perf_counter() - started,
    )
