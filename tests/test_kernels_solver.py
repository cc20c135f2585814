"""The decision kernels evaluate on z3 terms as they do on Python values (GEN-5).

For every kernel, a differential property: the kernel called with Python values gives the
same answer as the kernel called with z3 variables, once the same values are substituted into
the term and it is simplified. The values reach 2^64 and far beyond, negative ones included,
with small values mixed in so that equalities and boundaries occur. This is what lets a proof
about the term speak about the code the reference executes.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest
from forkspec import symbolic
from forkspec.activation import (
    DeploymentState,
    HeightSignaling,
    SignalingRules,
    TimeSignaling,
    allowed_failures,
    bip8_step,
    bip9_step,
    since_height,
    speedy_trial_step,
    too_many_failures,
)
from forkspec.coordination import (
    EventType,
    ProposalState,
    accepted_state,
    activation_height_reached,
    activation_lead_respected,
    expiry_deadline,
    expiry_due,
    review_long_enough,
    review_not_too_long,
    schedule_deadline,
    scheduling_open,
    vote_in_window,
    vote_outcome,
    voting_closes_at,
)
from forkspec.kernels import is_signaling, is_subset, meets_threshold
from forkspec.logic import both, if_then_else, masked, negation
from forkspec.presets import Preset
from hypothesis import given, settings
from hypothesis import strategies as st

z3 = pytest.importorskip("z3")

# Examples per kernel, drawn in batches: one Hypothesis example checks BATCH assignments, which
# keeps the engine's cost per example from dominating.
EXAMPLES = 2000
BATCH = 20
BV_WIDTH = 128

# Small values make equal operands and boundaries likely; the others reach 2^64 and beyond.
INTEGERS = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([2**32 - 1, 2**32, 2**63, 2**64 - 1, 2**64, 2**64 + 1, 2**128, -(2**64)]),
    st.integers(-(2**70), 2**70),
    st.integers(0, 2**200),
)
BIT_VECTORS = st.one_of(
    st.integers(0, 2**32 - 1), st.sampled_from([2**64 - 1, 2**64, 2**64 + 1]), st.integers(0, 2**BV_WIDTH - 1)
)


@dataclass(frozen=True)
class Argument:
    """One argument of a kernel: its name, its kind, and whether the solver term leaves it free.

    A kind is "int" (a z3 integer), "bool", "bv" (a bit-vector of BV_WIDTH bits) or an enum
    class (its z3 enumeration sort). A concrete argument is passed as the same Python value to
    both calls, as the proofs do with a deployment's bit.
    """

    name: str
    kind: str | type[Enum]
    free: bool = True


def ints(*names: str) -> tuple[Argument, ...]:
    return tuple(Argument(name, "int") for name in names)


def variable(argument: Argument) -> Any:
    """The z3 variable that stands for `argument`."""
    if isinstance(argument.kind, type):
        return symbolic.enum_variable(argument.kind, argument.name)
    if argument.kind == "bool":
        return z3.Bool(argument.name)
    if argument.kind == "bv":
        return z3.BitVec(argument.name, BV_WIDTH)
    return z3.Int(argument.name)


def constant(argument: Argument, value: Any) -> Any:
    """The z3 constant of `value` in the sort of `argument`."""
    if isinstance(argument.kind, type):
        return symbolic.encode(argument.kind, value)
    if argument.kind == "bool":
        return z3.BoolVal(value)
    if argument.kind == "bv":
        return z3.BitVecVal(value, BV_WIDTH)
    return z3.IntVal(value)


def values_of(argument: Argument) -> st.SearchStrategy[Any]:
    if isinstance(argument.kind, type):
        return st.sampled_from(list(argument.kind))
    return {"bool": st.booleans(), "bv": BIT_VECTORS, "int": INTEGERS}[argument.kind]


def evaluated(term: Any, expected: Any) -> Any:
    """The Python value of a closed, simplified term, of the type of `expected`."""
    raw = term.term if isinstance(term, symbolic.EnumTerm) else term
    simple = z3.simplify(raw)
    if isinstance(expected, Enum):
        return symbolic.decode(type(expected), simple)
    if isinstance(expected, bool):
        assert z3.is_true(simple) or z3.is_false(simple), f"not closed: {simple}"
        return z3.is_true(simple)
    return simple.as_long()


def substituted(term: Any, pairs: list[tuple[Any, Any]]) -> Any:
    if isinstance(term, symbolic.EnumTerm):
        return symbolic.EnumTerm(term.enum, z3.substitute(term.term, *pairs))
    return z3.substitute(term, *pairs) if pairs else term


SIGNALING_FIELDS = ints("period", "threshold", "start_time", "timeout")


def time_signaling(rules: SignalingRules, a: Mapping[str, Any]) -> TimeSignaling:
    return TimeSignaling(
        rules,
        1,
        a["period"],
        a["threshold"],
        a["start_time"],
        a["timeout"],
        a.get("min_activation_height", 0),
    )


def height_signaling(a: Mapping[str, Any]) -> HeightSignaling:
    return HeightSignaling(
        1, a["period"], a["threshold"], a["start_height"], a["timeout_height"], a["lock_in_on_timeout"]
    )


HEIGHT_FIELDS = (
    *ints("period", "threshold", "start_height", "timeout_height"),
    Argument("lock_in_on_timeout", "bool"),
)
PRESET_FIELDS = (
    "review_min_seconds",
    "review_max_seconds",
    "voting_period_seconds",
    "schedule_window_seconds",
    "min_activation_lead_blocks",
)
VOTING = ints("voting_period_seconds", "schedule_window_seconds")


def preset_of(a: Mapping[str, Any]) -> Preset:
    """A preset whose lifecycle windows are the arguments (symbolic or not) where the kernel reads
    them; the fields it does not read are 0."""
    return Preset("differential", 0, 0, 0, 0, 0, *(a.get(field, 0) for field in PRESET_FIELDS))


STATE = Argument("state", DeploymentState)
PROPOSAL_STATE = Argument("state", ProposalState)

# Each kernel: its arguments and how to call it from a mapping of argument names to values.
KERNELS: dict[str, tuple[tuple[Argument, ...], Callable[[Mapping[str, Any]], Any]]] = {
    "meets_threshold": (
        ints("support", "total", "threshold_bps"),
        lambda a: meets_threshold(a["support"], a["total"], a["threshold_bps"]),
    ),
    "is_signaling on integers": (
        (Argument("version", "int"), Argument("bit", "int", free=False)),
        lambda a: is_signaling(a["version"], a["bit"]),
    ),
    "is_signaling on bit-vectors": (
        (Argument("version", "bv"), Argument("bit", "bv")),
        lambda a: is_signaling(a["version"], a["bit"]),
    ),
    "is_subset on integers": (
        (Argument("inner", "int"), Argument("outer", "int", free=False)),
        lambda a: is_subset(a["inner"], a["outer"]),
    ),
    "is_subset on bit-vectors": (
        (Argument("inner", "bv"), Argument("outer", "bv")),
        lambda a: is_subset(a["inner"], a["outer"]),
    ),
    "bip9_step": (
        (STATE, *ints("median_time", "count"), *SIGNALING_FIELDS),
        lambda a: bip9_step(a["state"], a["median_time"], a["count"], time_signaling(SignalingRules.BIP9, a)),
    ),
    "speedy_trial_step": (
        (STATE, *ints("median_time", "count", "period_start", "min_activation_height"), *SIGNALING_FIELDS),
        lambda a: speedy_trial_step(
            a["state"],
            a["median_time"],
            a["count"],
            a["period_start"],
            time_signaling(SignalingRules.SPEEDY_TRIAL, a),
        ),
    ),
    "bip8_step": (
        (STATE, *ints("count", "period_start"), *HEIGHT_FIELDS),
        lambda a: bip8_step(a["state"], a["count"], a["period_start"], height_signaling(a)),
    ),
    "since_height": (
        (STATE, Argument("previous", DeploymentState), *ints("previous_since", "period_start")),
        lambda a: since_height(a["state"], a["previous"], a["previous_since"], a["period_start"]),
    ),
    "allowed_failures": (HEIGHT_FIELDS, lambda a: allowed_failures(height_signaling(a))),
    "too_many_failures": (
        (Argument("failures", "int"), *HEIGHT_FIELDS),
        lambda a: too_many_failures(a["failures"], height_signaling(a)),
    ),
    "accepted_state": (
        (Argument("event", EventType), Argument("decided", ProposalState)),
        lambda a: accepted_state(a["event"], a["decided"]),
    ),
    "voting_closes_at": (
        ints("voting_opened_at", "voting_period_seconds"),
        lambda a: voting_closes_at(a["voting_opened_at"], preset_of(a)),
    ),
    "schedule_deadline": (
        (*ints("voting_opened_at"), *VOTING),
        lambda a: schedule_deadline(a["voting_opened_at"], preset_of(a)),
    ),
    "review_long_enough": (
        ints("review_opened_at", "at", "review_min_seconds"),
        lambda a: review_long_enough(a["review_opened_at"], a["at"], preset_of(a)),
    ),
    "review_not_too_long": (
        ints("review_opened_at", "at", "review_max_seconds"),
        lambda a: review_not_too_long(a["review_opened_at"], a["at"], preset_of(a)),
    ),
    "vote_in_window": (
        ints("voting_opened_at", "at", "voting_period_seconds"),
        lambda a: vote_in_window(a["voting_opened_at"], a["at"], preset_of(a)),
    ),
    "scheduling_open": (
        (*ints("voting_opened_at", "at"), *VOTING),
        lambda a: scheduling_open(a["voting_opened_at"], a["at"], preset_of(a)),
    ),
    "vote_outcome": (
        (*ints("voting_opened_at", "at", "approving", "total", "threshold_bps"), *VOTING),
        lambda a: vote_outcome(
            a["voting_opened_at"], a["at"], a["approving"], a["total"], a["threshold_bps"], preset_of(a)
        ),
    ),
    "activation_lead_respected": (
        ints("current_height", "activation_height", "min_activation_lead_blocks"),
        lambda a: activation_lead_respected(a["current_height"], a["activation_height"], preset_of(a)),
    ),
    "activation_height_reached": (
        ints("height", "activation_height"),
        lambda a: activation_height_reached(a["height"], a["activation_height"]),
    ),
    "expiry_deadline": (
        (PROPOSAL_STATE, *ints("review_opened_at", "voting_opened_at", "review_max_seconds"), *VOTING),
        lambda a: expiry_deadline(a["state"], a["review_opened_at"], a["voting_opened_at"], preset_of(a)),
    ),
    "expiry_due": (
        (PROPOSAL_STATE, *ints("review_opened_at", "voting_opened_at", "at", "review_max_seconds"), *VOTING),
        lambda a: expiry_due(a["state"], a["review_opened_at"], a["voting_opened_at"], a["at"], preset_of(a)),
    ),
    "if_then_else, both and negation": (
        (*(Argument(name, "bool") for name in ("p", "q")), *ints("x", "y")),
        lambda a: if_then_else(both(a["p"], negation(a["q"])), a["x"], a["y"]),
    ),
}

# The bits a deployment may use, and some far beyond them.
CONCRETE = {
    "bit": st.one_of(st.integers(0, 28), st.integers(29, 200)),
    "outer": INTEGERS.filter(lambda v: v >= 0),
}
BV_BITS = st.integers(0, BV_WIDTH - 1)


@st.composite
def assignments(draw: st.DrawFn, arguments: tuple[Argument, ...]) -> dict[str, Any]:
    values = {}
    for argument in arguments:
        if not argument.free:
            strategy = CONCRETE[argument.name]
        elif argument.kind == "bv" and argument.name == "bit":
            strategy = BV_BITS
        else:
            strategy = values_of(argument)
        values[argument.name] = draw(strategy)
    return values


@pytest.mark.parametrize("name", list(KERNELS))
def test_kernel_on_python_values_equals_its_z3_term(name: str) -> None:
    arguments, call = KERNELS[name]
    free = [argument for argument in arguments if argument.free]
    symbols = {argument.name: variable(argument) for argument in free}
    # A term with concrete arguments depends on their values: built per example, else once.
    shared = call(symbols) if len(free) == len(arguments) else None

    raw_symbols = [symbols[argument.name] for argument in free]

    @settings(max_examples=EXAMPLES // BATCH, deadline=None, database=None)
    @given(st.lists(assignments(arguments), min_size=BATCH, max_size=BATCH))
    def agrees(batch: list[dict[str, Any]]) -> None:
        for values in batch:
            expected = call(values)
            concrete = {argument.name: values[argument.name] for argument in arguments if not argument.free}
            term = shared if shared is not None else call({**symbols, **concrete})
            pairs = [
                (
                    symbol.term if isinstance(symbol, symbolic.EnumTerm) else symbol,
                    constant(argument, values[argument.name]),
                )
                for argument, symbol in zip(free, raw_symbols, strict=True)
            ]
            assert evaluated(substituted(term, pairs), expected) == expected, values

    agrees()


def test_every_public_kernel_has_a_differential_property() -> None:
    """The table covers the kernels of kernels.py and the decision kernels of the areas."""
    import forkspec.kernels

    called = {name.split(" ")[0] for name in KERNELS}
    public = {
        name for name, value in vars(forkspec.kernels).items() if callable(value) and not name.startswith("_")
    }
    assert public - {"masked"} <= called


def test_a_symbolic_state_is_only_a_member() -> None:
    """The enumeration sort has exactly the members: a solver finds no seventh deployment state."""
    state = symbolic.enum_variable(DeploymentState, "s")
    solver = z3.Solver()
    solver.add(*(state != member for member in DeploymentState))
    assert solver.check() == z3.unsat


def test_members_round_trip_through_their_sort() -> None:
    for enum in (DeploymentState, ProposalState, EventType):
        for member in enum:
            assert symbolic.decode(enum, z3.simplify(symbolic.encode(enum, member))) is member


def test_two_enums_with_a_member_of_the_same_name_stay_apart() -> None:
    """ACTIVE is a deployment state and a proposal state: two constants of two sorts."""
    assert (
        symbolic.encode(DeploymentState, DeploymentState.ACTIVE).sort()
        != symbolic.encode(ProposalState, ProposalState.ACTIVE).sort()
    )
    with pytest.raises(TypeError, match="not a DeploymentState"):
        symbolic.encode(DeploymentState, ProposalState.ACTIVE)


@pytest.mark.parametrize(
    "call",
    [
        lambda: if_then_else(1, "a", "b"),
        lambda: both(None, True),
        lambda: negation("yes"),
        lambda: masked("0x20000000", 1),
        lambda: masked(z3.Int("v"), z3.Int("m")),
        lambda: masked(z3.Int("v"), -1),
        lambda: if_then_else(z3.Bool("c"), DeploymentState.ACTIVE, 3),
    ],
)
def test_a_value_that_is_neither_python_nor_solver_is_a_type_error(call: Callable[[], Any]) -> None:
    with pytest.raises(TypeError):
        call()


def test_is_signaling_on_integers_needs_a_concrete_bit() -> None:
    """On solver integers the mask is a constant: a symbolic bit would need a power of two."""
    with pytest.raises(TypeError):
        is_signaling(z3.Int("version"), z3.Int("bit"))


def test_the_reference_runs_without_importing_z3() -> None:
    """z3 is an optional extra: executing kernels on Python values never imports it."""
    program = (
        "import sys\n"
        "from forkspec.handlers import run_handler\n"
        "chain = [{'count': 16, 'version': 0x20000002, 'time': 1}]\n"
        "deployment = {'method': 'bip8', 'bit': 1, 'period': 8, 'threshold': 6,"
        " 'start_height': 8, 'timeout_height': 32, 'lock_in_on_timeout': True}\n"
        "answer = run_handler('deployment_states', 'minimal', {'deployment': deployment,"
        " 'chain': chain, 'heights': [0, 8, 16]})\n"
        "assert [s['state'] for s in answer['states']] == ['DEFINED', 'STARTED', 'LOCKED_IN'], answer\n"
        "assert 'z3' not in sys.modules, 'z3 was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_an_enumeration_sort_makes_variables_and_reads_models() -> None:
    """The sort a proof's state variables have: a variable, its z3 expression, a model's member."""
    sort = symbolic.EnumerationSort(ProposalState)
    variable = sort.symbol("p")
    solver = z3.Solver()
    solver.add(sort.expression(variable) == symbolic.encode(ProposalState, ProposalState.SCHEDULED))
    assert sort.name == "ProposalState" and solver.check() == z3.sat
    assert sort.value(solver.model().eval(sort.expression(variable))) is ProposalState.SCHEDULED
