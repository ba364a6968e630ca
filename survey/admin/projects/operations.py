"""Writes for projects. Only flush, never commit."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.admin.errors import FieldError
from survey.models import Project, User

EDITABLE = (
    "name",
    "description",
    "min_group_size",
    "languages",
    "delete_after_on",
    "is_panel",
    "letter_sender",
    "letter_contact",
    "data_controller",
)


def _check_name_free(session: Session, name: str, project_id: int | None = None) -> None:
    taken = session.scalar(select(Project.id).where(Project.name == name))
    if taken is not None and taken != project_id:
        raise FieldError("name", _("Det finnes allerede et prosjekt med dette navnet."))


def _check_panel_may_change(project: Project) -> None:
    """Panel mode is chosen before the first round opens: a round that was answered without
    card codes cannot be linked afterwards, nor linked rounds be unlinked."""
    if any(round_.status != "planned" for round_ in project.rounds):
        raise FieldError(
            "is_panel",
            _("Panel kan bare slås på eller av før den første runden åpner."),
        )


def create_project(
    session: Session,
    user: User,
    *,
    name: str,
    delete_after_on: dt.date,
    languages: list[str],
    description: str | None = None,
    min_group_size: int = 10,
    is_panel: bool = False,
    letter_sender: str | None = None,
    letter_contact: str | None = None,
    data_controller: str | None = None,
) -> Project:
    """A new project; a project lead who makes one leads it."""
    _check_name_free(session, name)
    project = Project(
        name=name,
        description=description,
        min_group_size=min_group_size,
        languages=list(languages),
        delete_after_on=delete_after_on,
        is_panel=is_panel,
        letter_sender=letter_sender,
        letter_contact=letter_contact,
        data_controller=data_controller,
    )
    session.add(project)
    if user.role != "admin":
        user.projects.append(project)
    session.flush()
    audit.record(session, "project.created", user=user, project_id=project.id, name=name)
    return project


def update_project(session: Session, user: User, project: Project, **changes: object) -> Project:
    if "name" in changes:
        _check_name_free(session, str(changes["name"]), project.id)
    if "is_panel" in changes and changes["is_panel"] != project.is_panel:
        _check_panel_may_change(project)
    changed = {}
    for key, value in changes.items():
        if key in EDITABLE and getattr(project, key) != value:
            setattr(project, key, value)
            changed[key] = value.isoformat() if isinstance(value, dt.date) else value
    session.flush()
    if changed:
        audit.record(session, "project.updated", user=user, project_id=project.id, changes=changed)
    return project
