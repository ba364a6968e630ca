"""Recompute on request: a project lead asks on the dashboard, the worker fits within a minute.

No model is fitted in a web request. The request is an audit event, `analysis.requested`: the
audit log already says who asked and when, and is append-only. Every minute the clock gives
each project with a request newer than its last `analysis.request_done` an analysis job (the
one analysis queue, `survey.analysis.tasks`), which records that event, dated when it began to
read the data, so a request made during the run stays pending for the next one. The analysis
itself skips unchanged data (see operations), so a request on unchanged data costs one
fingerprint.

Each request is tried once: a failed run is recorded as done (failed) and as an
`analysis.failed` event, which the dashboard shows; it is not retried every minute.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from survey import audit
from survey.models import AuditEvent, User

log = logging.getLogger(__name__)

REQUESTED = "analysis.requested"
DONE = "analysis.request_done"


def request_recompute(session: Session, project_id: int, user: User) -> AuditEvent:
    """Queue a recompute of the project's models; the worker picks it up."""
    return audit.record(session, REQUESTED, user=user, project_id=project_id)


def pending_request(session: Session, project_id: int) -> dt.datetime | None:
    """When a still unhandled recompute was asked for, or None."""
    return still_pending(
        _latest(session, REQUESTED, project_id), _latest(session, DONE, project_id)
    )


def still_pending(requested: dt.datetime | None, done: dt.datetime | None) -> dt.datetime | None:
    """The latest request, unless a run that began after it has handled it."""
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
