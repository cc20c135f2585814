"""Cases of the upgrade-classification area (spec/classification.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.presets import load_preset, preset_names
from forkspec.tools.cases import CaseSpec, generic_invalid_cases

KINDS = ("soft_fork", "hard_fork", "emergency_patch", "client_update")
# The bump each kind requires (CLS-4), as the case author states it: any other bump is invalid.
REQUIRED_BUMP = {
    "soft_fork": "minor",
    "hard_fork": "major",
    "emergency_patch": "patch",
    "client_update": "patch",
}
BUMP_EXAMPLES = (
    ("major", "2.0.0"),
    ("minor", "1.5.0"),
    ("patch", "1.4.3"),
    ("none", "1.4.2+rebuild"),
)
OLD_VERSION = "1.4.2"
UINT64_MAX = 2**64 - 1
RELEASED_AT = 1_700_000_000


def _validators(*stakes: tuple[int, bool]) -> list[dict[str, Any]]:
    return [
        {"id": f"v{index}", "stake": stake, "supports": supports}
        for index, (stake, supports) in enumerate(stakes)
    ]


def _window_cases() -> Iterator[CaseSpec]:
    """Emergency-patch activation windows: the boundary of each preset's window, under that preset."""
    for preset in preset_names():
        window = load_preset(preset).emergency_activation_window_seconds
        for delay, why, slug in (
            (0, "at release", "emergency-delay-0"),
            (window, "exactly at the window", f"emergency-delay-{window}"),
            (window + 1, "one second past the window", f"invalid-emergency-delay-{window + 1}"),
        ):
            yield CaseSpec(
                "upgrade_check",
                slug,
                ("CLS-10",),
                f"emergency patch activating {why} ({delay} s after release)",
                {
                    "kind": "emergency_patch",
                    "old_version": OLD_VERSION,
                    "new_version": "1.4.3",
                    "released_at": RELEASED_AT,
                    "activates_at": RELEASED_AT + delay,
                },
                presets=(preset,),
            )


def _support_boundary_cases() -> Iterator[CaseSpec]:
    """Each kind's threshold, exactly met and missed by one unit of stake, under each preset."""
    for preset in preset_names():
        parameters = load_preset(preset)
        thresholds = {
            "soft_fork": parameters.soft_fork_threshold_bps,
            "hard_fork": parameters.hard_fork_threshold_bps,
        }
        for kind, bps in thresholds.items():
            for supporting, why in ((bps, "exactly at"), (bps - 1, "one unit below")):
                yield CaseSpec(
                    "upgrade_support",
                    f"{kind}-{why.replace(' ', '-')}-threshold",
                    ("CLS-6", "CLS-7"),
                    f"{kind}: {supporting} of 10000 stake supports, {why} the threshold",
                    {
                        "kind": kind,
                        "validators": _validators((supporting, True), (10_000 - supporting, False)),
                    },
                    presets=(preset,),
                )


def case_specs() -> Iterator[CaseSpec]:
    """The classification cases."""
    for kind in KINDS:
        yield CaseSpec(
            "upgrade_policy",
            kind,
            ("CLS-1", "CLS-2", "CLS-3", "CLS-4", "CLS-5"),
            f"the policy of a {kind}",
            {"kind": kind},
            presets=preset_names(),
        )
    for name, why in (("Soft_Fork", "wrong case"), ("fork", "not a kind"), ("", "empty")):
        yield CaseSpec(
            "upgrade_policy",
            f"invalid-unknown-kind-{why.replace(' ', '-')}",
            ("CLS-1",),
            f"unknown kind: {why}",
            {"kind": name},
        )

    for kind in KINDS:
        for bump, new_version in BUMP_EXAMPLES:
            timing = (
                {"released_at": RELEASED_AT, "activates_at": RELEASED_AT + 600}
                if kind == "emergency_patch"
                else {}
            )
            yield CaseSpec(
                "upgrade_check",
                f"{kind}-{bump}-bump" if bump == REQUIRED_BUMP[kind] else f"invalid-{kind}-{bump}-bump",
                ("CLS-4", "CLS-8"),
                f"a {kind} declared with a {bump} bump ({OLD_VERSION} -> {new_version})",
                {"kind": kind, "old_version": OLD_VERSION, "new_version": new_version, **timing},
            )
        yield CaseSpec(
            "upgrade_check",
            f"invalid-{kind}-downgrade",
            ("CLS-8", "VER-13"),
            f"a {kind} to a lower version",
            {"kind": kind, "old_version": OLD_VERSION, "new_version": "1.4.1"},
        )
    yield from _window_cases()
    emergency = {"kind": "emergency_patch", "old_version": OLD_VERSION, "new_version": "1.4.3"}
    update = {"kind": "client_update", "old_version": OLD_VERSION, "new_version": "1.4.3"}
    fork = {"kind": "hard_fork", "old_version": OLD_VERSION, "new_version": "2.0.0"}
    for slug, requirements, description, data in (
        (
            "invalid-emergency-missing-times",
            ("CLS-10",),
            "an emergency patch without release and activation times",
            emergency,
        ),
        (
            "invalid-emergency-missing-release",
            ("CLS-10",),
            "an emergency patch without a release time",
            {**emergency, "activates_at": RELEASED_AT},
        ),
        (
            "invalid-emergency-activation-before-release",
            ("CLS-11",),
            "an emergency patch activating before its release",
            {**emergency, "released_at": RELEASED_AT, "activates_at": RELEASED_AT - 1},
        ),
        (
            "invalid-emergency-bump-checked-first",
            ("CLS-8", "GEN-7"),
            "a bump mismatch is reported before a timing error",
            {
                **emergency,
                "new_version": "1.5.0",
                "released_at": RELEASED_AT,
                "activates_at": RELEASED_AT - 1,
            },
        ),
        (
            "invalid-client-update-with-activation",
            ("CLS-9",),
            "a client update that declares an activation",
            {**update, "activates_at": RELEASED_AT},
        ),
        (
            "client-update-with-release-time",
            ("CLS-9",),
            "a client update may state its release time",
            {**update, "released_at": RELEASED_AT},
        ),
        (
            "invalid-hard-fork-activation-before-release",
            ("CLS-11",),
            "a hard fork activating before its release",
            {**fork, "released_at": RELEASED_AT, "activates_at": RELEASED_AT - 1},
        ),
        (
            "soft-fork-with-release-time-only",
            ("CLS-9", "CLS-10"),
            "a soft fork may state its release time without an activation time",
            {
                "kind": "soft_fork",
                "old_version": OLD_VERSION,
                "new_version": "1.5.0",
                "released_at": RELEASED_AT,
            },
        ),
        (
            "soft-fork-with-activation-time-only",
            ("CLS-10", "CLS-11"),
            "a soft fork may state its activation time without a release time",
            {"kind": "soft_fork", "old_version": OLD_VERSION, "new_version": "1.5.0", "activates_at": 0},
        ),
        (
            "hard-fork-at-time-0",
            ("CLS-11", "CLS-12"),
            "released and activated at time 0, the smallest timestamp",
            {**fork, "released_at": 0, "activates_at": 0},
        ),
        (
            "emergency-released-at-time-0",
            ("CLS-10", "CLS-12"),
            "an emergency patch released at time 0 and activated at once",
            {**emergency, "released_at": 0, "activates_at": 0},
        ),
        (
            "invalid-emergency-missing-activation",
            ("CLS-10",),
            "an emergency patch with a release time but no activation time",
            {**emergency, "released_at": 0},
        ),
        (
            "invalid-client-update-activation-at-0",
            ("CLS-9",),
            "a client update that declares an activation at time 0",
            {**update, "activates_at": 0},
        ),
        (
            "invalid-timestamp-negative-activation",
            ("CLS-12",),
            "a negative activation time",
            {**fork, "released_at": RELEASED_AT, "activates_at": -1},
        ),
        (
            "invalid-timestamp-release-at-2-64",
            ("CLS-12",),
            "a release time at 2^64",
            {**fork, "released_at": UINT64_MAX + 1, "activates_at": UINT64_MAX + 1},
        ),
        (
            "invalid-timestamp-checked-before-order",
            ("CLS-11", "CLS-12", "GEN-7"),
            "an activation before the release, with the release out of range: the range first",
            {**fork, "released_at": UINT64_MAX + 1, "activates_at": 0},
        ),
        (
            "hard-fork-any-delay",
            ("CLS-10",),
            "coordinated upgrades have no activation deadline",
            {**fork, "released_at": RELEASED_AT, "activates_at": RELEASED_AT + 10**9},
        ),
        (
            "invalid-timestamp-negative",
            ("CLS-12",),
            "a negative timestamp",
            {**fork, "released_at": -1, "activates_at": RELEASED_AT},
        ),
        (
            "invalid-timestamp-over-64-bits",
            ("CLS-12",),
            "a timestamp at 2^64",
            {**fork, "released_at": RELEASED_AT, "activates_at": UINT64_MAX + 1},
        ),
        (
            "timestamp-at-64-bit-bound",
            ("CLS-12",),
            "timestamps at 2^64-1",
            {**fork, "released_at": UINT64_MAX, "activates_at": UINT64_MAX},
        ),
        ("invalid-unknown-kind", ("CLS-1",), "an unknown kind", {**fork, "kind": "fork"}),
        (
            "invalid-old-version",
            ("VER-2",),
            "an invalid old version",
            {**fork, "old_version": "1.4"},
        ),
        (
            "invalid-new-version",
            ("VER-2",),
            "an invalid new version",
            {**fork, "new_version": "2.0.0-"},
        ),
        (
            "invalid-unknown-kind-before-versions",
            ("CLS-1", "GEN-7"),
            "the kind is checked before the versions",
            {**fork, "kind": "fork", "old_version": "x"},
        ),
    ):
        yield CaseSpec("upgrade_check", slug, requirements, description, data)

    yield from _support_boundary_cases()
    for kind in ("emergency_patch", "client_update"):
        yield CaseSpec(
            "upgrade_support",
            f"{kind}-needs-no-support",
            ("CLS-6",),
            f"a {kind} needs no support",
            {"kind": kind, "validators": _validators((10, False))},
        )
    for slug, requirements, description, validators, kind in (
        (
            "hard-fork-unanimous",
            ("CLS-6",),
            "every validator supports a hard fork",
            _validators((5, True), (7, True)),
            "hard_fork",
        ),
        (
            "hard-fork-stake-not-headcount",
            ("CLS-6",),
            "support is weighted by stake, not by head count",
            _validators((1, True), (1, True), (1, True), (97, False)),
            "hard_fork",
        ),
        (
            "hard-fork-stakes-beyond-64-bits",
            ("CLS-6", "CLS-7"),
            "stakes whose sum exceeds 2^64 are tallied exactly",
            _validators(
                (UINT64_MAX, True),
                (UINT64_MAX, True),
                (UINT64_MAX, True),
                (UINT64_MAX, True),
                (UINT64_MAX, False),
            ),
            "hard_fork",
        ),
        (
            "hard-fork-huge-stake-one-short",
            ("CLS-6", "CLS-7"),
            "80% of 5 * (2^64-1) missed by one unit",
            _validators(
                (UINT64_MAX, True),
                (UINT64_MAX, True),
                (UINT64_MAX, True),
                (UINT64_MAX - 1, True),
                (UINT64_MAX, False),
                (1, False),
            ),
            "hard_fork",
        ),
        (
            "hard-fork-total-stake-1",
            ("CLS-6", "CLS-7"),
            "the smallest stake there is: one validator with stake 1 supports",
            _validators((1, True)),
            "hard_fork",
        ),
        (
            "zero-stake-validator",
            ("CLS-7",),
            "a validator with zero stake counts for nothing",
            _validators((0, True), (10, False)),
            "hard_fork",
        ),
        (
            "invalid-duplicate-validator",
            ("CLS-7",),
            "a validator listed twice",
            [{"id": "a", "stake": 1, "supports": True}, {"id": "a", "stake": 2, "supports": False}],
            "hard_fork",
        ),
        (
            "invalid-negative-stake",
            ("CLS-7",),
            "a negative stake",
            _validators((-1, True), (10, False)),
            "hard_fork",
        ),
        (
            "invalid-stake-at-2-64",
            ("CLS-7",),
            "a stake at 2^64",
            _validators((UINT64_MAX + 1, True)),
            "hard_fork",
        ),
        ("invalid-no-validators", ("CLS-7",), "an empty validator set", [], "hard_fork"),
        (
            "invalid-all-stake-zero",
            ("CLS-7",),
            "a validator set whose stake is all zero",
            _validators((0, True), (0, False)),
            "hard_fork",
        ),
        ("invalid-unknown-kind", ("CLS-1",), "an unknown kind", _validators((1, True)), "fork"),
    ):
        yield CaseSpec(
            "upgrade_support",
            slug,
            requirements,
            description,
            {"kind": kind, "validators": validators},
        )
    yield from generic_invalid_cases("upgrade_policy", {"kind": "soft_fork"})
    yield from generic_invalid_cases(
        "upgrade_check",
        {
            "kind": "hard_fork",
            "old_version": OLD_VERSION,
            "new_version": "2.0.0",
            "released_at": RELEASED_AT,
            "activates_at": RELEASED_AT + 600,
        },
    )
    yield from generic_invalid_cases(
        "upgrade_support", {"kind": "hard_fork", "validators": _validators((10, True), (5, False))}
    )
