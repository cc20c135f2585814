"""Obligations PRF-60 to PRF-64: peer negotiation is symmetric, reflexive and bounded by both nodes.

The decision of a negotiation is the kernel `negotiation_verdict` (NEG-7), the negotiated
features the kernel `negotiated_features` (NEG-9). The obligations are over those very
functions, with the two nodes' inputs as free variables: chain ids, genesis hashes, major and
minor versions as unbounded Int; each node's verdict on the other's fork identifier as a value
of the enumeration sort ForkIdVerdict (the fork identifier's CRC-32 is outside the kernel: its
rules are covered by the vectors and the property tests of `tests/test_forkid.py`); flag masks
as 64-bit bit-vectors, on which the kernels' `&` is the solver's own.

PRF-60: the verdict does not depend on the order of the nodes. PRF-61: a node accepts a copy of
itself. PRF-62: the negotiated features do not depend on the order of the nodes. PRF-63: they
are supported by both nodes. PRF-64: when the negotiation is accepted, they include every flag
either node requires.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from forkspec import negotiation
from forkspec.flags import KNOWN_MASK, MASK_BITS
from forkspec.kernels import is_subset
from forkspec.logic import masked
from forkspec.negotiation import ForkIdVerdict, NegotiationVerdict
from forkspec.symbolic import BitVectorSort, EnumerationSort
from forkspec.tools.cases import negotiation as negotiation_cases
from forkspec.tools.proofs import (
    Assumption,
    Goal,
    Mutant,
    MutantKind,
    Obligation,
    RegressionCase,
    Values,
    Variable,
    Witness,
    all_of,
    any_of,
    implies,
    integers,
    kernel_in,
)

LOGIC = "QF_DTBVLIA"
ENCODING = (
    "Chain ids, genesis hashes (as integers) and version numbers are unbounded Int; each node's verdict "
    "on the other's fork identifier is a value of the enumeration sort ForkIdVerdict, exactly one of its "
    "four members; flag masks are (_ BitVec 64), so that the kernels' masks are the solver's bitwise "
    "and, exact for every 64-bit mask. The kernels are the reference's, called on these terms."
)
MASK = BitVectorSort(MASK_BITS)
VERDICT = EnumerationSort(ForkIdVerdict)
# The version of the regression nodes: every registered flag is in force there (FLG-2, FLG-4).
REGRESSION_VERSION = "3.1.0"


def _variables(*nodes: str) -> tuple[Variable, ...]:
    """The inputs of the kernels for each named node."""
    variables: list[Variable] = []
    for node in nodes:
        variables += integers(
            (f"chain_{node}", f"node {node}'s chain id"),
            (f"genesis_{node}", f"node {node}'s genesis hash, as an integer"),
            (f"major_{node}", f"node {node}'s major version"),
            (f"minor_{node}", f"node {node}'s minor version"),
        )
        variables += [
            Variable(
                f"fork_id_seen_{node}", f"what node {node} makes of the other's fork identifier", VERDICT
            ),
            Variable(f"required_{node}", f"the flags node {node} requires", MASK),
            Variable(f"supported_{node}", f"the flags node {node} supports", MASK),
        ]
    return tuple(variables)


def _arguments(v: Values, first: str, second: str) -> tuple[Any, ...]:
    """The arguments of `negotiation_verdict` with node `first` as a and `second` as b."""
    return (
        v[f"chain_{first}"],
        v[f"chain_{second}"],
        v[f"genesis_{first}"],
        v[f"genesis_{second}"],
        v[f"fork_id_seen_{first}"],
        v[f"fork_id_seen_{second}"],
        v[f"major_{first}"],
        v[f"minor_{first}"],
        v[f"major_{second}"],
        v[f"minor_{second}"],
        v[f"required_{first}"],
        v[f"supported_{first}"],
        v[f"required_{second}"],
        v[f"supported_{second}"],
    )


def _one_sided(verdict: Callable[..., Any]) -> Callable[..., Any]:
    """The kernel with the required features checked in one direction only: b's are ignored."""

    def wrong(*arguments: Any) -> Any:
        *before, _required_b, supported_b = arguments
        return verdict(*before, 0, supported_b)

    return wrong


def _well_formed(v: Values, node: str) -> Any:
    """NEG-2 for one node: registered flags only, required within supported."""
    return all_of(
        is_subset(v[f"supported_{node}"], KNOWN_MASK),
        is_subset(v[f"required_{node}"], v[f"supported_{node}"]),
    )


def _regression_bounds(*nodes: str) -> Callable[[Values], Any]:
    """Counterexamples that two mainnet nodes at 3.1.0 can carry: same chain, genesis and forks."""

    def bounds(v: Values) -> Any:
        return all_of(
            *(
                all_of(
                    _well_formed(v, node),
                    v[f"chain_{node}"] == 1,
                    v[f"genesis_{node}"] == 0,
                    v[f"major_{node}"] == 3,
                    v[f"minor_{node}"] == 1,
                    v[f"fork_id_seen_{node}"] == ForkIdVerdict.ACCEPTED,
                )
                for node in nodes
            )
        )

    return bounds


def _node_input(values: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The negotiate input of a counterexample's node: a mainnet node at 3.1.0 with its masks."""
    return negotiation_cases.node(
        protocol_version=REGRESSION_VERSION,
        supported=values[f"supported_{name}"],
        required=values[f"required_{name}"],
        client_name=name,
    )


def _negotiation_regression(why: str, second: str = "b") -> Callable[[Mapping[str, Any]], RegressionCase]:
    def regression(values: Mapping[str, Any]) -> RegressionCase:
        return RegressionCase(
            "negotiate",
            f"a requires {values['required_a']:#x} of {values['supported_a']:#x}, b requires "
            f"{values[f'required_{second}']:#x} of {values[f'supported_{second}']:#x}: {why}",
            {"a": _node_input(values, "a"), "b": _node_input(values, second)},
        )

    return regression


def verdict_is_symmetric() -> Obligation:
    """PRF-60."""
    verdict = kernel_in(negotiation, "negotiation_verdict")

    def symmetric(kernel: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: kernel(*_arguments(v, "a", "b")) == kernel(*_arguments(v, "b", "a"))

    formula = "negotiation_verdict(a, b) == negotiation_verdict(b, a)"
    return Obligation(
        id="PRF-60",
        title="The verdict of a negotiation does not depend on the order of the nodes",
        statement=(
            "For all inputs of two nodes, negotiation_verdict with the nodes in one order and in the other "
            "gives the same verdict: the same acceptance, or the same refusal code. No assumption is needed: "
            "every check of NEG-7 is made in both directions."
        ),
        requirements=("NEG-7", "NEG-10"),
        variables=_variables("a", "b"),
        assumptions=(),
        goal=Goal("the verdict is the same in both orders", formula, symmetric(verdict)),
        witness=Witness(
            "two different nodes are accepted",
            "negotiation_verdict(a, b) == ACCEPTED and supported_a != supported_b",
            lambda v: all_of(
                verdict(*_arguments(v, "a", "b")) == NegotiationVerdict.ACCEPTED,
                v["supported_a"] != v["supported_b"],
            ),
        ),
        mutants=(
            Mutant(
                "one-sided-required-check",
                MutantKind.KERNEL,
                "the required features checked in one direction only (b's requirements ignored)",
                _negotiation_regression("refused in both orders, which a one-sided check does not see"),
                goal=Goal("the verdict is the same in both orders", formula, symmetric(_one_sided(verdict))),
                bounds=_regression_bounds("a", "b"),
                refused=True,
            ),
        ),
        kernels=(verdict, kernel_in(negotiation, "versions_compatible"), kernel_in(negotiation, "is_subset")),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=(
            "That each node's verdict on the other's fork identifier is computed by the rules of FID-7 to "
            "FID-10: the kernel takes both verdicts as inputs, and the vectors cover the rules.",
            "The order in which invalid nodes are reported (NEG-6): the reference takes the first code of "
            "the two in the table, outside the kernel; the vectors ship each such case in both orders.",
        ),
    )


def node_accepts_itself() -> Obligation:
    """PRF-61."""
    verdict = kernel_in(negotiation, "negotiation_verdict")

    def accepted(kernel: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: kernel(*_arguments(v, "a", "a")) == NegotiationVerdict.ACCEPTED

    well_formed = Assumption(
        "A1",
        "the node requires only flags it supports (NEG-2)",
        "required_a & ~supported_a == 0",
        lambda v: is_subset(v["required_a"], v["supported_a"]),
    )
    own_fork_id = Assumption(
        "A2",
        "the node accepts its own fork identifier (FID-11, for a head not above the threshold)",
        "fork_id_seen_a == ACCEPTED",
        lambda v: v["fork_id_seen_a"] == ForkIdVerdict.ACCEPTED,
    )
    formula = "negotiation_verdict(a, a) == ACCEPTED"
    return Obligation(
        id="PRF-61",
        title="A node accepts a copy of itself",
        statement=(
            "A well-formed node that accepts its own fork identifier is accepted by a copy of itself: the "
            "chain ids, genesis hashes and versions are equal, and each requires only what it supports."
        ),
        requirements=("NEG-2", "NEG-7", "NEG-8", "NEG-10", "FID-11"),
        variables=_variables("a"),
        assumptions=(well_formed, own_fork_id),
        goal=Goal("the negotiation of a node with itself is accepted", formula, accepted(verdict)),
        witness=Witness(
            "a node that requires flags",
            "required_a != 0",
            lambda v: v["required_a"] != 0,
        ),
        mutants=(
            Mutant(
                "required-not-supported",
                MutantKind.ASSUMPTION,
                "without A1: a node that requires a flag it does not support refuses itself",
                _negotiation_regression("the node is not well formed (REQUIRED_NOT_SUPPORTED)", second="a"),
                assumptions=(own_fork_id,),
                bounds=lambda v: all_of(
                    is_subset(v["supported_a"], KNOWN_MASK),
                    is_subset(v["required_a"], KNOWN_MASK),
                    v["major_a"] == 3,
                    v["minor_a"] == 1,
                ),
                refused=True,
            ),
        ),
        kernels=(verdict, kernel_in(negotiation, "versions_compatible"), kernel_in(negotiation, "is_subset")),
        logic=LOGIC,
        encoding=ENCODING,
        not_proven=("FID-11 itself: it is assumed here, and stated by a property test and the vectors.",),
    )


def _features(kernel: Callable[..., Any], v: Values, first: str, second: str) -> Any:
    return kernel(
        v[f"supported_{first}"], v[f"supported_{second}"], v[f"in_force_{first}"], v[f"in_force_{second}"]
    )


def _feature_variables() -> tuple[Variable, ...]:
    return (
        *_variables("a", "b"),
        Variable("in_force_a", "the flags in force at node a's version", MASK),
        Variable("in_force_b", "the flags in force at node b's version", MASK),
    )


def _supported_in_force(node: str) -> Assumption:
    return Assumption(
        f"F{node.upper()}",
        f"node {node} supports only flags in force at its version (FLG-10, NEG-2)",
        f"supported_{node} & ~in_force_{node} == 0",
        lambda v: is_subset(v[f"supported_{node}"], v[f"in_force_{node}"]),
    )


def features_are_symmetric() -> Obligation:
    """PRF-62."""
    features = kernel_in(negotiation, "negotiated_features")

    def one_sided(supported_a: Any, supported_b: Any, in_force_a: Any, in_force_b: Any) -> Any:
        return masked(supported_a, in_force_b)

    def symmetric(kernel: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: _features(kernel, v, "a", "b") == _features(kernel, v, "b", "a")

    formula = "negotiated_features(a, b) == negotiated_features(b, a)"
    return Obligation(
        id="PRF-62",
        title="The negotiated features do not depend on the order of the nodes",
        statement="For all masks, the negotiated features of (a, b) and of (b, a) are the same.",
        requirements=("NEG-9", "NEG-10"),
        variables=_feature_variables(),
        assumptions=(),
        goal=Goal("the features are the same in both orders", formula, symmetric(features)),
        witness=Witness(
            "some feature is negotiated",
            "negotiated_features(a, b) != 0",
            lambda v: _features(features, v, "a", "b") != 0,
        ),
        mutants=(
            Mutant(
                "first-node-features",
                MutantKind.KERNEL,
                "the features of the first node in force at the second's version, not those both support",
                _features_regression,
                goal=Goal("the features are the same in both orders", formula, symmetric(one_sided)),
                bounds=_accepted_bounds,
            ),
        ),
        kernels=(features,),
        logic=LOGIC,
        encoding=ENCODING,
    )


def _feature_bounds(v: Values) -> Any:
    """Masks that two mainnet nodes at 3.1.0 can carry: every flag in force at both."""
    return all_of(
        _regression_bounds("a", "b")(v),
        v["in_force_a"] == KNOWN_MASK,
        v["in_force_b"] == KNOWN_MASK,
    )


def _accepted_bounds(v: Values) -> Any:
    """As `_feature_bounds`, for two nodes that accept each other: each supports what the other requires."""
    return all_of(
        _feature_bounds(v),
        is_subset(v["required_a"], v["supported_b"]),
        is_subset(v["required_b"], v["supported_a"]),
    )


_features_regression = _negotiation_regression("the features are those both support")


def features_are_supported_by_both() -> Obligation:
    """PRF-63."""
    features = kernel_in(negotiation, "negotiated_features")

    def union(supported_a: Any, supported_b: Any, in_force_a: Any, in_force_b: Any) -> Any:
        return masked(supported_a | supported_b, masked(in_force_a, in_force_b))

    def within_both(kernel: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: all_of(
            is_subset(_features(kernel, v, "a", "b"), v["supported_a"]),
            is_subset(_features(kernel, v, "a", "b"), v["supported_b"]),
        )

    formula = "negotiated & ~supported_a == 0 and negotiated & ~supported_b == 0"
    return Obligation(
        id="PRF-63",
        title="The negotiated features are supported by both nodes",
        statement="For all masks, every negotiated feature is supported by each of the two nodes.",
        requirements=("NEG-9",),
        variables=_feature_variables(),
        assumptions=(),
        goal=Goal("the negotiated features are within both supported sets", formula, within_both(features)),
        witness=Witness(
            "a node supports a flag that is not negotiated",
            "supported_a & ~negotiated_features(a, b) != 0",
            lambda v: masked(v["supported_a"], ~_features(features, v, "a", "b")) != 0,
        ),
        mutants=(
            Mutant(
                "union",
                MutantKind.KERNEL,
                "the features either node supports, instead of those both support",
                _negotiation_regression("a flag only one node supports is not negotiated"),
                goal=Goal(
                    "the negotiated features are within both supported sets", formula, within_both(union)
                ),
                bounds=_accepted_bounds,
            ),
        ),
        kernels=(features,),
        logic=LOGIC,
        encoding=ENCODING,
    )


def accepted_features_cover_the_requirements() -> Obligation:
    """PRF-64."""
    verdict = kernel_in(negotiation, "negotiation_verdict")
    features = kernel_in(negotiation, "negotiated_features")

    def covered(kernel: Callable[..., Any]) -> Callable[[Values], Any]:
        return lambda v: implies(
            kernel(*_arguments(v, "a", "b")) == NegotiationVerdict.ACCEPTED,
            all_of(
                is_subset(v["required_a"], _features(features, v, "a", "b")),
                is_subset(v["required_b"], _features(features, v, "a", "b")),
            ),
        )

    assumptions = (
        Assumption(
            "RA",
            "node a requires only flags it supports (NEG-2)",
            "required_a & ~supported_a == 0",
            lambda v: is_subset(v["required_a"], v["supported_a"]),
        ),
        Assumption(
            "RB",
            "node b requires only flags it supports (NEG-2)",
            "required_b & ~supported_b == 0",
            lambda v: is_subset(v["required_b"], v["supported_b"]),
        ),
        _supported_in_force("a"),
        _supported_in_force("b"),
        Assumption(
            "M1",
            "flags come into force with versions, so of two versions' flags one set holds the other (FLG-4)",
            "in_force_a & ~in_force_b == 0 or in_force_b & ~in_force_a == 0",
            lambda v: any_of(
                is_subset(v["in_force_a"], v["in_force_b"]), is_subset(v["in_force_b"], v["in_force_a"])
            ),
        ),
    )
    formula = "verdict(a, b) == ACCEPTED => (required_a | required_b) & ~negotiated_features(a, b) == 0"
    return Obligation(
        id="PRF-64",
        title="An accepted negotiation includes every flag either node requires",
        statement=(
            "When the negotiation is accepted, the negotiated features include each node's required flags: "
            "the other node supports them (the last check of NEG-7) and they are in force at the lower "
            "version, since each node supports only flags in force at its own version."
        ),
        requirements=("NEG-2", "NEG-7", "NEG-9", "FLG-4", "FLG-10"),
        variables=_feature_variables(),
        assumptions=assumptions,
        goal=Goal("accepted implies the requirements are negotiated", formula, covered(verdict)),
        witness=Witness(
            "an accepted negotiation in which both nodes require flags",
            "verdict(a, b) == ACCEPTED and required_a != 0 and required_b != 0",
            lambda v: all_of(
                verdict(*_arguments(v, "a", "b")) == NegotiationVerdict.ACCEPTED,
                v["required_a"] != 0,
                v["required_b"] != 0,
            ),
        ),
        mutants=(
            Mutant(
                "one-sided-required-check",
                MutantKind.KERNEL,
                "the required features checked in one direction only (b's requirements ignored)",
                _negotiation_regression("refused: a does not support what b requires"),
                goal=Goal(
                    "accepted implies the requirements are negotiated", formula, covered(_one_sided(verdict))
                ),
                bounds=_feature_bounds,
                refused=True,
            ),
        ),
        kernels=(verdict, features, kernel_in(negotiation, "is_subset")),
        logic=LOGIC,
        encoding=ENCODING,
    )


def obligations() -> tuple[Obligation, ...]:
    """The negotiation obligations, PRF-60 to PRF-64."""
    return (
        verdict_is_symmetric(),
        node_accepts_itself(),
        features_are_symmetric(),
        features_are_supported_by_both(),
        accepted_features_cover_the_requirements(),
    )
