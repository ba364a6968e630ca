"""Whom a user may manage, and with which roles and scopes.

Admins manage everyone but themselves (so no admin locks the last admin out). A project lead
manages school contacts and evaluators whose every scope lies in the lead's own projects: the
people a lead brings into their own evaluation, the same reach `survey.auth.access` already
gives a lead over those projects. Admins and project leads are made by admins only.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import ROLES, Project, School, User

LEAD_MAY_GRANT = ("school_contact", "evaluator")


def grantable_roles(actor: User) -> tuple[str, ...]:
    return ROLES if actor.role == "admin" else LEAD_MAY_GRANT


def grantable_projects(session: Session, actor: User) -> list[Project]:
    if actor.role == "admin":
        return list(session.scalars(select(Project).order_by(Project.name)))
    return sorted(actor.projects, key=lambda project: project.name)


def grantable_schools(session: Session, actor: User) -> list[School]:
    project_ids = {project.id for project in grantable_projects(session, actor)}
    query = select(School).where(School.project_id.in_(project_ids))
    return list(session.scalars(query.order_by(School.name)))


def _scope_project_ids(user: User) -> set[int]:
    return {p.id for p in user.projects} | {s.project_id for s in user.schools}


def may_manage(actor: User, user: User) -> bool:
    if actor.id == user.id:
        return False
    if actor.role == "admin":
        return True
    if actor.role != "project_lead" or user.role not in LEAD_MAY_GRANT:
        return False
    scopes = _scope_project_ids(user)
    return bool(scopes) and scopes <= {p.id for p in actor.projects}


def users_for(session: Session, actor: User) -> list[User]:
    """Everyone for an admin; for a lead, the users with a scope in the lead's projects."""
    users = list(session.scalars(select(User).order_by(User.email)))
    if actor.role == "admin":
        return users
    own = {p.id for p in actor.projects}
    return [user for user in users if _scope_project_ids(user) & own or user.id == actor.id]
