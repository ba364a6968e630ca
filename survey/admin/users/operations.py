"""Writes of user management. Only flush, never commit; each change leaves an audit row.

Messages are in the reader's language: these run in a request (the CLI has its own
`survey.accounts.operations`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.accounts.operations import MIN_PASSWORD_LENGTH, set_password
from survey.accounts.passwords import hash_password
from survey.accounts.tokens import issue_token, void_tokens
from survey.admin.errors import FieldError
from survey.admin.users.queries import (
    grantable_projects,
    grantable_roles,
    grantable_schools,
)
from survey.models import Project, School, User

log = logging.getLogger(__name__)


def _scopes(
    session: Session, actor: User, role: str, project_ids: Sequence[int], school_ids: Sequence[int]
) -> tuple[list[Project], list[School]]:
    """The projects and schools a user of `role` gets, checked against what `actor` may grant."""
    if role not in grantable_roles(actor):
        raise FieldError("role", _("Velg et av alternativene."))
    projects = {p.id: p for p in grantable_projects(session, actor)}
    schools = {s.id: s for s in grantable_schools(session, actor)}
    if not set(project_ids) <= set(projects):
        raise FieldError("projects", _("Velg blant prosjektene i listen."))
    if not set(school_ids) <= set(schools):
        raise FieldError("schools", _("Velg blant skolene i listen."))
    if role == "school_contact":
        if not school_ids:
            raise FieldError("schools", _("En skolekontakt må ha minst én skole."))
        return [], [schools[i] for i in school_ids]
    if role in ("project_lead", "evaluator"):
        if not project_ids:
            raise FieldError("projects", _("Velg minst ett prosjekt for denne rollen."))
        return [projects[i] for i in project_ids], []
    return [], []  # an admin sees everything; scopes would mean nothing


def _project_ids(projects: Sequence[Project], schools: Sequence[School]) -> list[int]:
    return sorted({p.id for p in projects} | {s.project_id for s in schools})


def invite_user(
    session: Session,
    actor: User,
    email: str,
    role: str,
    project_ids: Sequence[int],
    school_ids: Sequence[int],
) -> tuple[User, str]:
    """A new user with no usable password, and the token of their "set your password" link."""
    email = email.strip().lower()
    if session.scalar(select(User.id).filter_by(email=email)) is not None:
        raise FieldError("email", _("Det finnes allerede en bruker med denne e-postadressen."))
    projects, schools = _scopes(session, actor, role, project_ids, school_ids)
    user = User(
        email=email,
        role=role,
        # Nobody knows this password; the invitation link sets the real one.
        password_hash=hash_password(secrets.token_urlsafe(32)),
        projects=projects,
        schools=schools,
    )
    session.add(user)
    session.flush()
    token = issue_token(session, user, "invite")
    audit.record(
        session,
        "user.invited",
        user=actor,
        new_user_id=user.id,
        role=role,
        projects=_project_ids(projects, schools),
        schools=sorted(s.id for s in schools),
    )
    log.info("user %s invited user %s as %s", actor.id, user.id, role)
    return user, token


def change_user(
    session: Session,
    actor: User,
    user: User,
    role: str,
    project_ids: Sequence[int],
    school_ids: Sequence[int],
) -> User:
    """A new role and scopes for `user`. Scopes outside what `actor` may grant are kept."""
    projects, schools = _scopes(session, actor, role, project_ids, school_ids)
    granted = {p.id for p in grantable_projects(session, actor)}
    kept_projects = [p for p in user.projects if p.id not in granted]
    kept_schools = [s for s in user.schools if s.project_id not in granted]
    if role in ("project_lead", "evaluator"):
        projects = projects + kept_projects
    if role == "school_contact":
        schools = schools + kept_schools
    before = (user.role, _project_ids(user.projects, user.schools), {s.id for s in user.schools})
    user.role, user.projects, user.schools = role, projects, schools
    session.flush()
    after = (role, _project_ids(projects, schools), {s.id for s in schools})
    if before != after:
        user.session_version += 1  # pages open with the old rights are asked to log in again
        audit.record(
            session,
            "user.changed",
            user=actor,
            changed_user_id=user.id,
            role=role,
            projects=after[1],
            schools=sorted(after[2]),
        )
        log.info("user %s changed the role or scopes of user %s", actor.id, user.id)
    return user


def set_active(session: Session, actor: User, user: User, is_active: bool) -> User:
    """Deactivate (every session and link ends) or reactivate `user`."""
    if user.is_active == is_active:
        return user
    user.is_active = is_active
    if not is_active:
        user.session_version += 1
        void_tokens(session, user)
    session.flush()
    action = "user.reactivated" if is_active else "user.deactivated"
    audit.record(session, action, user=actor, changed_user_id=user.id)
    log.info("user %s: %s user %s", actor.id, action, user.id)
    return user


def remove_user(session: Session, actor: User, user: User) -> None:
    """Delete `user`; the audit log keeps their id and role, and their old rows lose the link."""
    user_id, role = user.id, user.role
    session.delete(user)
    session.flush()
    audit.record(session, "user.removed", user=actor, removed_user_id=user_id, role=role)
    log.info("user %s removed user %s", actor.id, user_id)


def set_temporary_password(session: Session, actor: User, user: User, password: str) -> User:
    """A password the admin tells the user by phone, until they choose their own."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise FieldError(
            "password",
            _("Passordet må ha minst %(n)d tegn.", n=MIN_PASSWORD_LENGTH),
        )
    set_password(session, user, password)
    audit.record(session, "user.temporary_password_set", user=actor, changed_user_id=user.id)
    return user


def send_reset_link(session: Session, actor: User | None, user: User) -> str:
    """A new reset link for `user` (asked for by themselves, or by an admin for them)."""
    token = issue_token(session, user, "reset")
    audit.record(session, "user.reset_link_sent", user=actor, changed_user_id=user.id)
    return token
