"""Cases of the state-migration area (spec/migration.md): states, their leaves and their roots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


def case_specs() -> Iterator[CaseSpec]:
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
