"""RFC 9180 HPKE, base mode, for one suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305.

Encrypted vulnerability reports (EMG-6 to EMG-8) are single-shot HPKE messages to the response
team's X25519 key. The construction composes `cryptography`'s X25519, HMAC-SHA256, HKDF-Expand
and ChaCha20-Poly1305 exactly as RFC 9180 sections 4, 5.1 and 7.1 say; the ephemeral key pair
comes from a seed through DeriveKeyPair (section 7.1.3), so a sealed report is reproducible.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from forkspec.errors import ErrorCode, ensure, reject

KEM_ID = 0x0020  # DHKEM(X25519, HKDF-SHA256)
KDF_ID = 0x0001  # HKDF-SHA256
AEAD_ID = 0x0003  # ChaCha20Poly1305
MODE_BASE = 0x00
KEY_LENGTH = 32  # Nsk = Npk = Nenc = Nsecret = Nh = Nk
NONCE_LENGTH = 12  # Nn
TAG_LENGTH = 16  # Nt
# RFC 9180 7.1.3 asks for at least Nsk bytes of entropy in DeriveKeyPair's input (EMG-7).
SEED_MIN_LENGTH = 32
KEM_SUITE_ID = b"KEM" + KEM_ID.to_bytes(2, "big")
HPKE_SUITE_ID = b"HPKE" + KEM_ID.to_bytes(2, "big") + KDF_ID.to_bytes(2, "big") + AEAD_ID.to_bytes(2, "big")


def _extract(salt: bytes, key_material: bytes) -> bytes:
    """HKDF-Extract with SHA-256 (RFC 5869 2.2): HMAC keyed by the salt."""
    mac = hmac.HMAC(salt, hashes.SHA256())
    mac.update(key_material)
    return mac.finalize()


def labeled_extract(suite_id: bytes, salt: bytes, label: bytes, key_material: bytes) -> bytes:
    """LabeledExtract (RFC 9180 4)."""
    return _extract(salt, b"HPKE-v1" + suite_id + label + key_material)


def labeled_expand(suite_id: bytes, secret: bytes, label: bytes, info: bytes, length: int) -> bytes:
    """LabeledExpand (RFC 9180 4)."""
    labeled_info = length.to_bytes(2, "big") + b"HPKE-v1" + suite_id + label + info
    return HKDFExpand(hashes.SHA256(), length, labeled_info).derive(secret)


def _public_bytes(private_key: X25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def derive_key_pair(seed: bytes) -> tuple[bytes, bytes]:
    """DeriveKeyPair for X25519 (RFC 9180 7.1.3): the private and public key of `seed`."""
    ensure(
        len(seed) >= SEED_MIN_LENGTH,
        ErrorCode.SEED_TOO_SHORT,
        f"the seed has {len(seed)} bytes, fewer than {SEED_MIN_LENGTH}",
    )
    secret = labeled_extract(KEM_SUITE_ID, b"", b"dkp_prk", seed)
    private = labeled_expand(KEM_SUITE_ID, secret, b"sk", b"", KEY_LENGTH)
    return private, _public_bytes(X25519PrivateKey.from_private_bytes(private))


def _check_key_length(raw: bytes, name: str) -> None:
    ensure(
        len(raw) == KEY_LENGTH,
        ErrorCode.KEY_MALFORMED,
        f"{name} has {len(raw)} bytes, not {KEY_LENGTH}",
    )


def _shared_secret(private: bytes, peer_public: bytes, enc: bytes, recipient_public: bytes) -> bytes:
    """DH followed by ExtractAndExpand (RFC 9180 4.1); an all-zero DH output is refused (7.1.4)."""
    try:
        dh = X25519PrivateKey.from_private_bytes(private).exchange(
            X25519PublicKey.from_public_bytes(peer_public)
        )
    except ValueError:
        reject(
            ErrorCode.KEY_AGREEMENT_FAILED, "the X25519 shared secret is all zero: a small-order public key"
        )
    secret = labeled_extract(KEM_SUITE_ID, b"", b"eae_prk", dh)
    return labeled_expand(KEM_SUITE_ID, secret, b"shared_secret", enc + recipient_public, KEY_LENGTH)


def key_schedule(shared_secret: bytes, info: bytes) -> tuple[bytes, bytes]:
    """KeySchedule in base mode (RFC 9180 5.1): the AEAD key and base nonce."""
    psk_id_hash = labeled_extract(HPKE_SUITE_ID, b"", b"psk_id_hash", b"")
    info_hash = labeled_extract(HPKE_SUITE_ID, b"", b"info_hash", info)
    context = bytes([MODE_BASE]) + psk_id_hash + info_hash
    secret = labeled_extract(HPKE_SUITE_ID, shared_secret, b"secret", b"")
    key = labeled_expand(HPKE_SUITE_ID, secret, b"key", context, KEY_LENGTH)
    base_nonce = labeled_expand(HPKE_SUITE_ID, secret, b"base_nonce", context, NONCE_LENGTH)
    return key, base_nonce


def seal(
    recipient_public: bytes, seed: bytes, info: bytes, aad: bytes, plaintext: bytes
) -> tuple[bytes, bytes]:
    """SealBase (RFC 9180 6.1) with the ephemeral key of `seed`: the encapsulated key and the
    ciphertext of the first message (sequence number 0, whose nonce is the base nonce). EMG-7."""
    _check_key_length(recipient_public, "the recipient's public key")
    ephemeral_private, enc = derive_key_pair(seed)
    shared_secret = _shared_secret(ephemeral_private, recipient_public, enc, recipient_public)
    key, base_nonce = key_schedule(shared_secret, info)
    return enc, ChaCha20Poly1305(key).encrypt(base_nonce, plaintext, aad)


def open_sealed(recipient_private: bytes, enc: bytes, info: bytes, aad: bytes, ciphertext: bytes) -> bytes:
    """OpenBase (RFC 9180 6.1) of the first message; every failure has its code (EMG-8)."""
    _check_key_length(recipient_private, "the recipient's private key")
    ensure(
        len(enc) == KEY_LENGTH,
        ErrorCode.ENCAPSULATION_MALFORMED,
        f"the encapsulated key has {len(enc)} bytes, not {KEY_LENGTH}",
    )
    ensure(
        len(ciphertext) >= TAG_LENGTH,
        ErrorCode.CIPHERTEXT_TRUNCATED,
        f"the ciphertext has {len(ciphertext)} bytes, fewer than its {TAG_LENGTH}-byte tag",
    )
    recipient_public = _public_bytes(X25519PrivateKey.from_private_bytes(recipient_private))
    key, base_nonce = key_schedule(_shared_secret(recipient_private, enc, enc, recipient_public), info)
    try:
        return ChaCha20Poly1305(key).decrypt(base_nonce, ciphertext, aad)
    except InvalidTag:
        reject(
            ErrorCode.DECRYPTION_FAILED,
            "the ciphertext does not authenticate: tampered, or another key, info or aad",
        )
