"""State migration: the state model, its canonical encoding and its root (MIG-1 to MIG-5).

A state is a schema version, configuration entries, accounts with their versioned fields, and
contract storage, each list in one canonical order. Each part becomes one leaf of a byte
encoding, and the state root is the RFC 6962 Merkle tree hash of the leaves with SHA-256, so
that any language reproduces it byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, NamedTuple, TypeVar

from forkspec.activation import UINT32_MAX
from forkspec.errors import ErrorCode, check_range, reject
from forkspec.logic import both, either, if_then_else, negation
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


# Migrations (MIG-6 to MIG-9).


class MigrationKind(StrEnum):
    """The four kinds of migration (MIG-6)."""

    NONE = "none"
    ACCOUNT = "account"
    STORAGE = "storage"
    FULL = "full"


class Operation(NamedTuple):
    """One primitive operation: its name and its operands by name (MIG-7)."""

    name: str
    operands: Mapping[str, Any]


ALLOWED: Mapping[MigrationKind, frozenset[str]] = {
    MigrationKind.NONE: frozenset({"set_config"}),
    MigrationKind.ACCOUNT: frozenset(
        {"set_config", "add_field", "rename_field", "drop_field", "transform_field", "transform_balance"}
    ),
    MigrationKind.STORAGE: frozenset({"set_config", "move_slot"}),
    MigrationKind.FULL: frozenset(
        {
            "set_config",
            "add_field",
            "rename_field",
            "drop_field",
            "transform_field",
            "transform_balance",
            "move_slot",
        }
    ),
}
OPERAND_MAX = 2**256 - 1


class Migration(NamedTuple):
    """A declarative migration (MIG-6)."""

    source_version: int
    target_version: int
    kind: MigrationKind
    operations: tuple[Operation, ...]
    conserve_balance: bool
    expected_root: bytes | None


def _check_operands(operation: Operation) -> None:
    operands = operation.operands
    if operation.name in ("transform_field", "transform_balance"):
        check_range(operands["multiply"], 0, OPERAND_MAX, ErrorCode.OPERAND_OUT_OF_RANGE, "multiply")
        check_range(operands["add"], 0, OPERAND_MAX, ErrorCode.OPERAND_OUT_OF_RANGE, "add")
        check_range(operands["divide"], 1, OPERAND_MAX, ErrorCode.OPERAND_OUT_OF_RANGE, "divide")
    if operation.name == "add_field":
        check_range(operands["default"], 0, FIELD_VALUE_MAX, ErrorCode.FIELD_VALUE_OUT_OF_RANGE, "default")
    if operation.name == "set_config":
        check_range(operands["value"], 0, UINT64_MAX, ErrorCode.CONFIG_VALUE_OUT_OF_RANGE, "value")


def validate_migration(migration: Migration) -> None:
    """Reject a migration whose versions, kind or operands are wrong. Implements: MIG-6, MIG-7, MIG-9."""
    for version, name in (
        (migration.source_version, "source_version"),
        (migration.target_version, "target_version"),
    ):
        check_range(version, 0, UINT32_MAX, ErrorCode.SCHEMA_VERSION_OUT_OF_RANGE, name)
    if migration.target_version <= migration.source_version:
        reject(ErrorCode.MIGRATION_VERSIONS_INVALID, "the target version must be above the source version")
    for index, operation in enumerate(migration.operations):
        if operation.name not in ALLOWED[migration.kind]:
            reject(
                ErrorCode.OPERATION_NOT_ALLOWED,
                f"operations[{index}] {operation.name} is not allowed in a {migration.kind} migration",
            )
        _check_operands(operation)


class Failure(Exception):
    """An operation or a check that fails a migration, which is then restored (MIG-8)."""

    def __init__(self, code: ErrorCode) -> None:
        self.code = code


MISSING = object()


class WorkingState:
    """A state being migrated, with the undo journal that is its snapshot (MIG-9).

    Every change records what it overwrote, so that restoring costs what the migration changed
    and taking the snapshot costs nothing.
    """

    def __init__(self, state: State) -> None:
        self.schema_version = state.schema_version
        self.config = {entry.key: entry.value for entry in state.config}
        self.balances = {account.address: account.balance for account in state.accounts}
        self.nonces = {account.address: account.nonce for account in state.accounts}
        self.fields = {
            account.address: {field.name: field.value for field in account.fields}
            for account in state.accounts
        }
        self.storage = {(entry.address, entry.slot): entry.value for entry in state.storage}
        self.journal: list[tuple[dict[Any, Any], Any, Any]] = []

    def put(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        """Set `table[key]`, or remove it when `value` is MISSING, journaling the old value."""
        self.journal.append((table, key, table.get(key, MISSING)))
        if value is MISSING:
            del table[key]
        else:
            table[key] = value

    def mark(self) -> int:
        """The snapshot: the journal's length now."""
        return len(self.journal)

    def restore(self, mark: int, schema_version: int) -> None:
        """Undo every change after `mark`, newest first."""
        while len(self.journal) > mark:
            table, key, old = self.journal.pop()
            if old is MISSING:
                del table[key]
            else:
                table[key] = old
        self.schema_version = schema_version

    def state(self) -> State:
        """The state in canonical order (MIG-2); addresses keep the order they were given in."""
        return State(
            self.schema_version,
            tuple(ConfigEntry(key, self.config[key]) for key in sorted(self.config)),
            tuple(
                Account(
                    address,
                    self.balances[address],
                    self.nonces[address],
                    tuple(Field(name, self.fields[address][name]) for name in sorted(self.fields[address])),
                )
                for address in self.balances
            ),
            tuple(
                StorageEntry(address, slot, self.storage[address, slot])
                for address, slot in sorted(self.storage)
            ),
        )

    def root(self) -> bytes:
        return merkle_root(leaves(self.state()))


def _transformed(value: int, operands: Mapping[str, Any]) -> int:
    """The exact integer transform of MIG-7: (value * multiply + add) // divide."""
    multiply: int = operands["multiply"]
    add: int = operands["add"]
    divide: int = operands["divide"]
    return (value * multiply + add) // divide


def apply_operation(working: WorkingState, operation: Operation) -> None:
    """One primitive operation on every account or on the storage. Implements: MIG-7."""
    operands = operation.operands
    match operation.name:
        case "set_config":
            working.put(working.config, operands["key"], operands["value"])
        case "add_field":
            for fields in working.fields.values():
                if operands["name"] not in fields:
                    working.put(fields, operands["name"], operands["default"])
        case "rename_field":
            for fields in working.fields.values():
                if operands["from"] in fields:
                    if operands["to"] in fields:
                        raise Failure(ErrorCode.FIELD_CONFLICT)
                    working.put(fields, operands["to"], fields[operands["from"]])
                    working.put(fields, operands["from"], MISSING)
        case "drop_field":
            for fields in working.fields.values():
                if operands["name"] in fields:
                    working.put(fields, operands["name"], MISSING)
        case "transform_field":
            for fields in working.fields.values():
                if operands["name"] in fields:
                    value = _transformed(fields[operands["name"]], operands)
                    if value > FIELD_VALUE_MAX:
                        raise Failure(ErrorCode.FIELD_VALUE_OUT_OF_RANGE)
                    working.put(fields, operands["name"], value)
        case "transform_balance":
            for address, balance in list(working.balances.items()):
                value = _transformed(balance, operands)
                if value > BALANCE_MAX:
                    raise Failure(ErrorCode.BALANCE_OUT_OF_RANGE)
                working.put(working.balances, address, value)
        case "move_slot":
            source = (operands["address"], operands["from_slot"])
            target = (operands["address"], operands["to_slot"])
            if source not in working.storage:
                raise Failure(ErrorCode.SLOT_MISSING)
            if target in working.storage:
                raise Failure(ErrorCode.SLOT_CONFLICT)
            working.put(working.storage, target, working.storage[source])
            working.put(working.storage, source, MISSING)


class Outcome(StrEnum):
    """What a migration run did (MIG-8)."""

    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    RESTORED = "restored"
    REFUSED = "refused"


class MigrationStep(StrEnum):
    """What the version guard lets a run do (MIG-8, step 1)."""

    SKIP = "skip"
    REFUSE = "refuse"
    RUN = "run"


def version_guard(schema_version: int, source_version: int, target_version: int) -> MigrationStep:
    """Skip a state already at the target, refuse one not at the source, else run: the guard
    that makes a second run harmless. Implements: MIG-8."""
    return if_then_else(
        schema_version == target_version,
        MigrationStep.SKIP,
        if_then_else(schema_version != source_version, MigrationStep.REFUSE, MigrationStep.RUN),
    )


def keeps_result(step: MigrationStep, operation_failed: bool, validation_failed: bool) -> bool:
    """Whether a run keeps what it applied: only a run the guard let through in which no
    operation and no check failed; any other run that applied something is restored.
    Implements: MIG-8."""
    return both(step == MigrationStep.RUN, negation(either(operation_failed, validation_failed)))


class MigrationResult(NamedTuple):
    """One migration run: its outcome, the code and step of a failure, and the roots (MIG-8)."""

    outcome: Outcome
    code: ErrorCode | None
    step: int | None
    roots: tuple[bytes, ...]


def _validation_failure(
    working: WorkingState, migration: Migration, total: int, root: bytes
) -> ErrorCode | None:
    """Steps (4) and (5) of MIG-8 on the migrated state of `root`: the first check that fails, if any."""
    if migration.conserve_balance and sum(working.balances.values()) != total:
        return ErrorCode.BALANCE_NOT_CONSERVED
    if migration.expected_root is not None and root != migration.expected_root:
        return ErrorCode.ROOT_MISMATCH
    return None


def run_migration(working: WorkingState, migration: Migration) -> MigrationResult:
    """Steps (1) to (6) of MIG-8 on `working`, which is restored on a failure. Implements: MIG-8, MIG-9."""
    guard = version_guard(working.schema_version, migration.source_version, migration.target_version)
    if guard is MigrationStep.SKIP:
        return MigrationResult(Outcome.ALREADY_APPLIED, None, None, (working.root(),))
    if guard is MigrationStep.REFUSE:
        return MigrationResult(Outcome.REFUSED, ErrorCode.SOURCE_VERSION_MISMATCH, None, (working.root(),))
    snapshot, version = working.mark(), working.schema_version
    total = sum(working.balances.values())
    roots: list[bytes] = []
    operation_failure: ErrorCode | None = None
    validation_failure: ErrorCode | None = None
    root = b""
    try:
        for operation in migration.operations:
            apply_operation(working, operation)
            roots.append(working.root())
    except Failure as failure:
        operation_failure = failure.code
    if operation_failure is None:
        working.schema_version = migration.target_version
        root = working.root()
        validation_failure = _validation_failure(working, migration, total, root)
    if keeps_result(guard, operation_failure is not None, validation_failure is not None):
        return MigrationResult(Outcome.APPLIED, None, None, (*roots, root))
    working.restore(snapshot, version)
    return MigrationResult(
        Outcome.RESTORED, operation_failure or validation_failure, len(roots), (*roots, working.root())
    )


def migrate(state: State, migrations: Sequence[Migration]) -> tuple[list[MigrationResult], bytes]:
    """Run `migrations` in order from `state`, stopping at the first restored or refused one;
    the results and the final root. Implements: MIG-8, MIG-9."""
    validate_state(state)
    for migration in migrations:
        validate_migration(migration)
    working = WorkingState(state)
    results: list[MigrationResult] = []
    for migration in migrations:
        result = run_migration(working, migration)
        results.append(result)
        if result.outcome in (Outcome.RESTORED, Outcome.REFUSED):
            break
    # Every run's last root is the root of the state it leaves.
    return results, results[-1].roots[-1] if results else working.root()
