"""The one analysis queue: every reason to refit a project's models records a request, and one
job kind, `analysis`, serves it, one job per project at a time.

The reasons: a project lead asks on the dashboard (an `analysis.requested` event, see
requests), a round closes (`survey.rounds.tasks.recompute_after_close`), and the hourly sweep
below. Each enqueues `enqueue_analysis`, which joins a job for the project that has not finished
yet rather than adding a second. The job is idempotent: unchanged data are skipped by their
fingerprint, and the results are stored once, in the job's transaction. A failure is recorded,
and the sweep waits out an exponential back-off before the next try (see failures); a lead's
request is tried once, and marked done (failed) for the dashboard.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.analysis import failures, operations
from survey.analysis.requests import DONE, pending_projects, pending_request
from survey.db import Database, get_database
from survey.jobs.periodic import Job
from survey.jobs.queue import enqueue
from survey.jobs.runner import Progress
from survey.models import BackgroundJob, Project, utcnow

log = logging.getLogger(__name__)


def enqueue_analysis(session: Session, project_id: int) -> BackgroundJob:
    """The project's analysis job: one not yet finished, or a new one. Only flushes."""
    unfinished = session.scalar(
        select(BackgroundJob)
        .where(
            BackgroundJob.kind == "analysis",
            BackgroundJob.project_id == project_id,
            BackgroundJob.state.in_(("queued", "running")),
        )
        .limit(1)
    )
    return unfinished or enqueue(session, "analysis", project_id=project_id)


def analyze_project(session: Session, project_id: int) -> operations.AnalysisRun:
    return operations.analyze_project(session, project_id)


def run_analysis_job(session: Session, job: BackgroundJob, _progress: Progress) -> dict[str, Any]:
    """Analyse one project; a failure is recorded for the back-off and the dashboard."""
    project_id = job.project_id
    assert project_id is not None
    # One analysis of a project at a time, whichever workers hold its jobs (PostgreSQL; SQLite
    # has one writer anyway). The later one then finds the data unchanged and skips.
    session.execute(select(Project.id).where(Project.id == project_id).with_for_update())
    started = utcnow()
    requested = pending_request(session, project_id) is not None
    if not requested and not failures.may_retry(session, project_id, started):
        log.info("analysis of project %s waits after a failure", project_id)
        return {}
    try:
        with session.begin_nested():
            run = analyze_project(session, project_id)
    except Exception as error:
        log.exception("%sanalysis of project %s failed", "requested " * requested, project_id)
        failures.record_failure(session, project_id, error)
        if requested:
            _done(session, project_id, started, failed=True)
        return {"error": f"{type(error).__name__}: {error}"[:200]}
    failures.record_success(session, project_id)
    if requested:
        _done(session, project_id, started, skipped=run.is_skipped, stored=run.stored)
    return {}


def _done(session: Session, project_id: int, started: dt.datetime, **details: object) -> None:
    """The lead's request is served, as of when the job began to read the data, so a request
    made during the run stays pending for the next one."""
    event = audit.record(session, DONE, project_id=project_id, **details)
    event.occurred_at = started


def run_requested_analyses(app: Flask) -> None:
    """Every minute: an analysis job for each project whose lead asked for one."""
    with app.app_context(), get_database(app).session_scope() as session:
        for project_id in pending_projects(session):
            enqueue_analysis(session, project_id)


def recompute_models(app: Flask) -> None:
    """Every hour: an analysis job for each project not waiting out a failure."""
    with app.app_context(), get_database(app).session_scope() as session:
        now = utcnow()
        for project_id in session.scalars(select(Project.id).order_by(Project.id)):
            if failures.may_retry(session, project_id, now):
                enqueue_analysis(session, project_id)
            else:
                log.info("analysis of project %s waits after a failure", project_id)


JOBS = [
    Job(
        id="analysis.recompute_models",
        func=recompute_models,
        trigger="cron",
        schedule={"minute": 20},
    ),
    Job(
        id="analysis.requested_recomputes",
        func=run_requested_analyses,
        trigger="interval",
        schedule={"seconds": 60},
    ),
]


def record_failure(database: Database, project_id: int, error: BaseException) -> None:
    """Record a failed analysis in its own transaction (for `trivsel analyze`)."""
    try:
        with database.session_scope() as session:
            failures.record_failure(session, project_id, error)
    except Exception:
        log.exception("could not record the failed analysis of project %s", project_id)
