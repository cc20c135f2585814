"""Cases of the emergency area (spec/emergency.md): every step and severity window at its
boundaries, every tampering of a sealed report, every rejection of a rollback authorization.
Keys come from fixed seeds; Ed25519 and the seeded HPKE seal are deterministic, so the
generated vectors are byte-identical on every run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from forkspec import emergency, hpke
from forkspec.presets import load_preset
from forkspec.tools.cases import CaseSpec, generic_invalid_cases

# ----------------------------------------------------------------------------------------------
# The response timeline
# ----------------------------------------------------------------------------------------------

REPORTED_AT = 1_000_000
RULES = load_preset("mainnet").emergency
assert RULES is not None


def event(step: str, at: int, severity: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"step": step, "at": at}
    return entry if severity is None else {**entry, "severity": severity}


def on_time(severity: str) -> list[dict[str, Any]]:
    """A complete response of `severity` on mainnet, every step at the start of its window."""
    assert RULES is not None
    windows = RULES.windows(severity)
    patch = REPORTED_AT + 3600
    activated = patch + windows.activation_min_seconds + 60
    return [
        event("reported", REPORTED_AT),
        event("triaged", REPORTED_AT + 600, severity),
        event("patch_released", patch),
        event("validators_notified", patch),
        event("activated", activated),
        event("publicly_disclosed", activated + RULES.public_disclosure_min_seconds),
    ]


def _timeline(
    slug: str,
    requirements: tuple[str, ...],
    description: str,
    events: list[dict[str, Any]],
    now: int,
    presets: tuple[str, ...] = ("mainnet",),
) -> CaseSpec:
    return CaseSpec(
        "emergency_timeline", slug, requirements, description, {"events": events, "now": now}, presets=presets
    )


def _moved(events: list[dict[str, Any]], index: int, at: int) -> list[dict[str, Any]]:
    """`events` with event `index` at `at`, and the later ones no earlier than it."""
    return [
        {
            **entry,
            "at": at if position == index else max(entry["at"], at) if position > index else entry["at"],
        }
        for position, entry in enumerate(events)
    ]


def timeline_cases() -> Iterator[CaseSpec]:
    """Each severity through every step, each window's bounds one second inside and outside."""
    assert RULES is not None
    for severity in (severity.value for severity in emergency.Severity):
        events = on_time(severity)
        for count in range(1, len(events) + 1):
            yield _timeline(
                f"{severity}-{events[count - 1]['step'].replace('_', '-')}",
                ("EMG-1", "EMG-2", "EMG-3", "EMG-5"),
                f"a {severity} response through {events[count - 1]['step']}, "
                "each step early in its mainnet window",
                events[:count],
                events[count - 1]["at"],
                ("mainnet", "minimal") if count == len(events) else ("mainnet",),
            )
    triage = REPORTED_AT + RULES.triage_seconds
    yield _timeline(
        "triage-at-deadline",
        ("EMG-3", "EMG-5"),
        "triaged at exactly its deadline",
        [event("reported", REPORTED_AT), event("triaged", triage, "low")],
        triage,
    )
    yield _timeline(
        "triage-late",
        ("EMG-3", "EMG-5"),
        "triaged one second after its deadline",
        [event("reported", REPORTED_AT), event("triaged", triage + 1, "low")],
        triage + 1,
    )
    yield _timeline(
        "triage-due-now",
        ("EMG-5",),
        "no triage yet, now at its deadline: not overdue",
        [event("reported", REPORTED_AT)],
        triage,
    )
    yield _timeline(
        "triage-overdue",
        ("EMG-5",),
        "no triage yet, now one second past its deadline",
        [event("reported", REPORTED_AT)],
        triage + 1,
    )
    for severity in (severity.value for severity in emergency.Severity):
        windows = RULES.windows(severity)
        events = on_time(severity)
        patch_deadline = REPORTED_AT + windows.patch_seconds
        for slug, at in (("patch-at-deadline", patch_deadline), ("patch-late", patch_deadline + 1)):
            moved = _moved(events[:3], 2, at)
            yield _timeline(
                f"{severity}-{slug}",
                ("EMG-3", "EMG-5"),
                f"{severity}: the patch at its deadline{' + 1 s' if at > patch_deadline else ''}",
                moved,
                at,
            )
        yield _timeline(
            f"{severity}-patch-overdue",
            ("EMG-3", "EMG-5"),
            f"{severity}: triaged, no patch one second past its deadline",
            events[:2],
            patch_deadline + 1,
        )
        patch = events[2]["at"]
        earliest = patch + windows.activation_min_seconds
        bounds = [("activation-at-earliest", earliest)]
        if windows.activation_min_seconds:
            bounds.append(("activation-early", earliest - 1))
        if windows.activation_max_seconds is not None:
            latest = patch + windows.activation_max_seconds
            bounds += [("activation-at-latest", latest), ("activation-late", latest + 1)]
        for slug, at in bounds:
            yield _timeline(
                f"{severity}-{slug}",
                ("EMG-3", "EMG-5"),
                f"{severity}: activated {at - patch} s after the patch",
                _moved(events[:5], 4, at),
                at,
            )
    events = on_time("critical")
    patch = events[2]["at"]
    for slug, at in (
        ("notice-at-deadline", patch + RULES.validator_notice_seconds),
        ("notice-late", patch + RULES.validator_notice_seconds + 1),
    ):
        yield _timeline(
            slug,
            ("EMG-4", "EMG-5"),
            f"validators notified {at - patch} s after the patch",
            _moved(events[:4], 3, at),
            at,
        )
    activated = events[4]["at"]
    for slug, at in (
        ("disclosure-early", activated + RULES.public_disclosure_min_seconds - 1),
        ("disclosure-at-earliest", activated + RULES.public_disclosure_min_seconds),
        ("disclosure-at-latest", activated + RULES.public_disclosure_max_seconds),
        ("disclosure-late", activated + RULES.public_disclosure_max_seconds + 1),
    ):
        yield _timeline(
            slug,
            ("EMG-4", "EMG-5"),
            f"publicly disclosed {at - activated} s after activation",
            _moved(events, 5, at),
            at,
        )
    yield _timeline(
        "disclosure-overdue",
        ("EMG-4", "EMG-5"),
        "activated, no disclosure past its latest time",
        events[:5],
        activated + RULES.public_disclosure_max_seconds + 1,
    )
    yield _timeline(
        "saturated-deadline",
        ("EMG-3",),
        "a report in the last hour of time: deadlines saturate at 2^64-1",
        [event("reported", 2**64 - 60), event("triaged", 2**64 - 1, "critical")],
        2**64 - 1,
    )
    yield _timeline(
        "reported-at-zero",
        ("EMG-1", "EMG-3"),
        "a report at time 0, looked at in that second",
        [event("reported", 0)],
        0,
    )
    yield _timeline(
        "all-at-once",
        ("EMG-1", "EMG-3", "EMG-5"),
        "every step in one second: a critical fix activates immediately, disclosure too early",
        [event(entry["step"], REPORTED_AT, entry.get("severity")) for entry in events],
        REPORTED_AT,
    )
    for slug, description, bad_events, now in (
        ("invalid-first-not-reported", "the first event is a triage", [event("triaged", 1, "low")], 1),
        (
            "invalid-step-skipped",
            "a patch without a triage",
            [event("reported", 1), event("patch_released", 2)],
            2,
        ),
        ("invalid-step-repeated", "a report twice", [event("reported", 1), event("reported", 2)], 2),
        (
            "invalid-after-disclosure",
            "an event after the public disclosure",
            [*events, event("reported", events[-1]["at"])],
            events[-1]["at"],
        ),
        (
            "invalid-severity-missing",
            "a triage without a severity",
            [event("reported", 1), event("triaged", 2)],
            2,
        ),
        ("invalid-severity-on-report", "a severity on the report", [event("reported", 1, "high")], 1),
        (
            "invalid-time-regression",
            "a triage before the report",
            [event("reported", 10), event("triaged", 9, "high")],
            10,
        ),
        ("invalid-now-before-last", "now before the last event", [event("reported", 10)], 9),
        ("invalid-at-range", "an event at 2^64", [event("reported", 2**64)], 0),
        ("invalid-at-negative", "an event at -1", [event("reported", -1)], 0),
        ("invalid-now-range", "now at 2^64", [event("reported", 1)], 2**64),
        ("invalid-now-negative", "now at -1", [event("reported", 0)], -1),
    ):
        requirements = ("EMG-2",) if "severity" in slug else ("EMG-1",)
        yield _timeline(slug, requirements, description, bad_events, now)
    yield from generic_invalid_cases("emergency_timeline", {"events": events[:2], "now": REPORTED_AT + 600})


# ----------------------------------------------------------------------------------------------
# Encrypted reports
# ----------------------------------------------------------------------------------------------

RECIPIENT_PRIVATE, RECIPIENT_PUBLIC = hpke.derive_key_pair(bytes(range(32)))
OTHER_PRIVATE, _ = hpke.derive_key_pair(bytes(range(1, 33)))
SEED = bytes(range(100, 132))
INFO = b"forkspec vulnerability report v1" + (1).to_bytes(8, "big")
AAD = b"report 2026-0001"
REPORT = b"critical: a malformed handshake crashes the node before the version check"
# An X25519 point of order 8 (RFC 7748 5): every shared secret with it is all zero.
SMALL_ORDER_POINT = bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")


def _seal(slug: str, requirements: tuple[str, ...], description: str, **changes: Any) -> CaseSpec:
    data = {
        "recipient_public_key": RECIPIENT_PUBLIC.hex(),
        "seed": SEED.hex(),
        "info": INFO.hex(),
        "aad": AAD.hex(),
        "plaintext": REPORT.hex(),
        **changes,
    }
    return CaseSpec("report_seal", slug, requirements, description, data)


def _open(slug: str, requirements: tuple[str, ...], description: str, **changes: Any) -> CaseSpec:
    enc, ciphertext = hpke.seal(RECIPIENT_PUBLIC, SEED, INFO, AAD, REPORT)
    data = {
        "recipient_private_key": RECIPIENT_PRIVATE.hex(),
        "enc": enc.hex(),
        "info": INFO.hex(),
        "aad": AAD.hex(),
        "ciphertext": ciphertext.hex(),
        **changes,
    }
    return CaseSpec("report_open", slug, requirements, description, data)


def _flipped(raw: bytes, index: int) -> str:
    return (raw[:index] + bytes([raw[index] ^ 1]) + raw[index + 1 :]).hex()


def report_cases() -> Iterator[CaseSpec]:
    """Sealing and opening, and every tampering of EMG-8."""
    yield _seal("seal", ("EMG-6", "EMG-7"), "a report sealed to the response team's key")
    yield _seal(
        "seal-empty",
        ("EMG-6", "EMG-7"),
        "an empty report with empty info and aad: only the tag",
        plaintext="",
        info="",
        aad="",
    )
    yield _seal("seal-seed-64", ("EMG-7",), "a 64-byte seed", seed=(SEED * 2).hex())
    yield _seal("invalid-seal-seed-short", ("EMG-7",), "a 31-byte seed", seed=SEED[:31].hex())
    yield _seal(
        "invalid-seal-key-short",
        ("EMG-7",),
        "a 31-byte recipient key",
        recipient_public_key=RECIPIENT_PUBLIC[:31].hex(),
    )
    yield _seal(
        "invalid-seal-small-order",
        ("EMG-7",),
        "a recipient key of order 8",
        recipient_public_key=SMALL_ORDER_POINT.hex(),
    )
    enc, ciphertext = hpke.seal(RECIPIENT_PUBLIC, SEED, INFO, AAD, REPORT)
    yield _open("open", ("EMG-6", "EMG-8"), "the sealed report opened")
    empty_enc, empty = hpke.seal(RECIPIENT_PUBLIC, SEED, b"", b"", b"")
    yield _open(
        "open-empty",
        ("EMG-8",),
        "an empty report: the tag alone",
        enc=empty_enc.hex(),
        ciphertext=empty.hex(),
        info="",
        aad="",
    )
    yield _open(
        "invalid-open-key-short",
        ("EMG-8",),
        "a 33-byte private key",
        recipient_private_key=(RECIPIENT_PRIVATE + b"\0").hex(),
    )
    yield _open("invalid-open-enc-short", ("EMG-8",), "a 31-byte enc", enc=enc[:31].hex())
    yield _open(
        "invalid-open-truncated",
        ("EMG-8",),
        "a ciphertext of 15 bytes, shorter than its tag",
        ciphertext=ciphertext[:15].hex(),
    )
    yield _open("invalid-open-small-order-enc", ("EMG-8",), "an enc of order 8", enc=SMALL_ORDER_POINT.hex())
    for slug, description, changes in (
        (
            "tampered-first-byte",
            "the ciphertext's first byte changed",
            {"ciphertext": _flipped(ciphertext, 0)},
        ),
        (
            "tampered-tag",
            "the tag's last byte changed",
            {"ciphertext": _flipped(ciphertext, len(ciphertext) - 1)},
        ),
        ("tampered-enc", "the enc's first byte changed", {"enc": _flipped(enc, 0)}),
        ("cut-to-tag", "the ciphertext cut to its last 16 bytes", {"ciphertext": ciphertext[-16:].hex()}),
        ("cut-one-byte", "the ciphertext's last byte removed", {"ciphertext": ciphertext[:-1].hex()}),
        ("wrong-key", "opened with another private key", {"recipient_private_key": OTHER_PRIVATE.hex()}),
        ("wrong-info", "opened with another chain's info", {"info": (INFO[:-1] + b"\x02").hex()}),
        ("empty-info", "opened with an empty info", {"info": ""}),
        ("wrong-aad", "opened with another aad", {"aad": b"report 2026-0002".hex()}),
    ):
        yield _open(f"invalid-open-{slug}", ("EMG-8",), description, **changes)
    yield from generic_invalid_cases("report_seal", _seal("", (), "").input)
    yield from generic_invalid_cases("report_open", _open("", (), "").input)


# ----------------------------------------------------------------------------------------------
# Rollback authorization
# ----------------------------------------------------------------------------------------------

CHAIN_ID = 1
NOW = 1_800_000_000
MEMBER_KEYS = [Ed25519PrivateKey.from_private_bytes(bytes([index + 1]) * 32) for index in range(5)]
OUTSIDER = Ed25519PrivateKey.from_private_bytes(bytes([99]) * 32)
ROLLBACK = {
    "chain_id": CHAIN_ID,
    "target_height": 900,
    "target_state_root": bytes(range(32)).hex(),
    "nonce": bytes([7]) * 32,
    "expires_at": NOW + 3600,
}
GROUP_ORDER = emergency.GROUP_ORDER
FIELD_PRIME = emergency.FIELD_PRIME


def public(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def _fields(**changes: Any) -> dict[str, Any]:
    fields = {**ROLLBACK, **changes}
    return {
        **fields,
        "nonce": fields["nonce"].hex() if isinstance(fields["nonce"], bytes) else fields["nonce"],
    }


def message_of(fields: dict[str, Any]) -> bytes:
    return emergency.rollback_message(
        emergency.Rollback(
            fields["chain_id"],
            fields["target_height"],
            bytes.fromhex(fields["target_state_root"]),
            bytes.fromhex(fields["nonce"]),
            fields["expires_at"],
            (),
        )
    )


def approval(key: Ed25519PrivateKey, fields: dict[str, Any]) -> dict[str, str]:
    return {"signer": public(key), "signature": key.sign(message_of(fields)).hex()}


def _rollback(
    slug: str,
    requirements: tuple[str, ...],
    description: str,
    signers: tuple[int, ...] = (0, 1, 2),
    threshold: int = 3,
    members: int = 5,
    node: dict[str, Any] | None = None,
    approvals: list[dict[str, str]] | None = None,
    council: list[str] | None = None,
    **changes: Any,
) -> CaseSpec:
    fields = _fields(**changes)
    data = {
        "node": {
            "chain_id": CHAIN_ID,
            "height": 1000,
            "now": NOW,
            "used_nonces": [bytes([6]) * 32],
            **(node or {}),
        },
        "council": {
            "members": council or [public(key) for key in MEMBER_KEYS[:members]],
            "threshold": threshold,
        },
        "rollback": {
            **fields,
            "approvals": approvals
            if approvals is not None
            else [approval(MEMBER_KEYS[index], fields) for index in signers],
        },
    }
    data["node"]["used_nonces"] = [
        nonce.hex() if isinstance(nonce, bytes) else nonce for nonce in data["node"]["used_nonces"]
    ]
    return CaseSpec("rollback_authorization", slug, requirements, description, data)


def rollback_case(signers: tuple[int, ...], threshold: int, members: int) -> dict[str, Any]:
    """A rollback_authorization input: a council of the first `members` keys, approvals by `signers`."""
    return dict(_rollback("", (), "", signers, threshold, members).input)


def rollback_cases() -> Iterator[CaseSpec]:
    """Valid authorizations at the thresholds, then every rejection of EMG-10 to EMG-15."""
    fields = _fields()
    good = [approval(key, fields) for key in MEMBER_KEYS]
    yield _rollback("three-of-five", ("EMG-9", "EMG-15"), "3 of 5 members sign")
    yield _rollback("five-of-five", ("EMG-15",), "all 5 members sign", signers=(4, 3, 2, 1, 0))
    yield _rollback(
        "one-of-one", ("EMG-10", "EMG-15"), "a council of one", signers=(0,), threshold=1, members=1
    )
    yield _rollback(
        "two-of-three",
        ("EMG-10",),
        "2 of 3: the smallest majority of three",
        signers=(2, 0),
        threshold=2,
        members=3,
    )
    yield _rollback(
        "three-of-four",
        ("EMG-10",),
        "3 of 4: the smallest majority of four",
        signers=(0, 1, 3),
        threshold=3,
        members=4,
    )
    yield _rollback(
        "expires-now", ("EMG-12",), "verified in the authorization's last second", node={"now": NOW + 3600}
    )
    yield _rollback(
        "target-just-behind", ("EMG-12",), "a target one block behind the node", target_height=999
    )
    yield _rollback(
        "invalid-two-of-four", ("EMG-10",), "2 of 4 is not a majority", signers=(0, 1), threshold=2, members=4
    )
    yield _rollback(
        "invalid-three-of-two",
        ("EMG-10",),
        "a threshold above the council's size",
        signers=(0, 1),
        threshold=3,
        members=2,
    )
    yield _rollback("invalid-threshold-zero", ("EMG-10",), "a threshold of 0", threshold=0)
    keys = [public(key) for key in MEMBER_KEYS]
    yield _rollback(
        "invalid-member-twice", ("EMG-10",), "a council member listed twice", council=[*keys, keys[0]]
    )
    yield _rollback(
        "invalid-member-short", ("EMG-11",), "a member key of 31 bytes", council=[*keys[:4], keys[4][:-2]]
    )
    not_canonical = _encoding(FIELD_PRIME, 0)
    yield _rollback(
        "invalid-member-not-canonical",
        ("EMG-11",),
        "a member key with y = p",
        council=[*keys[:4], not_canonical],
    )
    for slug, y, sign, what in SMALL_ORDER_KEYS:
        yield _rollback(
            f"invalid-member-{slug}",
            ("EMG-11",),
            f"a member key that is {what} (y = {y}, sign bit {sign})",
            council=[*keys[:4], _encoding(y, sign)],
        )
    yield _rollback(
        "invalid-signer-small-order",
        ("EMG-11",),
        "an approval by the identity point as a key, which verifies R = identity, S = 0 for every message",
        approvals=[good[0], good[1], {"signer": _encoding(1, 0), "signature": _encoding(1, 0) + "00" * 32}],
    )
    yield _rollback(
        "invalid-signer-not-canonical",
        ("EMG-11",),
        "a signer key with y = p + 1",
        approvals=[good[0], good[1], {**good[2], "signer": (2**255 - 18).to_bytes(32, "little").hex()}],
    )
    yield _rollback("invalid-two-of-five", ("EMG-15",), "2 valid signatures of the 3 needed", signers=(0, 1))
    yield _rollback("invalid-no-approvals", ("EMG-15",), "no approval at all", signers=())
    yield _rollback(
        "invalid-duplicate-signer",
        ("EMG-14",),
        "a member's approval twice makes 3 entries, 2 signers",
        approvals=[good[0], good[1], good[0]],
    )
    yield _rollback(
        "invalid-duplicate-signer-enough",
        ("EMG-14",),
        "3 members and one of them twice: rejected, not trimmed",
        approvals=[good[0], good[1], good[2], good[1]],
    )
    yield _rollback(
        "invalid-duplicate-signer-two-of-three",
        ("EMG-14",),
        "2 of 3 by one member signing twice",
        threshold=2,
        members=3,
        approvals=[good[0], good[0]],
    )
    yield _rollback(
        "invalid-non-member",
        ("EMG-14",),
        "an approval by a key outside the council",
        approvals=[good[0], good[1], approval(OUTSIDER, fields)],
    )
    yield _rollback("invalid-wrong-chain", ("EMG-12",), "an authorization for chain 2", node={"chain_id": 2})
    yield _rollback(
        "invalid-signed-other-chain",
        ("EMG-13",),
        "one signature made over chain 2",
        approvals=[good[0], good[1], approval(MEMBER_KEYS[2], _fields(chain_id=2))],
    )
    yield _rollback(
        "invalid-signed-other-height",
        ("EMG-13",),
        "one signature made over height 901",
        approvals=[good[0], good[1], approval(MEMBER_KEYS[2], _fields(target_height=901))],
    )
    yield _rollback(
        "invalid-signed-other-root",
        ("EMG-13",),
        "one signature made over another state root",
        approvals=[good[0], good[1], approval(MEMBER_KEYS[2], _fields(target_state_root="ff" * 32))],
    )
    yield _rollback(
        "invalid-signed-without-tag",
        ("EMG-9", "EMG-13"),
        "one signature over the message without its domain tag",
        approvals=[
            good[0],
            good[1],
            {
                "signer": public(MEMBER_KEYS[2]),
                "signature": MEMBER_KEYS[2]
                .sign(message_of(fields)[len(emergency.ROLLBACK_DOMAIN_TAG) :])
                .hex(),
            },
        ],
    )
    yield _rollback(
        "invalid-expired", ("EMG-12",), "verified one second after expiry", node={"now": NOW + 3601}
    )
    yield _rollback(
        "invalid-replayed-nonce",
        ("EMG-12",),
        "a nonce the node has used",
        node={"used_nonces": [bytes([6]) * 32, bytes([7]) * 32]},
    )
    yield _rollback(
        "invalid-target-at-height", ("EMG-12",), "a target at the node's own height", target_height=1000
    )
    yield _rollback(
        "invalid-signature-short",
        ("EMG-13",),
        "a signature of 63 bytes",
        approvals=[good[0], good[1], {**good[2], "signature": good[2]["signature"][:-2]}],
    )
    yield _rollback(
        "invalid-signer-short",
        ("EMG-11",),
        "a signer key of 31 bytes",
        approvals=[good[0], good[1], {**good[2], "signer": good[2]["signer"][:-2]}],
    )
    yield _rollback(
        "invalid-signature-s-plus-l",
        ("EMG-13",),
        "a valid signature with S + L in place of S",
        approvals=[good[0], good[1], {**good[2], "signature": _malleated(good[2]["signature"])}],
    )
    raw = bytes.fromhex(good[2]["signature"])
    for slug, description, signature, requirements in (
        ("r-not-canonical", "R with y = p", _encoding(FIELD_PRIME, 0) + raw[32:].hex(), ("EMG-13",)),
        (
            "r-small-order",
            "R the point of order 2 (y = p - 1)",
            _encoding(FIELD_PRIME - 1, 0) + raw[32:].hex(),
            ("EMG-13",),
        ),
        ("s-at-l", "S = L", raw[:32].hex() + GROUP_ORDER.to_bytes(32, "little").hex(), ("EMG-13",)),
        (
            "s-below-l",
            "S = L - 1",
            raw[:32].hex() + (GROUP_ORDER - 1).to_bytes(32, "little").hex(),
            ("EMG-13",),
        ),
    ):
        yield _rollback(
            f"invalid-signature-{slug}",
            requirements,
            f"a signature with {description}",
            approvals=[good[0], good[1], {**good[2], "signature": signature}],
        )
    yield _rollback(
        "invalid-signature-flipped",
        ("EMG-13",),
        "a signature with one bit flipped",
        approvals=[
            good[0],
            good[1],
            {**good[2], "signature": _flipped(bytes.fromhex(good[2]["signature"]), 40)},
        ],
    )
    yield _rollback(
        "invalid-signature-swapped",
        ("EMG-13",),
        "two members' signatures swapped",
        approvals=[
            good[0],
            {**good[1], "signature": good[2]["signature"]},
            {**good[2], "signature": good[1]["signature"]},
        ],
    )
    yield _rollback(
        "at-zero",
        ("EMG-12", "EMG-16"),
        "chain 0, target height 0 of a node at 1, expiring at time 0 and verified then",
        node={"chain_id": 0, "height": 1, "now": 0},
        chain_id=0,
        target_height=0,
        expires_at=0,
    )
    yield _rollback(
        "invalid-chain-id-range", ("EMG-16",), "a node chain id of 2^64", node={"chain_id": 2**64}
    )
    yield _rollback(
        "invalid-chain-id-negative", ("EMG-16",), "a rollback chain id of -1", chain_id=-1, approvals=[]
    )
    yield _rollback("invalid-height-negative", ("EMG-16",), "a node height of -1", node={"height": -1})
    yield _rollback("invalid-now-negative", ("EMG-16",), "a node time of -1", node={"now": -1})
    yield _rollback("invalid-height-range", ("EMG-16",), "a target height of 2^32", target_height=2**32)
    yield _rollback("invalid-expiry-range", ("EMG-16",), "an expiry of 2^64", expires_at=2**64, approvals=[])
    yield from generic_invalid_cases("rollback_authorization", _rollback("", (), "").input)


# The small-order points as keys (EMG-11): slug, y, sign bit, what the point is. The identity
# and the point of order 2 have x = 0, and with the sign bit set encode no point under RFC 8032
# 5.1.3; lax decoders accept them, so they are listed too.
SMALL_ORDER_KEYS = (
    ("identity", 1, 0, "the identity"),
    ("identity-sign-bit", 1, 1, "the identity with the sign bit set"),
    ("order-2", FIELD_PRIME - 1, 0, "the point of order 2"),
    ("order-2-sign-bit", FIELD_PRIME - 1, 1, "the point of order 2 with the sign bit set"),
    ("order-4", 0, 1, "a point of order 4"),
    ("order-8", emergency.EIGHTH_ORDER_Y, 0, "a point of order 8"),
    ("order-8-negated", FIELD_PRIME - emergency.EIGHTH_ORDER_Y, 1, "a point of order 8"),
)


def _encoding(y: int, sign: int) -> str:
    """The 32-byte point encoding of y with the sign bit of x, in hex (RFC 8032 5.1.2)."""
    return (y | sign << 255).to_bytes(32, "little").hex()


def _malleated(signature: str) -> str:
    """The signature with S replaced by S + L, which still fits 32 bytes and verifies in a lax verifier."""
    raw = bytes.fromhex(signature)
    scalar = int.from_bytes(raw[32:], "little") + GROUP_ORDER
    return (raw[:32] + scalar.to_bytes(32, "little")).hex()


def case_specs() -> Iterator[CaseSpec]:
    """The cases of the area, in the order of the spec."""
    yield from timeline_cases()
    yield from report_cases()
    yield from rollback_cases()
