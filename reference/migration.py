"""State migration: the state model, its canonical encoding and its root (MIG-1 to MIG-5).

A state is a schema version, configuration entries, accounts with their versioned fields, and
contract storage, each list in one canonical order. Each part becomes one leaf of a byte
encoding, and the state root is the RFC 6962 Merkle tree hash of the leaves with SHA-256, so
that any language reproduces it byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

from forkspec.activation import UINT32_MAX
from forkspec.errors import ErrorCode, check_range, reject
from forkspec.versioning import UINT64_MAX

BALANCE_MAX = 2**128 - 1
FIELD_VALUE_MAX = 2**256 - 1
MAX_FIELDS = 1000
# The first byte of each kind of leaf (MIG-4), and RFC 6962's prefixes of leaf and inner hashes (MIG-5).
VERSION_LEAF, CONFIG_LEAF, ACCOUNT_LEAF, STORAGE_LEAF = b"\x00", b"\x01", b"\x02", b"\x03"
LEAF_HASH, NODE_HASH = b"\x00", b"\x01"


class ConfigEntry(NamedTuple):
    key: str
    value: int


class Field(NamedTuple):
    name: str
    value: int


class Account(NamedTuple):
    address: bytes
    balance: int
    nonce: int
    fields: tuple[Field, ...]


class StorageEntry(NamedTuple):
    address: bytes
    slot: bytes
    value: bytes


class State(NamedTuple):
    """A state (MIG-1); its lists in the canonical order of MIG-2."""

    schema_version: int
    config: tuple[ConfigEntry, ...]
    accounts: tuple[Account, ...]
    storage: tuple[StorageEntry, ...]


Item = TypeVar("Item")


def _check_ascending(items: Sequence[Item], key: Callable[[Item], object], name: str) -> None:
    """Strictly ascending keys, in one pass (MIG-2)."""
    for index in range(1, len(items)):
        if not key(items[index - 1]) < key(items[index]):  # type: ignore[operator]
            reject(ErrorCode.STATE_NOT_CANONICAL, f"{name}[{index}] does not come after {name}[{index - 1}]")


def validate_state(state: State) -> None:
    """Reject a state outside its ranges or out of its canonical order. Implements: MIG-1, MIG-2, MIG-3."""
    check_range(state.schema_version, 0, UINT32_MAX, ErrorCode.SCHEMA_VERSION_OUT_OF_RANGE, "schema_version")
    for index, entry in enumerate(state.config):
        check_range(entry.value, 0, UINT64_MAX, ErrorCode.CONFIG_VALUE_OUT_OF_RANGE, f"config[{index}].value")
    _check_ascending(state.config, lambda entry: entry.key.encode("ascii"), "config")
    for index, account in enumerate(state.accounts):
        check_range(
            account.balance, 0, BALANCE_MAX, ErrorCode.BALANCE_OUT_OF_RANGE, f"accounts[{index}].balance"
        )
        check_range(account.nonce, 0, UINT64_MAX, ErrorCode.NONCE_OUT_OF_RANGE, f"accounts[{index}].nonce")
        if len(account.fields) > MAX_FIELDS:
            reject(ErrorCode.TOO_MANY_FIELDS, f"accounts[{index}] has more than {MAX_FIELDS} fields")
        for position, field in enumerate(account.fields):
            check_range(
                field.value,
                0,
                FIELD_VALUE_MAX,
                ErrorCode.FIELD_VALUE_OUT_OF_RANGE,
                f"accounts[{index}].fields[{position}]",
            )
        _check_ascending(
            account.fields, lambda field: field.name.encode("ascii"), f"accounts[{index}].fields"
        )
    _check_ascending(state.accounts, lambda account: account.address, "accounts")
    _check_ascending(state.storage, lambda entry: (entry.address, entry.slot), "storage")


def _name(text: str) -> bytes:
    data = text.encode("ascii")
    return bytes((len(data),)) + data


def leaves(state: State) -> list[bytes]:
    """The leaves of a valid state, in tree order. Implements: MIG-4."""
    encoded = [VERSION_LEAF + state.schema_version.to_bytes(4, "big")]
    encoded += [CONFIG_LEAF + _name(entry.key) + entry.value.to_bytes(8, "big") for entry in state.config]
    for account in state.accounts:
        fields = b"".join(_name(field.name) + field.value.to_bytes(32, "big") for field in account.fields)
        encoded.append(
            ACCOUNT_LEAF
            + account.address
            + account.balance.to_bytes(16, "big")
            + account.nonce.to_bytes(8, "big")
            + len(account.fields).to_bytes(2, "big")
            + fields
        )
    encoded += [STORAGE_LEAF + entry.address + entry.slot + entry.value for entry in state.storage]
    return encoded


def merkle_root(items: Sequence[bytes]) -> bytes:
    """RFC 6962's Merkle tree hash with SHA-256 of one or more leaves (a state always has its
    version leaf), in time linear in their number. Implements: MIG-5."""
    level = [hashlib.sha256(LEAF_HASH + item).digest() for item in items]
    # Pairing left to right and carrying an odd last node up unchanged gives RFC 6962's split
    # at the largest power of two below n: the left subtree of every node is complete.
    while len(level) > 1:
        paired = [
            hashlib.sha256(NODE_HASH + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def state_root(state: State) -> tuple[list[bytes], bytes]:
    """The leaves and the root of a state, after checking it. Implements: MIG-3, MIG-4, MIG-5."""
    validate_state(state)
    encoded = leaves(state)
    return encoded, merkle_root(encoded)
