"""Cases of the state-migration area (spec/migration.md): states, their leaves and their roots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from forkspec.handlers import run_handler
from forkspec.migration import BALANCE_MAX, FIELD_VALUE_MAX, MAX_FIELDS
from forkspec.tools.cases import CaseSpec, generic_invalid_cases
from forkspec.versioning import UINT64_MAX

ALICE, BOB, CAROL = "aa" * 20, "bb" * 20, "cc" * 20
SLOT_0, SLOT_1 = "00" * 32, "00" * 31 + "01"


def account(
    address: str, balance: int = 100, nonce: int = 0, fields: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {"address": address, "balance": balance, "nonce": nonce, "fields": fields or []}


def state(**changes: Any) -> dict[str, Any]:
    """A small state of three accounts, two storage slots and two configuration entries."""
    return {
        "schema_version": 3,
        "config": [{"key": "block_gas_limit", "value": 30_000_000}, {"key": "chain_id", "value": 1}],
        "accounts": [
            account(ALICE, 1_000, 7, [{"name": "code_version", "value": 2}, {"name": "staked", "value": 50}]),
            account(BOB, 0, 1),
            account(CAROL, 5),
        ],
        "storage": [
            {"address": ALICE, "slot": SLOT_0, "value": "00" * 31 + "2a"},
            {"address": ALICE, "slot": SLOT_1, "value": "ff" * 32},
        ],
        **changes,
    }


def _case(slug: str, requirements: tuple[str, ...], description: str, data: dict[str, Any]) -> CaseSpec:
    return CaseSpec("state_root", slug, requirements, description, data)


def migration(operations: list[dict[str, Any]], kind: str = "full", **changes: Any) -> dict[str, Any]:
    """A migration from schema version 3 to 4, with `changes`."""
    return {
        "source_version": 3,
        "target_version": 4,
        "kind": kind,
        "operations": operations,
        "conserve_balance": False,
        **changes,
    }


def _migrate(
    slug: str,
    requirements: tuple[str, ...],
    description: str,
    migrations: list[dict[str, Any]],
    **changes: Any,
) -> CaseSpec:
    return CaseSpec(
        "migrate", slug, requirements, description, {"state": state(**changes), "migrations": migrations}
    )


ADD_FROZEN = {"op": "add_field", "name": "frozen", "default": 0}
DOUBLE_STAKE = {"op": "transform_field", "name": "staked", "multiply": 2, "add": 0, "divide": 1}
RENAME_STAKE = {"op": "rename_field", "from": "staked", "to": "bonded"}
DROP_CODE = {"op": "drop_field", "name": "code_version"}
SET_LIMIT = {"op": "set_config", "key": "block_gas_limit", "value": 36_000_000}
ADD_CONFIG = {"op": "set_config", "key": "base_fee", "value": 7}
MOVE_SLOT = {"op": "move_slot", "address": ALICE, "from_slot": SLOT_0, "to_slot": "00" * 31 + "05"}
REDENOMINATE = {"op": "transform_balance", "multiply": 1000, "add": 0, "divide": 1}


def _migrate_cases() -> Iterator[CaseSpec]:
    """Every operation, every kind, every failure restored, re-application and chains."""
    for slug, operation, kind, description in (
        ("add-field", ADD_FROZEN, "account", "a field added to every account, kept where present"),
        (
            "add-field-present",
            {"op": "add_field", "name": "staked", "default": 9},
            "account",
            "an account with the field keeps its value",
        ),
        ("rename-field", RENAME_STAKE, "account", "a field renamed where present"),
        ("drop-field", DROP_CODE, "account", "a field dropped where present"),
        ("transform-field", DOUBLE_STAKE, "account", "a field doubled by an exact formula"),
        (
            "transform-field-rounds-down",
            {"op": "transform_field", "name": "staked", "multiply": 2, "add": 2, "divide": 3},
            "account",
            "(50 * 2 + 2) // 3 = 34: the division rounds down",
        ),
        (
            "transform-field-to-largest",
            {"op": "transform_field", "name": "staked", "multiply": 0, "add": 2**256 - 1, "divide": 1},
            "account",
            "a field set to 2^256-1, the largest value: multiply 0 is allowed",
        ),
        (
            "transform-balance-to-largest",
            {"op": "transform_balance", "multiply": 0, "add": 2**128 - 1, "divide": 1},
            "account",
            "every balance set to 2^128-1, the largest",
        ),
        ("set-config-zero", {**SET_LIMIT, "value": 0}, "none", "a configuration value of 0"),
        ("transform-balance", REDENOMINATE, "account", "every balance times 1000"),
        ("set-config", SET_LIMIT, "none", "a configuration value changed: kind none"),
        ("set-config-new-key", ADD_CONFIG, "none", "a configuration entry added in key order"),
        ("move-slot", MOVE_SLOT, "storage", "a storage entry re-keyed: kind storage"),
    ):
        yield _migrate(
            f"operation-{slug}", ("MIG-6", "MIG-7", "MIG-8"), description, [migration([operation], kind)]
        )
    yield _migrate(
        "full-program",
        ("MIG-6", "MIG-7", "MIG-8"),
        "every operation in one full migration, a root after each",
        [migration([ADD_FROZEN, DOUBLE_STAKE, RENAME_STAKE, DROP_CODE, SET_LIMIT, MOVE_SLOT, REDENOMINATE])],
    )
    yield _migrate("no-migration", ("MIG-9",), "an empty list: no result, the state's own root", [])
    yield _migrate(
        "empty-program", ("MIG-8",), "no operation: only the schema version changes", [migration([], "none")]
    )
    yield _migrate(
        "conserved",
        ("MIG-8",),
        "a conserving migration that leaves balances alone",
        [migration([ADD_FROZEN], "account", conserve_balance=True)],
    )
    declared = run_handler("migrate", "mainnet", {"state": state(), "migrations": [migration([ADD_FROZEN])]})[
        "root"
    ]
    yield _migrate(
        "expected-root-matches",
        ("MIG-8",),
        "a declared root equal to the result's: applied",
        [migration([ADD_FROZEN], expected_root=declared)],
    )
    yield _migrate(
        "already-applied",
        ("MIG-8",),
        "a state at the target version: nothing changes, whatever the operations",
        [migration([DOUBLE_STAKE])],
        schema_version=4,
    )
    yield _migrate(
        "applied-twice",
        ("MIG-8",),
        "the same non-idempotent migration twice: the version guard makes the second harmless",
        [migration([DOUBLE_STAKE]), migration([DOUBLE_STAKE])],
    )
    yield _migrate(
        "chain",
        ("MIG-8", "MIG-9"),
        "three migrations across versions 3 to 6",
        [
            migration([ADD_FROZEN], "account"),
            migration([SET_LIMIT], "none", source_version=4, target_version=5),
            migration([MOVE_SLOT], "storage", source_version=5, target_version=6),
        ],
    )
    yield _migrate(
        "from-version-zero",
        ("MIG-6", "MIG-8"),
        "a migration from schema version 0",
        [migration([ADD_FROZEN], source_version=0, target_version=1)],
        schema_version=0,
    )
    yield _migrate(
        "source-mismatch",
        ("MIG-8", "MIG-9"),
        "a migration from version 5 on a state at 3 is refused and stops the list",
        [migration([ADD_FROZEN], source_version=5, target_version=6), migration([SET_LIMIT])],
    )
    conflict = {"op": "rename_field", "from": "code_version", "to": "staked"}
    too_big = {"op": "transform_field", "name": "staked", "multiply": 2**256 - 1, "add": 0, "divide": 1}
    failures: list[tuple[str, list[dict[str, Any]], dict[str, Any], str]] = [
        (
            "field-conflict-first-step",
            [conflict, ADD_FROZEN],
            {},
            "a rename onto an existing field at step 0",
        ),
        (
            "field-conflict-last-step",
            [ADD_FROZEN, SET_LIMIT, conflict],
            {},
            "the same failure at the last step",
        ),
        ("field-value-overflow", [ADD_FROZEN, too_big], {}, "a transform above 2^256-1 at step 1"),
        (
            "balance-overflow",
            [SET_LIMIT, {"op": "transform_balance", "multiply": 2**128, "add": 0, "divide": 1}],
            {},
            "a balance transform above 2^128-1",
        ),
        (
            "slot-missing",
            [ADD_FROZEN, {**MOVE_SLOT, "from_slot": "00" * 31 + "09"}],
            {},
            "moving an empty slot",
        ),
        ("slot-conflict", [{**MOVE_SLOT, "to_slot": SLOT_1}], {}, "moving onto an occupied slot"),
        (
            "not-conserved",
            [ADD_FROZEN, REDENOMINATE],
            {"conserve_balance": True},
            "a conserving migration that redenominates",
        ),
        (
            "root-mismatch",
            [ADD_FROZEN, SET_LIMIT],
            {"expected_root": "00" * 32},
            "a declared root that is not the result's",
        ),
    ]
    for slug, operations, changes, description in failures:
        yield _migrate(
            f"restored-{slug}",
            ("MIG-8", "MIG-9"),
            f"{description}: the snapshot is restored, the root is the one before",
            [migration(operations, **changes)],
        )
    yield _migrate(
        "restored-stops-chain",
        ("MIG-8", "MIG-9"),
        "a chain whose second migration fails: the first stays applied, the third never runs",
        [
            migration([ADD_FROZEN], "account"),
            migration([conflict], source_version=4, target_version=5),
            migration([SET_LIMIT], "none", source_version=5, target_version=6),
        ],
    )
    for slug, migrations, description in (
        (
            "target-not-above-source",
            [migration([], "none", target_version=3)],
            "a target version equal to the source",
        ),
        ("target-out-of-range", [migration([], "none", target_version=2**32)], "a target version of 2^32"),
        ("operation-not-allowed", [migration([MOVE_SLOT], "account")], "a slot move in an account migration"),
        (
            "config-in-storage-kind",
            [migration([ADD_FROZEN], "storage")],
            "a field added in a storage migration",
        ),
        ("divide-by-zero", [migration([{**DOUBLE_STAKE, "divide": 0}])], "a transform dividing by 0"),
        ("multiply-too-large", [migration([{**DOUBLE_STAKE, "multiply": 2**256}])], "a multiplier of 2^256"),
        ("add-negative", [migration([{**REDENOMINATE, "add": -1}])], "a negative addend"),
        ("multiply-negative", [migration([{**REDENOMINATE, "multiply": -1}])], "a negative multiplier"),
        ("default-negative", [migration([{**ADD_FROZEN, "default": -1}])], "a negative field default"),
        ("config-value-negative", [migration([{**SET_LIMIT, "value": -1}])], "a negative config value"),
        ("source-negative", [migration([], "none", source_version=-1)], "a source version below 0"),
        ("default-too-large", [migration([{**ADD_FROZEN, "default": 2**256}])], "a field default of 2^256"),
        ("config-value-too-large", [migration([{**SET_LIMIT, "value": 2**64}])], "a config value of 2^64"),
        (
            "checked-before-running",
            [migration([ADD_FROZEN]), migration([MOVE_SLOT], "none", source_version=4, target_version=5)],
            "an invalid second migration refuses the list before the first runs",
        ),
    ):
        yield _migrate(f"invalid-{slug}", ("MIG-6", "MIG-7", "MIG-9"), description, migrations)
    yield CaseSpec(
        "migrate",
        "invalid-state-before-migrations",
        ("MIG-9",),
        "an invalid state and an invalid migration: the state first",
        {"state": state(schema_version=-1), "migrations": [migration([], "none", target_version=3)]},
    )
    yield from generic_invalid_cases("migrate", {"state": state(), "migrations": [migration([ADD_FROZEN])]})


def case_specs() -> Iterator[CaseSpec]:
    """The state-root and migration cases."""
    yield from _state_root_cases()
    yield from _migrate_cases()


def _state_root_cases() -> Iterator[CaseSpec]:
    """The state-root cases."""
    yield _case(
        "small", ("MIG-1", "MIG-4", "MIG-5"), "three accounts, two slots, two config entries", state()
    )
    yield _case(
        "version-only",
        ("MIG-4", "MIG-5"),
        "an empty state: the version leaf alone",
        state(config=[], accounts=[], storage=[]),
    )
    yield _case(
        "schema-version-zero",
        ("MIG-1",),
        "schema version 0, the smallest",
        state(schema_version=0, config=[], accounts=[], storage=[]),
    )
    for count in (2, 3, 5, 7, 8, 9):
        yield _case(
            f"accounts-{count}",
            ("MIG-5",),
            f"{count} accounts: {count + 1} leaves, the split at the largest power of two below",
            state(
                config=[], storage=[], accounts=[account(f"{index:040x}", index) for index in range(count)]
            ),
        )
    yield _case(
        "largest-values",
        ("MIG-1", "MIG-4"),
        "the largest schema version, balance, nonce, config and field values",
        state(
            schema_version=2**32 - 1,
            config=[{"key": "z" * 32, "value": UINT64_MAX}],
            accounts=[
                account(ALICE, BALANCE_MAX, UINT64_MAX, [{"name": "a" * 32, "value": FIELD_VALUE_MAX}])
            ],
        ),
    )
    yield _case(
        "most-fields",
        ("MIG-4",),
        f"an account of {MAX_FIELDS} fields",
        state(
            accounts=[
                account(
                    ALICE, fields=[{"name": f"f{index:04d}", "value": index} for index in range(MAX_FIELDS)]
                )
            ]
        ),
    )
    yield _case(
        "order-by-bytes",
        ("MIG-2",),
        "names order as ASCII bytes: 'a_b' before 'ab', as '_' (95) comes before 'b' (98)",
        state(accounts=[account(ALICE, fields=[{"name": "a_b", "value": 1}, {"name": "ab", "value": 2}])]),
    )
    for slug, changes, requirements, description in (
        ("schema-version-too-high", {"schema_version": 2**32}, ("MIG-1",), "a schema version of 2^32"),
        ("schema-version-negative", {"schema_version": -1}, ("MIG-1",), "a schema version below 0"),
        (
            "config-value-too-high",
            {"config": [{"key": "k", "value": 2**64}]},
            ("MIG-1",),
            "a config value of 2^64",
        ),
        (
            "config-value-negative",
            {"config": [{"key": "k", "value": -1}]},
            ("MIG-1",),
            "a config value below 0",
        ),
        (
            "balance-too-high",
            {"accounts": [account(ALICE, BALANCE_MAX + 1)]},
            ("MIG-1",),
            "a balance of 2^128",
        ),
        ("balance-negative", {"accounts": [account(ALICE, -1)]}, ("MIG-1",), "a balance below 0"),
        ("nonce-too-high", {"accounts": [account(ALICE, nonce=2**64)]}, ("MIG-1",), "a nonce of 2^64"),
        ("nonce-negative", {"accounts": [account(ALICE, nonce=-1)]}, ("MIG-1",), "a nonce below 0"),
        (
            "field-value-too-high",
            {"accounts": [account(ALICE, fields=[{"name": "x", "value": 2**256}])]},
            ("MIG-1",),
            "a field value of 2^256",
        ),
        (
            "field-value-negative",
            {"accounts": [account(ALICE, fields=[{"name": "x", "value": -1}])]},
            ("MIG-1",),
            "a field value below 0",
        ),
        (
            "too-many-fields",
            {
                "accounts": [
                    account(
                        ALICE,
                        fields=[{"name": f"f{index:04d}", "value": 0} for index in range(MAX_FIELDS + 1)],
                    )
                ]
            },
            ("MIG-4",),
            f"an account of {MAX_FIELDS + 1} fields",
        ),
        (
            "config-out-of-order",
            {"config": [{"key": "b", "value": 0}, {"key": "a", "value": 0}]},
            ("MIG-2",),
            "config keys descending",
        ),
        (
            "config-duplicate",
            {"config": [{"key": "a", "value": 0}, {"key": "a", "value": 1}]},
            ("MIG-2",),
            "a config key twice",
        ),
        (
            "accounts-out-of-order",
            {"accounts": [account(BOB), account(ALICE)]},
            ("MIG-2",),
            "addresses descending",
        ),
        (
            "accounts-duplicate",
            {"accounts": [account(ALICE), account(ALICE, 5)]},
            ("MIG-2",),
            "an address twice",
        ),
        (
            "fields-out-of-order",
            {"accounts": [account(ALICE, fields=[{"name": "b", "value": 0}, {"name": "a", "value": 0}])]},
            ("MIG-2",),
            "field names descending",
        ),
        (
            "storage-out-of-order",
            {
                "storage": [
                    {"address": ALICE, "slot": SLOT_1, "value": SLOT_0},
                    {"address": ALICE, "slot": SLOT_0, "value": SLOT_0},
                ]
            },
            ("MIG-2",),
            "slots of one address descending",
        ),
        (
            "storage-duplicate",
            {
                "storage": [
                    {"address": BOB, "slot": SLOT_0, "value": SLOT_0},
                    {"address": BOB, "slot": SLOT_0, "value": SLOT_1},
                ]
            },
            ("MIG-2",),
            "a slot twice",
        ),
        (
            "storage-addresses-out-of-order",
            {
                "storage": [
                    {"address": BOB, "slot": SLOT_0, "value": SLOT_0},
                    {"address": ALICE, "slot": SLOT_1, "value": SLOT_0},
                ]
            },
            ("MIG-2",),
            "addresses descending, the later with the higher slot: the address is compared first",
        ),
        (
            "range-before-order",
            {"config": [{"key": "b", "value": 0}, {"key": "a", "value": -1}]},
            ("MIG-3",),
            "a config value out of range in a list out of order: the value first",
        ),
        (
            "version-before-config",
            {"schema_version": -1, "config": [{"key": "k", "value": -1}]},
            ("MIG-3",),
            "a bad schema version and config value: the version first",
        ),
        (
            "config-before-accounts",
            {
                "config": [{"key": "b", "value": 0}, {"key": "a", "value": 0}],
                "accounts": [account(ALICE, -1)],
            },
            ("MIG-3",),
            "config out of order and a bad balance: the config first",
        ),
        (
            "account-values-before-order",
            {"accounts": [account(BOB), account(ALICE, nonce=-1)]},
            ("MIG-3",),
            "accounts out of order and a bad nonce: each account's values first",
        ),
        (
            "balance-before-nonce",
            {"accounts": [account(ALICE, -1, -1)]},
            ("MIG-3",),
            "a bad balance and nonce: the balance first",
        ),
        (
            "accounts-before-storage",
            {
                "accounts": [account(ALICE, -1)],
                "storage": [
                    {"address": BOB, "slot": SLOT_0, "value": SLOT_0},
                    {"address": ALICE, "slot": SLOT_0, "value": SLOT_0},
                ],
            },
            ("MIG-3",),
            "a bad balance and storage out of order: the accounts first",
        ),
    ):
        yield _case(f"invalid-{slug}", requirements, description, state(**changes))
    for slug, data, description in (
        ("address-upper-case", state(accounts=[account(ALICE.upper())]), "hex is lower case"),
        (
            "slot-short",
            state(storage=[{"address": ALICE, "slot": "00" * 31, "value": SLOT_0}]),
            "a slot of 31 bytes",
        ),
        ("name-upper-case", state(config=[{"key": "Chain", "value": 1}]), "names are lower case"),
        ("name-too-long", state(config=[{"key": "k" * 33, "value": 1}]), "a name of 33 characters"),
    ):
        yield _case(f"invalid-input-{slug}", ("MIG-1", "GEN-7"), description, data)
    yield from generic_invalid_cases("state_root", state())
