"""Regression cases from the proofs: each refuted mutant's counterexample, as a vector (GEN-11).

`forkspec prove` writes `proof_regressions.json` beside this module (generated, never edited
by hand; `forkspec prove --check` finds it stale like the report). Each entry is a case
specification whose expected answer, as for every other case, the generator computes with
the reference; the counterexample is what made the proof's mutant wrong, so a client that
shares the mutant's mistake fails it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources import files

from forkspec.tools.cases import CaseSpec

REGRESSIONS_FILE = "proof_regressions.json"


def case_specs() -> Iterator[CaseSpec]:
    """The regression cases of the proof report, in obligation and mutant order."""
    text = (files("forkspec.tools.cases") / REGRESSIONS_FILE).read_text(encoding="utf-8")
    for entry in json.loads(text)["cases"]:
        yield CaseSpec(
            entry["handler"],
            entry["slug"],
            tuple(entry["requirements"]),
            entry["description"],
            entry["input"],
            presets=tuple(entry["presets"]),
        )
