"""Test helpers: running the `forkspec` command and reading its JSON Lines report."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

FAKE_ADAPTER = Path(__file__).parent / "adapters" / "fake_adapter.py"


@dataclass(frozen=True)
class CommandRun:
    exit_code: int
    stdout: str
    stderr: str
    verdicts: dict[str, str]


def run_forkspec(*arguments: str, tmp_path: Path, timeout: float = 120) -> CommandRun:
    """Run `forkspec ARGUMENTS --jsonl` (for conform) and collect the verdict of every case."""
    report = tmp_path / "report.jsonl"
    extra = ["--jsonl", str(report)] if arguments[0] == "conform" else []
    completed = subprocess.run(
        [sys.executable, "-m", "forkspec.tools.cli", *arguments, *extra],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    verdicts: dict[str, str] = {}
    if report.exists():
        for line in report.read_text().splitlines():
            record = json.loads(line)
            if record["record"] == "case":
                verdicts[record["id"]] = record["verdict"]
    return CommandRun(completed.returncode, completed.stdout, completed.stderr, verdicts)


def fake_adapter(mode: str) -> str:
    """The --adapter command of a misbehaving adapter."""
    return f"{sys.executable} {FAKE_ADAPTER} {mode}"
