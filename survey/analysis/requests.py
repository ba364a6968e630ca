"""Recompute on request: a project lead asks on the dashboard, the worker fits within a minute.

No model is fitted in a web request. The request is an audit event, `analysis.requested`: the
audit log already says who asked and when, and is append-only. The worker's job, every
minute, runs the analysis of each project with a request newer than its last
`analysis.request_done`, and then records that event, dated when it began to read the data, so
a request made during the run stays pending for the next one. The analysis itself skips
unchanged data (see operations), so a request on unchanged data costs one fingerprint.

Each request is tried once: a failed run is recorded as done (failed) and as an
`analysis.failed` event, which the dashboard shows; it is not retried every minute.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask
from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from survey import audit
from survey.analysis import failures
from survey.clock import utcnow
from survey.db import get_database
from survey.models import AuditEvent, User
from survey.scheduler import Job

log = logging.getLogger(__name__)

REQUESTED = "analysis.requested"
DONE = "analysis.request_done"


def request_recompute(session: Session, project_id: int, user: User) -> AuditEvent:
    """Queue a recompute of the project's models; the worker picks it up."""
    return audit.record(session, REQUESTED, user=user, project_id=project_id)


def pending_request(session: Session, project_id: int) -> dt.datetime | None:
    """When a still unhandled recompute was asked for, or None."""
    requested = _latest(session, REQUESTED, project_id)
    done = _latest(session, DONE, project_id)
    return requested if requested is not None and (done is None or requested > done) else None


def pending_projects(session: Session) -> list[int]:
    requested = _latest_per_project(REQUESTED)
    done = _latest_per_project(DONE)
    rows = session.execute(
        select(requested.c.project_id)
        .outerjoin(done, done.c.project_id == requested.c.project_id)
        .where((done.c.at.is_(None)) | (requested.c.at > done.c.at))
        .order_by(requested.c.at)
    )
    return [int(project_id) for (project_id,) in rows]


def run_requested_analyses(app: Flask) -> None:
    """The job: analyse every project with a pending request, each in its own transaction."""
    from survey.analysis.operations import analyze_project

    database = get_database(app)
    with app.app_context():
        with database.session_scope() as session:
            project_ids = pending_projects(session)
        for project_id in project_ids:
            started = utcnow()
            try:
                with database.session_scope() as session:
                    run = analyze_project(session, project_id)
                    failures.record_success(session, project_id)
                    _done(session, project_id, started, skipped=run.is_skipped, stored=run.stored)
            except Exception as error:
                log.exception("requested analysis of project %s failed", project_id)
                with database.session_scope() as session:
                    failures.record_failure(session, project_id, error)
                    _done(session, project_id, started, failed=True)


def _done(session: Session, project_id: int, started: dt.datetime, **details: object) -> None:
    event = audit.record(session, DONE, project_id=project_id, **details)
    event.occurred_at = started


def _latest(session: Session, action: str, project_id: int) -> dt.datetime | None:
    return session.scalar(
        select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.action == action, AuditEvent.project_id == project_id
        )
    )


def _latest_per_project(action: str) -> Subquery:
    return (
        select(AuditEvent.project_id, func.max(AuditEvent.occurred_at).label("at"))
        .where(AuditEvent.action == action, AuditEvent.project_id.is_not(None))
        .group_by(AuditEvent.project_id)
        .subquery()
    )


JOBS = [
    Job(
        id="analysis.requested_recomputes",
        func=run_requested_analyses,
        trigger="interval",
        schedule={"seconds": 60},
    )
]
