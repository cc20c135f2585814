"""Case specifications, one module per spec area, in the spec's order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CaseSpec:
    """What a case author writes: everything but the expected answer, which the reference computes."""

    handler: str
    slug: str
    requirements: tuple[str, ...]
    description: str
    input: Mapping[str, Any]
    presets: tuple[str, ...] = ("mainnet",)
    features: tuple[str, ...] = ()


def case_specs() -> Iterator[CaseSpec]:
    """Every case specification of every spec area, in the spec's order."""
    from forkspec.tools.cases import activation, classification, coordination, flags, schedule, versioning

    for area in (versioning, classification, flags, activation, coordination, schedule):
        yield from area.case_specs()
