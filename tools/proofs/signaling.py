"""Obligations PRF-30 to PRF-39: the signaling state machines (BIP-9, speedy trial, BIP-8).

Each obligation is about one step of a deployment's state machine: the step kernel the
reference executes (`bip9_step`, `speedy_trial_step`, `bip8_step` in `forkspec.activation`),
called on solver terms. One step relates a period's state to the next one's, given the
period's first height, the median time past before it and the previous period's signaling
count; every other input of the machine is a parameter of the deployment. The claims:

- ACTIVE and FAILED are absorbing (PRF-30 to PRF-32);
- LOCKED_IN leads to ACTIVE: at once under BIP-9 and BIP-8, at the first period that starts
  at or after `min_activation_height` under speedy trial (PRF-33 to PRF-35);
- no deployment is LOCKED_IN or ACTIVE without a period whose signaling count reached the
  threshold, as an inductive invariant: it holds in the first period, and one step keeps it
  (PRF-36 to PRF-38); under BIP-8 this needs the chain's MUST_SIGNAL period to be valid;
- under BIP-8 with `lock_in_on_timeout`, FAILED is unreachable, again as an inductive
  invariant (PRF-39).

The counterexamples of the mutants become `deployment_states` or `deployment_validity`
vectors: chains of whole periods that take a deployment through the states where the mutant
and the reference part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from forkspec import activation
from forkspec.activation import DeploymentState, HeightSignaling, SignalingRules, TimeSignaling
from forkspec.logic import if_then_else
from forkspec.symbolic import EnumerationSort
from forkspec.tools.cases.activation import BIT, time_deployment
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
    any_of,
    implies,
    integers,
    kernel_in,
    negation,
)

S = DeploymentState
STATE_SORT = EnumerationSort(DeploymentState)
SIGNALING_VERSION = 0x20000002  # top bits 001 and bit 1: signals for the deployments below
SILENT_VERSION = 0x20000000
START_TIME, TIMEOUT = 1_000, 5_000
PRESETS = ("minimal",)
ENCODING = (
    "The state is a value of the SMT-LIB enumeration sort DeploymentState (a datatype with one "
    "constructor per state, named DeploymentState.MEMBER): a symbolic state is exactly one of the six "
    "states, with no range assumption. Times, heights, counts and the deployment's parameters are "
    "unbounded Int. The step is the reference's kernel evaluated on these terms through "
    "forkspec.logic, so the formula is the executed code. The median time past and the signaling count "
    "are free inputs of the step: every claim holds for all their values, so it holds for whatever the "
    "chain's blocks make them (sound for any chain; how they are computed is not part of these claims). "
    "Products are by constants only: QF_DTLIA."
)
LOGIC = "QF_DTLIA"

Step = Callable[[Values], Any]


@dataclass(frozen=True)
class Machine:
    """One rule variant: its step kernel called on the obligation's variables, and its vocabulary."""

    name: str
    requirements: tuple[str, ...]
    kernel: Callable[..., Any]
    variables: tuple[Variable, ...]
    call: Callable[[Callable[..., Any], Values], Any]
    domain: Assumption
    timed_out: Callable[[Values], Any]
    timed_out_formula: str
    method: str

    def step(self, v: Values) -> Any:
        """The next period's state by the reference's kernel."""
        return self.call(self.kernel, v)

    def with_count(self, v: Values, count: Any) -> Any:
        """The step with another signaling count."""
        return self.call(self.kernel, {**v, "count": count})


def _time_signaling(rules: SignalingRules, v: Values) -> TimeSignaling:
    return TimeSignaling(
        rules,
        BIT,
        v["period"],
        v["threshold"],
        v["start_time"],
        v["timeout"],
        v.get("min_activation_height", 0),
    )


def _height_signaling(v: Values) -> HeightSignaling:
    return HeightSignaling(
        BIT, v["period"], v["threshold"], v["start_height"], v["timeout_height"], v["lock_in_on_timeout"]
    )


COMMON = (
    Variable("state", "the deployment's state in the previous period", STATE_SORT),
    *integers(
        ("count", "how many blocks of the previous period signal"),
        ("period_start", "the first height of the period whose state is computed"),
        ("period", "the deployment's period"),
        ("threshold", "the deployment's threshold"),
    ),
)
TIME_VARIABLES = (
    *COMMON,
    *integers(
        ("median_time", "the median time past of the last block before the period"),
        ("start_time", "the deployment's start time"),
        ("timeout", "the deployment's timeout"),
    ),
)


def _time_domain(extra: str = "") -> Assumption:
    def holds(v: Values) -> Any:
        conditions = [
            v["threshold"] >= 1,
            v["threshold"] <= v["period"],
            v["start_time"] >= 0,
            v["start_time"] < v["timeout"],
            v["count"] >= 0,
            v["count"] <= v["period"],
            v["period_start"] >= 0,
        ]
        if extra:
            conditions.append(v["min_activation_height"] >= 0)
        return all_of(*conditions)

    return Assumption(
        "D1",
        "the deployment is valid (SIG-3) and the count is that of one period",
        "1 <= threshold <= period, 0 <= start_time < timeout, 0 <= count <= period, period_start >= 0"
        + extra,
        holds,
    )


def _bip8_domain() -> Assumption:
    return Assumption(
        "D1",
        "the deployment is valid (SIG-10, SIG-15) and the count is that of one period",
        "1 <= threshold <= period, 0 <= start_height, "
        "timeout_height >= max(start_height, period) + 2 * period, 0 <= count <= period, period_start >= 0",
        lambda v: all_of(
            v["threshold"] >= 1,
            v["threshold"] <= v["period"],
            v["start_height"] >= 0,
            v["timeout_height"] >= v["start_height"] + 2 * v["period"],
            v["timeout_height"] >= 3 * v["period"],
            v["count"] >= 0,
            v["count"] <= v["period"],
            v["period_start"] >= 0,
        ),
    )


def machines() -> dict[str, Machine]:
    """The three rule variants, each with the kernel the reference executes."""
    return {
        "bip9": Machine(
            "BIP-9",
            ("SIG-2", "SIG-4", "SIG-5", "SIG-7"),
            kernel_in(activation, "bip9_step"),
            TIME_VARIABLES,
            lambda kernel, v: kernel(
                v["state"], v["median_time"], v["count"], _time_signaling(SignalingRules.BIP9, v)
            ),
            _time_domain(),
            lambda v: v["median_time"] >= v["timeout"],
            "median_time >= timeout",
            "bip9",
        ),
        "speedy_trial": Machine(
            "speedy trial",
            ("SIG-2", "SIG-4", "SIG-5", "SIG-8"),
            kernel_in(activation, "speedy_trial_step"),
            (
                *TIME_VARIABLES,
                Variable("min_activation_height", "the deployment's minimum activation height"),
            ),
            lambda kernel, v: kernel(
                v["state"],
                v["median_time"],
                v["count"],
                v["period_start"],
                _time_signaling(SignalingRules.SPEEDY_TRIAL, v),
            ),
            _time_domain(", min_activation_height >= 0"),
            lambda v: v["median_time"] >= v["timeout"],
            "median_time >= timeout",
            "speedy_trial",
        ),
        "bip8": Machine(
            "BIP-8",
            ("SIG-2", "SIG-10", "SIG-11"),
            kernel_in(activation, "bip8_step"),
            (
                *COMMON,
                *integers(
                    ("start_height", "the deployment's start height"),
                    ("timeout_height", "the deployment's timeout height"),
                ),
                Variable("lock_in_on_timeout", "whether the deployment locks in on timeout", Sort.BOOL),
            ),
            lambda kernel, v: kernel(v["state"], v["count"], v["period_start"], _height_signaling(v)),
            _bip8_domain(),
            lambda v: v["period_start"] >= v["timeout_height"],
            "period_start >= timeout_height",
            "bip8",
        ),
    }


# Regression chains ------------------------------------------------------------------------------

# A regression's period: large enough that the median time past of a period's last block is a
# block of that period (the median of eleven is the sixth from the end), small enough to read.
REGRESSION_PERIOD_RANGE = (6, 32)


def _regression_bounds(v: Values) -> Any:
    low, high = REGRESSION_PERIOD_RANGE
    return all_of(low <= v["period"], v["period"] <= high, v["threshold"] >= 2)


def _deployment_json(method: str, values: Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
    period, threshold = values["period"], values["threshold"]
    if method == "bip8":
        deployment: dict[str, Any] = {
            "method": "bip8",
            "bit": BIT,
            "period": period,
            "threshold": threshold,
            "start_height": period,
            "timeout_height": 4 * period,
            "lock_in_on_timeout": False,
        }
    else:
        deployment = time_deployment(method, period, threshold, start_time=START_TIME, timeout=TIMEOUT)
    deployment.update(overrides)
    return deployment


def _chain_case(
    method: str,
    values: Mapping[str, Any],
    periods: list[tuple[int, int]],
    description: str,
    handler: str = "deployment_states",
    **overrides: Any,
) -> RegressionCase:
    """A chain of whole periods, each given as (signaling blocks, time of its blocks), and the
    state asked at every period start."""
    period = values["period"]
    runs = []
    for signaling, time in periods:
        if signaling:
            runs.append({"count": signaling, "version": SIGNALING_VERSION, "time": time})
        if period - signaling:
            runs.append({"count": period - signaling, "version": SILENT_VERSION, "time": time})
    data: dict[str, Any] = {"deployment": _deployment_json(method, values, **overrides), "chain": runs}
    if handler == "deployment_states":
        data["heights"] = [index * period for index in range(len(periods) + 1)]
    return RegressionCase(handler, description, data, presets=PRESETS)


def _activation_then_timeout(method: str) -> Callable[[Mapping[str, Any]], RegressionCase]:
    """Locks in, activates, then runs past the timeout: the state stays ACTIVE."""

    def regression(values: Mapping[str, Any]) -> RegressionCase:
        period = values["period"]
        late = TIMEOUT if method != "bip8" else START_TIME
        periods = [(0, START_TIME), (period, START_TIME), (0, START_TIME), (0, late), (0, late)]
        return _chain_case(
            method,
            values,
            periods,
            f"{method}: period {period}, threshold {values['threshold']}: locked in and active before the "
            "timeout, it stays ACTIVE after the timeout",
        )

    return regression


def _lock_in_then_silence(method: str) -> Callable[[Mapping[str, Any]], RegressionCase]:
    """Locks in on a full period, then a silent one: LOCKED_IN still becomes ACTIVE."""

    def regression(values: Mapping[str, Any]) -> RegressionCase:
        period = values["period"]
        periods = [(0, START_TIME), (period, START_TIME), (0, START_TIME), (0, START_TIME)]
        return _chain_case(
            method,
            values,
            periods,
            f"{method}: period {period}, threshold {values['threshold']}: the period after the lock-in does "
            "not signal, and the deployment becomes ACTIVE all the same",
        )

    return regression


def _one_short(method: str) -> Callable[[Mapping[str, Any]], RegressionCase]:
    """A period with one signaling block fewer than the threshold: no lock-in."""

    def regression(values: Mapping[str, Any]) -> RegressionCase:
        period, threshold = values["period"], values["threshold"]
        periods = [(0, START_TIME), (threshold - 1, START_TIME), (0, START_TIME)]
        return _chain_case(
            method,
            values,
            periods,
            f"{method}: period {period}, threshold {threshold}: {threshold - 1} signaling blocks are one "
            "short of the threshold, so the deployment does not lock in",
        )

    return regression


# Obligations --------------------------------------------------------------------------------------


def _final(v: Values) -> Any:
    return any_of(v["state"] == S.ACTIVE, v["state"] == S.FAILED)


def absorbing(identifier: str, machine: Machine) -> Obligation:
    """ACTIVE and FAILED never change."""
    method = machine.method

    def timeout_everywhere(v: Values) -> Any:
        return if_then_else(machine.timed_out(v), S.FAILED, machine.step(v))

    return Obligation(
        id=identifier,
        title=f"{machine.name}: ACTIVE and FAILED are absorbing",
        statement=(
            f"Under {machine.name}, a deployment that is ACTIVE or FAILED keeps that state in the next "
            "period, whatever the time, the height and the signaling."
        ),
        requirements=machine.requirements,
        variables=machine.variables,
        assumptions=(
            machine.domain,
            Assumption("A1", "the state is final", "state in {ACTIVE, FAILED}", _final),
        ),
        goal=Goal(
            "the next state is the state",
            "step(state, ...) == state",
            lambda v: machine.step(v) == v["state"],
        ),
        witness=Witness(
            "an active deployment past its timeout",
            f"state == ACTIVE and {machine.timed_out_formula}",
            lambda v: all_of(v["state"] == S.ACTIVE, machine.timed_out(v)),
        ),
        mutants=(
            Mutant(
                "timeout-in-every-state",
                MutantKind.KERNEL,
                f"the step with the timeout ({machine.timed_out_formula}) applied in every state, so that "
                "an active deployment fails at the timeout",
                _activation_then_timeout(method),
                goal=Goal(
                    "the next state is the state",
                    "step'(state, ...) == state",
                    lambda v: timeout_everywhere(v) == v["state"],
                ),
                bounds=_regression_bounds,
            ),
        ),
        kernels=(machine.kernel,),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=("That a chain reaches a final state: a deployment may stay DEFINED or STARTED forever.",),
    )


def locked_in_leads_to_active(identifier: str, machine: Machine) -> Obligation:
    """LOCKED_IN becomes ACTIVE: at once, or at the minimum activation height under speedy trial."""
    speedy = machine.method == "speedy_trial"
    bip8 = machine.method == "bip8"

    def expected(v: Values) -> Any:
        return (
            if_then_else(v["period_start"] >= v["min_activation_height"], S.ACTIVE, S.LOCKED_IN)
            if speedy
            else S.ACTIVE
        )

    def goal(step: Step) -> Callable[[Values], Any]:
        def holds(v: Values) -> Any:
            locked = implies(v["state"] == S.LOCKED_IN, step(v) == expected(v))
            return (
                all_of(locked, implies(v["state"] == S.MUST_SIGNAL, step(v) == S.LOCKED_IN))
                if bip8
                else locked
            )

        return holds

    formula = (
        "state == LOCKED_IN => step(...) == (ACTIVE if period_start >= min_activation_height else LOCKED_IN)"
        if speedy
        else "state == LOCKED_IN => step(...) == ACTIVE"
        + (" and state == MUST_SIGNAL => step(...) == LOCKED_IN" if bip8 else "")
    )
    if speedy:
        mutant = Mutant(
            "activation-at-once",
            MutantKind.KERNEL,
            "BIP-9's rule in speedy trial: LOCKED_IN becomes ACTIVE at once, before min_activation_height",
            lambda values: _chain_case(
                "speedy_trial",
                values,
                [
                    (0, START_TIME),
                    (values["period"], START_TIME),
                    (0, START_TIME),
                    (0, START_TIME),
                    (0, START_TIME),
                ],
                f"speedy_trial: period {values['period']}, threshold {values['threshold']}, "
                f"min_activation_height {5 * values['period']}: locked in at {2 * values['period']}, it "
                "waits for the minimum activation height",
                min_activation_height=5 * values["period"],
            ),
            goal=Goal(
                "LOCKED_IN waits for the minimum activation height",
                formula,
                goal(lambda v: if_then_else(v["state"] == S.LOCKED_IN, S.ACTIVE, machine.step(v))),
            ),
            bounds=_regression_bounds,
        )
    else:
        mutant = Mutant(
            "lock-in-rechecks-the-count",
            MutantKind.KERNEL,
            "the step that sends a LOCKED_IN deployment back to STARTED when the last period did not reach "
            "the threshold",
            _lock_in_then_silence(machine.method),
            goal=Goal(
                "LOCKED_IN becomes ACTIVE at once",
                formula,
                goal(
                    lambda v: if_then_else(
                        all_of(v["state"] == S.LOCKED_IN, v["count"] < v["threshold"]),
                        S.STARTED,
                        machine.step(v),
                    )
                ),
            ),
            bounds=_regression_bounds,
        )
    return Obligation(
        id=identifier,
        title=f"{machine.name}: LOCKED_IN leads to ACTIVE"
        + (" at the minimum activation height" if speedy else " in the next period"),
        statement=(
            "Under speedy trial a LOCKED_IN deployment stays LOCKED_IN exactly while the period starts below "
            "min_activation_height and becomes ACTIVE at the first period that starts at or after it; period "
            "starts grow by the period (at least 1) from one step to the next, so it always gets there."
            if speedy
            else f"Under {machine.name} a LOCKED_IN deployment is ACTIVE in the next period, whatever the "
            "signaling" + (", and a MUST_SIGNAL one is LOCKED_IN in the next period." if bip8 else ".")
        ),
        requirements=machine.requirements,
        variables=machine.variables,
        assumptions=(machine.domain,),
        goal=Goal(
            "LOCKED_IN becomes ACTIVE" + (" at the minimum activation height" if speedy else " at once"),
            formula,
            goal(machine.step),
        ),
        witness=Witness(
            "a locked-in deployment whose last period did not signal"
            + (", before its minimum activation height" if speedy else ""),
            "state == LOCKED_IN and count < threshold"
            + (" and period_start < min_activation_height" if speedy else ""),
            lambda v: all_of(
                v["state"] == S.LOCKED_IN,
                v["count"] < v["threshold"],
                *((v["period_start"] < v["min_activation_height"],) if speedy else ()),
            ),
        ),
        mutants=(mutant,),
        kernels=(machine.kernel,),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=(
            "Anything about the chain's blocks: the step is proved for every count and time, the chain only "
            "chooses which ones occur.",
        ),
    )


def lock_in_needs_a_threshold_period(identifier: str, machine: Machine) -> Obligation:
    """The inductive invariant: LOCKED_IN or ACTIVE only after a period that reached the threshold."""
    bip8 = machine.method == "bip8"
    reached = Variable("reached", "some earlier period's signaling count reached the threshold", Sort.BOOL)

    def invariant(state: Any, has_reached: Any) -> Any:
        return implies(any_of(state == S.LOCKED_IN, state == S.ACTIVE), has_reached)

    def inductive(step: Step) -> Callable[[Values], Any]:
        def holds(v: Values) -> Any:
            base = invariant(S.DEFINED, False)
            after = any_of(v["reached"], v["count"] >= v["threshold"])
            return all_of(base, implies(invariant(v["state"], v["reached"]), invariant(step(v), after)))

        return holds

    formula = (
        "I(DEFINED, false) and (I(state, reached) => I(step(...), reached or count >= threshold)), "
        "I(s, r) = (s in {LOCKED_IN, ACTIVE} => r)"
    )
    assumptions = [machine.domain]
    if bip8:
        too_many_failures = kernel_in(activation, "too_many_failures")
        assumptions.append(
            Assumption(
                "A1",
                "the chain is valid: a MUST_SIGNAL period has no more non-signaling blocks than it "
                "allows (SIG-12)",
                "state == MUST_SIGNAL => not too_many_failures(period - count)",
                lambda v: implies(
                    v["state"] == S.MUST_SIGNAL,
                    negation(too_many_failures(v["period"] - v["count"], _height_signaling(v))),
                ),
            )
        )
    mutants = [
        Mutant(
            "one-block-short",
            MutantKind.KERNEL,
            "the step that locks in with one signaling block fewer than the threshold "
            "(count >= threshold - 1)",
            _one_short(machine.method),
            goal=Goal(
                "the invariant is inductive",
                formula,
                inductive(lambda v: machine.with_count(v, v["count"] + 1)),
            ),
            bounds=_regression_bounds,
        )
    ]
    kernels: tuple[Callable[..., Any], ...] = (machine.kernel,)
    if bip8:
        too_many_failures = kernel_in(activation, "too_many_failures")
        kernels = (machine.kernel, too_many_failures, kernel_in(activation, "allowed_failures"))

        def lenient(v: Values) -> Any:
            return implies(
                v["state"] == S.MUST_SIGNAL,
                negation(too_many_failures(v["period"] - v["count"] - 1, _height_signaling(v))),
            )

        mutants.append(
            Mutant(
                "one-failure-too-many-allowed",
                MutantKind.ASSUMPTION,
                "a MUST_SIGNAL period that allows one non-signaling block more than period - threshold",
                lambda values: _chain_case(
                    "bip8",
                    values,
                    [(0, START_TIME), (0, START_TIME), (values["threshold"] - 1, START_TIME)],
                    f"bip8 with lock-in on timeout: period {values['period']}, threshold "
                    f"{values['threshold']}: the MUST_SIGNAL period has "
                    f"{values['period'] - values['threshold'] + 1} non-signaling blocks, one more than it "
                    "allows: the block that reaches that count is invalid",
                    handler="deployment_validity",
                    timeout_height=3 * values["period"],
                    lock_in_on_timeout=True,
                ),
                assumptions=(
                    machine.domain,
                    Assumption(
                        "A1",
                        "a MUST_SIGNAL period allows one non-signaling block more",
                        "state == MUST_SIGNAL => not too_many_failures(period - count - 1)",
                        lenient,
                    ),
                ),
                bounds=_regression_bounds,
            )
        )
    return Obligation(
        id=identifier,
        title=f"{machine.name}: no lock-in without a period that reached the threshold",
        statement=(
            f"Under {machine.name}, a deployment is LOCKED_IN or ACTIVE only if some period's signaling "
            "count reached the threshold. Proved as an inductive invariant over the step: it holds in the "
            "genesis period (DEFINED, nothing reached), and if it holds for a period's state it holds for "
            "the next one, where `reached` grows by the period's count."
            + (
                " Under BIP-8 a MUST_SIGNAL period locks in whatever its count, so the invariant needs the "
                "chain to be valid (A1): a node rejects the block that makes the MUST_SIGNAL period's "
                "non-signaling blocks exceed period - threshold."
                if bip8
                else ""
            )
        ),
        requirements=(*machine.requirements, *(("SIG-12", "SIG-13") if bip8 else ())),
        variables=(*machine.variables, reached),
        assumptions=tuple(assumptions),
        goal=Goal("the invariant holds initially and is kept by one step", formula, inductive(machine.step)),
        witness=Witness(
            "a started deployment whose period reaches the threshold and locks in",
            "state == STARTED and not reached and count >= threshold and step(...) == LOCKED_IN",
            lambda v: all_of(
                v["state"] == S.STARTED,
                negation(v["reached"]),
                v["count"] >= v["threshold"],
                machine.step(v) == S.LOCKED_IN,
            ),
        ),
        mutants=tuple(mutants),
        kernels=kernels,
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=(
            "That the counting of a period's signals is right: the count is an input of the step here; "
            "is_signaling and the count are covered by the threshold obligations and the vectors.",
        ),
    )


def bip8_lock_in_on_timeout_never_fails(identifier: str, machine: Machine) -> Obligation:
    """With lock_in_on_timeout, FAILED is unreachable."""

    def invariant(state: Any) -> Any:
        return state != S.FAILED

    def inductive(step: Step) -> Callable[[Values], Any]:
        def holds(v: Values) -> Any:
            return all_of(invariant(S.DEFINED), implies(invariant(v["state"]), invariant(step(v))))

        return holds

    formula = "DEFINED != FAILED and (state != FAILED => step(...) != FAILED), given lock_in_on_timeout"
    ignored = Goal(
        "FAILED stays unreachable",
        formula,
        inductive(lambda v: machine.call(machine.kernel, {**v, "lock_in_on_timeout": False})),
    )
    return Obligation(
        id=identifier,
        title="BIP-8 with lock-in on timeout: FAILED is unreachable",
        statement=(
            "Under BIP-8 with lock_in_on_timeout, no period is FAILED. Proved as an inductive invariant: "
            "the genesis period is DEFINED, not FAILED, and from any state other than FAILED one step never "
            "leads to FAILED: a STARTED deployment that has not locked in reaches MUST_SIGNAL one period "
            "before the timeout height, never the timeout itself."
        ),
        requirements=(*machine.requirements, "SIG-12"),
        variables=machine.variables,
        assumptions=(
            machine.domain,
            Assumption(
                "A1",
                "the deployment locks in on timeout",
                "lock_in_on_timeout",
                lambda v: v["lock_in_on_timeout"],
            ),
        ),
        goal=Goal("FAILED stays unreachable", formula, inductive(machine.step)),
        witness=Witness(
            "a started deployment that has not reached the threshold at the last period before the timeout",
            "state == STARTED and count < threshold and period_start + period >= timeout_height",
            lambda v: all_of(
                v["state"] == S.STARTED,
                v["count"] < v["threshold"],
                v["period_start"] + v["period"] >= v["timeout_height"],
            ),
        ),
        mutants=(
            Mutant(
                "lock-in-on-timeout-ignored",
                MutantKind.KERNEL,
                "the step that ignores lock_in_on_timeout and fails at the timeout height",
                lambda values: _chain_case(
                    "bip8",
                    values,
                    [(0, START_TIME)] * 5,
                    f"bip8 with lock-in on timeout: period {values['period']}, threshold "
                    f"{values['threshold']}, no block signals: MUST_SIGNAL before the timeout, then "
                    "LOCKED_IN and ACTIVE, never FAILED",
                    lock_in_on_timeout=True,
                ),
                goal=ignored,
                bounds=_regression_bounds,
            ),
        ),
        kernels=(machine.kernel,),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=(
            "That the network accepts the chain: with lock-in on timeout a chain whose MUST_SIGNAL period "
            "does not signal enough is invalid (SIG-12); this obligation is about the states only.",
        ),
    )


def obligations() -> tuple[Obligation, ...]:
    """The signaling obligations, PRF-30 to PRF-39."""
    found = machines()
    bip9, speedy, bip8 = found["bip9"], found["speedy_trial"], found["bip8"]
    return (
        absorbing("PRF-30", bip9),
        absorbing("PRF-31", speedy),
        absorbing("PRF-32", bip8),
        locked_in_leads_to_active("PRF-33", bip9),
        locked_in_leads_to_active("PRF-34", speedy),
        locked_in_leads_to_active("PRF-35", bip8),
        lock_in_needs_a_threshold_period("PRF-36", bip9),
        lock_in_needs_a_threshold_period("PRF-37", speedy),
        lock_in_needs_a_threshold_period("PRF-38", bip8),
        bip8_lock_in_on_timeout_never_fails("PRF-39", bip8),
    )
