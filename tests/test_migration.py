"""The state root (spec/migration.md): RFC 6962's published trees, and the root against the
recursive definition of RFC 6962 section 2.1 on random leaves."""

from __future__ import annotations

import hashlib

import pytest
from forkspec import migration as migration_module
from forkspec.errors import ErrorCode
from forkspec.migration import (
    Account,
    ConfigEntry,
    Field,
    Migration,
    MigrationKind,
    Operation,
    Outcome,
    State,
    StorageEntry,
    merkle_root,
    migrate,
    state_root,
)
from hypothesis import given
from hypothesis import strategies as st

# RFC 6962's test leaves and the roots of their first n, as Certificate Transparency publishes them.
TEST_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
PUBLISHED_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


@pytest.mark.parametrize("count", range(1, len(TEST_LEAVES) + 1))
def test_published_rfc6962_roots(count: int) -> None:
    """MIG-5."""
    assert (
        merkle_root([bytes.fromhex(leaf) for leaf in TEST_LEAVES[:count]]).hex() == PUBLISHED_ROOTS[count - 1]
    )


def rfc6962(leaves: list[bytes]) -> bytes:
    """MTH of RFC 6962 section 2.1, written as the RFC writes it: split at the largest power of
    two smaller than n."""
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1 << (len(leaves) - 1).bit_length() - 1
    return hashlib.sha256(b"\x01" + rfc6962(leaves[:split]) + rfc6962(leaves[split:])).digest()


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70))
def test_the_root_is_rfc6962s_tree_hash(leaves: list[bytes]) -> None:
    """MIG-5: the reference's level-by-level pairing equals the recursive definition."""
    assert merkle_root(leaves) == rfc6962(leaves)


names = st.sampled_from(["a", "b", "c"])
operations = st.one_of(
    st.builds(
        lambda name, default: Operation("add_field", {"name": name, "default": default}),
        names,
        st.integers(0, 9),
    ),
    st.builds(lambda source, target: Operation("rename_field", {"from": source, "to": target}), names, names),
    st.builds(lambda name: Operation("drop_field", {"name": name}), names),
    st.builds(
        lambda name, multiply, add: Operation(
            "transform_field", {"name": name, "multiply": multiply, "add": add, "divide": 1}
        ),
        names,
        st.integers(0, 3),
        st.integers(0, 3),
    ),
    st.builds(lambda value: Operation("set_config", {"key": "k", "value": value}), st.integers(0, 9)),
    st.builds(
        lambda source, target: Operation(
            "move_slot", {"address": b"\xaa" * 20, "from_slot": source, "to_slot": target}
        ),
        st.sampled_from([bytes(32), b"\x01" * 32]),
        st.sampled_from([bytes(32), b"\x02" * 32]),
    ),
)


@st.composite
def states(draw: st.DrawFn) -> State:
    addresses = sorted(draw(st.sets(st.binary(min_size=20, max_size=20), max_size=4)) | {b"\xaa" * 20})
    accounts = tuple(
        Account(
            address,
            draw(st.integers(0, 10**6)),
            draw(st.integers(0, 5)),
            tuple(Field(name, draw(st.integers(0, 9))) for name in sorted(draw(st.sets(names)))),
        )
        for address in addresses
    )
    storage = (StorageEntry(b"\xaa" * 20, bytes(32), b"\x07" * 32),)
    return State(3, (ConfigEntry("k", 1),), accounts, storage)


@given(states(), st.lists(operations, max_size=6), st.data())
def test_a_failure_at_any_step_restores_the_root(
    state: State, program: list[Operation], data: st.DataObject
) -> None:
    """MIG-8, MIG-9: whichever operation fails, or a check after them, the root is the one before."""
    before = state_root(state)[1]
    failing = data.draw(st.integers(0, len(program)), label="failing step")
    planned = Migration(
        3, 4, MigrationKind.FULL, tuple(program), False, None if failing < len(program) else bytes(32)
    )
    calls = 0
    real = migration_module.apply_operation

    def failing_at(working: migration_module.WorkingState, operation: Operation) -> None:
        nonlocal calls
        if calls == failing:
            raise migration_module.Failure(ErrorCode.FIELD_CONFLICT)
        calls += 1
        real(working, operation)

    migration_module.apply_operation = failing_at  # type: ignore[assignment]
    try:
        results, root = migrate(state, [planned])
    finally:
        migration_module.apply_operation = real  # type: ignore[assignment]
    assert results[0].outcome is Outcome.RESTORED
    # The program may fail by itself before the injected failure (a rename onto a present field).
    assert results[0].step is not None and results[0].step <= failing
    assert root == before == results[0].roots[-1]


@given(states(), st.lists(operations, max_size=6))
def test_a_second_run_changes_nothing(state: State, program: list[Operation]) -> None:
    """MIG-8: the version guard makes a migration harmless the second time."""
    planned = Migration(3, 4, MigrationKind.FULL, tuple(program), False, None)
    results, root = migrate(state, [planned, planned])
    if results[0].outcome is Outcome.APPLIED:
        assert results[1].outcome is Outcome.ALREADY_APPLIED
        assert results[1].roots == (root,)
