"""Scheduled round jobs: open and close on time, release the link pool, ask for the analysis
after a close (the analysis job runs it), remind schools.

Nothing is kept in the scheduler: every run derives what is due from the rounds' own times and
the audit log, so a worker that was stopped catches up at its next start, and running a job
twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey import audit, clock
from survey.clock import today_in_norway
from survey.db import get_database
from survey.jobs.periodic import Job
from survey.links import pool
from survey.models import AuditEvent
from survey.rounds import lifecycle
from survey.rounds.reminders import send_due_reminders

log = logging.getLogger(__name__)

CLOSED, RECOMPUTED = "round.closed", "round.models_recomputed"


def utc_now() -> dt.datetime:
    """The job's clock (tests replace it to stand at a chosen moment)."""
    return clock.utcnow()


def apply_round_schedule(app: Flask) -> None:
    """Open the rounds whose time has come and close those whose time is up."""
    with app.app_context(), get_database(app).session_scope() as session:
        opened, closed = lifecycle.apply_schedule(session, app.config["SECRET_KEY"], utc_now())
    if opened or closed:
        log.info("round schedule: opened %s, closed %s", opened, closed)
    recompute_after_close(app)


def projects_awaiting_recompute(session: Session) -> list[int]:
    """Projects with a round closed since their analysis was last asked for a close."""

    def latest(action: str):
        return (
            select(AuditEvent.project_id, func.max(AuditEvent.occurred_at).label("at"))
            .where(AuditEvent.action == action, AuditEvent.project_id.is_not(None))
            .group_by(AuditEvent.project_id)
            .subquery()
        )

    closed, recomputed = latest(CLOSED), latest(RECOMPUTED)
    rows = session.execute(
        select(closed.c.project_id)
        .outerjoin(recomputed, recomputed.c.project_id == closed.c.project_id)
        .where((recomputed.c.at.is_(None)) | (recomputed.c.at < closed.c.at))
        .order_by(closed.c.project_id)
    )
    return list(rows.scalars())


def recompute_after_close(app: Flask) -> None:
    """A closed round asks for its project's analysis, once: the analysis job runs it."""
    from survey.analysis.tasks import enqueue_analysis

    with app.app_context(), get_database(app).session_scope() as session:
        for project_id in projects_awaiting_recompute(session):
            enqueue_analysis(session, project_id)
            audit.record(session, RECOMPUTED, project_id=project_id)


def release_link_pool(app: Flask) -> None:
    """Release the full batches of the link mixing pool as responses (`survey.links.pool`).

    Its own transaction, never the one that marked a link used; a batch that is not full waits
    for the next run or for its round's close.
    """
    with app.app_context(), get_database(app).session_scope() as session:
        pool.release_full_batches(session, app.config["SECRET_KEY"], today_in_norway(utc_now()))


def send_reminders(app: Flask) -> None:
    """E-mail each school contact the response rates, some days before the round closes."""
    with app.app_context(), get_database(app).session_scope() as session:
        send_due_reminders(session, app.config, utc_now())


JOBS = [
    Job(
        id="rounds.apply_schedule",
        func=apply_round_schedule,
        trigger="interval",
        schedule={"minutes": 1},
    ),
    Job(
        id="links.release_pool",
        func=release_link_pool,
        trigger="interval",
        schedule={"minutes": 5},
    ),
    Job(
        id="rounds.send_reminders",
        func=send_reminders,
        trigger="cron",
        schedule={"hour": 8, "minute": 0},
    ),
]
