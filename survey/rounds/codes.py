"""Class codes and link tokens: made here, stored only as keyed hashes.

A class code is short, so it is derived from a random seed with the secret key: the service can
show it to the teacher again, but a copy of the database alone reveals no code. A link token
carries 192 random bits and is shown once, when it is made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

#: No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CLASS_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CLASS_CODE_LENGTH = 6
LINK_TOKEN_BYTES = 24


def normalise_class_code(text: str) -> str:
    """What the pupil typed, forgiving case, spaces and dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _keyed(secret_key: str, purpose: str, value: str) -> bytes:
    return hmac.new(secret_key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()


def new_code_seed() -> str:
    return secrets.token_hex(16)


def class_code_from_seed(secret_key: str, seed: str) -> str:
    number = int.from_bytes(_keyed(secret_key, "class-code", seed), "big")
    letters = []
    for _ in range(CLASS_CODE_LENGTH):
        number, index = divmod(number, len(CLASS_CODE_ALPHABET))
        letters.append(CLASS_CODE_ALPHABET[index])
    return "".join(letters)


def class_code_hash(secret_key: str, code: str) -> str:
    return _keyed(secret_key, "class-code-lookup", normalise_class_code(code)).hex()


def new_link_token() -> str:
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


def link_token_hash(secret_key: str, token: str) -> str:
    return _keyed(secret_key, "link-lookup", token.strip()).hex()
