"""A failed analysis is recorded, shown on the dashboard, and retried later and later.

A failure is an audit event, `analysis.failed`, with what failed (the error, not data) and
when. Failures since the project's last success count as consecutive; the scheduled job
waits FIRST_RETRY after the first, twice as long after each next, at most LONGEST_RETRY, so a
broken project is not refitted every hour (or every minute) for ever. A success after a
failure is recorded as `analysis.recovered`, which ends the run of failures. A project lead's
request is always tried once (see requests).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey import audit
from survey.models import AuditEvent, ModelResult

log = logging.getLogger(__name__)

FAILED = "analysis.failed"
RECOVERED = "analysis.recovered"
FIRST_RETRY = dt.timedelta(minutes=15)
LONGEST_RETRY = dt.timedelta(hours=24)
#: An error message is cut here: it says what failed, and is no place for data.
LONGEST_MESSAGE = 200


@dataclass(frozen=True)
class Failure:
    """The latest of a run of failed analyses of one project."""

    failed_at: dt.datetime
    what: str  #: the error, e.g. "ValueError: fewer responses than fixed effects"
    attempts: int  #: failures in a row since the last success
    retry_at: dt.datetime  #: the scheduled job does not try again before this


def record_failure(session: Session, project_id: int, error: BaseException) -> AuditEvent:
    return audit.record(session, FAILED, project_id=project_id, error=describe_error(error))


def record_success(session: Session, project_id: int) -> None:
    """End a run of failures, if there is one; a success after a success records nothing."""
    if current_failure(session, project_id) is not None:
        audit.record(session, RECOVERED, project_id=project_id)


def current_failure(session: Session, project_id: int) -> Failure | None:
    """The run of failures since the project's last success, or None when there is none."""
    return failure_since(session, project_id, _last_success(session, project_id))


def failure_since(session: Session, project_id: int, since: dt.datetime | None) -> Failure | None:
    """The run of failures after `since`, the project's last success (None: there was none)."""
    query = select(AuditEvent.occurred_at, AuditEvent.details).where(
        AuditEvent.action == FAILED, AuditEvent.project_id == project_id
    )
    if since is not None:
        query = query.where(AuditEvent.occurred_at > since)
    failures = session.execute(query.order_by(AuditEvent.occurred_at, AuditEvent.id)).all()
    if not failures:
        return None
    failed_at, details = failures[-1]
    wait = min(FIRST_RETRY * 2 ** (len(failures) - 1), LONGEST_RETRY)
    what = str((details or {}).get("error", ""))
    return Failure(failed_at, what, len(failures), failed_at + wait)


def may_retry(session: Session, project_id: int, now: dt.datetime) -> bool:
    """False while a failed project waits out its back-off."""
    failure = current_failure(session, project_id)
    return failure is None or now >= failure.retry_at


def describe_error(error: BaseException) -> str:
    message = " ".join(str(error).split())
    text = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return text if len(text) <= LONGEST_MESSAGE else text[: LONGEST_MESSAGE - 1] + "…"


def last_computed(session: Session, project_id: int) -> dt.datetime | None:
    """When the project's newest result was stored."""
    return session.scalar(
        select(func.max(ModelResult.computed_at)).where(ModelResult.project_id == project_id)
    )


def _last_success(session: Session, project_id: int) -> dt.datetime | None:
    computed = last_computed(session, project_id)
    recovered = session.scalar(
        select(func.max(AuditEvent.occurred_at)).where(
            AuditEvent.action == RECOVERED, AuditEvent.project_id == project_id
        )
    )
    return last_success(computed, recovered)


def last_success(
    computed_at: dt.datetime | None, recovered_at: dt.datetime | None
) -> dt.datetime | None:
    """The last success: the newest stored result, or a later recovery."""
    moments = [m for m in (computed_at, recovered_at) if m is not None]
    return max(moments) if moments else None
