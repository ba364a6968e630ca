"""One-time links to set a password: an invitation or a reset. Only flush, never commit.

The token travels only in the link; the database keeps its SHA-256 (a random 256-bit token
needs no slow hash: nobody can guess one from its hash). A link expires, works once, and every
open link of a user dies when their password changes by any path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from survey import audit
from survey.models import PasswordToken, User, utcnow

log = logging.getLogger(__name__)

#: How long a link works: a reset is asked for and used at once; an invitation may wait.
LIFETIMES = {"reset": dt.timedelta(hours=1), "invite": dt.timedelta(days=7)}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, purpose: str) -> str:
    """A new link token for `user`; returned once, stored only as its hash."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = PasswordToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=_hash(token),
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
    )
    session.add(row)
    session.flush()
    log.info("issued a %s link for user %s", purpose, user.id)
    return token


def valid_token(session: Session, token: str) -> PasswordToken | None:
    """The unused, unexpired link row for `token`, whose user is active; else None."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(select(PasswordToken).filter_by(token_hash=_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.is_active:
        return None
    return row


def void_tokens(session: Session, user: User) -> int:
    """End every open link of `user` (their password changed, or they were deactivated)."""
    result = session.execute(
        update(PasswordToken)
        .where(PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return result.rowcount or 0


def redeem_token(session: Session, row: PasswordToken, password: str) -> User:
    """Set the password the link allows; the link (and every other open one) is spent."""
    from survey.accounts.operations import set_password

    user = row.user
    set_password(session, user, password)  # voids the user's open links, this one too
    audit.record(session, f"user.password_set_by_{row.purpose}_link", user=user)
    return user
