"""Card codes: eight characters a ten-year-old can type, the last one a check character.

The alphabet has 23 characters, none of which looks like another in print or in a child's
handwriting: of O, Q and 0 none; of I, 1 and L only L; of Z/2, S/5 and B/8 neither; of G/6
only 6; of U/V only U. Seven random characters carry 23**7 (about 3.4 billion) codes; the
eighth makes the sum of position × value (positions 1 to 8) divisible by 23, the prime the
alphabet was cut to. With distinct non-zero weights modulo a prime, every single wrong
character and every swap of two characters changes the sum, so the tablet catches them by
arithmetic alone, before anything is looked up (`is_well_formed`).

We write this ourselves instead of using python-stdnum's Luhn mod N: Luhn mod N misses one
adjacent swap per alphabet, and the tablet needs the same check in JavaScript (survey.js),
which is six lines either way. The codes are printed as two groups of four («ACDE-FH34»);
typing accepts small letters, spaces and dashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "ACDEFHJKLMNPRTUWXY34679"
LENGTH = 8
DASHES = "-\u2010\u2011\u2012\u2013"
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)
assert _MODULUS == 23  # a prime, so that every weight below is invertible


_INVERSE_OF_LAST_WEIGHT = pow(LENGTH, -1, _MODULUS)


def _check_character(payload: str) -> str:
    """The character c with sum(position × value) + 8 × c ≡ 0 (mod 23)."""
    total = sum((position + 1) * _VALUE[char] for position, char in enumerate(payload))
    return ALPHABET[(-total * _INVERSE_OF_LAST_WEIGHT) % _MODULUS]


def new_card_code() -> str:
    """A random card code with its check character, normalised (no dash)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return payload + _check_character(payload)


def normalise(typed: str) -> str:
    """What the pupil typed, upper case, without spaces and dashes."""
    return "".join(char for char in typed.upper() if not (char.isspace() or char in DASHES))


def is_well_formed(typed: str) -> bool:
    """True when the code has eight characters of the alphabet and its check character fits.

    This is all the tablet ever tells a pupil about a code: whether it is well formed, never
    whether it was issued (see `survey.panel.operations.member_for_card`).
    """
    code = normalise(typed)
    if len(code) != LENGTH or any(char not in _VALUE for char in code):
        return False
    return _check_character(code[:-1]) == code[-1]


def printed(code: str) -> str:
    """The code as printed on the card: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


def new_key() -> bytes:
    return secrets.token_bytes(32)


def code_hash(key: bytes, code: str) -> str:
    """HMAC-SHA256 of the normalised code under the project's key, in hex."""
    return hmac.new(key, normalise(code).encode("ascii"), hashlib.sha256).hexdigest()
