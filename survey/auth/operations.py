"""Logging in and out. Only flush, never commit."""

from __future__ import annotations

import logging

from flask import session
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.accounts.passwords import check_against_nothing, password_matches
from survey.auth.access import USER_SESSION_KEY, VERSION_SESSION_KEY, current_user
from survey.clock import utcnow
from survey.models import User

log = logging.getLogger(__name__)


def authenticate(db: Session, email: str, password: str) -> User | None:
    user = db.scalar(select(User).filter_by(email=email.strip().lower()))
    if user is None or not user.is_active:
        check_against_nothing(password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    return user


def log_in(db: Session, user: User) -> None:
    """Start a fresh session for `user` (a new session id, so none can be fixed in advance)."""
    language = session.get("lang")
    session.clear()
    session[USER_SESSION_KEY] = user.id
    session[VERSION_SESSION_KEY] = user.session_version
    if language:
        session["lang"] = language
    session.permanent = True
    user.last_login_at = utcnow()
    audit.record(db, "user.login", user=user)


def log_out(db: Session) -> None:
    """End this session, and every other session of the same user (they share a version)."""
    user = current_user()
    if user is not None:
        user.session_version += 1
        db.flush()
        log.info("user %s logged out", user.id)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
