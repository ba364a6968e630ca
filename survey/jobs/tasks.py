"""The clock's jobs for the queue: hand out again what a dead worker lost, and delete finished
files after their time."""

from __future__ import annotations

import datetime as dt
import logging
import time

from flask import Flask
from sqlalchemy import and_, or_, select, update

from survey.db import get_database
from survey.jobs import files
from survey.jobs.periodic import Job
from survey.jobs.queue import dispatch
from survey.jobs.runner import MAX_ATTEMPTS
from survey.models import BackgroundJob, utcnow

log = logging.getLogger(__name__)


def requeue_stalled(app: Flask) -> list[int]:
    """Hand out again each running job whose lease lapsed (its worker died; huey does not
    acknowledge, so the task went with it) and each queued job never handed out; give up a
    job whose worker died MAX_ATTEMPTS times. The claim makes a second hand-out harmless."""
    lease = dt.timedelta(seconds=app.config["JOBS_LEASE_SECONDS"])
    now = utcnow()
    lapsed = and_(BackgroundJob.state == "running", BackgroundJob.lease_until < now)
    with app.app_context(), get_database(app).session_scope() as session:
        session.execute(
            update(BackgroundJob)
            .where(lapsed, BackgroundJob.attempt >= MAX_ATTEMPTS)
            .values(state="failed", finished_at=now, error="the worker stopped during every try")
            .execution_options(synchronize_session=False)
        )
        never_started = and_(
            BackgroundJob.state == "queued", BackgroundJob.created_at < now - 5 * lease
        )
        stalled = list(session.scalars(select(BackgroundJob.id).where(or_(lapsed, never_started))))
    for job_id in stalled:
        dispatch(app, job_id)
    if stalled:
        log.warning("handed out again jobs %s (their worker stopped, or they were lost)", stalled)
    return stalled


def delete_expired_files(app: Flask) -> int:
    """Delete finished files past their time, and any file in the folder no job keeps (a
    purged project's, or an attempt cut short) once it is as old as a kept one may be."""
    now = utcnow()
    deleted = 0
    with app.app_context(), get_database(app).session_scope() as session:
        expired = session.scalars(
            select(BackgroundJob).where(
                BackgroundJob.file_name.is_not(None), BackgroundJob.expires_at < now
            )
        ).all()
        for job in expired:
            files.stored_path(app, job.file_name).unlink(missing_ok=True)
            job.file_name = None
            deleted += 1
        kept = set(
            session.scalars(
                select(BackgroundJob.file_name).where(BackgroundJob.file_name.is_not(None))
            )
        )
    oldest = time.time() - app.config["JOBS_FILE_HOURS"] * 3600
    for path in files.job_folder(app).iterdir():
        if path.name not in kept and path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            deleted += 1
    if deleted:
        log.info("deleted %d job files past their time", deleted)
    return deleted


JOBS = [
    Job(
        id="jobs.requeue_stalled",
        func=requeue_stalled,
        trigger="interval",
        schedule={"seconds": 10},
    ),
    Job(
        id="jobs.delete_expired_files",
        func=delete_expired_files,
        trigger="interval",
        schedule={"minutes": 15},
    ),
]
