"""Retention: a project's data is purged on its delete-after date, and only then."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from survey.models import AuditEvent, Project
from survey.retention.operations import purge_expired_projects


def test_a_project_is_purged_on_its_delete_after_date(session, make_group) -> None:
    group = make_group()
    project = group.school.project
    project.delete_after_on = dt.date(2026, 6, 30)
    assert purge_expired_projects(session, dt.date(2026, 6, 29)) == []
    assert purge_expired_projects(session, dt.date(2026, 6, 30)) == [project.id]
    assert session.get(Project, project.id) is None


def test_purging_twice_changes_nothing_more(session, make_project) -> None:
    make_project(delete_after_on=dt.date(2020, 1, 1))
    keep = make_project(delete_after_on=dt.date(2099, 1, 1))
    purge_expired_projects(session, dt.date(2026, 1, 1))
    assert purge_expired_projects(session, dt.date(2026, 1, 1)) == []
    assert session.scalars(select(Project.id)).all() == [keep.id]


def test_a_purge_is_written_to_the_audit_log(session, make_project) -> None:
    project = make_project(delete_after_on=dt.date(2020, 1, 1))
    purge_expired_projects(session, dt.date(2026, 1, 1))
    event = session.scalar(select(AuditEvent).filter_by(action="project.purged"))
    assert event.details["purged_project_id"] == project.id
    assert event.actor == "system"
