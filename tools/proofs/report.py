"""The proof report under spec/proofs/: README.md for people, report.json for machines (GEN-10).

Both are generated and deterministic: the same code, solvers and seed give the same bytes, so
`forkspec prove --check` can compare them with the committed ones. Wall times are therefore
not in these files (`forkspec prove` prints them); the "time" of an obligation in the report
is the solvers' work in their own resource units (z3 `rlimit`, cvc5 resource units), which is
deterministic and proportional to the time spent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from forkspec.errors import SpecError
from forkspec.handlers import run_handler
from forkspec.tools.cases import CaseSpec
from forkspec.tools.proofs import Mutant, MutantKind, Obligation
from forkspec.tools.proofs.engine import (
    CVC5_RESOURCE_LIMIT,
    QUERY_TIMEOUT_MS,
    SEED,
    Z3_RESOURCE_LIMIT,
    MutantResult,
    ObligationResult,
    Outcome,
    solver_versions,
)

SMT_FOLDER = "smt"
REPORT_FORMAT = 1


def regression_slug(obligation: Obligation, mutant: Mutant) -> str:
    """The slug of the vector case a mutant's counterexample became."""
    return f"{'invalid-' if mutant.refused else ''}{obligation.id.lower()}-{mutant.name}"


def regression_specs(results: Iterable[ObligationResult]) -> list[CaseSpec]:
    """The case specifications of every refuted mutant, in obligation and mutant order."""
    specs = []
    for result in results:
        for mutant in result.mutants:
            case = mutant.mutant.regression(mutant.counterexample)
            specs.append(
                CaseSpec(
                    case.handler,
                    regression_slug(result.obligation, mutant.mutant),
                    case.requirements or result.obligation.requirements,
                    f"{result.obligation.id} mutant {mutant.mutant.name}: {case.description}",
                    case.input,
                    presets=case.presets,
                )
            )
    return specs


def regressions_document(specs: Sequence[CaseSpec]) -> bytes:
    """The generated data file read by `forkspec.tools.cases.proofs`."""
    document = {
        "generated_by": "forkspec prove (do not edit)",
        "cases": [
            {
                "handler": spec.handler,
                "slug": spec.slug,
                "requirements": list(spec.requirements),
                "description": spec.description,
                "input": spec.input,
                "presets": list(spec.presets),
            }
            for spec in specs
        ],
    }
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def reference_answer(spec: CaseSpec) -> str:
    """What the reference answers to the case under its first preset: the vector's expected answer."""
    try:
        output = run_handler(spec.handler, spec.presets[0], spec.input)
    except SpecError as rejection:
        return f"error {rejection.code.value}"
    return json.dumps(output, sort_keys=True)


def case_ids(spec: CaseSpec) -> list[str]:
    """The vector case IDs of a specification (VEC-6: preset/handler/slug)."""
    return [f"{preset}/{spec.handler}/{spec.slug}" for preset in spec.presets]


class VectorIndex:
    """Which authored vectors cite each requirement, to link obligations to the vectors exercising them."""

    def __init__(self, specs: Iterable[CaseSpec]) -> None:
        self.by_requirement: dict[str, list[str]] = defaultdict(list)
        for spec in specs:
            for requirement in spec.requirements:
                self.by_requirement[requirement] += case_ids(spec)

    def count(self, requirement: str) -> int:
        return len(self.by_requirement.get(requirement, []))


def _file(outcome: Outcome) -> str:
    return f"{SMT_FOLDER}/{outcome.query.name}.smt2"


def _query(outcome: Outcome) -> dict[str, Any]:
    return {
        "file": _file(outcome),
        "sha256": outcome.sha256,
        "purpose": outcome.query.purpose,
        "z3": outcome.z3.value,
        "cvc5": outcome.cvc5.value,
        "z3_work": outcome.z3_work,
        "cvc5_work": outcome.cvc5_work,
    }


def _work(result: ObligationResult) -> tuple[int, int]:
    outcomes = _outcomes(result)
    return sum(outcome.z3_work for outcome in outcomes), sum(outcome.cvc5_work for outcome in outcomes)


def _outcomes(result: ObligationResult) -> list[Outcome]:
    found = [result.proof, result.witness, *(drop.outcome for drop in result.drops)]
    for mutant in result.mutants:
        found.append(mutant.outcome)
        if mutant.below is not None:
            found.append(mutant.below)
    return found


def _mutant_json(obligation: Obligation, mutant: MutantResult) -> dict[str, Any]:
    replay = mutant.replay
    return {
        "name": mutant.mutant.name,
        "kind": mutant.mutant.kind.value,
        "words": mutant.mutant.words,
        "query": _query(mutant.outcome),
        "smallest": mutant.mutant.smallest,
        "below": _query(mutant.below) if mutant.below is not None else None,
        "counterexample": mutant.counterexample,
        "replay": None
        if replay is None
        else {
            "assumptions": replay.assumptions,
            "goal": replay.goal,
            "obligation_assumptions": replay.obligation_assumptions,
            "obligation_goal": replay.obligation_goal,
            "reproduces": replay.reproduces,
        },
        "regression_cases": [],
        "regression_slug": regression_slug(obligation, mutant.mutant),
    }


def report_json(
    results: Sequence[ObligationResult], regressions: Sequence[CaseSpec], vectors: VectorIndex
) -> bytes:
    """The machine-readable report."""
    by_slug = {spec.slug: case_ids(spec) for spec in regressions}
    answers = {spec.slug: reference_answer(spec) for spec in regressions}
    obligations = []
    for result in results:
        obligation = result.obligation
        mutants = [_mutant_json(obligation, mutant) for mutant in result.mutants]
        for entry in mutants:
            slug = entry.pop("regression_slug")
            entry["regression_cases"] = by_slug.get(slug, [])
            entry["reference_answer"] = answers.get(slug)
        z3_work, cvc5_work = _work(result)
        needed = {drop.assumption: drop for drop in result.drops}
        obligations.append(
            {
                "id": obligation.id,
                "title": obligation.title,
                "statement": obligation.statement,
                "requirements": list(obligation.requirements),
                "logic": obligation.logic,
                "encoding": obligation.encoding,
                "variables": [
                    {"name": variable.name, "sort": variable.sort_name, "words": variable.words}
                    for variable in obligation.variables
                ],
                "assumptions": [
                    {
                        "name": assumption.name,
                        "words": assumption.words,
                        "formula": assumption.formula,
                        "needed": needed[assumption.name].needed,
                        "drop_query": _query(needed[assumption.name].outcome),
                        "counterexample_without_it": needed[assumption.name].outcome.model,
                    }
                    for assumption in obligation.assumptions
                ],
                "goal": {"words": obligation.goal.words, "formula": obligation.goal.formula},
                "kernels": [{"name": kernel.name, "sha256": kernel.sha256} for kernel in result.kernels],
                "proof": _query(result.proof),
                "witness": {
                    "words": obligation.witness.words,
                    "formula": obligation.witness.formula,
                    **_query(result.witness),
                    "model": result.witness.model,
                },
                "mutants": mutants,
                "work": {"z3": z3_work, "cvc5": cvc5_work},
                "vectors": {
                    "regression": [case for entry in mutants for case in entry["regression_cases"]],
                    "by_requirement": {
                        requirement: vectors.count(requirement) for requirement in obligation.requirements
                    },
                },
                "not_proven": list(obligation.not_proven),
                "proved": not result.failures,
            }
        )
    document = {
        "format": REPORT_FORMAT,
        "generated_by": "forkspec prove (do not edit)",
        "solvers": solver_versions(),
        "seed": SEED,
        "query_timeout_ms": QUERY_TIMEOUT_MS,
        "z3_resource_limit": Z3_RESOURCE_LIMIT,
        "cvc5_resource_limit": CVC5_RESOURCE_LIMIT,
        "obligations": obligations,
    }
    return (json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


def _values(values: Mapping[str, Any] | None, words: Mapping[str, str]) -> list[str]:
    """A table of a model: variable, value, what the variable stands for."""
    lines = ["| variable | value | meaning |", "|---|---|---|"]
    lines += [f"| `{name}` | `{value}` | {words.get(name, '')} |" for name, value in (values or {}).items()]
    return lines


def _in_words(values: Mapping[str, Any], words: Mapping[str, str]) -> str:
    """The non-zero, true parts of a model in words."""
    shown = [
        f"{words.get(name, name)} (`{name}`) {'holds' if value is True else f'= {value}'}"
        for name, value in values.items()
        if value is True or (type(value) is int and value != 0)
    ]
    return "; ".join(shown) if shown else "every variable is 0 or false"


def _answers(outcome: Outcome) -> str:
    return f"z3 `{outcome.z3}`, cvc5 `{outcome.cvc5}`"


def _mutant_markdown(
    obligation: Obligation, mutant: MutantResult, cases: Sequence[str], answer: str | None
) -> list[str]:
    words = {variable.name: variable.words for variable in obligation.variables}
    replay = mutant.replay
    heading = "Documented refutation (not claimed)" if mutant.mutant.kind is MutantKind.CLAIM else "Mutant"
    lines = [
        f"#### {heading} `{mutant.mutant.name}` ({mutant.mutant.kind})",
        "",
        mutant.mutant.words + ".",
        "",
    ]
    if mutant.mutant.goal is not None:
        lines += [f"Goal of the mutant: {mutant.mutant.goal.words}: `{mutant.mutant.goal.formula}`.", ""]
    if mutant.mutant.assumptions is not None:
        changed = [
            assumption for assumption in mutant.mutant.assumptions if assumption not in obligation.assumptions
        ]
        lines += [f"Changed assumption {a.name}: {a.words}: `{a.formula}`." for a in changed] + [""]
    lines += [
        f"Refuted: {_answers(mutant.outcome)} for `{_file(mutant.outcome)}` "
        f"(SHA-256 `{mutant.outcome.sha256}`).",
        "",
    ]
    if mutant.below is not None:
        lines += [
            f"Smallest: no counterexample has `{mutant.mutant.smallest}` below "
            f"{mutant.counterexample.get(mutant.mutant.smallest or '', '?')} ({_answers(mutant.below)} for "
            f"`{_file(mutant.below)}`).",
            "",
        ]
    lines += [f"Counterexample in words: {_in_words(mutant.counterexample, words)}.", ""]
    lines += [*_values(mutant.counterexample, words), ""]
    if replay is not None:
        failing = [name for name, holds in replay.obligation_assumptions.items() if not holds]
        reference = (
            "the obligation's goal holds on these values, so the reference is right where the mutant is wrong"
            if not failing
            else f"the obligation's own assumption{'s' if len(failing) > 1 else ''} {', '.join(failing)} "
            f"fail{'' if len(failing) > 1 else 's'} here, which is what the mutant changed"
        )
        lines += [
            "Replayed on the Python code: the mutant's assumptions "
            f"{'all hold' if all(replay.assumptions.values()) else 'do NOT all hold'} and its goal "
            f"{'fails' if not replay.goal else 'HOLDS'}; {reference}. "
            f"Reproduces: **{'yes' if replay.reproduces else 'NO'}**.",
            "",
        ]
    lines += [
        f"Regression vector: {', '.join(f'`{case}`' for case in cases) or 'none'}; the reference answers "
        f"`{answer}`, which the vector expects.",
        "",
    ]
    return lines


def _obligation_markdown(
    result: ObligationResult,
    regressions: Mapping[str, list[str]],
    answers: Mapping[str, str],
    vectors: VectorIndex,
) -> list[str]:
    obligation = result.obligation
    words = {variable.name: variable.words for variable in obligation.variables}
    needed = {drop.assumption: drop for drop in result.drops}
    names = ", ".join(assumption.name for assumption in obligation.assumptions)
    lines = [
        f"## {obligation.id}: {obligation.title}",
        "",
        obligation.statement,
        "",
        f"Formula: ({' ∧ '.join(names.split(', '))}) ⟹ `{obligation.goal.formula}`",
        "",
        f"Goal in words: {obligation.goal.words}.",
        "",
        f"Requirements: {', '.join(obligation.requirements)}.",
        "",
        "### Assumptions and the drop-one check",
        "",
        "| name | assumption | formula | needed? |",
        "|---|---|---|---|",
    ]
    for assumption in obligation.assumptions:
        drop = needed[assumption.name]
        status = (
            f"needed: without it, a counterexample (`{_file(drop.outcome)}`)"
            if drop.needed
            else f"**not needed**: proved without it (`{_file(drop.outcome)}`)"
        )
        lines.append(f"| {assumption.name} | {assumption.words} | `{assumption.formula}` | {status} |")
    words_of = {assumption.name: assumption.words for assumption in obligation.assumptions}
    unneeded = [
        f"{drop.assumption} ({words_of[drop.assumption]})" for drop in result.drops if not drop.needed
    ]
    lines += [
        "",
        f"Plainly: this goal does not need {'; nor '.join(unneeded)}. It is proved with "
        f"{'that assumption' if len(unneeded) == 1 else 'each of them'} dropped."
        if unneeded
        else "Every assumption is needed: without any one of them the solvers find a counterexample.",
        "",
        "### Variables",
        "",
        "| variable | sort | meaning |",
        "|---|---|---|",
        *(f"| `{v.name}` | {v.sort_name} | {v.words} |" for v in obligation.variables),
        "",
        "### Encoding",
        "",
        f"Logic `{obligation.logic}`. {obligation.encoding}",
        "",
        "### Kernel functions covered",
        "",
        "| function (import name) | SHA-256 of its source |",
        "|---|---|",
        *(f"| `{k.name}` | `{k.sha256}` |" for k in result.kernels),
        "",
        "### Proof",
        "",
        f"Assumptions ∧ ¬goal: {_answers(result.proof)}: "
        f"**{'proved' if not result.failures else 'NOT PROVED'}**. "
        f"File `{_file(result.proof)}`, SHA-256 `{result.proof.sha256}`.",
        "",
        "### Witness (non-vacuity)",
        "",
        f"{obligation.witness.words}: `{obligation.witness.formula}`, together with every assumption: "
        f"{_answers(result.witness)} (`{_file(result.witness)}`, SHA-256 `{result.witness.sha256}`). "
        "A model:",
        "",
        *_values(result.witness.model, words),
        "",
        "### Mutants",
        "",
    ]
    for mutant in result.mutants:
        slug = regression_slug(obligation, mutant.mutant)
        lines += _mutant_markdown(obligation, mutant, regressions.get(slug, []), answers.get(slug))
    lines += [
        "### Vectors exercising this obligation",
        "",
        "The regression vectors above, and the authored vectors citing its requirements: "
        + ", ".join(
            f"{requirement} ({vectors.count(requirement)})" for requirement in obligation.requirements
        )
        + ".",
        "",
        "### Not proven",
        "",
        *(f"- {item}" for item in obligation.not_proven),
        *(
            f"- Refuted claim `{mutant.mutant.name}`: {mutant.mutant.words}."
            for mutant in result.mutants
            if mutant.mutant.kind is MutantKind.CLAIM
        ),
        "",
    ]
    return lines


def report_markdown(
    results: Sequence[ObligationResult], regressions: Sequence[CaseSpec], vectors: VectorIndex
) -> bytes:
    """The report for people: how to read it, the summary table, one section per obligation."""
    by_slug = {spec.slug: case_ids(spec) for spec in regressions}
    answers = {spec.slug: reference_answer(spec) for spec in regressions}
    versions = solver_versions()
    lines = [
        "# Proven invariants",
        "",
        "Generated by `forkspec prove`; do not edit. `forkspec prove --check` fails when this report, "
        "`report.json` or a file under `smt/` is stale. The rules of the obligations are in "
        '`spec/README.md` ("Proof obligations").',
        "",
        "How to read it: each obligation states a property of the functions the reference executes, under "
        "named assumptions. *Proved* means both solvers answer `unsat` for the assumptions together with the "
        "negated goal; the witness shows the assumptions are satisfiable together (the proof is not "
        "vacuous); "
        "the drop-one column says which assumptions the proof needs; each mutant (a wrong kernel, a weakened "
        "assumption, or a stronger claim that is deliberately not made) is refuted with a counterexample "
        "that "
        "was replayed on the Python code and ships as a regression vector. Every query is an SMT-LIB 2 file "
        "under `smt/`, which any SMT solver can re-check.",
        "",
        f"Solvers: z3 {versions['z3']} (answers from the terms built by the reference's own functions) and "
        f"cvc5 {versions['cvc5']} (answers by parsing each SMT-LIB file). Seed {SEED}; per-query time limit "
        f"{QUERY_TIMEOUT_MS} ms; resource limits z3 `rlimit` {Z3_RESOURCE_LIMIT}, cvc5 `rlimit-per` "
        f"{CVC5_RESOURCE_LIMIT}; both with their default procedures, no option in the files. "
        "Time is given as solver work in each solver's own deterministic resource "
        "units (z3 / cvc5), so that the report is reproducible byte for byte; `forkspec prove` prints wall "
        "times.",
        "",
        "| ID | property | z3 | cvc5 | time (work z3 / cvc5) | assumptions needed | witness found | "
        "mutants refuted |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        z3_work, cvc5_work = _work(result)
        needed = [drop.assumption for drop in result.drops if drop.needed]
        refuted = sum(1 for mutant in result.mutants if mutant.outcome.z3.value == "sat")
        lines.append(
            f"| {result.obligation.id} | {result.obligation.title} | "
            f"{result.proof.z3} | {result.proof.cvc5} | {z3_work} / {cvc5_work} | "
            f"{', '.join(needed) or 'none'} ({len(needed)} of {len(result.drops)}) | "
            f"{'yes' if result.witness.z3.value == 'sat' else 'NO'} | "
            f"{refuted} of {len(result.mutants)} |"
        )
    lines.append("")
    for result in results:
        lines += _obligation_markdown(result, by_slug, answers, vectors)
    lines += [
        "## Requirements and their obligations",
        "",
        "| requirement | obligations | authored vectors citing it |",
        "|---|---|---|",
    ]
    by_requirement: dict[str, list[str]] = defaultdict(list)
    for result in results:
        for requirement in result.obligation.requirements:
            by_requirement[requirement].append(result.obligation.id)
    lines += [
        f"| {requirement} | {', '.join(ids)} | {vectors.count(requirement)} |"
        for requirement, ids in sorted(by_requirement.items())
    ]
    lines += [
        "",
        "## Not proven",
        "",
        "What an auditor might expect and this report does not claim, per obligation:",
        "",
    ]
    for result in results:
        lines += [f"- **{result.obligation.id}**: {item}" for item in result.obligation.not_proven]
        lines += [
            f"- **{result.obligation.id}** (refuted on purpose): {mutant.mutant.words}; smallest "
            "counterexample: "
            f"{_in_words(mutant.counterexample, {v.name: v.words for v in result.obligation.variables})}."
            for mutant in result.mutants
            if mutant.mutant.kind is MutantKind.CLAIM
        ]
    lines.append("")
    return "\n".join(lines).encode("utf-8")
