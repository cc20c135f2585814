"""Handlers: the operations a client implements, in their canonical JSON form.

A handler takes a JSON object (the `input` of a vector), checks it against the handler's
input schema in `spec/schemas/handlers/` (a violation is INVALID_INPUT), calls the
specification's functions and returns a JSON object that matches the output schema. The
checks of one handler run in the order its spec section lists them; the first that fails
gives the error code (GEN-7).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from forkspec import (
    activation,
    classification,
    compatibility,
    coordination,
    emergency,
    flags,
    forkid,
    governance,
    hpke,
    migration,
    negotiation,
    peers,
    readiness,
    schedule,
    versioning,
)
from forkspec.errors import ErrorCode, SpecError
from forkspec.presets import BASIS_POINTS, Preset, load_preset
from forkspec.schemas import first_violation, validator

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Handler:
    """A handler's name, spec area, whether it reads the preset, and its function."""

    name: str
    area: str
    reads_preset: bool
    function: Callable[[JsonObject, Preset], JsonObject]


def _version_parse(data: JsonObject, _preset: Preset) -> JsonObject:
    version = versioning.parse_version(data["version"])
    return {
        "major": version.major,
        "minor": version.minor,
        "patch": version.patch,
        "prerelease": list(version.prerelease),
        "build": list(version.build),
    }


def _version_compare(data: JsonObject, _preset: Preset) -> JsonObject:
    left = versioning.parse_version(data["left"])
    right = versioning.parse_version(data["right"])
    return {"order": versioning.compare_versions(left, right)}


def _version_bump(data: JsonObject, _preset: Preset) -> JsonObject:
    old = versioning.parse_version(data["old"])
    new = versioning.parse_version(data["new"])
    return {"bump": versioning.version_bump(old, new).value}


def _upgrade_policy(data: JsonObject, preset: Preset) -> JsonObject:
    policy = classification.upgrade_policy(classification.parse_upgrade_kind(data["kind"]), preset)
    return {
        "threshold_bps": policy.threshold_bps,
        "activation": policy.activation.value,
        "required_bump": policy.required_bump.value,
        "backward_compatible": policy.backward_compatible,
        "max_activation_delay_seconds": policy.max_activation_delay_seconds,
    }


def _upgrade_check(data: JsonObject, preset: Preset) -> JsonObject:
    kind = classification.parse_upgrade_kind(data["kind"])
    old = versioning.parse_version(data["old_version"])
    new = versioning.parse_version(data["new_version"])
    bump = classification.check_declared_upgrade(
        kind, old, new, data.get("released_at"), data.get("activates_at"), preset
    )
    return {"bump": bump.value}


def _upgrade_support(data: JsonObject, preset: Preset) -> JsonObject:
    kind = classification.parse_upgrade_kind(data["kind"])
    validators = [
        classification.Validator(entry["id"], entry["stake"], entry["supports"])
        for entry in data["validators"]
    ]
    tally = classification.tally_support(kind, validators, preset)
    return {
        "supporting_stake": tally.supporting_stake,
        "total_stake": tally.total_stake,
        "threshold_bps": tally.threshold_bps,
        "met": tally.met,
    }


def _flags_encode(data: JsonObject, _preset: Preset) -> JsonObject:
    return {"mask": flags.encode_flags(data["flags"])}


def _flags_decode(data: JsonObject, _preset: Preset) -> JsonObject:
    return {"flags": list(flags.flag_names(flags.validate_mask(data["mask"])))}


def _flags_in_force(data: JsonObject, _preset: Preset) -> JsonObject:
    mask = flags.flags_in_force(versioning.parse_version(data["protocol_version"]))
    return {"mask": mask, "flags": list(flags.flag_names(mask))}


def _flags_check(data: JsonObject, _preset: Preset) -> JsonObject:
    version = versioning.parse_version(data["protocol_version"])
    return {"flags": list(flags.flag_names(flags.check_mask_at_version(data["mask"], version)))}


def _flags_combine(data: JsonObject, _preset: Preset) -> JsonObject:
    operation = flags.MaskOperation(data["operation"])
    return {"mask": flags.combine_masks(operation, data["left"], data["right"])}


def _flags_subset(data: JsonObject, _preset: Preset) -> JsonObject:
    return {"subset": flags.mask_is_subset(data["inner"], data["outer"])}


def deployment_from_json(data: JsonObject) -> activation.Deployment:
    """A deployment object, checked by validate_deployment (SIG-3, SIG-10, ACT-1)."""
    method = data["method"]
    deployment: activation.Deployment
    if method in ("bip9", "speedy_trial"):
        deployment = activation.TimeSignaling(
            activation.SignalingRules(method),
            data["bit"],
            data["period"],
            data["threshold"],
            data["start_time"],
            data["timeout"],
            data.get("min_activation_height", 0),
        )
    elif method == "bip8":
        deployment = activation.HeightSignaling(
            data["bit"],
            data["period"],
            data["threshold"],
            data["start_height"],
            data["timeout_height"],
            data["lock_in_on_timeout"],
        )
    elif method == "height":
        deployment = activation.FixedHeight(data["activation_height"])
    elif method == "always_active":
        deployment = activation.Always()
    else:
        assert method == "never_active", "the input schema admits no other method"
        deployment = activation.Never()
    activation.validate_deployment(deployment)
    return deployment


def chain_from_json(runs: list[JsonObject]) -> activation.Chain:
    """A chain given as runs of blocks (ACT-4)."""
    return activation.Chain(
        [
            activation.BlockRun(run["count"], run["version"], run["time"], run.get("time_step", 0))
            for run in runs
        ]
    )


def _deployment_states(data: JsonObject, _preset: Preset) -> JsonObject:
    deployment = deployment_from_json(data["deployment"])
    chain = chain_from_json(data["chain"])
    states = activation.deployment_states(deployment, chain, data["heights"])
    return {"states": [{"height": at.height, "state": at.state.value, "since": at.since} for at in states]}


def _deployment_validity(data: JsonObject, _preset: Preset) -> JsonObject:
    deployment = deployment_from_json(data["deployment"])
    chain = chain_from_json(data["chain"])
    return {"first_invalid_height": activation.first_invalid_height(deployment, chain)}


def _signal_check(data: JsonObject, _preset: Preset) -> JsonObject:
    return {"signals": activation.check_signal(data["version"], data["bit"])}


# The event types by their JSON names: a look-up, where calling EventType costs a microsecond.
EVENT_TYPES: Mapping[str, coordination.EventType] = {kind.value: kind for kind in coordination.EventType}


def event_from_json(data: JsonObject) -> coordination.Event:
    """A lifecycle event (spec/coordination.md, "Events").

    The input schema admits for each type exactly its own fields, each named as in Event, so the
    fields are passed on as they are; only the type and the validator set change form.
    """
    fields = {**data, "type": EVENT_TYPES[data["type"]]}
    if "validators" in data:
        fields["validators"] = tuple(
            classification.Validator(entry["id"], entry["stake"], False) for entry in data["validators"]
        )
    return coordination.Event(**fields)


def _proposal_lifecycle(data: JsonObject, preset: Preset) -> JsonObject:
    kind = classification.parse_upgrade_kind(data["kind"])
    proposal = coordination.propose(kind, data["proposed_at"], data["specification"], data["auditors"])
    # Each event is built as the lifecycle reaches it and each step answered as it is decided: no
    # list of events or steps as long as the input is held beside the answer (GEN-8).
    steps = coordination.lifecycle_steps(proposal, map(event_from_json, data["events"]), preset)
    return {
        "steps": [
            {"state": step.state.value, "error": None if step.error is None else step.error.value}
            for step in steps
        ]
    }


def upgrades_from_json(entries: list[JsonObject]) -> list[schedule.Upgrade]:
    """A schedule's upgrades (spec/schedule.md, SCH-1)."""
    return [
        schedule.Upgrade(
            name=entry["name"],
            kind=classification.parse_upgrade_kind(entry["kind"]),
            version=versioning.parse_version(entry["version"]),
            activation=(
                schedule.AtTime(entry["activation"]["activation_time"])
                if entry["activation"]["method"] == "time"
                else deployment_from_json(entry["activation"])
            ),
            flags=tuple(entry["flags"]),
        )
        for entry in entries
    ]


def _upgrade_schedule(data: JsonObject, preset: Preset) -> JsonObject:
    base = versioning.parse_version(data["base_version"])
    upgrades = upgrades_from_json(data["upgrades"])
    chain = chain_from_json(data["chain"])
    result = schedule.in_force(base, upgrades, chain, data["height"], data["time"], preset)
    return {
        "active": list(result.active),
        "protocol_version": str(result.protocol_version),
        "flags": list(flags.flag_names(result.mask)),
        "mask": result.mask,
    }


def forks_from_json(data: JsonObject) -> forkid.Forks:
    """A node's fork configuration (spec/forkid.md, FID-1); the schema admits 64 hex digits only."""
    return forkid.Forks(
        bytes.fromhex(data["genesis_hash"]), data["genesis_time"], data["block_forks"], data["time_forks"]
    )


def _fork_id(data: JsonObject, _preset: Preset) -> JsonObject:
    head = forkid.Head(data["head"]["height"], data["head"]["time"])
    announced = forkid.fork_id(forks_from_json(data), head)
    return {"hash": f"{announced.hash:08x}", "next": announced.next}


def _fork_id_check(data: JsonObject, _preset: Preset) -> JsonObject:
    head = forkid.Head(data["head"]["height"], data["head"]["time"])
    remote = forkid.ForkId(int(data["remote"]["hash"], 16), data["remote"]["next"])
    return {"rule": forkid.check_fork_id(forks_from_json(data), head, remote).value}


def handshake_from_json(data: JsonObject) -> negotiation.Handshake:
    """A handshake (spec/negotiation.md, NEG-1); the schema admits hex of the right lengths only."""
    return negotiation.Handshake(
        data["protocol_version"],
        data["supported"],
        data["required"],
        data["chain_id"],
        bytes.fromhex(data["genesis_hash"]),
        forkid.ForkId(int(data["fork_id"]["hash"], 16), data["fork_id"]["next"]),
        data["client_name"],
        data["client_version"],
    )


def handshake_to_json(handshake: negotiation.Handshake) -> JsonObject:
    return {
        "protocol_version": handshake.protocol_version,
        "supported": handshake.supported,
        "required": handshake.required,
        "chain_id": handshake.chain_id,
        "genesis_hash": handshake.genesis_hash.hex(),
        "fork_id": {"hash": f"{handshake.fork_id.hash:08x}", "next": handshake.fork_id.next},
        "client_name": handshake.client_name,
        "client_version": handshake.client_version,
    }


def _handshake_encode(data: JsonObject, _preset: Preset) -> JsonObject:
    return {"bytes": negotiation.encode_handshake(handshake_from_json(data)).hex()}


def _handshake_decode(data: JsonObject, _preset: Preset) -> JsonObject:
    return handshake_to_json(negotiation.decode_handshake(bytes.fromhex(data["bytes"])))


def node_from_json(data: JsonObject) -> negotiation.Node:
    """One end of a negotiation (NEG-6)."""
    return negotiation.Node(
        data["protocol_version"],
        data["supported"],
        data["required"],
        data["chain_id"],
        forks_from_json(data),
        forkid.Head(data["head"]["height"], data["head"]["time"]),
        data["client_name"],
        data["client_version"],
    )


def _negotiate(data: JsonObject, _preset: Preset) -> JsonObject:
    result = negotiation.negotiate(node_from_json(data["a"]), node_from_json(data["b"]))
    return {
        "protocol_version": result.protocol_version,
        "features": list(flags.flag_names(result.features)),
        "mask": result.features,
    }


def _peer_selection(data: JsonObject, _preset: Preset) -> JsonObject:
    selection = peers.select_peers(
        node_from_json(data["local"]),
        [handshake_from_json(entry) for entry in data["candidates"]],
        data["count"],
    )
    return {
        "selected": [
            {
                "index": chosen.index,
                "score": chosen.score,
                "protocol_version": chosen.negotiation.protocol_version,
                "features": list(flags.flag_names(chosen.negotiation.features)),
            }
            for chosen in selection.selected
        ],
        "refused": [{"index": refusal.index, "code": refusal.code.value} for refusal in selection.refused],
    }


def _schedule_fork_id(data: JsonObject, preset: Preset) -> JsonObject:
    base = versioning.parse_version(data["base_version"])
    upgrades = upgrades_from_json(data["upgrades"])
    head = forkid.Head(data["head"]["height"], data["head"]["time"])
    announced, forks = schedule.schedule_fork_id(
        base, upgrades, bytes.fromhex(data["genesis_hash"]), data["genesis_time"], head, preset
    )
    return {
        "hash": f"{announced.hash:08x}",
        "next": announced.next,
        "block_forks": list(forks.block_forks),
        "time_forks": list(forks.time_forks),
    }


def state_from_json(data: JsonObject) -> migration.State:
    """A state (spec/migration.md, MIG-1); the schema admits hex of the right lengths only."""
    return migration.State(
        data["schema_version"],
        tuple(migration.ConfigEntry(entry["key"], entry["value"]) for entry in data["config"]),
        tuple(
            migration.Account(
                bytes.fromhex(account["address"]),
                account["balance"],
                account["nonce"],
                tuple(migration.Field(field["name"], field["value"]) for field in account["fields"]),
            )
            for account in data["accounts"]
        ),
        tuple(
            migration.StorageEntry(
                bytes.fromhex(entry["address"]), bytes.fromhex(entry["slot"]), bytes.fromhex(entry["value"])
            )
            for entry in data["storage"]
        ),
    )


def _state_root(data: JsonObject, _preset: Preset) -> JsonObject:
    encoded, root = migration.state_root(state_from_json(data))
    return {"leaves": [leaf.hex() for leaf in encoded], "root": root.hex()}


# The operands that are bytes in hex, by operation (MIG-7); every other operand passes as it is.
HEX_OPERANDS = frozenset({"address", "from_slot", "to_slot"})


def migration_from_json(data: JsonObject) -> migration.Migration:
    """A migration (spec/migration.md, MIG-6)."""
    return migration.Migration(
        data["source_version"],
        data["target_version"],
        migration.MigrationKind(data["kind"]),
        tuple(
            migration.Operation(
                entry["op"],
                {
                    key: bytes.fromhex(value) if key in HEX_OPERANDS else value
                    for key, value in entry.items()
                    if key != "op"
                },
            )
            for entry in data["operations"]
        ),
        data["conserve_balance"],
        bytes.fromhex(data["expected_root"]) if "expected_root" in data else None,
    )


def _migrate(data: JsonObject, _preset: Preset) -> JsonObject:
    results, root = migration.migrate(
        state_from_json(data["state"]), [migration_from_json(entry) for entry in data["migrations"]]
    )
    return {
        "results": [
            {
                "outcome": result.outcome.value,
                "code": None if result.code is None else result.code.value,
                "step": result.step,
                "roots": [each.hex() for each in result.roots],
            }
            for result in results
        ],
        "root": root.hex(),
    }


def _endpoint_status(data: JsonObject, _preset: Preset) -> JsonObject:
    registry = [
        compatibility.Deprecation(
            entry["name"],
            versioning.parse_version(entry["deprecated_in"]),
            versioning.parse_version(entry["removed_in"]) if "removed_in" in entry else None,
            entry["guide"],
        )
        for entry in data["registry"]
    ]
    by_name = compatibility.check_registry(registry)
    client = versioning.parse_version(data["client_version"])
    statuses = [compatibility.endpoint_status(by_name, name, client) for name in data["endpoints"]]
    return {
        "statuses": [
            {"name": status.name, "status": status.status.value, "notice": status.notice}
            for status in statuses
        ]
    }


def _governance_tally(data: JsonObject, preset: Preset) -> JsonObject:
    proposal = data["proposal"]
    kind = proposal.get("upgrade_kind")
    result = governance.tally(
        governance.Proposal(
            governance.ProposalType(proposal["type"]),
            classification.UpgradeKind(kind) if kind is not None else None,
            proposal["voting_opens_at"],
        ),
        [governance.Voter(entry["id"], entry["stake"]) for entry in data["validators"]],
        [governance.Voter(entry["id"], entry["tokens"]) for entry in data["holders"]],
        [
            governance.Ballot(
                governance.Chamber(entry["chamber"]),
                entry["voter"],
                governance.Choice(entry["choice"]),
                entry["at"],
            )
            for entry in data["ballots"]
        ],
        preset,
    )
    return {
        "chambers": [
            {
                "chamber": chamber.chamber.value,
                "eligible": chamber.eligible,
                "yes": chamber.yes,
                "no": chamber.no,
                "abstain": chamber.abstain,
            }
            for chamber in result.chambers
        ],
        "voting_closes_at": result.voting_closes_at,
        "quorum_met": result.quorum_met,
        "approval_met": result.approval_met,
        "stake_gate_met": result.stake_gate_met,
        "verdict": result.verdict.value,
    }


def _transaction_validity(data: JsonObject, _preset: Preset) -> JsonObject:
    verdicts = compatibility.judge_transactions(
        [
            compatibility.TransactionFormat(
                entry["version"],
                tuple(
                    compatibility.TransactionField(field["name"], field["required"])
                    for field in entry["fields"]
                ),
            )
            for entry in data["formats"]
        ],
        data["node_version"],
        [
            compatibility.Transaction(entry["version"], tuple(entry["fields"]))
            for entry in data["transactions"]
        ],
    )
    return {
        "verdicts": [
            {
                "accepted": verdict is compatibility.TransactionVerdict.ACCEPTED,
                "code": None if verdict is compatibility.TransactionVerdict.ACCEPTED else verdict.value,
            }
            for verdict in verdicts
        ]
    }


def _report_seal(data: JsonObject, _preset: Preset) -> JsonObject:
    enc, ciphertext = hpke.seal(
        *(bytes.fromhex(data[name]) for name in ("recipient_public_key", "seed", "info", "aad", "plaintext"))
    )
    return {"enc": enc.hex(), "ciphertext": ciphertext.hex()}


def _report_open(data: JsonObject, _preset: Preset) -> JsonObject:
    plaintext = hpke.open_sealed(
        *(bytes.fromhex(data[name]) for name in ("recipient_private_key", "enc", "info", "aad", "ciphertext"))
    )
    return {"plaintext": plaintext.hex()}


def _emergency_timeline(data: JsonObject, preset: Preset) -> JsonObject:
    assert preset.emergency is not None
    events = [
        emergency.Event(
            emergency.Step(entry["step"]),
            entry["at"],
            emergency.Severity(entry["severity"]) if "severity" in entry else None,
        )
        for entry in data["events"]
    ]
    result = emergency.timeline(events, data["now"], preset.emergency)
    return {
        "state": result.state.value,
        "severity": None if result.severity is None else result.severity.value,
        "windows": [
            {"step": window.step.value, "earliest": window.earliest, "latest": window.latest}
            for window in result.windows
        ],
        "breaches": [
            {"step": found.step.value, "kind": found.kind.value, "bound": found.bound}
            for found in result.breaches
        ],
    }


def _rollback_authorization(data: JsonObject, _preset: Preset) -> JsonObject:
    node, council, rollback = data["node"], data["council"], data["rollback"]
    message = emergency.authorize_rollback(
        emergency.Council(tuple(bytes.fromhex(key) for key in council["members"]), council["threshold"]),
        emergency.Rollback(
            rollback["chain_id"],
            rollback["target_height"],
            bytes.fromhex(rollback["target_state_root"]),
            bytes.fromhex(rollback["nonce"]),
            rollback["expires_at"],
            tuple(
                emergency.Approval(bytes.fromhex(entry["signer"]), bytes.fromhex(entry["signature"]))
                for entry in rollback["approvals"]
            ),
        ),
        emergency.Node(
            node["chain_id"],
            node["height"],
            node["now"],
            frozenset(bytes.fromhex(nonce) for nonce in node["used_nonces"]),
        ),
    )
    return {"message": message.hex(), "signers": len(rollback["approvals"])}


def _findings(findings: list[readiness.Finding]) -> list[JsonObject]:
    return [{"code": finding.code.value, "subject": finding.subject} for finding in findings]


def _readiness_gate(data: JsonObject, _preset: Preset) -> JsonObject:
    load = data["load_test"]
    findings = readiness.gate(
        readiness.Checklist(
            data["activation_at"],
            data.get("testnet_deployed_at"),
            tuple(data["client_versions"]),
            readiness.LoadTest(load["target_tps"], load["transactions"], load["seconds"]),
            tuple(readiness.Check(entry["name"], entry["passed"]) for entry in data["failure_scenarios"]),
            tuple(readiness.Check(entry["auditor"], entry["complete"]) for entry in data["audits"]),
        )
    )
    return {"verdict": "no_go" if findings else "go", "unmet": _findings(findings)}


def _success_criteria(data: JsonObject, _preset: Preset) -> JsonObject:
    share, findings = readiness.success(
        readiness.Outcome(
            tuple(
                classification.Validator(entry["id"], entry["stake"], entry["upgraded"])
                for entry in data["validators"]
            ),
            data["consensus_failures"],
            data["critical_bugs"],
            tuple(
                readiness.Metric(entry["metric"], entry["value"], entry["limit"])
                for entry in data["performance"]
            ),
        )
    )
    return {
        "verdict": "failure" if findings else "success",
        "upgraded": {
            "count": share.running,
            "of_count": share.validators,
            "stake": share.running_stake,
            "of_stake": share.total_stake,
            "count_bps": share.running * BASIS_POINTS // share.validators,
            "stake_bps": share.running_stake * BASIS_POINTS // share.total_stake,
        },
        "unmet": _findings(findings),
    }


# The optional parts of the specification a client may announce (spec/adapter-protocol.md, ADP-3).
FEATURES = ("bip8", "bip9", "speedy_trial")

HANDLERS: Mapping[str, Handler] = {
    handler.name: handler
    for handler in (
        Handler("version_parse", "versioning", False, _version_parse),
        Handler("version_compare", "versioning", False, _version_compare),
        Handler("version_bump", "versioning", False, _version_bump),
        Handler("upgrade_policy", "classification", True, _upgrade_policy),
        Handler("upgrade_check", "classification", True, _upgrade_check),
        Handler("upgrade_support", "classification", True, _upgrade_support),
        Handler("flags_encode", "flags", False, _flags_encode),
        Handler("flags_decode", "flags", False, _flags_decode),
        Handler("flags_in_force", "flags", False, _flags_in_force),
        Handler("flags_check", "flags", False, _flags_check),
        Handler("flags_combine", "flags", False, _flags_combine),
        Handler("flags_subset", "flags", False, _flags_subset),
        Handler("signal_check", "activation", False, _signal_check),
        Handler("deployment_states", "activation", False, _deployment_states),
        Handler("deployment_validity", "activation", False, _deployment_validity),
        Handler("proposal_lifecycle", "coordination", True, _proposal_lifecycle),
        Handler("upgrade_schedule", "schedule", True, _upgrade_schedule),
        Handler("schedule_fork_id", "schedule", True, _schedule_fork_id),
        Handler("fork_id", "forkid", False, _fork_id),
        Handler("fork_id_check", "forkid", False, _fork_id_check),
        Handler("handshake_encode", "negotiation", False, _handshake_encode),
        Handler("handshake_decode", "negotiation", False, _handshake_decode),
        Handler("negotiate", "negotiation", False, _negotiate),
        Handler("peer_selection", "peers", False, _peer_selection),
        Handler("state_root", "migration", False, _state_root),
        Handler("migrate", "migration", False, _migrate),
        Handler("endpoint_status", "compatibility", False, _endpoint_status),
        Handler("transaction_validity", "compatibility", False, _transaction_validity),
        Handler("governance_tally", "governance", True, _governance_tally),
        Handler("emergency_timeline", "emergency", True, _emergency_timeline),
        Handler("report_seal", "emergency", False, _report_seal),
        Handler("report_open", "emergency", False, _report_open),
        Handler("rollback_authorization", "emergency", False, _rollback_authorization),
        Handler("readiness_gate", "readiness", False, _readiness_gate),
        Handler("success_criteria", "readiness", False, _success_criteria),
    )
}


def handler_schema_path(name: str) -> str:
    """The schema file of handler `name`, relative to `spec/schemas/` (VEC-4)."""
    return f"handlers/{name}.json"


def run_handler(name: str, preset_name: str, data: object) -> JsonObject:
    """Run handler `name` on `data` under the preset `preset_name`.

    Raises SpecError with the canonical code of the first failing check (GEN-7); `name`
    must be a key of HANDLERS.
    """
    handler = HANDLERS[name]
    preset = load_preset(preset_name)
    violation = first_violation(validator(handler_schema_path(name), "input"), data)
    if violation is not None:
        raise SpecError(ErrorCode.INVALID_INPUT, violation)
    assert isinstance(data, dict)
    return handler.function(data, preset)
