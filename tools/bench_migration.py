"""Benchmark of state migration on a 1,000,000-account state (MIG-8, MIG-9).

1. A whole migration: the state checked, a field added to every account (1,000,000 changes),
   the schema version set, balance conservation checked and the state root computed.
2. Snapshot and restore: on a state of the same size whose first 1,000, 10,000 or 100,000
   accounts hold a field, a transform of that field; the time to take the snapshot (a journal
   mark) and to restore it, which grow with the number of changes and not with the size of
   the state (applying the operation scans every account).

Usage: python -m forkspec.tools.bench_migration [--accounts N]
"""

from __future__ import annotations

import argparse
import time

from forkspec.migration import (
    Account,
    ConfigEntry,
    Field,
    Migration,
    MigrationKind,
    Operation,
    State,
    WorkingState,
    apply_operation,
    migrate,
)

CHANGES = (1_000, 10_000, 100_000)


def synthetic_state(accounts: int, holders: int) -> State:
    """`accounts` accounts in address order, the first `holders` of them with a field `x`."""
    return State(
        1,
        (ConfigEntry("chain_id", 1),),
        tuple(
            Account(index.to_bytes(20, "big"), 1_000, 0, (Field("x", index),) if index < holders else ())
            for index in range(accounts)
        ),
        (),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000, help="accounts in the state")
    arguments = parser.parse_args()
    state = synthetic_state(arguments.accounts, 0)
    add_field = Migration(
        1, 2, MigrationKind.ACCOUNT, (Operation("add_field", {"name": "frozen", "default": 0}),), True, None
    )
    started = time.perf_counter()
    results, _root = migrate(state, [add_field])
    print(
        f"migrate {arguments.accounts:,} accounts (add a field to each, conservation, 2 roots): "
        f"{time.perf_counter() - started:.2f} s, {results[0].outcome}"
    )
    print(f"{'changes':>10} {'snapshot s':>11} {'apply s':>9} {'restore s':>10}")
    double = Operation("transform_field", {"name": "x", "multiply": 2, "add": 0, "divide": 1})
    for changes in CHANGES:
        working = WorkingState(synthetic_state(arguments.accounts, changes))
        started = time.perf_counter()
        mark = working.mark()
        snapshot = time.perf_counter() - started
        started = time.perf_counter()
        apply_operation(working, double)
        applied = time.perf_counter() - started
        started = time.perf_counter()
        working.restore(mark, working.schema_version)
        restored = time.perf_counter() - started
        print(f"{changes:>10,} {snapshot:11.6f} {applied:9.4f} {restored:10.4f}", flush=True)


if __name__ == "__main__":
    main()
