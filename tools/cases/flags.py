"""Cases of the feature-flags area (spec/flags.md)."""

from __future__ import annotations

from collections.abc import Iterator

from forkspec.flags import FLAG_REGISTRY, KNOWN_MASK, MASK_LIMIT
from forkspec.tools.cases import CaseSpec, generic_invalid_cases
from forkspec.versioning import Version


def _boundary_versions(introduced: Version) -> tuple[tuple[str, str, bool], ...]:
    """Versions around a flag's introduction: below, its pre-release, at, with build metadata, above.

    The flag is in force (so announcing it is valid) at the last three only.
    """
    core = f"{introduced.major}.{introduced.minor}.{introduced.patch}"
    below = (
        f"{introduced.major}.{introduced.minor - 1}.999"
        if introduced.minor
        else f"{introduced.major - 1}.999.999"
    )
    return (
        ("below", below, False),
        ("pre-release", f"{core}-rc.1", False),
        ("at", core, True),
        ("at-with-build", f"{core}+build.7", True),
        ("above", f"{introduced.major}.{introduced.minor}.{introduced.patch + 1}", True),
    )


def case_specs() -> Iterator[CaseSpec]:
    """The feature-flag cases."""
    names = [flag.name for flag in FLAG_REGISTRY]
    for flag in FLAG_REGISTRY:
        yield CaseSpec(
            "flags_encode",
            f"single-{flag.name.lower()}",
            ("FLG-2", "FLG-3"),
            f"{flag.name} alone is bit {flag.bit}",
            {"flags": [flag.name]},
        )
    for slug, description, listed in (
        ("all", "every registered flag", names),
        ("all-reversed", "the order of names does not matter", names[::-1]),
        ("empty", "no flag is mask 0", []),
        ("invalid-unknown-name", "a name no flag is registered as", ["CROSS_SHARD_V3"]),
        ("invalid-lower-case-name", "names are case-sensitive", ["zk_recursion"]),
        (
            "invalid-duplicate-name",
            "a flag named twice",
            ["ZK_RECURSION", "CROSS_SHARD_V2", "ZK_RECURSION"],
        ),
    ):
        yield CaseSpec("flags_encode", slug, ("FLG-3", "FLG-7"), description, {"flags": listed})

    for mask, slug, description in (
        (0, "zero", "mask 0 names no flag"),
        (KNOWN_MASK, "all-known", "every registered bit"),
        (0b0101, "bits-0-and-2", "bits 0 and 2"),
        (1 << 4, "invalid-first-unregistered-bit", "bit 4, the first bit with no flag"),
        (1 << 63, "invalid-top-bit", "bit 63, the highest bit of the mask"),
        (MASK_LIMIT - 1, "invalid-all-64-bits", "every bit of the mask"),
        (-1, "invalid-negative", "a negative mask"),
        (MASK_LIMIT, "invalid-bit-64", "a mask at 2^64"),
    ):
        yield CaseSpec(
            "flags_decode", slug, ("FLG-1", "FLG-3", "FLG-5", "FLG-6"), description, {"mask": mask}
        )

    for flag in FLAG_REGISTRY:
        for where, version, in_force in _boundary_versions(flag.introduced_in):
            slug = f"{flag.name.lower()}-{where}"
            yield CaseSpec(
                "flags_in_force",
                slug,
                ("FLG-4",),
                f"flags in force {where} {flag.name}'s introduction ({version})",
                {"protocol_version": version},
            )
            yield CaseSpec(
                "flags_check",
                slug if in_force else f"invalid-{slug}",
                ("FLG-10",),
                f"{flag.name} announced {where} its introduction ({version})",
                {"mask": 1 << flag.bit, "protocol_version": version},
            )
    for version, slug in (
        ("0.0.0", "genesis"),
        ("18446744073709551615.0.0", "far-future"),
        ("2.0", "invalid-version"),
    ):
        yield CaseSpec(
            "flags_in_force",
            slug,
            ("FLG-4",),
            f"flags in force at {version}",
            {"protocol_version": version},
        )
    for mask, version, slug, description in (
        (0, "0.0.0", "empty-at-genesis", "an empty mask is valid at any version"),
        (
            1 << 5,
            "1.0.0",
            "invalid-unknown-bit-before-introduction",
            "unknown bits are reported before introduction",
        ),
        (MASK_LIMIT, "9.0.0", "invalid-out-of-range", "a mask at 2^64"),
        (KNOWN_MASK, "2.1.0", "invalid-partly-introduced", "a mask with flags not yet introduced"),
        (1, "2.0.0-", "invalid-version", "an invalid protocol version"),
    ):
        yield CaseSpec(
            "flags_check",
            slug,
            ("FLG-5", "FLG-6", "FLG-10"),
            description,
            {"mask": mask, "protocol_version": version},
        )

    samples = (
        (0b0011, 0b0110, "overlapping"),
        (0b1111, 0, "with-empty"),
        (0b1010, 0b0101, "disjoint"),
        (0b1001, 0b1001, "identical"),
    )
    for operation in ("intersection", "union", "difference"):
        for left, right, slug in samples:
            yield CaseSpec(
                "flags_combine",
                f"{operation}-{slug}",
                ("FLG-8",),
                f"{operation} of {left:#06b} and {right:#06b}",
                {"operation": operation, "left": left, "right": right},
            )
    for left, right, slug, description in (
        (1 << 7, 1, "unknown-left", "an unknown bit in the left mask"),
        (1, MASK_LIMIT, "out-of-range-right", "a right mask at 2^64"),
        (-2, 1, "negative-left", "a negative left mask"),
    ):
        yield CaseSpec(
            "flags_combine",
            f"invalid-union-{slug}",
            ("FLG-5", "FLG-6", "FLG-8"),
            description,
            {"operation": "union", "left": left, "right": right},
        )

    for inner, outer, slug, description in (
        (0b0011, 0b0111, "strict-subset", "a strict subset"),
        (0b0111, 0b0111, "equal", "a mask is a subset of itself"),
        (0, 0, "empty-in-empty", "the empty mask is a subset of itself"),
        (0, 0b1111, "empty-in-all", "the empty mask is a subset of every mask"),
        (0b1000, 0b0111, "disjoint", "disjoint masks"),
        (0b0111, 0b0011, "superset", "a strict superset is not a subset"),
        (1 << 10, KNOWN_MASK, "invalid-unknown-inner", "an unknown bit in the inner mask"),
        (1, -1, "invalid-negative-outer", "a negative outer mask"),
    ):
        yield CaseSpec(
            "flags_subset",
            slug,
            ("FLG-5", "FLG-6", "FLG-9"),
            description,
            {"inner": inner, "outer": outer},
        )
    for handler, valid_input in (
        ("flags_encode", {"flags": [names[0]]}),
        ("flags_decode", {"mask": 1}),
        ("flags_in_force", {"protocol_version": "1.0.0"}),
        ("flags_check", {"mask": 0, "protocol_version": "1.0.0"}),
        ("flags_combine", {"operation": "union", "left": 1, "right": 2}),
        ("flags_subset", {"inner": 1, "outer": 3}),
    ):
        yield from generic_invalid_cases(handler, valid_input)
