"""Who is logged in, and what they may see. Every staff view goes through here.

Project leads and evaluators see their whole projects; a school contact sees their own
schools and the aggregates of those schools' projects; an admin sees everything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import select

from survey.db import db_session
from survey.models import Group, Project, Round, School, User

F = TypeVar("F", bound=Callable[..., Any])

USER_SESSION_KEY = "user_id"
#: The user's session version when this session logged in (see `User.session_version`).
VERSION_SESSION_KEY = "user_session_version"


def current_user() -> User | None:
    """The logged-in user, unless they logged out or changed their password since."""
    if "user" not in g:
        user_id = session.get(USER_SESSION_KEY)
        user = db_session().get(User, user_id) if isinstance(user_id, int) else None
        # A session from before versions existed counts as version 0.
        is_current = (
            user is not None and session.get(VERSION_SESSION_KEY, 0) == user.session_version
        )
        g.user = user if user is not None and user.is_active and is_current else None
    return g.user


def safe_next(target: str | None) -> str | None:
    """Only a path on this site; never a redirect to elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def roles_required(*roles: str) -> Callable[[F], F]:
    """Logged in, and with one of `roles` (admins always pass)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if user.role != "admin" and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def visible_project_ids(user: User) -> set[int] | None:
    """The projects the user may open; None means all (admin)."""
    if user.role == "admin":
        return None
    if user.role == "school_contact":
        return {school.project_id for school in user.schools}
    return {project.id for project in user.projects}


def visible_school_ids(user: User, project_id: int) -> set[int] | None:
    """The schools of a project whose own figures the user may see; None means all."""
    if user.role == "school_contact":
        return {school.id for school in user.schools if school.project_id == project_id}
    return None


def can_see_project(user: User, project_id: int) -> bool:
    visible = visible_project_ids(user)
    return visible is None or project_id in visible


def can_see_school(user: User, school: School) -> bool:
    if not can_see_project(user, school.project_id):
        return False
    visible = visible_school_ids(user, school.project_id)
    return visible is None or school.id in visible


def project_or_404(project_id: int) -> Project:
    """The project, if it exists and the current user may see it; a 404 either way otherwise.

    Visibility first: a lead's or evaluator's own projects are loaded with it, so the project
    then comes from the session without a second read."""
    user = current_user()
    if user is None or not can_see_project(user, project_id):
        abort(404)
    project = db_session().get(Project, project_id)
    if project is None:
        abort(404)
    return project


def school_or_404(school_id: int) -> School:
    user = current_user()
    school = db_session().get(School, school_id)
    if school is None or user is None or not can_see_school(user, school):
        abort(404)
    return school


def round_or_404(round_id: int) -> Round:
    """The round, if the current user may see its project."""
    round_ = db_session().get(Round, round_id)
    if round_ is None:
        abort(404)
    project_or_404(round_.project_id)
    return round_


def group_or_404(group_id: int) -> Group:
    """The class, if the current user may see its school."""
    group = db_session().get(Group, group_id)
    if group is None:
        abort(404)
    school_or_404(group.school_id)
    return group


def projects_for(user: User) -> list[Project]:
    query = select(Project).order_by(Project.name)
    visible = visible_project_ids(user)
    if visible is not None:
        query = query.where(Project.id.in_(visible))
    return list(db_session().scalars(query))
