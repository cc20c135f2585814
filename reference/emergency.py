"""The emergency patch process: severities and their windows, the response timeline with its
deadlines and breaches, and the council's k-of-n rollback authorization (EMG-1 to EMG-16).

An encrypted report opens the process; `forkspec.hpke` seals and opens it. A timeline is the
list of the steps that happened, each with its time; from it follow the state, each step's
window (earliest and latest time) and every breach of a window. A rollback is authorized by at
least k distinct council members' Ed25519 signatures over one canonical message.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from forkspec.activation import UINT32_MAX
from forkspec.errors import ErrorCode, check_range, ensure, reject
from forkspec.logic import both
from forkspec.presets import EmergencyRules
from forkspec.versioning import UINT64_MAX


class Severity(StrEnum):
    """The severity levels (EMG-2)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Step(StrEnum):
    """The steps of the response, in the one order they happen (EMG-1)."""

    REPORTED = "reported"
    TRIAGED = "triaged"
    PATCH_RELEASED = "patch_released"
    VALIDATORS_NOTIFIED = "validators_notified"
    ACTIVATED = "activated"
    PUBLICLY_DISCLOSED = "publicly_disclosed"


STEPS = tuple(Step)


class Event(NamedTuple):
    """A step that happened at `at`; the triage states the severity (EMG-1)."""

    step: Step
    at: int
    severity: Severity | None


class Window(NamedTuple):
    """When a step may happen: `earliest` and `latest` inclusive, `None` for no bound (EMG-3)."""

    step: Step
    earliest: int | None
    latest: int | None


class BreachKind(StrEnum):
    """How a window was breached (EMG-5)."""

    EARLY = "early"
    LATE = "late"
    OVERDUE = "overdue"


class Breach(NamedTuple):
    """A breached window: the step, how, and the bound it crossed."""

    step: Step
    kind: BreachKind
    bound: int


class Timeline(NamedTuple):
    """The response's state, severity (once triaged), windows and breaches (EMG-5)."""

    state: Step
    severity: Severity | None
    windows: tuple[Window, ...]
    breaches: tuple[Breach, ...]


def _after(time: int, seconds: int | None) -> int | None:
    """`time + seconds`, saturating at 2^64-1, a time no timestamp passes (EMG-3)."""
    return None if seconds is None else min(time + seconds, UINT64_MAX)


def step_window(
    step: Step, times: dict[Step, int], severity: Severity | None, rules: EmergencyRules
) -> Window:
    """The window of `step` from the times of the steps before it (EMG-3, EMG-4); every step
    after the triage needs the severity it stated."""
    if step is Step.TRIAGED:
        return Window(step, None, _after(times[Step.REPORTED], rules.triage_seconds))
    assert severity is not None, "only the triage's window is known before the triage"
    windows = rules.windows(severity)
    if step is Step.PATCH_RELEASED:
        return Window(step, None, _after(times[Step.REPORTED], windows.patch_seconds))
    if step is Step.VALIDATORS_NOTIFIED:
        return Window(step, None, _after(times[Step.PATCH_RELEASED], rules.validator_notice_seconds))
    if step is Step.ACTIVATED:
        patch = times[Step.PATCH_RELEASED]
        return Window(
            step, _after(patch, windows.activation_min_seconds), _after(patch, windows.activation_max_seconds)
        )
    activated = times[Step.ACTIVATED]
    return Window(
        step,
        _after(activated, rules.public_disclosure_min_seconds),
        _after(activated, rules.public_disclosure_max_seconds),
    )


def breach(window: Window, at: int | None, now: int) -> Breach | None:
    """The breach of `window` by a step done at `at`, or not done by `now` (`at` None); EMG-5."""
    if at is not None and window.earliest is not None and at < window.earliest:
        return Breach(window.step, BreachKind.EARLY, window.earliest)
    if window.latest is None:
        return None
    if at is not None and at > window.latest:
        return Breach(window.step, BreachKind.LATE, window.latest)
    if at is None and now > window.latest:
        return Breach(window.step, BreachKind.OVERDUE, window.latest)
    return None


def check_events(events: Sequence[Event], now: int) -> None:
    """The checks of a timeline, in the order of EMG-1 and EMG-5."""
    check_range(now, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, "now")
    previous = 0
    for index, event in enumerate(events):
        check_range(event.at, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, f"at of event {index}")
        expected = STEPS[index] if index < len(STEPS) else None
        if event.step is not expected:
            reject(
                ErrorCode.ILLEGAL_TRANSITION,
                f"event {index} is {event.step}, where {expected or 'no event'} comes",
            )
        ensure(
            (event.severity is not None) == (event.step is Step.TRIAGED),
            ErrorCode.SEVERITY_MISPLACED,
            f"event {index} ({event.step}) "
            + ("must state the severity" if event.step is Step.TRIAGED else "must not state a severity"),
        )
        ensure(
            event.at >= previous,
            ErrorCode.EVENT_TIME_REGRESSION,
            f"event {index} at {event.at} is earlier than the one before, at {previous}",
        )
        previous = event.at
    ensure(
        now >= previous,
        ErrorCode.EVENT_TIME_REGRESSION,
        f"now {now} is earlier than the last event, at {previous}",
    )


def timeline(events: Sequence[Event], now: int, rules: EmergencyRules) -> Timeline:
    """The state, windows and breaches of a response at time `now` (EMG-1 to EMG-5).

    The windows are those of every step after the report that happened, and of the next step
    when its window is known (the patch's needs the severity, so it is known once triaged).
    """
    check_events(events, now)
    times = {event.step: event.at for event in events}
    severity = events[1].severity if len(events) > 1 else None
    windows: list[Window] = []
    breaches: list[Breach] = []
    for step in STEPS[1 : len(events) + 1]:
        window = step_window(step, times, severity, rules)
        windows.append(window)
        if (found := breach(window, times.get(step), now)) is not None:
            breaches.append(found)
    return Timeline(events[-1].step, severity, tuple(windows), tuple(breaches))


# --------------------------------------------------------------------------------------------
# Rollback authorization (EMG-9 to EMG-16)
# --------------------------------------------------------------------------------------------

ROLLBACK_DOMAIN_TAG = b"forkspec/emergency-rollback/v1"
ED25519_KEY_LENGTH = 32
ED25519_SIGNATURE_LENGTH = 64
ED25519_POINT_LENGTH = 32
# RFC 8032 5.1: the field prime p and the group order L.
FIELD_PRIME = 2**255 - 19
GROUP_ORDER = 2**252 + 27742317777372353535851937790883648493
# The y-coordinates of the eight points of order dividing 8 (EMG-11): the identity (1), the
# point of order 2 (p - 1), the two of order 4 (0), and the four of order 8 (y8 and p - y8).
EIGHTH_ORDER_Y = 0x5FC536D880238B13933C6D305ACDFD5F098EFF289F4C345B027B2C28F95E826
SMALL_ORDER_Y = frozenset((0, 1, FIELD_PRIME - 1, EIGHTH_ORDER_Y, FIELD_PRIME - EIGHTH_ORDER_Y))


class Council(NamedTuple):
    """The emergency council: its members' Ed25519 public keys and the threshold k (EMG-10)."""

    members: tuple[bytes, ...]
    threshold: int


class Approval(NamedTuple):
    """One member's signature over the rollback message."""

    signer: bytes
    signature: bytes


class Rollback(NamedTuple):
    """A rollback authorization: what it rolls back to, its nonce and expiry, its approvals."""

    chain_id: int
    target_height: int
    target_state_root: bytes
    nonce: bytes
    expires_at: int
    approvals: tuple[Approval, ...]


class Node(NamedTuple):
    """What the verifying node knows: its chain, height, time and the nonces already used."""

    chain_id: int
    height: int
    now: int
    used_nonces: frozenset[bytes]


def rollback_message(rollback: Rollback) -> bytes:
    """The canonical message the council signs (EMG-9): the domain tag, then the chain id,
    target height, target state root, nonce and expiry, integers as 8 big-endian bytes."""
    return b"".join(
        (
            ROLLBACK_DOMAIN_TAG,
            rollback.chain_id.to_bytes(8, "big"),
            rollback.target_height.to_bytes(8, "big"),
            rollback.target_state_root,
            rollback.nonce,
            rollback.expires_at.to_bytes(8, "big"),
        )
    )


def council_threshold_valid(threshold: Any, members: Any) -> Any:
    """Whether k of n is a valid council threshold: k <= n and 2k > n (EMG-10). A kernel (GEN-5)."""
    return both(threshold <= members, 2 * threshold > members)


def rollback_authorized(distinct_signers: Any, threshold: Any) -> Any:
    """Whether the distinct valid signers reach the threshold (EMG-15). A kernel (GEN-5)."""
    return distinct_signers >= threshold


def encoded_y(raw: bytes) -> int:
    """The y-coordinate of a 32-byte point encoding: its integer without the sign bit (RFC 8032 5.1.2)."""
    return int.from_bytes(raw, "little") & (2**255 - 1)


def point_encoding_canonical(raw: bytes) -> bool:
    """Whether a 32-byte point encoding has its y-coordinate below p (RFC 8032 5.1.3 step 1)."""
    return encoded_y(raw) < FIELD_PRIME


def scalar_canonical(raw: bytes) -> bool:
    """Whether a 32-byte scalar is below the group order L (RFC 8032 5.1.7 step 1)."""
    return int.from_bytes(raw, "little") < GROUP_ORDER


def _public_key(raw: bytes, name: str) -> bytes:
    """A well-formed, canonically encoded Ed25519 public key (EMG-11)."""
    ensure(
        len(raw) == ED25519_KEY_LENGTH,
        ErrorCode.KEY_MALFORMED,
        f"{name} has {len(raw)} bytes, not {ED25519_KEY_LENGTH}",
    )
    ensure(point_encoding_canonical(raw), ErrorCode.KEY_NOT_CANONICAL, f"{name} encodes a y-coordinate >= p")
    ensure(
        encoded_y(raw) not in SMALL_ORDER_Y,
        ErrorCode.KEY_SMALL_ORDER,
        f"{name} is a point of small order, for which anyone can forge signatures",
    )
    return raw


def check_council(council: Council) -> frozenset[bytes]:
    """The council's members, checked (EMG-10, EMG-11)."""
    members: set[bytes] = set()
    for index, member in enumerate(council.members):
        _public_key(member, f"member {index}")
        ensure(member not in members, ErrorCode.DUPLICATE_COUNCIL_MEMBER, f"member {index} is listed twice")
        members.add(member)
    ensure(
        council_threshold_valid(council.threshold, len(members)),
        ErrorCode.COUNCIL_THRESHOLD_INVALID,
        f"a threshold of {council.threshold} of {len(members)} members is not k <= n and 2k > n",
    )
    return frozenset(members)


def signer_already_counted(signer: bytes, counted: set[bytes]) -> bool:
    """Whether `signer` has an approval counted already (EMG-14)."""
    return signer in counted


def _check_approval(index: int, approval: Approval, message: bytes) -> None:
    """The checks of one approval after its signer's (EMG-13, EMG-14)."""
    ensure(
        len(approval.signature) == ED25519_SIGNATURE_LENGTH,
        ErrorCode.SIGNATURE_MALFORMED,
        f"signature {index} has {len(approval.signature)} bytes, not {ED25519_SIGNATURE_LENGTH}",
    )
    ensure(
        point_encoding_canonical(approval.signature[:ED25519_POINT_LENGTH])
        and scalar_canonical(approval.signature[ED25519_POINT_LENGTH:]),
        ErrorCode.SIGNATURE_NOT_CANONICAL,
        f"signature {index} is not canonical: R's y-coordinate >= p or S >= L",
    )
    try:
        Ed25519PublicKey.from_public_bytes(approval.signer).verify(approval.signature, message)
    except InvalidSignature:
        reject(ErrorCode.SIGNATURE_INVALID, f"signature {index} does not verify over this rollback's message")


def authorize_rollback(council: Council, rollback: Rollback, node: Node) -> bytes:
    """Check a rollback authorization at `node`; returns the signed message (EMG-9 to EMG-16).

    Every approval listed must be valid: a bad one rejects the whole authorization, so that a
    council never ships an authorization it did not mean.
    """
    for name, value in (("chain_id", node.chain_id), ("rollback chain_id", rollback.chain_id)):
        check_range(value, 0, UINT64_MAX, ErrorCode.CHAIN_ID_OUT_OF_RANGE, name)
    for name, value in (("height", node.height), ("target_height", rollback.target_height)):
        check_range(value, 0, UINT32_MAX, ErrorCode.HEIGHT_OUT_OF_RANGE, name)
    for name, value in (("now", node.now), ("expires_at", rollback.expires_at)):
        check_range(value, 0, UINT64_MAX, ErrorCode.TIMESTAMP_OUT_OF_RANGE, name)
    members = check_council(council)
    ensure(
        rollback.chain_id == node.chain_id,
        ErrorCode.CHAIN_ID_MISMATCH,
        f"the rollback is for chain {rollback.chain_id}, this node is on chain {node.chain_id}",
    )
    ensure(
        rollback.target_height < node.height,
        ErrorCode.ROLLBACK_TARGET_NOT_BEHIND,
        f"the target height {rollback.target_height} is not below the node's height {node.height}",
    )
    ensure(
        node.now <= rollback.expires_at,
        ErrorCode.AUTHORIZATION_EXPIRED,
        f"the authorization expired at {rollback.expires_at}, it is {node.now}",
    )
    ensure(rollback.nonce not in node.used_nonces, ErrorCode.NONCE_REPLAYED, "the nonce was used before")
    message = rollback_message(rollback)
    counted: set[bytes] = set()
    signers = 0
    for index, approval in enumerate(rollback.approvals):
        signer = _public_key(approval.signer, f"the signer of approval {index}")
        ensure(
            signer in members, ErrorCode.NOT_COUNCIL_MEMBER, f"the signer of approval {index} is not a member"
        )
        if signer_already_counted(signer, counted):
            reject(ErrorCode.DUPLICATE_SIGNER, f"the signer of approval {index} has signed before")
        _check_approval(index, approval, message)
        counted.add(signer)
        signers += 1
    ensure(
        rollback_authorized(signers, council.threshold),
        ErrorCode.INSUFFICIENT_SIGNATURES,
        f"{signers} distinct valid signatures, the threshold is {council.threshold}",
    )
    return message
