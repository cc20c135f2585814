"""The emergency area: HPKE against RFC 9180's published vectors and `cryptography`'s own HPKE,
the presets' windows, and properties of the timeline and the rollback check (EMG-1 to EMG-16)."""

from __future__ import annotations

import itertools

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke as library_hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from forkspec import emergency, hpke
from forkspec.emergency import Approval, BreachKind, Council, Event, Node, Rollback, Severity, Step
from forkspec.errors import ErrorCode, SpecError
from forkspec.presets import load_preset, preset_names
from hypothesis import given
from hypothesis import strategies as st

LIBRARY_SUITE = library_hpke.Suite(
    library_hpke.KEM.X25519, library_hpke.KDF.HKDF_SHA256, library_hpke.AEAD.CHACHA20_POLY1305
)


@given(
    st.binary(min_size=32, max_size=64),
    st.binary(min_size=32, max_size=64),
    st.binary(max_size=64),
    st.binary(max_size=200),
)
def test_the_library_opens_what_we_seal(
    recipient_seed: bytes, seed: bytes, info: bytes, plaintext: bytes
) -> None:
    private, public = hpke.derive_key_pair(recipient_seed)
    enc, ciphertext = hpke.seal(public, seed, info, b"", plaintext)
    assert (
        LIBRARY_SUITE.decrypt(enc + ciphertext, X25519PrivateKey.from_private_bytes(private), info=info)
        == plaintext
    )


@given(st.binary(min_size=32, max_size=32), st.binary(max_size=64), st.binary(max_size=200))
def test_we_open_what_the_library_seals(recipient_seed: bytes, info: bytes, plaintext: bytes) -> None:
    private, _ = hpke.derive_key_pair(recipient_seed)
    sealed = LIBRARY_SUITE.encrypt(
        plaintext, X25519PrivateKey.from_private_bytes(private).public_key(), info=info
    )
    assert hpke.open_sealed(private, sealed[:32], info, b"", sealed[32:]) == plaintext


@given(st.binary(max_size=100), st.integers(min_value=0), st.integers(min_value=0, max_value=7))
def test_any_changed_bit_of_a_sealed_report_is_refused(plaintext: bytes, position: int, bit: int) -> None:
    private, public = hpke.derive_key_pair(bytes(32))
    enc, ciphertext = hpke.seal(public, bytes(range(32)), b"info", b"aad", plaintext)
    sealed = bytearray(enc + ciphertext)
    sealed[position % len(sealed)] ^= 1 << bit
    with pytest.raises(SpecError) as raised:
        hpke.open_sealed(private, bytes(sealed[:32]), b"info", b"aad", bytes(sealed[32:]))
    assert raised.value.code in (ErrorCode.DECRYPTION_FAILED, ErrorCode.KEY_AGREEMENT_FAILED)


@pytest.mark.parametrize("name", preset_names())
def test_critical_activation_is_the_emergency_window_of_cls_10(name: str) -> None:
    preset = load_preset(name)
    assert preset.emergency is not None
    assert (
        preset.emergency.windows("critical").activation_max_seconds
        == preset.emergency_activation_window_seconds
    )
    assert [windows.severity for windows in preset.emergency.severities] == [
        severity.value for severity in Severity
    ]


RULES = load_preset("mainnet").emergency
assert RULES is not None
times = st.integers(min_value=0, max_value=10**7)


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[Event], int]:
    count = draw(st.integers(min_value=1, max_value=len(emergency.STEPS)))
    gaps = draw(st.lists(times, min_size=count, max_size=count))
    severity = draw(st.sampled_from(Severity))
    events = [
        Event(step, sum(gaps[: index + 1]), severity if step is Step.TRIAGED else None)
        for index, step in enumerate(emergency.STEPS[:count])
    ]
    return events, events[-1].at + draw(times)


@given(timelines(), times)
def test_a_later_step_is_never_less_late(timeline: tuple[list[Event], int], delay: int) -> None:
    """Delaying the last step (and the time asked) never removes a late or overdue breach of it."""
    events, now = timeline
    assert RULES is not None
    before = emergency.timeline(events, now, RULES)
    last = events[-1]
    after = emergency.timeline([*events[:-1], last._replace(at=last.at + delay)], now + delay, RULES)
    late = {(found.step, found.kind) for found in before.breaches if found.kind is not BreachKind.EARLY}
    assert late <= {(found.step, found.kind) for found in after.breaches}
    assert before.state == after.state == last.step


@given(timelines())
def test_every_breach_crosses_its_window(timeline: tuple[list[Event], int]) -> None:
    events, now = timeline
    assert RULES is not None
    result = emergency.timeline(events, now, RULES)
    happened = {event.step: event.at for event in events}
    windows = {window.step: window for window in result.windows}
    for found in result.breaches:
        window = windows[found.step]
        at = happened.get(found.step)
        if found.kind is BreachKind.EARLY:
            assert at is not None and window.earliest is not None and at < window.earliest == found.bound
        elif found.kind is BreachKind.LATE:
            assert at is not None and window.latest is not None and at > window.latest == found.bound
        else:
            assert at is None and window.latest is not None and now > window.latest == found.bound


KEYS = [Ed25519PrivateKey.from_private_bytes(bytes([index + 1]) * 32) for index in range(5)]
MEMBERS = tuple(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) for key in KEYS)
UNSIGNED = Rollback(1, 5, bytes(32), bytes(32), 100, ())
NODE = Node(1, 10, 50, frozenset())


def _approvals(indices: tuple[int, ...]) -> tuple[Approval, ...]:
    message = emergency.rollback_message(UNSIGNED)
    return tuple(Approval(MEMBERS[index], KEYS[index].sign(message)) for index in indices)


@pytest.mark.parametrize("threshold", [3, 4, 5])
def test_a_rollback_is_authorized_exactly_by_k_distinct_members(threshold: int) -> None:
    council = Council(MEMBERS, threshold)
    for size in range(len(MEMBERS) + 1):
        for signers in itertools.permutations(range(len(MEMBERS)), size):
            rollback = UNSIGNED._replace(approvals=_approvals(signers))
            if size >= threshold:
                assert emergency.authorize_rollback(council, rollback, NODE) == emergency.rollback_message(
                    UNSIGNED
                )
            else:
                with pytest.raises(SpecError) as raised:
                    emergency.authorize_rollback(council, rollback, NODE)
                assert raised.value.code is ErrorCode.INSUFFICIENT_SIGNATURES


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=-2, max_value=52))
def test_council_thresholds_are_the_majorities(members: int, threshold: int) -> None:
    assert emergency.council_threshold_valid(threshold, members) == (members // 2 < threshold <= members)


def test_the_rollback_message_is_118_bytes_with_its_tag_first() -> None:
    message = emergency.rollback_message(UNSIGNED)
    assert len(message) == 118
    assert message.startswith(b"forkspec/emergency-rollback/v1")


# Twisted Edwards arithmetic on edwards25519, only to check the table of small-order points.
P = emergency.FIELD_PRIME
D = -121665 * pow(121666, -1, P) % P


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    return (x1 * y2 + x2 * y1) * pow(1 + t, -1, P) % P, (y1 * y2 + x1 * x2) * pow(1 - t, -1, P) % P


def _points_with_y(y: int) -> set[tuple[int, int]]:
    """Both points (one when x = 0) with this y-coordinate (RFC 8032 5.1.3)."""
    x2 = (y * y - 1) * pow(D * y * y + 1, -1, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * pow(2, (P - 1) // 4, P) % P
    assert (x * x - x2) % P == 0, "the y-coordinate of a point"
    return {(x, y), (-x % P, y)}


def test_the_small_order_table_is_every_point_of_order_dividing_8() -> None:
    points = set().union(*(_points_with_y(y) for y in emergency.SMALL_ORDER_Y))
    assert len(points) == 8
    for point in points:
        multiple = (0, 1)
        for _ in range(8):
            multiple = _add(multiple, point)
        assert multiple == (0, 1)


def _encoding(y: int, sign: int) -> bytes:
    return (y | sign << 255).to_bytes(32, "little")


@pytest.mark.parametrize("y", sorted(emergency.SMALL_ORDER_Y))
@pytest.mark.parametrize("sign", [0, 1])
def test_a_small_order_key_is_refused_because_anyone_can_sign_for_it(y: int, sign: int) -> None:
    """The library verifies the identity with S = 0 under each such key for some message: a
    forgery nobody needs a private key for, which EMG-11's KEY_SMALL_ORDER keeps out."""
    key = _encoding(y, sign)
    forged = _encoding(1, 0) + bytes(32)
    verifier = Ed25519PublicKey.from_public_bytes(key)
    forged_messages = 0
    for index in range(64):
        try:
            verifier.verify(forged, b"message %d" % index)
        except InvalidSignature:
            continue
        forged_messages += 1
    assert forged_messages > 0
    with pytest.raises(SpecError) as refused:
        emergency.check_council(Council((*MEMBERS[:2], key), 2))
    assert refused.value.code is ErrorCode.KEY_SMALL_ORDER
