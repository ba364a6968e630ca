"""Writes for staff accounts. Only flush, never commit."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.accounts.passwords import hash_password
from survey.models import ROLES, Project, School, User

log = logging.getLogger(__name__)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """The account cannot be made as asked; the message says why, in plain words."""


def create_user(
    session: Session,
    email: str,
    role: str,
    password: str,
    projects: Sequence[Project] = (),
    schools: Sequence[School] = (),
) -> User:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if role == "school_contact" and not schools:
        raise AccountError("a school contact must be given at least one school")
    if role in ("project_lead", "evaluator") and not projects:
        raise AccountError(f"a {role} must be given at least one project")
    if session.scalar(select(User.id).filter_by(email=email)) is not None:
        raise AccountError(f"there is already a user {email}")
    user = User(
        email=email,
        role=role,
        password_hash=hash_password(password),
        projects=list(projects),
        schools=list(schools),
    )
    session.add(user)
    session.flush()
    audit.record(session, "user.created", role=role, new_user_id=user.id)
    log.info("created user %s with role %s", user.id, role)
    return user


def set_password(session: Session, user: User, password: str) -> User:
    """A new password for `user`; every session they had ends (their session version rises),
    and every one-time link they were sent stops working."""
    from survey.accounts.tokens import void_tokens

    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    user.session_version += 1
    session.flush()
    void_tokens(session, user)
    audit.record(session, "user.password_changed", user=user)
    log.info("user %s has a new password; their sessions ended", user.id)
    return user
