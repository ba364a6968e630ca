"""Writes for schools and classes. Only flush, never commit."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey import audit
from survey.admin.errors import FieldError
from survey.models import AccessCode, Group, Project, Response, Round, School, User
from survey.rounds.operations import class_codes_for_new_group


def _check_school_free(
    session: Session, project: Project, name: str, code: str, school_id: int | None = None
) -> None:
    for field, column, value in (("name", School.name, name), ("code", School.code, code)):
        taken = session.scalar(
            select(School.id).where(School.project_id == project.id, column == value)
        )
        if taken is not None and taken != school_id:
            raise FieldError(field, _("En annen skole i prosjektet har allerede dette."))


def create_school(session: Session, user: User | None, project: Project, **fields: Any) -> School:
    _check_school_free(session, project, fields["name"], fields["code"])
    school = School(project=project, **fields)
    session.add(school)
    session.flush()
    audit.record(session, "school.created", user=user, project_id=project.id, school_id=school.id)
    return school


def update_school(session: Session, user: User, school: School, **fields: Any) -> School:
    _check_school_free(session, school.project, fields["name"], fields["code"], school.id)
    audit.apply_changes(
        session,
        school,
        fields,
        action="school.updated",
        user=user,
        project_id=school.project_id,
        school_id=school.id,
    )
    return school


def _check_label_free(
    session: Session, school: School, label: str, group_id: int | None = None
) -> None:
    taken = session.scalar(
        select(Group.id).where(Group.school_id == school.id, Group.label == label)
    )
    if taken is not None and taken != group_id:
        raise FieldError("label", _("Skolen har allerede en klasse med dette navnet."))


def create_group(session: Session, user: User | None, school: School, **fields: Any) -> Group:
    """A new class; in a round already open it gets its class code at once."""
    _check_label_free(session, school, fields["label"])
    group = Group(school=school, **fields)
    session.add(group)
    session.flush()
    if _has_open_round(session, school.project_id):
        secret_key = current_app.config["SECRET_KEY"]
        class_codes_for_new_group(session, school.project_id, group.id, school.id, secret_key)
    audit.record(
        session, "group.created", user=user, project_id=school.project_id, group_id=group.id
    )
    return group


def _has_open_round(session: Session, project_id: int) -> bool:
    found = select(Round.id).where(Round.project_id == project_id, Round.status == "open")
    return session.scalar(found.limit(1)) is not None


def update_group(session: Session, user: User | None, group: Group, **fields: Any) -> Group:
    _check_label_free(session, group.school, fields["label"], group.id)
    audit.apply_changes(
        session,
        group,
        fields,
        action="group.updated",
        user=user,
        project_id=group.school.project_id,
        group_id=group.id,
    )
    return group


def delete_group(session: Session, user: User, group: Group) -> None:
    """Remove a class set up by mistake; a class with responses or links stays (its class
    codes go with it)."""
    has_responses = session.scalar(
        select(func.count(Response.id)).where(Response.group_id == group.id)
    )
    has_codes = session.scalar(
        select(func.count(AccessCode.id)).where(
            AccessCode.group_id == group.id, AccessCode.kind == "link"
        )
    )
    if has_responses or has_codes:
        raise FieldError("group", _("Klassen har svar eller koder og kan ikke slettes."))
    project_id = group.school.project_id
    session.delete(group)
    session.flush()
    audit.record(session, "group.deleted", user=user, project_id=project_id, group_id=group.id)
