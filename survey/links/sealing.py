"""Encryption for the link flow: drafts readable only with the device's key, pooled answers
readable only with the server's.

AES-GCM from `cryptography` (a well-kept library, not our own cipher). Not Fernet: a Fernet
token carries its creation time in clear, and a time beside a draft or a pooled response is
exactly what must not be kept.

- A draft is sealed with a key derived (HKDF) from a random device key that lives only in an
  HttpOnly cookie on the respondent's phone, and from the server's secret key. The database,
  a backup, the WAL or anyone holding only the link sees ciphertext. The draft's row id is
  derived from the device key too, so each device finds its own draft and no other.
- A pooled response (submitted, waiting to be released; see `survey.links.pool`) is sealed
  with a key derived from the server's secret key, so a backup alone does not hold it in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
DEVICE_KEY_BYTES = 32


def new_device_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(DEVICE_KEY_BYTES)).decode().rstrip("=")


def is_device_key(value: str | None) -> bool:
    if not value or len(value) != 43:
        return False
    try:
        return len(base64.urlsafe_b64decode(value + "=")) == DEVICE_KEY_BYTES
    except ValueError:
        return False


def _derive(material: bytes, salt: str, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=hashlib.sha256(salt.encode()).digest(),
        info=purpose.encode(),
    ).derive(material)


def draft_id(device_key: str, secret_key: str, access_code_id: int) -> str:
    """The row id of this device's draft of this link (not reversible to the key)."""
    return _derive(device_key.encode(), secret_key, f"trivsel draft id {access_code_id}").hex()


def _seal(key: bytes, payload: dict[str, Any], bound_to: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(payload, separators=(",", ":")).encode()
    return nonce + AESGCM(key).encrypt(nonce, plain, bound_to.encode())


def _open(key: bytes, sealed: bytes, bound_to: str) -> dict[str, Any] | None:
    try:
        plain = AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], bound_to.encode())
    except (InvalidTag, ValueError):
        return None
    return json.loads(plain)


def _draft_key(device_key: str, secret_key: str, access_code_id: int) -> bytes:
    return _derive(device_key.encode(), secret_key, f"trivsel draft key {access_code_id}")


def seal_draft(
    device_key: str, secret_key: str, access_code_id: int, payload: dict[str, Any]
) -> bytes:
    key = _draft_key(device_key, secret_key, access_code_id)
    return _seal(key, payload, f"draft {access_code_id}")


def open_draft(
    device_key: str, secret_key: str, access_code_id: int, sealed: bytes
) -> dict[str, Any] | None:
    """The draft, or None if this is not the device that wrote it."""
    key = _draft_key(device_key, secret_key, access_code_id)
    return _open(key, sealed, f"draft {access_code_id}")


def _pool_key(secret_key: str) -> bytes:
    return _derive(secret_key.encode(), "trivsel link pool", "trivsel pooled response")


def seal_pooled(secret_key: str, payload: dict[str, Any]) -> bytes:
    return _seal(_pool_key(secret_key), payload, "pooled response")


def open_pooled(secret_key: str, sealed: bytes) -> dict[str, Any]:
    opened = _open(_pool_key(secret_key), sealed, "pooled response")
    if opened is None:
        raise ValueError("a pooled response cannot be opened with this secret key")
    return opened


def sent_mark(secret_key: str, code_hash: str) -> str:
    """What the thank-you cookie holds: proof that this browser sent this link's answers."""
    return hmac.new(secret_key.encode(), f"sent {code_hash}".encode(), "sha256").hexdigest()


def is_sent_mark(secret_key: str, code_hash: str, value: str | None) -> bool:
    return value is not None and hmac.compare_digest(sent_mark(secret_key, code_hash), value)


def _batch_key(secret_key: str) -> bytes:
    return _derive(secret_key.encode(), "trivsel link batch", "trivsel link batch tokens")


def seal_batch(secret_key: str, batch_id: int, tokens: list[str]) -> bytes:
    """A batch's tokens, kept so its letters can be downloaded again while the round is open."""
    return _seal(_batch_key(secret_key), {"tokens": tokens}, f"link batch {batch_id}")


def open_batch(secret_key: str, batch_id: int, sealed: bytes) -> list[str] | None:
    """The batch's tokens, or None if the secret key has changed since it was sealed."""
    opened = _open(_batch_key(secret_key), sealed, f"link batch {batch_id}")
    return None if opened is None else list(opened["tokens"])
