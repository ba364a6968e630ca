"""Edits are audited by the names of the fields that changed, never their values."""

from __future__ import annotations

from sqlalchemy import select

from survey import audit
from survey.models import AuditEvent


def _events(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_changed_fields_are_set_and_recorded_by_name(session, make_school) -> None:
    school = make_school(name="Nordby")
    fields = {"name": "Nordby skole", "code": school.code}
    changed = audit.apply_changes(
        session,
        school,
        fields,
        action="school.updated",
        user=None,
        project_id=school.project_id,
        school_id=school.id,
    )
    assert (changed, school.name) == (["name"], "Nordby skole")
    [event] = _events(session)
    assert (event.action, event.actor, event.project_id) == (
        "school.updated",
        audit.SYSTEM_ACTOR,
        school.project_id,
    )
    assert event.details == {"school_id": school.id, "changed": ["name"]}


def test_an_edit_that_changes_nothing_records_nothing(session, make_school) -> None:
    school = make_school(name="Sørby")
    fields = {"name": "Sørby", "code": school.code}
    kwargs = {"action": "school.updated", "user": None, "project_id": school.project_id}
    assert audit.apply_changes(session, school, fields, **kwargs) == []
    assert _events(session) == []
