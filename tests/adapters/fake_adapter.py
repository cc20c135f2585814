"""Misbehaving adapters that test the runner: the reference with one deliberate defect.

Usage: python fake_adapter.py MODE. Every mode answers like the reference except where its
defect strikes; the tests know from each mode's trigger exactly which cases should suffer.
"""

from __future__ import annotations

import json
import os
import select
import sys
import time
from collections.abc import Iterator
from typing import Any

from forkspec import (
    activation,
    compatibility,
    emergency,
    forkid,
    governance,
    migration,
    negotiation,
    readiness,
    versioning,
)
from forkspec.conformance.reference_adapter import hello_reply, reply_to_run
from forkspec.errors import ErrorCode

_correct_compare = versioning.compare_versions
_correct_speedy_trial_step = activation.speedy_trial_step


def reversed_prerelease_compare(left: versioning.Version, right: versioning.Version) -> int:
    """SemVer precedence with the order between two pre-releases of one core reversed."""
    order = _correct_compare(left, right)
    same_core = (left.major, left.minor, left.patch) == (right.major, right.minor, right.patch)
    return -order if same_core and left.prerelease and right.prerelease else order


def timeout_first_speedy_trial_step(
    state: activation.DeploymentState,
    median_time: int,
    count: int,
    period_start: int,
    deployment: activation.TimeSignaling,
) -> activation.DeploymentState:
    """Speedy trial with classic BIP-9's precedence in STARTED: the timeout checked before the count."""
    if state == activation.DeploymentState.STARTED and median_time >= deployment.timeout:
        return activation.DeploymentState.FAILED
    return _correct_speedy_trial_step(state, median_time, count, period_start, deployment)


def next_fork_never_passed(_remote_next: int, _head: forkid.Head) -> bool:
    """EIP-2124 without rule 1a: a remote at the local stage is accepted whatever it announces next."""
    return False


_correct_negotiation_verdict = negotiation.negotiation_verdict


def one_sided_negotiation_verdict(*arguments: Any) -> negotiation.NegotiationVerdict:
    """The negotiation verdict with the required features checked in one direction only: the
    second node's requirements are ignored, so the verdict depends on the order of the nodes."""
    *before, _required_b, supported_b = arguments
    return _correct_negotiation_verdict(*before, 0, supported_b)


_correct_run_migration = migration.run_migration
# The checks after the operations (MIG-8, steps 4 and 5).
VALIDATION_CODES = (ErrorCode.BALANCE_NOT_CONSERVED, ErrorCode.ROOT_MISMATCH)


def unrestoring_run_migration(
    working: migration.WorkingState, planned: migration.Migration
) -> migration.MigrationResult:
    """A migration run that reports a failed validation as restored but leaves the migrated state."""
    result = _correct_run_migration(working, planned)
    if result.code not in VALIDATION_CODES:
        return result
    for operation in planned.operations:
        migration.apply_operation(working, operation)
    working.schema_version = planned.target_version
    return result._replace(roots=(*result.roots[:-1], working.root()))


_correct_judge_transaction = compatibility.judge_transaction


def node_format_judge_transaction(
    formats: dict[int, compatibility.FormatRules],
    node_version: int,
    transaction: compatibility.Transaction,
) -> compatibility.TransactionVerdict:
    """A transaction judged by the fields of the node's newest format instead of the format the
    transaction declares: an old transaction may then carry a field its version never had."""
    newest = max((version for version in formats if version <= node_version), default=None)
    if newest is None or transaction.version not in formats:
        return _correct_judge_transaction(formats, node_version, transaction)
    return _correct_judge_transaction(
        {**formats, transaction.version: formats[newest]}, node_version, transaction
    )


def float_weighted_share_at_least(
    part_v: int, whole_v: int, part_h: int, whole_h: int, holder_share_bps: int, threshold_bps: int
) -> bool:
    """The combined two-chamber test in binary floating point: each share a float quotient."""
    share_v = part_v / whole_v if whole_v else 0.0
    share_h = part_h / whole_h if whole_h else 0.0
    return (10_000 - holder_share_bps) * share_v + holder_share_bps * share_h >= threshold_bps


def never_counted_before(_signer: bytes, _counted: set[bytes]) -> bool:
    """The duplicate check of EMG-14 left out: a member listed twice counts twice."""
    return False


def is_trigger(request: dict[str, Any]) -> bool:
    """The requests the faulty modes misbehave on: every flags_subset case."""
    return bool(request["handler"] == "flags_subset")


def write(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def requests() -> Iterator[dict[str, Any]]:
    """Messages from stdin, read without buffering so that `more_input_soon` sees what is left."""
    buffer = b""
    while chunk := os.read(0, 65536):
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            yield json.loads(line)


def more_input_soon() -> bool:
    return bool(select.select([0], [], [], 0.2)[0])


MODES = (
    "reversed-prerelease",
    "speedy-timeout-first",
    "skip-rule-1a",
    "one-sided-required",
    "no-restore-after-validation",
    "node-format-rules",
    "float-tally",
    "duplicate-signer-counted",
    "upgraded-threshold-in-percent",
    "no-hello",
    "versioning-only",
    "announces-nothing",
    "markup-name",
    "unknown-names",
    "out-of-order",
    "crash",
    "orphan",
    "deep-json",
    "duplicate",
    "hang",
    "garbage",
    "missing-output",
    "float-output",
)


def main(arguments: list[str]) -> int:
    if len(arguments) != 1 or arguments[0] not in MODES:
        print(f"usage: fake_adapter.py MODE, with MODE one of: {', '.join(MODES)}", file=sys.stderr)
        return 2
    mode = arguments[0]
    if mode == "reversed-prerelease":
        versioning.compare_versions = reversed_prerelease_compare
    if mode == "speedy-timeout-first":
        activation.speedy_trial_step = timeout_first_speedy_trial_step
    if mode == "skip-rule-1a":
        forkid.next_fork_passed = next_fork_never_passed
    if mode == "one-sided-required":
        negotiation.negotiation_verdict = one_sided_negotiation_verdict
    if mode == "no-restore-after-validation":
        migration.run_migration = unrestoring_run_migration
    if mode == "node-format-rules":
        compatibility.judge_transaction = node_format_judge_transaction
    if mode == "float-tally":
        governance.weighted_share_at_least = float_weighted_share_at_least
    if mode == "duplicate-signer-counted":
        emergency.signer_already_counted = never_counted_before
    if mode == "upgraded-threshold-in-percent":
        readiness.UPGRADED_THRESHOLD_BPS = 90  # RDY-9's 90 read as basis points
    if mode == "no-hello":
        return 3
    held: list[dict[str, Any]] = []
    for message in requests():
        if message["type"] == "shutdown":
            return 0
        if message["type"] == "hello":
            hello = hello_reply()
            hello["client"]["name"] = f"fake-adapter {mode}"
            if mode == "versioning-only":
                hello["handlers"] = [name for name in hello["handlers"] if name.startswith("version_")]
            if mode == "announces-nothing":
                hello["handlers"] = []
            if mode == "markup-name":
                hello["client"]["name"] = "[/bold]x[red"
            if mode == "unknown-names":
                hello["handlers"] = [*hello["handlers"], "version_comapre"]
                hello["presets"] = [*hello["presets"], "testnet"]
                hello["features"] = [*hello["features"], "bip10"]
            write(hello)
            continue
        reply = reply_to_run(message)
        if mode == "out-of-order":
            held.append(reply)
            if len(held) == 4 or not more_input_soon():
                for answer in reversed(held):
                    write(answer)
                held.clear()
            continue
        if is_trigger(message):
            if mode == "crash":
                os._exit(7)
            if mode == "orphan" and os.fork() == 0:
                time.sleep(3600)
            if mode == "orphan":
                os._exit(7)
            if mode == "deep-json":
                sys.stdout.write("[" * 100_000 + "\n")
                sys.stdout.flush()
                continue
            if mode == "duplicate":
                write(reply)
            if mode == "hang":
                time.sleep(3600)
            if mode == "garbage":
                sys.stdout.write("this is not JSON\n")
                sys.stdout.flush()
                continue
            if mode == "missing-output":
                reply = {"type": "result", "id": message["id"]}
            if mode == "float-output" and "output" in reply:
                reply["output"] = {"subset": 1.0}
        write(reply)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
