"""Password hashes: werkzeug's scrypt, with its cost set in one place."""

from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

#: werkzeug's scrypt at its default cost (N = 2^15, r = 8, p = 1): about a tenth of a second
#: and 32 MiB a hash, so a stolen user table is slow to guess. The cost is stored in each
#: hash, so raising it later still checks the old ones. The test suite lowers it for the
#: users it makes (tests/conftest.py); tests/survey/accounts/test_passwords.py holds this
#: default to the strong one.
METHOD = "scrypt:32768:8:1"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=METHOD)


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def check_against_nothing(password: str) -> None:
    """Spend the time a real check would, for an unknown e-mail address, so that the answer
    does not tell which addresses have an account."""
    check_password_hash(_dummy_hash(METHOD), password)


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password", method=method)
