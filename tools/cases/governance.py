"""Cases of the governance area (spec/governance.md): every proposal type and chamber
combination, quorum and approval boundaries, quadratic rounding, the stake gate, every
rejection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.tools.cases import CaseSpec, generic_invalid_cases

OPENS_AT = 1_000
# Stakes summing to 10,000 and tokens whose weights (GOV-3) are 100, 50, 30 and 20.
VALIDATORS = [("v1", 4000), ("v2", 3000), ("v3", 2000), ("v4", 1000)]
HOLDERS = [("h1", 10_000), ("h2", 2_500), ("h3", 900), ("h4", 400)]
PROTOCOL = {"type": "protocol_upgrade", "upgrade_kind": "hard_fork", "voting_opens_at": OPENS_AT}


def proposal(kind: str, upgrade_kind: str | None = None, opens_at: int = OPENS_AT) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": kind, "voting_opens_at": opens_at}
    return entry if upgrade_kind is None else {**entry, "upgrade_kind": upgrade_kind}


def validators(*stakes: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"id": name, "stake": stake} for name, stake in stakes]


def holders(*tokens: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"id": name, "tokens": amount} for name, amount in tokens]


def ballot(voter: str, choice: str, chamber: str = "validators", at: int = OPENS_AT) -> dict[str, Any]:
    return {"chamber": chamber, "voter": voter, "choice": choice, "at": at}


def holder(voter: str, choice: str, at: int = OPENS_AT) -> dict[str, Any]:
    return ballot(voter, choice, "holders", at)


def _tally(
    slug: str,
    requirements: tuple[str, ...],
    description: str,
    presets: tuple[str, ...] = ("mainnet",),
    **changes: Any,
) -> CaseSpec:
    data = {
        "proposal": PROTOCOL,
        "validators": validators(*VALIDATORS),
        "holders": holders(*HOLDERS),
        "ballots": [],
        **changes,
    }
    return CaseSpec("governance_tally", slug, requirements, description, data, presets=presets)


ALL_YES = [ballot(name, "yes") for name, _ in VALIDATORS] + [holder(name, "yes") for name, _ in HOLDERS]


def case_specs() -> Iterator[CaseSpec]:
    """The cases of the area, in the order of the spec."""
    yield from _type_cases()
    yield from _boundary_cases()
    yield from _weight_cases()
    yield from _gate_cases()
    yield from _window_cases()
    yield from _invalid_cases()


def _type_cases() -> Iterator[CaseSpec]:
    """Each proposal type passing, rejected and without quorum, on both presets (GOV-1, GOV-9)."""
    for kind, upgrade_kind in (
        ("protocol_upgrade", "soft_fork"),
        ("protocol_upgrade", "hard_fork"),
        ("parameter_change", None),
        ("treasury_spending", None),
    ):
        name = kind.replace("_", "-") + (f"-{upgrade_kind.replace('_', '-')}" if upgrade_kind else "")
        chosen = proposal(kind, upgrade_kind)
        both = ("mainnet", "minimal")
        yield _tally(
            f"{name}-passes",
            ("GOV-1", "GOV-9"),
            "every voter votes yes",
            both,
            proposal=chosen,
            ballots=ALL_YES,
        )
        yield _tally(
            f"{name}-rejected",
            ("GOV-1", "GOV-5", "GOV-9"),
            "every voter votes no: quorum met, approval 0",
            both,
            proposal=chosen,
            ballots=[{**entry, "choice": "no"} for entry in ALL_YES],
        )
        yield _tally(
            f"{name}-no-quorum",
            ("GOV-1", "GOV-7", "GOV-9"),
            "one small validator votes yes: no quorum",
            both,
            proposal=chosen,
            ballots=[ballot("v4", "yes")],
        )
    emergency = proposal("emergency_action")
    for slug, ballots, description in (
        (
            "passes",
            [ballot("v1", "yes"), ballot("v2", "yes"), ballot("v4", "no")],
            "7000 yes, 1000 no: 87.5%",
        ),
        ("rejected", [ballot("v1", "yes"), ballot("v2", "no")], "4000 yes, 3000 no: 57%, below 75%"),
        ("no-quorum", [ballot("v1", "yes")], "40% participation, below 50%"),
        ("holders-ignored", [ballot("v1", "yes"), ballot("v3", "yes")], "one chamber: holders take no part"),
    ):
        yield _tally(
            f"emergency-action-{slug}",
            ("GOV-1", "GOV-6", "GOV-9"),
            description,
            ("mainnet", "minimal"),
            proposal=emergency,
            ballots=ballots,
        )
    yield _tally(
        "smallest-weights",
        ("GOV-2", "GOV-3"),
        "a stake of 1 and holders of 3 tokens and 0: the smallest weights that vote",
        proposal=proposal("treasury_spending"),
        validators=validators(("v1", 1)),
        holders=holders(("h1", 3), ("h2", 0)),
        ballots=[ballot("v1", "yes"), holder("h1", "yes")],
    )
    yield _tally(
        "emergency-action-no-holders",
        ("GOV-2",),
        "a one-chamber type needs no token holders",
        proposal=emergency,
        holders=[],
        ballots=[ballot("v1", "yes"), ballot("v2", "yes")],
    )
    for slug, ballots, description in (
        (
            "validators-only",
            [ballot(name, "yes") for name, _ in VALIDATORS],
            "only validators vote: 60% share",
        ),
        (
            "holders-only",
            [holder(name, "yes") for name, _ in HOLDERS],
            "only holders vote: 40% share, approval 40%",
        ),
        ("no-ballot", [], "nobody votes: no quorum"),
        (
            "split-chambers",
            [ballot(name, "yes") for name, _ in VALIDATORS] + [holder(name, "no") for name, _ in HOLDERS],
            "validators yes, holders no: approval 60%, exactly the treasury threshold",
        ),
        (
            "abstentions-count-for-quorum",
            [ballot("v1", "yes"), ballot("v2", "abstain"), ballot("v3", "abstain"), holder("h1", "abstain")],
            "abstentions lift participation; approval counts yes and no only",
        ),
        (
            "quorum-paradox",
            [ballot("v4", "yes"), holder("h4", "yes"), ballot("v3", "no")],
            "a no lifts participation from 10% to 22%, past the 20% quorum: passed (GOV-7)",
        ),
        (
            "quorum-paradox-without-the-no",
            [ballot("v4", "yes"), holder("h4", "yes")],
            "the same votes without the no: 10% participation, no quorum",
        ),
        (
            "same-id-both-chambers",
            [ballot("v1", "yes"), holder("v1", "yes"), ballot("v2", "yes"), ballot("v3", "yes")],
            "one id in both chambers votes once in each",
        ),
    ):
        electorate = holders(*HOLDERS, ("v1", 100)) if slug == "same-id-both-chambers" else holders(*HOLDERS)
        yield _tally(
            f"chambers-{slug}",
            ("GOV-4", "GOV-5", "GOV-6", "GOV-7"),
            description,
            proposal=proposal("treasury_spending"),
            holders=electorate,
            ballots=ballots,
        )


def _boundary_cases() -> Iterator[CaseSpec]:
    """Quorum and approval exactly at their thresholds and one unit below (GOV-6, GOV-7)."""
    voters = validators(*((f"v{index}", 1) for index in range(3000)))
    for yes, at_or_below in ((1000, "at"), (999, "below")):
        yield _tally(
            f"quorum-{at_or_below}",
            ("GOV-6", "GOV-7", "GOV-11"),
            f"{yes} of 3000 validators vote, holders none: participation {at_or_below} 20%",
            proposal=proposal("treasury_spending"),
            validators=voters,
            ballots=[ballot(f"v{index}", "yes") for index in range(yes)],
        )
    for yes_weight, at_or_below in ((667, "at"), (666, "below")):
        yield _tally(
            f"approval-two-chambers-{at_or_below}",
            ("GOV-6", "GOV-7"),
            f"validators all yes, holders {yes_weight} of 4000 weight yes: {at_or_below} 66.67%",
            proposal=proposal("protocol_upgrade", "hard_fork"),
            holders=holders(("yes", yes_weight**2), ("no", (4000 - yes_weight) ** 2)),
            ballots=[ballot(name, "yes") for name, _ in VALIDATORS]
            + [holder("yes", "yes"), holder("no", "no")],
        )
    for yes, no, at_or_below in ((3, 1, "at"), (2999, 1001, "below")):
        yield _tally(
            f"approval-one-chamber-{at_or_below}",
            ("GOV-6", "GOV-7"),
            f"{yes} yes, {no} no of stake: {at_or_below} 75%",
            proposal=proposal("emergency_action"),
            validators=validators(("yes", yes), ("no", no)),
            ballots=[ballot("yes", "yes"), ballot("no", "no")],
        )
    # Exact rationals that binary floating point gets wrong (GEN-5): 6000 * 6/7 + 4000 * 3/14 is
    # exactly 6000, which a float sum rounds below; 3/4 - 2^-62 rounds to 3/4 in a double.
    yield _tally(
        "approval-sevenths-exactly-at",
        ("GEN-5", "GOV-6", "GOV-7"),
        "6/7 of validators and 3/14 of holders yes: exactly 60%, passed",
        proposal=proposal("treasury_spending"),
        validators=validators(("yes", 6), ("no", 1)),
        holders=holders(("yes", 9), ("no", 121)),
        ballots=[ballot("yes", "yes"), ballot("no", "no"), holder("yes", "yes"), holder("no", "no")],
    )
    yield _tally(
        "approval-one-part-in-2-62-below",
        ("GEN-5", "GOV-6", "GOV-7"),
        "yes 3 * 2^60 - 1 of 2^62 stake: below 75% by 2^-62, rejected",
        proposal=proposal("emergency_action"),
        validators=validators(("yes", 3 * 2**60 - 1), ("no", 2**60 + 1)),
        ballots=[ballot("yes", "yes"), ballot("no", "no")],
    )
    largest = 2**64 - 1
    yield _tally(
        "largest-weights",
        ("GOV-2", "GOV-3", "GOV-6"),
        "stakes of 2^64-1 and tokens of 2^128-1: exact arithmetic",
        validators=validators(("a", largest), ("b", largest), ("c", largest)),
        holders=holders(("x", 2**128 - 1), ("y", 2**128 - 1)),
        ballots=[
            ballot("a", "yes"),
            ballot("b", "yes"),
            ballot("c", "yes"),
            holder("x", "yes"),
            holder("y", "no"),
        ],
    )


def _weight_cases() -> Iterator[CaseSpec]:
    """Quadratic weights at perfect squares and one below (GOV-3)."""
    named = [(str(tokens), tokens) for tokens in (1, 2, 3, 4, 99, 100, 101)]
    named += [
        ("largest-square-less-1", (2**64 - 1) ** 2 - 1),
        ("largest-square", (2**64 - 1) ** 2),
        ("largest-tokens", 2**128 - 1),
    ]
    for name, tokens in named:
        yield _tally(
            f"weight-of-{name}",
            ("GOV-3",),
            f"a holder of {name.replace('-', ' ')} tokens votes yes: its weight is the yes weight",
            proposal=proposal("parameter_change"),
            holders=holders(("voter", tokens), ("other", 1)),
            ballots=[holder("voter", "yes")],
        )
    for tokens, verdict in ((121, "passes"), (120, "rejected")):
        yield _tally(
            f"rounding-decides-{tokens}",
            ("GOV-3", "GOV-6"),
            f"a yes holder of {tokens} tokens against 100: the vote {verdict}",
            proposal=proposal("parameter_change"),
            validators=validators(("a", 1), ("b", 1)),
            holders=holders(("yes", tokens), ("no", 100)),
            ballots=[ballot("a", "yes"), ballot("b", "no"), holder("yes", "yes"), holder("no", "no")],
        )


def _gate_cases() -> Iterator[CaseSpec]:
    """The stake gate of a protocol upgrade (GOV-8): the coordination threshold of its kind."""
    for kind, yes, at_or_below in (
        ("hard_fork", 8000, "at"),
        ("hard_fork", 7999, "below"),
        ("soft_fork", 5100, "at"),
        ("soft_fork", 5099, "below"),
    ):
        yield _tally(
            f"stake-gate-{kind.replace('_', '-')}-{at_or_below}",
            ("GOV-8", "GOV-9"),
            f"{yes} of 10000 stake yes, holders all yes: the gate {at_or_below} its threshold",
            proposal=proposal("protocol_upgrade", kind),
            validators=validators(("yes", yes), ("rest", 10_000 - yes)),
            ballots=[ballot("yes", "yes"), *(holder(name, "yes") for name, _ in HOLDERS)],
        )
    yield _tally(
        "stake-gate-counts-absent",
        ("GOV-8",),
        "the non-voters' stake counts against the gate: 6/7 of the voters is 60% of all",
        proposal=proposal("protocol_upgrade", "hard_fork"),
        ballots=[
            ballot("v1", "yes"),
            ballot("v3", "yes"),
            ballot("v4", "no"),
            *(holder(n, "yes") for n, _ in HOLDERS),
        ],
    )


def _window_cases() -> Iterator[CaseSpec]:
    """The voting window's two ends on both presets, and windows at the ends of time (GOV-4)."""
    yield _tally(
        "window-from-time-0",
        ("GOV-4", "GOV-10"),
        "voting opens at 0 and a ballot comes at 0",
        proposal=proposal("parameter_change", opens_at=0),
        ballots=[ballot("v1", "yes", at=0)],
    )
    last = 2**64 - 1
    yield _tally(
        "window-to-the-last-second",
        ("GOV-4", "GOV-10"),
        "a window ending at 2^64: a ballot at 2^64-1 counts",
        proposal=proposal("parameter_change", opens_at=2**64 - 604_800),
        ballots=[ballot("v1", "yes", at=last)],
    )
    yield _tally(
        "emergency-action-one-chamber-split",
        ("GOV-6", "GOV-7"),
        "one chamber, 3 of 4 stake yes with holders present: exactly 75%, passed",
        proposal=proposal("emergency_action"),
        validators=validators(("yes", 3), ("no", 1)),
        ballots=[ballot("yes", "yes"), ballot("no", "no")],
    )
    for preset, period in (("mainnet", 604_800), ("minimal", 420)):
        closes = OPENS_AT + period
        for at, valid in ((OPENS_AT, True), (closes - 1, True), (closes, False), (OPENS_AT - 1, False)):
            where = (
                "opening"
                if at == OPENS_AT
                else "last second"
                if at == closes - 1
                else "close"
                if at == closes
                else "second before"
            )
            yield _tally(
                f"{'' if valid else 'invalid-'}ballot-at-{where.replace(' ', '-')}-{preset}",
                ("GOV-4",),
                f"a ballot at the window's {where} ({at}) under {preset}",
                (preset,),
                proposal=proposal("parameter_change"),
                ballots=[ballot("v1", "yes", at=at)],
            )


def _invalid_cases() -> Iterator[CaseSpec]:
    """Every rejection of GOV-2, GOV-4 and GOV-8, and GOV-10's order."""
    for slug, requirements, description, changes in (
        (
            "kind-missing",
            ("GOV-8",),
            "a protocol upgrade without upgrade_kind",
            {"proposal": proposal("protocol_upgrade")},
        ),
        (
            "kind-emergency",
            ("GOV-8",),
            "a protocol upgrade of kind emergency_patch",
            {"proposal": proposal("protocol_upgrade", "emergency_patch")},
        ),
        (
            "kind-on-parameter-change",
            ("GOV-8",),
            "a parameter change with an upgrade_kind",
            {"proposal": proposal("parameter_change", "soft_fork")},
        ),
        (
            "opens-at-range",
            ("GOV-10",),
            "voting opens at 2^64",
            {"proposal": {**PROTOCOL, "voting_opens_at": 2**64}},
        ),
        (
            "opens-at-negative",
            ("GOV-10",),
            "voting opens at -1",
            {"proposal": {**PROTOCOL, "voting_opens_at": -1}},
        ),
        ("ballot-time-negative", ("GOV-4",), "a ballot at -1", {"ballots": [ballot("v1", "yes", at=-1)]}),
        ("stake-negative", ("GOV-2",), "a stake of -1", {"validators": validators(("v1", -1))}),
        ("stake-range", ("GOV-2",), "a stake of 2^64", {"validators": validators(("v1", 2**64))}),
        (
            "validator-twice",
            ("GOV-2",),
            "a validator listed twice",
            {"validators": validators(("v1", 1), ("v1", 2))},
        ),
        ("no-stake", ("GOV-2",), "every stake 0", {"validators": validators(("v1", 0), ("v2", 0))}),
        ("no-validators", ("GOV-2",), "an empty validator set", {"validators": []}),
        ("tokens-negative", ("GOV-2",), "tokens of -1", {"holders": holders(("h1", -1))}),
        ("tokens-range", ("GOV-2",), "tokens of 2^128", {"holders": holders(("h1", 2**128))}),
        ("holder-twice", ("GOV-2",), "a holder listed twice", {"holders": holders(("h1", 4), ("h1", 9))}),
        ("no-holders", ("GOV-2",), "a two-chamber type with no holder", {"holders": []}),
        (
            "no-holder-weight",
            ("GOV-2", "GOV-3"),
            "holders of 0 tokens weigh 0",
            {"holders": holders(("h1", 0))},
        ),
        (
            "holder-on-one-chamber",
            ("GOV-4",),
            "a holder ballot on an emergency action",
            {"proposal": proposal("emergency_action"), "ballots": [holder("h1", "yes")]},
        ),
        (
            "unknown-validator",
            ("GOV-4",),
            "a ballot from outside the set",
            {"ballots": [ballot("v9", "yes")]},
        ),
        (
            "validator-in-holder-chamber",
            ("GOV-4",),
            "a validator voting among the holders",
            {"ballots": [holder("v1", "yes")]},
        ),
        (
            "duplicate-ballot",
            ("GOV-4",),
            "a second ballot, with another choice",
            {"ballots": [ballot("v1", "yes"), ballot("v1", "no")]},
        ),
        (
            "duplicate-holder-ballot",
            ("GOV-4",),
            "a holder voting twice",
            {"ballots": [holder("h1", "no"), holder("h1", "no")]},
        ),
        ("ballot-time-range", ("GOV-4",), "a ballot at 2^64", {"ballots": [ballot("v1", "yes", at=2**64)]}),
        (
            "ballot-time-range-in-window",
            ("GOV-4",),
            "a ballot at 2^64 in a window that runs past 2^64: the time's range first",
            {
                "proposal": proposal("parameter_change", opens_at=2**64 - 10),
                "ballots": [ballot("v1", "yes", at=2**64)],
            },
        ),
        (
            "ballot-last-second-of-time-outside",
            ("GOV-4", "GOV-10"),
            "a ballot at 2^64-1, a valid time, long after the window: outside the window",
            {"ballots": [ballot("v1", "yes", at=2**64 - 1)]},
        ),
        (
            "kind-before-opening",
            ("GOV-10",),
            "no upgrade_kind and a bad opening time: the kind first",
            {"proposal": proposal("protocol_upgrade", opens_at=2**64)},
        ),
        (
            "duplicate-before-range",
            ("GOV-10",),
            "a validator twice, the second out of range: the duplicate",
            {"validators": validators(("v1", 1), ("v1", 2**64))},
        ),
        (
            "validators-before-holders",
            ("GOV-10",),
            "no stake and no holder weight: the validators first",
            {"validators": validators(("v1", 0)), "holders": []},
        ),
        (
            "unknown-before-window",
            ("GOV-4", "GOV-10"),
            "an unknown voter outside the window: unknown first",
            {"ballots": [ballot("v9", "yes", at=0)]},
        ),
        (
            "window-before-duplicate",
            ("GOV-4", "GOV-10"),
            "a second ballot outside the window: the window first",
            {"ballots": [ballot("v1", "yes"), ballot("v1", "yes", at=0)]},
        ),
        (
            "first-bad-ballot",
            ("GOV-4", "GOV-10"),
            "an unknown voter after a duplicate: the earlier ballot decides",
            {"ballots": [ballot("v1", "yes"), ballot("v1", "no"), ballot("v9", "yes")]},
        ),
    ):
        yield _tally(f"invalid-{slug}", requirements, description, **changes)
    yield from generic_invalid_cases(
        "governance_tally",
        {
            "proposal": PROTOCOL,
            "validators": validators(*VALIDATORS),
            "holders": holders(*HOLDERS),
            "ballots": ALL_YES,
        },
    )
