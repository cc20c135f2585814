"""Handlers: canonical JSON in and out, input validation and presets (GEN-3, GEN-6, GEN-7)."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from forkspec import HANDLERS, ErrorCode, SpecError, run_handler
from forkspec.flags import FLAG_REGISTRY
from forkspec.forkid import TIMESTAMP_THRESHOLD
from forkspec.governance import ProposalType
from forkspec.handlers import handler_schema_path
from forkspec.presets import BASIS_POINTS, Preset, ProposalRules, load_preset, preset_names
from forkspec.schemas import first_violation, validator
from hypothesis import given
from hypothesis import strategies as st

PRESET_DIRECTORY = Path(__file__).resolve().parents[1] / "spec" / "presets"
PRESET_FILES = sorted(PRESET_DIRECTORY.glob("*.yaml"))
PRESET_NAMES = [path.stem for path in PRESET_FILES]
CROSS_SHARD, AGGREGATED, ZK, ENCRYPTED = (flag.name for flag in FLAG_REGISTRY)

# One valid call per handler, with its output under the mainnet preset.
MAINNET_FORKS = {
    "genesis_hash": "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
    "genesis_time": 0,
    "block_forks": [1150000, 1920000, 2463000, 2675000, 2675000, 4370000, 7280000, 7280000],
    "time_forks": [],
}
HANDSHAKE = {
    "protocol_version": "3.1.0",
    "supported": 15,
    "required": 1,
    "chain_id": 1,
    "genesis_hash": MAINNET_FORKS["genesis_hash"],
    "fork_id": {"hash": "668db0af", "next": 0},
    "client_name": "a",
    "client_version": "1",
}
# NEG-3's table: version 1, "3.1.0", masks 15 and 1, chain 1, genesis, fork id, "a", "1".
HANDSHAKE_BYTES = (
    "01"
    + "0005"
    + "332e312e30"
    + f"{15:016x}"
    + f"{1:016x}"
    + f"{1:016x}"
    + MAINNET_FORKS["genesis_hash"]
    + "668db0af"
    + "00" * 8
    + "0001"
    + "61"
    + "0001"
    + "31"
)
NODE = {
    **{key: value for key, value in HANDSHAKE.items() if key != "fork_id"},
    **MAINNET_FORKS,
    "head": {"height": 7987396, "time": 0},
}
# A one-member council's approval of a rollback on chain 5 to height 9 (EMG-9): the message
# written out field by field, independently of the reference's encoder.
ROLLBACK_SIGNER = Ed25519PrivateKey.from_private_bytes(bytes(32))
ROLLBACK_SIGNER_PUBLIC = ROLLBACK_SIGNER.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
ROLLBACK_FIELDS = {
    "chain_id": 5,
    "target_height": 9,
    "target_state_root": "ab" * 32,
    "nonce": "01" * 32,
    "expires_at": 100,
}
ROLLBACK_MESSAGE = b"forkspec/emergency-rollback/v1" + bytes.fromhex(
    "0000000000000005" + "0000000000000009" + "ab" * 32 + "01" * 32 + "0000000000000064"
)
ROLLBACK_APPROVAL = {
    "signer": ROLLBACK_SIGNER_PUBLIC,
    "signature": ROLLBACK_SIGNER.sign(ROLLBACK_MESSAGE).hex(),
}

# RFC 9180 A.2.1, sequence 0: the ciphertext of pt under aad "Count-0".
RFC_9180_A21_CIPHERTEXT = (
    "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28"
)

VALID_CALLS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "version_parse": (
        {"version": "1.2.3-rc.1+build.5"},
        {"major": 1, "minor": 2, "patch": 3, "prerelease": ["rc", "1"], "build": ["build", "5"]},
    ),
    "version_compare": ({"left": "1.0.0-alpha", "right": "1.0.0"}, {"order": -1}),
    "version_bump": ({"old": "1.2.3", "new": "1.3.0"}, {"bump": "minor"}),
    "upgrade_policy": (
        {"kind": "hard_fork"},
        {
            "threshold_bps": 8000,
            "activation": "coordinated",
            "required_bump": "major",
            "backward_compatible": False,
            "max_activation_delay_seconds": None,
        },
    ),
    "upgrade_check": (
        {
            "kind": "emergency_patch",
            "old_version": "1.2.3",
            "new_version": "1.2.4",
            "released_at": 1000,
            "activates_at": 2000,
        },
        {"bump": "patch"},
    ),
    "upgrade_support": (
        {
            "kind": "soft_fork",
            "validators": [
                {"id": "a", "stake": 51, "supports": True},
                {"id": "b", "stake": 49, "supports": False},
            ],
        },
        {"supporting_stake": 51, "total_stake": 100, "threshold_bps": 5100, "met": True},
    ),
    "flags_encode": ({"flags": [ZK, CROSS_SHARD]}, {"mask": 0b101}),
    "flags_decode": ({"mask": 0b101}, {"flags": [CROSS_SHARD, ZK]}),
    "flags_in_force": (
        {"protocol_version": "2.1.0"},
        {"mask": 0b11, "flags": [CROSS_SHARD, AGGREGATED]},
    ),
    "flags_check": (
        {"mask": 0b11, "protocol_version": "2.1.0"},
        {"flags": [CROSS_SHARD, AGGREGATED]},
    ),
    "flags_combine": ({"operation": "union", "left": 0b1, "right": 0b1100}, {"mask": 0b1101}),
    "flags_subset": ({"inner": 0b1, "outer": 0b101}, {"subset": True}),
    "signal_check": ({"version": 0x20000004, "bit": 2}, {"signals": True}),
    "deployment_states": (
        {
            "deployment": {"method": "height", "activation_height": 3},
            "chain": [{"count": 5, "version": 0x20000000, "time": 100}],
            "heights": [2, 3],
        },
        {
            "states": [
                {"height": 2, "state": "DEFINED", "since": 0},
                {"height": 3, "state": "ACTIVE", "since": 3},
            ]
        },
    ),
    "deployment_validity": (
        {"deployment": {"method": "always_active"}, "chain": [{"count": 1, "version": 0, "time": 0}]},
        {"first_invalid_height": None},
    ),
    "proposal_lifecycle": (
        {
            "kind": "soft_fork",
            "proposed_at": 0,
            "specification": True,
            "auditors": [],
            "events": [{"type": "attach_audit", "at": 5, "auditor": "a"}, {"type": "withdraw", "at": 6}],
        },
        {"steps": [{"state": "REVIEW", "error": None}, {"state": "WITHDRAWN", "error": None}]},
    ),
    "upgrade_schedule": (
        {
            "base_version": "1.0.0",
            "upgrades": [
                {
                    "name": "x",
                    "kind": "hard_fork",
                    "version": "2.0.0",
                    "activation": {"method": "time", "activation_time": 10},
                    "flags": ["CROSS_SHARD_V2"],
                }
            ],
            "chain": [],
            "height": 0,
            "time": 10,
        },
        {"active": ["x"], "protocol_version": "2.0.0", "flags": [CROSS_SHARD], "mask": 1},
    ),
    # EIP-2124's mainnet at Byzantium's first block.
    "fork_id": (
        {**MAINNET_FORKS, "head": {"height": 4370000, "time": 0}},
        {"hash": "a00bc324", "next": 7280000},
    ),
    "fork_id_check": (
        {
            **MAINNET_FORKS,
            "head": {"height": 7987396, "time": 0},
            "remote": {"hash": "a00bc324", "next": 7280000},
        },
        {"rule": "2"},
    ),
    "handshake_encode": (HANDSHAKE, {"bytes": HANDSHAKE_BYTES}),
    "handshake_decode": ({"bytes": HANDSHAKE_BYTES}, HANDSHAKE),
    "schedule_fork_id": (
        {
            "genesis_hash": MAINNET_FORKS["genesis_hash"],
            "genesis_time": 0,
            "base_version": "1.0.0",
            "upgrades": [
                {
                    "name": "x",
                    "kind": "hard_fork",
                    "version": "2.0.0",
                    "activation": {"method": "height", "activation_height": 1150000},
                    "flags": [],
                }
            ],
            "head": {"height": 0, "time": 0},
        },
        # EIP-2124's mainnet before Homestead: the same genesis and first fork height.
        {"hash": "fc64ec04", "next": 1150000, "block_forks": [1150000], "time_forks": []},
    ),
    # One leaf, the version: 00 00000001, hashed as RFC 6962 hashes a leaf.
    "state_root": (
        {"schema_version": 1, "config": [], "accounts": [], "storage": []},
        {"leaves": ["0000000001"], "root": hashlib.sha256(bytes.fromhex("000000000001")).hexdigest()},
    ),
    # The version leaf alone, then 00 00000002 after a migration from 1 to 2 with no operation.
    "migrate": (
        {
            "state": {"schema_version": 1, "config": [], "accounts": [], "storage": []},
            "migrations": [
                {
                    "source_version": 1,
                    "target_version": 2,
                    "kind": "none",
                    "operations": [],
                    "conserve_balance": False,
                }
            ],
        },
        {
            "results": [
                {
                    "outcome": "applied",
                    "code": None,
                    "step": None,
                    "roots": [hashlib.sha256(bytes.fromhex("000000000002")).hexdigest()],
                }
            ],
            "root": hashlib.sha256(bytes.fromhex("000000000002")).hexdigest(),
        },
    ),
    "transaction_validity": (
        {
            "formats": [
                {"version": 1, "fields": [{"name": "to", "required": True}]},
                {
                    "version": 2,
                    "fields": [{"name": "to", "required": True}, {"name": "memo", "required": False}],
                },
            ],
            "node_version": 2,
            "transactions": [{"version": 1, "fields": ["to"]}, {"version": 1, "fields": ["to", "memo"]}],
        },
        {"verdicts": [{"accepted": True, "code": None}, {"accepted": False, "code": "UNKNOWN_TX_FIELD"}]},
    ),
    # Weights 11 and 10 for 121 and 100 tokens; approval 6000 * 1/2 + 4000 * 11/21 >= 5001 * 1.
    "governance_tally": (
        {
            "proposal": {"type": "parameter_change", "voting_opens_at": 0},
            "validators": [{"id": "a", "stake": 1}, {"id": "b", "stake": 1}],
            "holders": [{"id": "x", "tokens": 121}, {"id": "y", "tokens": 100}],
            "ballots": [
                {"chamber": "validators", "voter": "a", "choice": "yes", "at": 0},
                {"chamber": "validators", "voter": "b", "choice": "no", "at": 0},
                {"chamber": "holders", "voter": "x", "choice": "yes", "at": 0},
                {"chamber": "holders", "voter": "y", "choice": "no", "at": 419},
            ],
        },
        {
            "chambers": [
                {"chamber": "validators", "eligible": 2, "yes": 1, "no": 1, "abstain": 0},
                {"chamber": "holders", "eligible": 21, "yes": 11, "no": 10, "abstain": 0},
            ],
            "voting_closes_at": 604_800,
            "quorum_met": True,
            "approval_met": True,
            "stake_gate_met": None,
            "verdict": "passed",
        },
    ),
    # A high-severity report on mainnet: triaged after 1 h, patched after 4 days (due within 3).
    "emergency_timeline": (
        {
            "events": [
                {"step": "reported", "at": 0},
                {"step": "triaged", "at": 3600, "severity": "high"},
                {"step": "patch_released", "at": 345_600},
            ],
            "now": 345_600,
        },
        {
            "state": "patch_released",
            "severity": "high",
            "windows": [
                {"step": "triaged", "earliest": None, "latest": 21_600},
                {"step": "patch_released", "earliest": None, "latest": 259_200},
                {"step": "validators_notified", "earliest": None, "latest": 349_200},
            ],
            "breaches": [{"step": "patch_released", "kind": "late", "bound": 259_200}],
        },
    ),
    # RFC 9180 A.2.1, base mode, the first encryption (sequence number 0).
    "report_seal": (
        {
            "recipient_public_key": "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a",
            "seed": "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b",
            "info": "4f6465206f6e2061204772656369616e2055726e",
            "aad": "436f756e742d30",
            "plaintext": "4265617574792069732074727574682c20747275746820626561757479",
        },
        {
            "enc": "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
            "ciphertext": RFC_9180_A21_CIPHERTEXT,
        },
    ),
    "report_open": (
        {
            "recipient_private_key": "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb",
            "enc": "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a",
            "info": "4f6465206f6e2061204772656369616e2055726e",
            "aad": "436f756e742d30",
            "ciphertext": RFC_9180_A21_CIPHERTEXT,
        },
        {"plaintext": "4265617574792069732074727574682c20747275746820626561757479"},
    ),
    "rollback_authorization": (
        {
            "node": {"chain_id": 5, "height": 10, "now": 100, "used_nonces": []},
            "council": {"members": [ROLLBACK_SIGNER_PUBLIC], "threshold": 1},
            "rollback": {**ROLLBACK_FIELDS, "approvals": [ROLLBACK_APPROVAL]},
        },
        {"message": ROLLBACK_MESSAGE.hex(), "signers": 1},
    ),
    "readiness_gate": (
        {
            "activation_at": 2_000_000,
            "testnet_deployed_at": 2_000_000 - 1_209_600,
            "client_versions": ["1.2.0", "2.0.0"],
            "load_test": {"target_tps": 10, "transactions": 999, "seconds": 100},
            "failure_scenarios": [{"name": "partition", "passed": True}],
            "audits": [],
        },
        {
            "verdict": "no_go",
            "unmet": [
                {"code": "VERSIONS_INCOMPATIBLE", "subject": "2.0.0"},
                {"code": "LOAD_TEST_BELOW_TARGET", "subject": None},
                {"code": "NO_AUDIT", "subject": None},
            ],
        },
    ),
    "success_criteria": (
        {
            "validators": [
                {"id": "a", "stake": 9, "upgraded": True},
                {"id": "b", "stake": 1, "upgraded": False},
            ],
            "consensus_failures": 0,
            "critical_bugs": 0,
            "performance": [{"metric": "latency", "value": 5, "limit": 4}],
        },
        {
            "verdict": "failure",
            "upgraded": {
                "count": 1,
                "of_count": 2,
                "stake": 9,
                "of_stake": 10,
                "count_bps": 5000,
                "stake_bps": 9000,
            },
            "unmet": [
                {"code": "UPGRADED_COUNT_BELOW", "subject": None},
                {"code": "PERFORMANCE_OUT_OF_BOUNDS", "subject": "latency"},
            ],
        },
    ),
    "endpoint_status": (
        {
            "registry": [{"name": "rpc/a", "deprecated_in": "2.0.0", "removed_in": "4.0.0", "guide": "g.md"}],
            "client_version": "3.0.0",
            "endpoints": ["rpc/a", "rpc/b"],
        },
        {
            "statuses": [
                {
                    "name": "rpc/a",
                    "status": "deprecated",
                    "notice": "rpc/a is deprecated since 2.0.0 and removed in 4.0.0; see g.md",
                },
                {"name": "rpc/b", "status": "available", "notice": None},
            ]
        },
    ),
    "peer_selection": (
        {"local": NODE, "candidates": [HANDSHAKE, {**HANDSHAKE, "chain_id": 2}], "count": 1},
        {
            "selected": [
                {
                    "index": 0,
                    "score": (2**64 - 1) * 128 + 4,
                    "protocol_version": "3.1.0",
                    "features": [
                        "CROSS_SHARD_V2",
                        "AGGREGATED_SIGNATURES",
                        "ZK_RECURSION",
                        "ENCRYPTED_MEMPOOL",
                    ],
                }
            ],
            "refused": [{"index": 1, "code": "CHAIN_ID_MISMATCH"}],
        },
    ),
    "negotiate": (
        {"a": NODE, "b": {**NODE, "protocol_version": "3.0.9", "supported": 7}},
        {
            "protocol_version": "3.0.9",
            "features": ["CROSS_SHARD_V2", "AGGREGATED_SIGNATURES", "ZK_RECURSION"],
            "mask": 7,
        },
    ),
}
OPTIONAL_FIELDS = {
    "upgrade_check": {"released_at", "activates_at"},
    "endpoint_status": {"removed_in"},
    "readiness_gate": {"testnet_deployed_at"},
}


def run(name: str, data: object, preset: str = "mainnet") -> dict[str, Any]:
    return run_handler(name, preset, data)


def error_code(name: str, data: object, preset: str = "mainnet") -> ErrorCode:
    with pytest.raises(SpecError) as excinfo:
        run_handler(name, preset, data)
    return excinfo.value.code


def assert_valid_output(name: str, output: object) -> None:
    assert first_violation(validator(handler_schema_path(name), "output"), output) is None


# --------------------------------------------------------------------------------------------
# The handler table
# --------------------------------------------------------------------------------------------


def test_every_handler_has_a_valid_call_here() -> None:
    assert set(VALID_CALLS) == set(HANDLERS)


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_handler_metadata(name: str) -> None:
    handler = HANDLERS[name]
    assert handler.name == name
    assert handler.area in {
        "versioning",
        "classification",
        "flags",
        "activation",
        "coordination",
        "schedule",
        "forkid",
        "negotiation",
        "peers",
        "migration",
        "compatibility",
        "governance",
        "emergency",
        "readiness",
    }
    assert handler.reads_preset == (
        handler.area in {"classification", "coordination", "schedule", "governance"}
        or name == "emergency_timeline"
    )
    for definition in ("input", "output"):
        validator(handler_schema_path(name), definition)


@pytest.mark.parametrize("preset", PRESET_NAMES)
@pytest.mark.parametrize("name", sorted(VALID_CALLS))
def test_valid_call_output_matches_its_schema(name: str, preset: str) -> None:
    data, _ = VALID_CALLS[name]
    assert_valid_output(name, run(name, data, preset))


@pytest.mark.parametrize("name", sorted(VALID_CALLS))
def test_valid_call_output(name: str) -> None:
    data, expected = VALID_CALLS[name]
    original = copy.deepcopy(data)
    assert run(name, data) == expected
    assert data == original, "a handler must not modify its input"


@pytest.mark.parametrize("name", sorted(name for name, h in HANDLERS.items() if not h.reads_preset))
def test_handlers_that_do_not_read_the_preset_ignore_it(name: str) -> None:
    data, _ = VALID_CALLS[name]
    outputs = [run(name, data, preset) for preset in PRESET_NAMES]
    assert all(output == outputs[0] for output in outputs)


def test_upgrade_policy_reads_the_preset() -> None:
    for preset in PRESET_NAMES:
        output = run("upgrade_policy", {"kind": "emergency_patch"}, preset)
        assert output["max_activation_delay_seconds"] == (
            load_preset(preset).emergency_activation_window_seconds
        )


def test_optional_fields_may_be_omitted() -> None:
    data = {"kind": "client_update", "old_version": "1.2.3", "new_version": "1.2.4"}
    assert run("upgrade_check", data) == {"bump": "patch"}


# --------------------------------------------------------------------------------------------
# INVALID_INPUT
# --------------------------------------------------------------------------------------------


def wrong_values(value: object) -> list[object]:
    """JSON values of the wrong type for a field whose valid value is `value`."""
    if isinstance(value, bool):
        return [1, 0, 1.0, "true", None, [value]]
    if isinstance(value, int):
        return [str(value), float(value), True, False, None, [value], {"value": value}]
    if isinstance(value, str):
        return [1, 1.0, True, None, [value], {"value": value}]
    if isinstance(value, list):
        return ["", 0, None, {}, True]
    if isinstance(value, dict):
        return [[value], "", 0, None, True]
    raise AssertionError(f"no wrong values for {value!r}")


def invalid_variants(data: dict[str, Any], optional: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every input that breaks `data` in one place: a missing, extra or mistyped field."""
    for key, value in data.items():
        if key not in optional:
            yield f"{key}-missing", {k: v for k, v in data.items() if k != key}
        for index, wrong in enumerate(wrong_values(value)):
            yield f"{key}-wrong{index}-{type(wrong).__name__}", {**data, key: wrong}
        if isinstance(value, list) and value:
            element = value[0]
            replacements: list[tuple[str, object]] = [
                (f"wrong{index}-{type(wrong).__name__}", wrong)
                for index, wrong in enumerate(wrong_values(element))
            ]
            if isinstance(element, dict):
                replacements += list(invalid_variants(element, optional))
            for label, replacement in replacements:
                yield f"{key}[0]-{label}", {**data, key: [replacement, *value[1:]]}
    yield "extra-field", {**data, "unexpected": 0}


INVALID_INPUTS = [
    pytest.param(name, variant, id=f"{name}-{label}")
    for name, (data, _) in sorted(VALID_CALLS.items())
    for label, variant in invalid_variants(data, OPTIONAL_FIELDS.get(name, set()))
]
NON_OBJECTS: list[object] = [None, True, 0, 1.5, "{}", [], [["mask", 1]]]


@pytest.mark.parametrize(("name", "data"), INVALID_INPUTS)
def test_malformed_input_is_invalid_input(name: str, data: dict[str, Any]) -> None:
    assert error_code(name, data) is ErrorCode.INVALID_INPUT


@pytest.mark.parametrize("data", NON_OBJECTS, ids=repr)
@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_non_object_input_is_invalid_input(name: str, data: object) -> None:
    assert error_code(name, data) is ErrorCode.INVALID_INPUT


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_empty_object_is_invalid_input(name: str) -> None:
    assert error_code(name, {}) is ErrorCode.INVALID_INPUT


@pytest.mark.parametrize("operation", ["UNION", "Union", "xor", "", "union "])
def test_unknown_mask_operation_is_invalid_input(operation: str) -> None:
    data = {"operation": operation, "left": 0, "right": 0}
    assert error_code("flags_combine", data) is ErrorCode.INVALID_INPUT


# --------------------------------------------------------------------------------------------
# Presets
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", ["", "nonexistent", "Mainnet", "mainnet.yaml", "../presets/mainnet"])
@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_unknown_preset_is_rejected(name: str, preset: str) -> None:
    data, _ = VALID_CALLS[name]
    assert error_code(name, data, preset) is ErrorCode.UNKNOWN_PRESET


def test_preset_names_are_the_shipped_files() -> None:
    assert {"mainnet", "minimal"} <= set(PRESET_NAMES)
    assert preset_names() == tuple(PRESET_NAMES)


@pytest.mark.parametrize("path", PRESET_FILES, ids=PRESET_NAMES)
def test_shipped_preset_file(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) == {field.name for field in dataclasses.fields(Preset)}
    assert data["name"] == path.stem
    numbers = {key: value for key, value in data.items() if key not in ("name", "governance", "emergency")}
    for key, value in numbers.items():
        assert type(value) is int, key
        assert value >= 0, key
    assert 0 < data["soft_fork_threshold_bps"] <= BASIS_POINTS
    assert 0 < data["hard_fork_threshold_bps"] <= BASIS_POINTS
    assert first_violation(validator("preset.json"), data) is None
    preset = load_preset(path.stem)
    assert preset == Preset(
        **numbers, name=data["name"], governance=preset.governance, emergency=preset.emergency
    )
    assert {rules.type: rules for rules in preset.governance} == {
        name: ProposalRules(name, **rules) for name, rules in data["governance"].items()
    }
    assert [rules.type for rules in preset.governance] == [proposal.value for proposal in ProposalType]


# --------------------------------------------------------------------------------------------
# Errors pass through with their canonical codes
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("version_parse", {"version": "01.0.0"}, ErrorCode.INVALID_VERSION),
        ("version_parse", {"version": f"{2**64}.0.0"}, ErrorCode.VERSION_OUT_OF_RANGE),
        ("version_compare", {"left": "1.0.0", "right": "v1.0.0"}, ErrorCode.INVALID_VERSION),
        ("version_bump", {"old": "1.0.0", "new": "1.0.0-rc.1"}, ErrorCode.VERSION_DOWNGRADE),
        ("upgrade_policy", {"kind": "fork"}, ErrorCode.UNKNOWN_UPGRADE_KIND),
        (
            "upgrade_check",
            {"kind": "soft_fork", "old_version": "1.0.0", "new_version": "2.0.0"},
            ErrorCode.BUMP_MISMATCH,
        ),
        (
            "upgrade_check",
            {
                "kind": "client_update",
                "old_version": "1.0.0",
                "new_version": "1.0.1",
                "activates_at": 5,
            },
            ErrorCode.UNEXPECTED_ACTIVATION,
        ),
        (
            "upgrade_check",
            {
                "kind": "emergency_patch",
                "old_version": "1.0.0",
                "new_version": "1.0.1",
                "released_at": 0,
                "activates_at": 2**64,
            },
            ErrorCode.TIMESTAMP_OUT_OF_RANGE,
        ),
        ("upgrade_support", {"kind": "soft_fork", "validators": []}, ErrorCode.NO_STAKE),
        (
            "upgrade_support",
            {"kind": "hard_fork", "validators": [{"id": "a", "stake": 2**64, "supports": True}]},
            ErrorCode.STAKE_OUT_OF_RANGE,
        ),
        (
            "upgrade_support",
            {"kind": "hard_fork", "validators": [{"id": "a", "stake": 1, "supports": True}] * 2},
            ErrorCode.DUPLICATE_VALIDATOR,
        ),
        ("flags_encode", {"flags": ["NOPE"]}, ErrorCode.UNKNOWN_FLAG),
        ("flags_encode", {"flags": [ZK, ZK]}, ErrorCode.DUPLICATE_FLAG),
        ("flags_decode", {"mask": -1}, ErrorCode.FLAG_MASK_OUT_OF_RANGE),
        ("flags_decode", {"mask": 1 << 63}, ErrorCode.UNKNOWN_FLAG_BITS),
        ("flags_in_force", {"protocol_version": "2.0"}, ErrorCode.INVALID_VERSION),
        (
            "flags_check",
            {"mask": 0b100, "protocol_version": "2.1.0"},
            ErrorCode.FLAG_NOT_INTRODUCED,
        ),
        (
            "flags_combine",
            {"operation": "union", "left": 2**64, "right": 0},
            ErrorCode.FLAG_MASK_OUT_OF_RANGE,
        ),
        ("flags_subset", {"inner": 0, "outer": 1 << 4}, ErrorCode.UNKNOWN_FLAG_BITS),
    ],
)
def test_specification_errors_keep_their_code(name: str, data: dict[str, Any], code: ErrorCode) -> None:
    assert error_code(name, data) is code


# --------------------------------------------------------------------------------------------
# The examples of the spec documents, and the order of checks (GEN-7)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "preset", "data", "expected"),
    [
        (
            "version_parse",
            "mainnet",
            {"version": "1.0.0-rc.1+build.007"},
            {
                "major": 1,
                "minor": 0,
                "patch": 0,
                "prerelease": ["rc", "1"],
                "build": ["build", "007"],
            },
        ),
        ("version_bump", "mainnet", {"old": "2.0.0-rc.1", "new": "2.0.0"}, {"bump": "none"}),
        ("version_bump", "mainnet", {"old": "1.0.0+b", "new": "1.0.0+a"}, {"bump": "none"}),
        ("version_bump", "mainnet", {"old": "1.4.2", "new": "2.0.0-rc.1"}, {"bump": "major"}),
        (
            "upgrade_policy",
            "minimal",
            {"kind": "emergency_patch"},
            {
                "threshold_bps": 0,
                "activation": "deadline",
                "required_bump": "patch",
                "backward_compatible": True,
                "max_activation_delay_seconds": 3600,
            },
        ),
        (
            "upgrade_check",
            "mainnet",
            {
                "kind": "emergency_patch",
                "old_version": "1.4.2",
                "new_version": "1.4.3",
                "released_at": 1700000000,
                "activates_at": 1700086400,
            },
            {"bump": "patch"},
        ),
        (
            "upgrade_check",
            "mainnet",
            {
                "kind": "emergency_patch",
                "old_version": "1.4.2",
                "new_version": "1.4.3",
                "released_at": 1700000000,
                "activates_at": 1700086401,
            },
            ErrorCode.EMERGENCY_WINDOW_EXCEEDED,
        ),
        (
            "upgrade_support",
            "mainnet",
            {
                "kind": "soft_fork",
                "validators": [
                    {"id": "v0", "stake": 5100, "supports": True},
                    {"id": "v1", "stake": 4900, "supports": False},
                ],
            },
            {"supporting_stake": 5100, "total_stake": 10000, "threshold_bps": 5100, "met": True},
        ),
        ("flags_encode", "mainnet", {"flags": [ZK, CROSS_SHARD]}, {"mask": 5}),
        ("flags_decode", "mainnet", {"mask": 10}, {"flags": [AGGREGATED, ENCRYPTED]}),
        ("flags_decode", "mainnet", {"mask": 16}, ErrorCode.UNKNOWN_FLAG_BITS),
        (
            "flags_in_force",
            "mainnet",
            {"protocol_version": "2.1.0-rc.1"},
            {"mask": 1, "flags": [CROSS_SHARD]},
        ),
        (
            "flags_check",
            "mainnet",
            {"mask": 3, "protocol_version": "2.0.5"},
            ErrorCode.FLAG_NOT_INTRODUCED,
        ),
        (
            "flags_combine",
            "mainnet",
            {"operation": "difference", "left": 7, "right": 2},
            {"mask": 5},
        ),
        ("flags_subset", "mainnet", {"inner": 0, "outer": 15}, {"subset": True}),
    ],
)
def test_spec_examples(
    name: str, preset: str, data: dict[str, Any], expected: dict[str, Any] | ErrorCode
) -> None:
    if isinstance(expected, ErrorCode):
        assert error_code(name, data, preset) is expected
    else:
        assert run(name, data, preset) == expected


def upgrade(kind: str, old: str, new: str, **times: int) -> dict[str, Any]:
    return {"kind": kind, "old_version": old, "new_version": new, **times}


def ballot(*validators: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"id": id_, "stake": stake, "supports": True} for id_, stake in validators]


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("upgrade_check", upgrade("fork", "x", "y"), ErrorCode.UNKNOWN_UPGRADE_KIND),
        ("upgrade_check", upgrade("soft_fork", "01.0.0", "1.0"), ErrorCode.INVALID_VERSION),
        (
            "upgrade_check",
            upgrade("soft_fork", f"{2**64}.0.0", "1.0"),
            ErrorCode.VERSION_OUT_OF_RANGE,
        ),
        ("upgrade_check", upgrade("soft_fork", "1.0.0", "1.0"), ErrorCode.INVALID_VERSION),
        ("upgrade_check", upgrade("hard_fork", "2.0.0", "1.1.0"), ErrorCode.VERSION_DOWNGRADE),
        (
            "upgrade_check",
            upgrade("client_update", "1.0.0", "2.0.0", activates_at=5),
            ErrorCode.BUMP_MISMATCH,
        ),
        (
            "upgrade_check",
            upgrade("hard_fork", "1.0.0", "1.1.0", released_at=-1),
            ErrorCode.BUMP_MISMATCH,
        ),
        (
            "upgrade_check",
            upgrade("client_update", "1.0.0", "1.0.1", released_at=2**64, activates_at=5),
            ErrorCode.TIMESTAMP_OUT_OF_RANGE,
        ),
        (
            "upgrade_check",
            upgrade("emergency_patch", "1.0.0", "1.0.1", activates_at=2**64),
            ErrorCode.TIMESTAMP_OUT_OF_RANGE,
        ),
        (
            "upgrade_check",
            upgrade("hard_fork", "1.0.0", "2.0.0", released_at=-1, activates_at=-2),
            ErrorCode.TIMESTAMP_OUT_OF_RANGE,
        ),
        (
            "upgrade_check",
            upgrade("emergency_patch", "1.0.0", "1.0.1", released_at=10**9, activates_at=0),
            ErrorCode.ACTIVATION_BEFORE_RELEASE,
        ),
        (
            "upgrade_support",
            {"kind": "fork", "validators": ballot(("a", -1), ("a", 1))},
            ErrorCode.UNKNOWN_UPGRADE_KIND,
        ),
        (
            "upgrade_support",
            {"kind": "soft_fork", "validators": ballot(("a", 2**64), ("a", 1))},
            ErrorCode.STAKE_OUT_OF_RANGE,
        ),
        (
            "upgrade_support",
            {"kind": "soft_fork", "validators": ballot(("a", 1), ("a", -1))},
            ErrorCode.DUPLICATE_VALIDATOR,
        ),
        (
            "upgrade_support",
            {"kind": "soft_fork", "validators": ballot(("a", 0), ("b", -1))},
            ErrorCode.STAKE_OUT_OF_RANGE,
        ),
        ("version_compare", {"left": "1.0", "right": f"{2**64}.0.0"}, ErrorCode.INVALID_VERSION),
        (
            "version_compare",
            {"left": f"{2**64}.0.0", "right": "1.0"},
            ErrorCode.VERSION_OUT_OF_RANGE,
        ),
        ("version_bump", {"old": f"{2**64}.0.0", "new": "0.0"}, ErrorCode.VERSION_OUT_OF_RANGE),
        ("flags_encode", {"flags": [ZK, ZK, "NOPE"]}, ErrorCode.DUPLICATE_FLAG),
        ("flags_encode", {"flags": ["NOPE", ZK, ZK]}, ErrorCode.UNKNOWN_FLAG),
        ("flags_check", {"mask": -1, "protocol_version": "1.0"}, ErrorCode.INVALID_VERSION),
        (
            "flags_check",
            {"mask": 1 << 4 | 1 << 2, "protocol_version": "1.0.0"},
            ErrorCode.UNKNOWN_FLAG_BITS,
        ),
        (
            "flags_check",
            {"mask": 2**64 | 1 << 2, "protocol_version": "1.0.0"},
            ErrorCode.FLAG_MASK_OUT_OF_RANGE,
        ),
        (
            "flags_combine",
            {"operation": "union", "left": 1 << 4, "right": -1},
            ErrorCode.UNKNOWN_FLAG_BITS,
        ),
        (
            "flags_combine",
            {"operation": "union", "left": -1, "right": 1 << 4},
            ErrorCode.FLAG_MASK_OUT_OF_RANGE,
        ),
        ("flags_subset", {"inner": 1 << 4, "outer": -1}, ErrorCode.UNKNOWN_FLAG_BITS),
        ("flags_subset", {"inner": 0, "outer": 2**64}, ErrorCode.FLAG_MASK_OUT_OF_RANGE),
    ],
)
def test_first_failing_check_gives_the_code(name: str, data: dict[str, Any], code: ErrorCode) -> None:
    assert error_code(name, data) is code


@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_preset_is_resolved_before_the_input_is_checked(name: str) -> None:
    assert error_code(name, {"unexpected": 0}, "nonexistent") is ErrorCode.UNKNOWN_PRESET


HUGE = 10**5000  # beyond CPython's default limit for int <-> decimal str conversion


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("flags_decode", {"mask": HUGE}, ErrorCode.FLAG_MASK_OUT_OF_RANGE),
        ("flags_decode", {"mask": -HUGE}, ErrorCode.FLAG_MASK_OUT_OF_RANGE),
        (
            "flags_check",
            {"mask": HUGE, "protocol_version": "1.0.0"},
            ErrorCode.FLAG_MASK_OUT_OF_RANGE,
        ),
        (
            "flags_combine",
            {"operation": "union", "left": 0, "right": HUGE},
            ErrorCode.FLAG_MASK_OUT_OF_RANGE,
        ),
        ("flags_subset", {"inner": HUGE, "outer": 0}, ErrorCode.FLAG_MASK_OUT_OF_RANGE),
        (
            "upgrade_support",
            {"kind": "soft_fork", "validators": ballot(("a", HUGE))},
            ErrorCode.STAKE_OUT_OF_RANGE,
        ),
        (
            "upgrade_check",
            upgrade("hard_fork", "1.0.0", "2.0.0", released_at=HUGE),
            ErrorCode.TIMESTAMP_OUT_OF_RANGE,
        ),
        ("version_parse", {"version": HUGE}, ErrorCode.INVALID_INPUT),
        ("flags_encode", {"flags": [HUGE]}, ErrorCode.INVALID_INPUT),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_integers_of_any_size_get_their_field_code(name: str, data: dict[str, Any], code: ErrorCode) -> None:
    """GEN-3: the encoding sets no size limit; an out-of-range value gets the field's code."""
    assert error_code(name, data) is code


# --------------------------------------------------------------------------------------------
# Well-formed inputs: a schema-valid output or a specification error, never anything else
# --------------------------------------------------------------------------------------------

versionish = st.one_of(
    st.from_regex(
        r"(0|[1-9][0-9]{0,20})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]?)(-[0-9A-Za-z.-]{1,8})?",
        fullmatch=True,
    ),
    st.text(max_size=10),
)
integers = st.one_of(st.integers(-2, 20), st.integers(-(2**65), 2**65))
kinds = st.one_of(st.sampled_from(["soft_fork", "hard_fork", "emergency_patch", "client_update"]), st.text())
small = st.one_of(st.integers(-2, 40), integers)
signaling = {"bit": small, "period": small, "threshold": small}
deployments = st.one_of(
    st.fixed_dictionaries({"method": st.just("bip9"), **signaling, "start_time": small, "timeout": small}),
    st.fixed_dictionaries(
        {
            "method": st.just("speedy_trial"),
            **signaling,
            "start_time": small,
            "timeout": small,
            "min_activation_height": small,
        }
    ),
    st.fixed_dictionaries(
        {
            "method": st.just("bip8"),
            **signaling,
            "start_height": small,
            "timeout_height": small,
            "lock_in_on_timeout": st.booleans(),
        }
    ),
    st.fixed_dictionaries({"method": st.just("height"), "activation_height": small}),
    st.fixed_dictionaries({"method": st.sampled_from(["always_active", "never_active"])}),
)
chains = st.lists(
    st.fixed_dictionaries(
        {"count": small, "version": st.one_of(small, st.integers(0, 2**32)), "time": small},
        optional={"time_step": small},
    ),
    max_size=4,
)
events = st.one_of(
    st.fixed_dictionaries({"type": st.just("attach_audit"), "at": small, "auditor": st.sampled_from("abc")}),
    st.fixed_dictionaries(
        {
            "type": st.just("open_voting"),
            "at": small,
            "validators": st.lists(
                st.fixed_dictionaries({"id": st.sampled_from("vw"), "stake": small}), max_size=3
            ),
        }
    ),
    st.fixed_dictionaries(
        {"type": st.just("vote"), "at": small, "validator": st.sampled_from("vwx"), "approve": st.booleans()}
    ),
    st.fixed_dictionaries(
        {"type": st.just("schedule"), "at": small, "current_height": small, "activation_height": small}
    ),
    st.fixed_dictionaries({"type": st.just("activate"), "at": small, "height": small}),
    st.fixed_dictionaries({"type": st.sampled_from(["close_voting", "withdraw", "expire"]), "at": small}),
)
flag_names = st.one_of(st.sampled_from([flag.name for flag in FLAG_REGISTRY]), st.text(max_size=5))


# Fork points near the threshold on both sides, so that FID-3 both holds and fails.
fork_points = st.one_of(small, st.integers(TIMESTAMP_THRESHOLD - 2, TIMESTAMP_THRESHOLD + 2))
fork_hashes = st.sampled_from(["fc64ec04", "a00bc324", "668db0af", "00000000", "ffffffff"])
fork_configurations = st.fixed_dictionaries(
    {
        "genesis_hash": st.sampled_from(
            ["d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3", "00" * 32]
        ),
        "genesis_time": small,
        "block_forks": st.lists(fork_points, max_size=4),
        "time_forks": st.lists(fork_points, max_size=4),
        "head": st.fixed_dictionaries({"height": fork_points, "time": fork_points}),
    }
)
texts = st.one_of(st.sampled_from(["", "3.1.0", "0.4.1", "3.0.0-rc.1", "2.1.0+b"]), st.text(max_size=70))
masks = st.one_of(st.integers(0, 15), integers)
handshakes = st.fixed_dictionaries(
    {
        "protocol_version": texts,
        "supported": masks,
        "required": masks,
        "chain_id": st.one_of(st.integers(0, 2), integers),
        "genesis_hash": st.sampled_from([MAINNET_FORKS["genesis_hash"], "00" * 32]),
        "fork_id": st.fixed_dictionaries({"hash": fork_hashes, "next": integers}),
        "client_name": texts,
        "client_version": texts,
    }
)
nodes = st.builds(
    lambda handshake, configuration: {
        **{key: value for key, value in handshake.items() if key != "fork_id"},
        **configuration,
    },
    handshakes,
    fork_configurations,
)
WELL_FORMED_INPUTS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "version_parse": st.fixed_dictionaries({"version": versionish}),
    "version_compare": st.fixed_dictionaries({"left": versionish, "right": versionish}),
    "version_bump": st.fixed_dictionaries({"old": versionish, "new": versionish}),
    "upgrade_policy": st.fixed_dictionaries({"kind": kinds}),
    "upgrade_check": st.fixed_dictionaries(
        {"kind": kinds, "old_version": versionish, "new_version": versionish},
        optional={"released_at": integers, "activates_at": integers},
    ),
    "upgrade_support": st.fixed_dictionaries(
        {
            "kind": kinds,
            "validators": st.lists(
                st.fixed_dictionaries(
                    {"id": st.sampled_from("abcd"), "stake": integers, "supports": st.booleans()}
                ),
                max_size=4,
            ),
        }
    ),
    "flags_encode": st.fixed_dictionaries({"flags": st.lists(flag_names, max_size=5)}),
    "flags_decode": st.fixed_dictionaries({"mask": integers}),
    "flags_in_force": st.fixed_dictionaries({"protocol_version": versionish}),
    "flags_check": st.fixed_dictionaries({"mask": integers, "protocol_version": versionish}),
    "flags_combine": st.fixed_dictionaries(
        {
            "operation": st.sampled_from(["intersection", "union", "difference"]),
            "left": integers,
            "right": integers,
        }
    ),
    "flags_subset": st.fixed_dictionaries({"inner": integers, "outer": integers}),
    "signal_check": st.fixed_dictionaries(
        {"version": st.one_of(integers, st.integers(0, 2**32)), "bit": integers}
    ),
    "deployment_states": st.fixed_dictionaries(
        {"deployment": deployments, "chain": chains, "heights": st.lists(integers, max_size=4)}
    ),
    "deployment_validity": st.fixed_dictionaries({"deployment": deployments, "chain": chains}),
    "proposal_lifecycle": st.fixed_dictionaries(
        {
            "kind": kinds,
            "proposed_at": small,
            "specification": st.booleans(),
            "auditors": st.lists(st.sampled_from("ab"), max_size=2),
            "events": st.lists(events, max_size=6),
        }
    ),
    "upgrade_schedule": st.fixed_dictionaries(
        {
            "base_version": versionish,
            "upgrades": st.lists(
                st.fixed_dictionaries(
                    {
                        "name": st.sampled_from("xyz"),
                        "kind": kinds,
                        "version": versionish,
                        "activation": st.one_of(
                            deployments,
                            st.fixed_dictionaries({"method": st.just("time"), "activation_time": small}),
                        ),
                        "flags": st.lists(flag_names, max_size=2),
                    }
                ),
                max_size=3,
            ),
            "chain": chains,
            "height": small,
            "time": small,
        }
    ),
    "handshake_encode": handshakes,
    "handshake_decode": st.one_of(
        st.builds(lambda data: {"bytes": data.hex()}, st.binary(max_size=300)),
        st.builds(
            lambda data, cut: {"bytes": data[:cut]},
            st.just(HANDSHAKE_BYTES),
            st.integers(0, len(HANDSHAKE_BYTES) // 2).map(lambda count: 2 * count),
        ),
    ),
    "negotiate": st.fixed_dictionaries({"a": nodes, "b": nodes}),
    "peer_selection": st.fixed_dictionaries(
        {"local": nodes, "candidates": st.lists(handshakes, max_size=4), "count": small}
    ),
    "schedule_fork_id": st.fixed_dictionaries(
        {
            "genesis_hash": st.just(MAINNET_FORKS["genesis_hash"]),
            "genesis_time": small,
            "base_version": versionish,
            "upgrades": st.lists(
                st.fixed_dictionaries(
                    {
                        "name": st.sampled_from(["a", "b", "c"]),
                        "kind": kinds,
                        "version": versionish,
                        "activation": st.one_of(
                            deployments,
                            st.fixed_dictionaries(
                                {"method": st.just("time"), "activation_time": fork_points}
                            ),
                        ),
                        "flags": st.lists(flag_names, max_size=2),
                    }
                ),
                max_size=3,
            ),
            "head": st.fixed_dictionaries({"height": fork_points, "time": fork_points}),
        }
    ),
    "state_root": st.fixed_dictionaries(
        {
            "schema_version": small,
            "config": st.lists(
                st.fixed_dictionaries({"key": st.sampled_from(["a", "b", "a_b"]), "value": integers}),
                max_size=3,
            ),
            "accounts": st.lists(
                st.fixed_dictionaries(
                    {
                        "address": st.sampled_from(["aa" * 20, "bb" * 20]),
                        "balance": st.one_of(integers, st.integers(2**127, 2**129)),
                        "nonce": integers,
                        "fields": st.lists(
                            st.fixed_dictionaries({"name": st.sampled_from(["x", "y"]), "value": integers}),
                            max_size=3,
                        ),
                    }
                ),
                max_size=3,
            ),
            "storage": st.lists(
                st.fixed_dictionaries(
                    {
                        "address": st.sampled_from(["aa" * 20, "bb" * 20]),
                        "slot": st.sampled_from(["00" * 32, "01" * 32]),
                        "value": st.just("ff" * 32),
                    }
                ),
                max_size=3,
            ),
        }
    ),
    "migrate": st.fixed_dictionaries(
        {
            "state": st.just(
                {
                    "schema_version": 3,
                    "config": [],
                    "accounts": [
                        {
                            "address": "aa" * 20,
                            "balance": 5,
                            "nonce": 0,
                            "fields": [{"name": "x", "value": 3}],
                        }
                    ],
                    "storage": [{"address": "aa" * 20, "slot": "00" * 32, "value": "ff" * 32}],
                }
            ),
            "migrations": st.lists(
                st.fixed_dictionaries(
                    {
                        "source_version": small,
                        "target_version": small,
                        "kind": st.sampled_from(["none", "account", "storage", "full"]),
                        "operations": st.lists(
                            st.one_of(
                                st.fixed_dictionaries(
                                    {
                                        "op": st.just("add_field"),
                                        "name": st.sampled_from(["x", "y"]),
                                        "default": integers,
                                    }
                                ),
                                st.fixed_dictionaries(
                                    {
                                        "op": st.just("rename_field"),
                                        "from": st.sampled_from(["x", "y"]),
                                        "to": st.sampled_from(["x", "y"]),
                                    }
                                ),
                                st.fixed_dictionaries(
                                    {"op": st.just("drop_field"), "name": st.sampled_from(["x", "y"])}
                                ),
                                st.fixed_dictionaries(
                                    {
                                        "op": st.just("transform_field"),
                                        "name": st.just("x"),
                                        "multiply": integers,
                                        "add": integers,
                                        "divide": integers,
                                    }
                                ),
                                st.fixed_dictionaries(
                                    {
                                        "op": st.just("transform_balance"),
                                        "multiply": integers,
                                        "add": integers,
                                        "divide": integers,
                                    }
                                ),
                                st.fixed_dictionaries(
                                    {"op": st.just("set_config"), "key": st.just("k"), "value": integers}
                                ),
                                st.fixed_dictionaries(
                                    {
                                        "op": st.just("move_slot"),
                                        "address": st.just("aa" * 20),
                                        "from_slot": st.sampled_from(["00" * 32, "01" * 32]),
                                        "to_slot": st.sampled_from(["00" * 32, "01" * 32]),
                                    }
                                ),
                            ),
                            max_size=3,
                        ),
                        "conserve_balance": st.booleans(),
                    }
                ),
                max_size=3,
            ),
        }
    ),
    "transaction_validity": st.fixed_dictionaries(
        {
            "formats": st.lists(
                st.fixed_dictionaries(
                    {
                        "version": integers,
                        "fields": st.lists(
                            st.fixed_dictionaries(
                                {"name": st.sampled_from(["a", "b", "c"]), "required": st.booleans()}
                            ),
                            max_size=3,
                        ),
                    }
                ),
                max_size=3,
            ),
            "node_version": integers,
            "transactions": st.lists(
                st.fixed_dictionaries(
                    {"version": integers, "fields": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3)}
                ),
                max_size=3,
            ),
        }
    ),
    "governance_tally": st.fixed_dictionaries(
        {
            "proposal": st.fixed_dictionaries(
                {
                    "type": st.sampled_from(
                        ["protocol_upgrade", "parameter_change", "treasury_spending", "emergency_action"]
                    ),
                    "voting_opens_at": integers,
                },
                optional={"upgrade_kind": st.sampled_from(["soft_fork", "hard_fork", "client_update"])},
            ),
            "validators": st.lists(
                st.fixed_dictionaries({"id": st.sampled_from(["a", "b", "c"]), "stake": integers}), max_size=3
            ),
            "holders": st.lists(
                st.fixed_dictionaries({"id": st.sampled_from(["a", "x", "y"]), "tokens": integers}),
                max_size=3,
            ),
            "ballots": st.lists(
                st.fixed_dictionaries(
                    {
                        "chamber": st.sampled_from(["validators", "holders"]),
                        "voter": st.sampled_from(["a", "b", "x"]),
                        "choice": st.sampled_from(["yes", "no", "abstain"]),
                        "at": integers,
                    }
                ),
                max_size=4,
            ),
        }
    ),
    "emergency_timeline": st.fixed_dictionaries(
        {
            "events": st.lists(
                st.fixed_dictionaries(
                    {
                        "step": st.sampled_from(["reported", "triaged", "patch_released", "activated"]),
                        "at": integers,
                    },
                    optional={"severity": st.sampled_from(["critical", "low"])},
                ),
                min_size=1,
                max_size=4,
            ),
            "now": integers,
        }
    ),
    "report_seal": st.fixed_dictionaries(
        {
            name: st.binary(max_size=40).map(bytes.hex)
            for name in ("recipient_public_key", "seed", "info", "aad", "plaintext")
        }
    ),
    "report_open": st.fixed_dictionaries(
        {
            name: st.binary(max_size=40).map(bytes.hex)
            for name in ("recipient_private_key", "enc", "info", "aad", "ciphertext")
        }
    ),
    "readiness_gate": st.fixed_dictionaries(
        {
            "activation_at": integers,
            "client_versions": st.lists(versionish, min_size=1, max_size=4),
            "load_test": st.fixed_dictionaries(
                {"target_tps": integers, "transactions": integers, "seconds": integers}
            ),
            "failure_scenarios": st.lists(
                st.fixed_dictionaries({"name": st.sampled_from("ab"), "passed": st.booleans()}), max_size=3
            ),
            "audits": st.lists(
                st.fixed_dictionaries({"auditor": st.sampled_from("xy"), "complete": st.booleans()}),
                max_size=3,
            ),
        },
        optional={"testnet_deployed_at": integers},
    ),
    "success_criteria": st.fixed_dictionaries(
        {
            "validators": st.lists(
                st.fixed_dictionaries(
                    {"id": st.sampled_from("abc"), "stake": integers, "upgraded": st.booleans()}
                ),
                max_size=4,
            ),
            "consensus_failures": integers,
            "critical_bugs": integers,
            "performance": st.lists(
                st.fixed_dictionaries(
                    {"metric": st.sampled_from("pq"), "value": integers, "limit": integers}
                ),
                max_size=3,
            ),
        }
    ),
    "rollback_authorization": st.fixed_dictionaries(
        {
            "node": st.fixed_dictionaries(
                {
                    "chain_id": integers,
                    "height": integers,
                    "now": integers,
                    "used_nonces": st.lists(st.sampled_from(["01" * 32, "02" * 32]), max_size=2),
                }
            ),
            "council": st.fixed_dictionaries(
                {
                    "members": st.lists(
                        st.sampled_from([ROLLBACK_SIGNER_PUBLIC, "ff" * 32, "00" * 31]),
                        min_size=1,
                        max_size=3,
                    ),
                    "threshold": integers,
                }
            ),
            "rollback": st.fixed_dictionaries(
                {
                    "chain_id": integers,
                    "target_height": integers,
                    "target_state_root": st.just("ab" * 32),
                    "nonce": st.sampled_from(["01" * 32, "02" * 32]),
                    "expires_at": integers,
                    "approvals": st.lists(
                        st.one_of(
                            st.just(ROLLBACK_APPROVAL),
                            st.fixed_dictionaries(
                                {
                                    "signer": st.sampled_from([ROLLBACK_SIGNER_PUBLIC, "00" * 33]),
                                    "signature": st.binary(max_size=70).map(bytes.hex),
                                }
                            ),
                        ),
                        max_size=3,
                    ),
                }
            ),
        }
    ),
    "endpoint_status": st.fixed_dictionaries(
        {
            "registry": st.lists(
                st.fixed_dictionaries(
                    {
                        "name": st.sampled_from(["a", "b"]),
                        "deprecated_in": versionish,
                        "guide": st.just("g"),
                    },
                    optional={"removed_in": versionish},
                ),
                max_size=3,
            ),
            "client_version": versionish,
            "endpoints": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
        }
    ),
    "fork_id": fork_configurations,
    "fork_id_check": st.builds(
        lambda configuration, remote: {**configuration, "remote": remote},
        fork_configurations,
        st.fixed_dictionaries({"hash": fork_hashes, "next": integers}),
    ),
}


def test_every_handler_has_a_well_formed_input_strategy() -> None:
    assert set(WELL_FORMED_INPUTS) == set(HANDLERS)


@given(st.sampled_from(PRESET_NAMES), st.data())
@pytest.mark.parametrize("name", sorted(HANDLERS))
def test_well_formed_input_gives_a_valid_output_or_a_spec_error(
    name: str, preset: str, data: st.DataObject
) -> None:
    value = data.draw(WELL_FORMED_INPUTS[name], label="input")
    try:
        output = run(name, value, preset)
    except SpecError as error:
        assert error.code is not ErrorCode.INVALID_INPUT, error.detail
    else:
        assert_valid_output(name, output)


def _integer_nodes(node: object, in_output: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every `{"type": "integer"}` schema node, with whether it lies under an output definition."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield node, in_output
        for key, value in node.items():
            yield from _integer_nodes(value, in_output or key == "output")
    elif isinstance(node, list):
        for value in node:
            yield from _integer_nodes(value, in_output)


SCHEMA_DIRECTORY = Path(__file__).resolve().parents[1] / "spec" / "schemas"


@pytest.mark.parametrize(
    "schema_path",
    [
        "activation.json",
        "forkid.json",
        "negotiation.json",
        "schedule.json",
        *(f"handlers/{path.name}" for path in sorted((SCHEMA_DIRECTORY / "handlers").glob("*.json"))),
    ],
)
def test_every_input_integer_states_its_range_and_code(schema_path: str) -> None:
    """GEN-3, GEN-7: a value in its JSON type but outside its range passes the schema, so each input
    integer's schema says what the range is and which code rejects a value outside it."""
    document = json.loads((SCHEMA_DIRECTORY / schema_path).read_text())
    codes = {code.value for code in ErrorCode}
    for node, in_output in _integer_nodes(document):
        if in_output:
            continue
        description = node.get("description", "")
        assert ".." in description, (schema_path, node)
        assert any(code in description for code in codes), (schema_path, node)
