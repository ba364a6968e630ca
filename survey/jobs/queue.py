"""The queue: huey, on the database the service already has.

huey keeps its queue in a SQLite file beside the app's (the embedded default: nothing to
install) or in the app's own PostgreSQL (production: no Redis, no broker). It carries only a
job's id; the `BackgroundJob` row is the record, and `survey.jobs.runner` claims it, so a job
that huey hands out twice still runs once, and one lost with a killed worker (huey does not
acknowledge) is handed out again by the clock (`survey.jobs.tasks.requeue_stalled`).

A job is handed to huey only after the transaction that created its row commits, so a worker
never looks for a row it cannot see yet.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, PostgresHuey, SqliteHuey
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from survey.models import BackgroundJob

log = logging.getLogger(__name__)

EXTENSION_KEY = "trivsel.jobs.queue"
TASK_NAME = "trivsel.run_job"
_PENDING = "trivsel.jobs_to_dispatch"


def get_queue(app: Flask) -> Huey:
    """The app's huey, made on first use (a web process that enqueues nothing opens nothing)."""
    queue = app.extensions.get(EXTENSION_KEY)
    if queue is None:
        queue = app.extensions[EXTENSION_KEY] = _make_queue(app)
    return queue


def _make_queue(app: Flask) -> Huey:
    from survey.jobs.runner import run_job

    name = "trivsel"
    if app.config["JOBS_IMMEDIATE"]:
        queue: Huey = MemoryHuey(name, immediate=True, results=False)
    else:
        url = make_url(app.config["DATABASE_URL"])
        if url.get_backend_name() == "postgresql":
            dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
            queue = PostgresHuey(name, dsn=dsn, results=False, create_tables=False)
            _create_queue_tables(app, queue)
        else:
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            queue = SqliteHuey(
                name, filename=str(Path(app.instance_path) / "queue.sqlite3"), results=False
            )

    def run(job_id: int) -> None:
        run_job(app, job_id)

    app.extensions[EXTENSION_KEY + ".task"] = queue.task(name=TASK_NAME)(run)
    return queue


#: Any fixed number: the advisory lock under which one process at a time creates huey's tables.
_SCHEMA_LOCK = 7160516


def _create_queue_tables(app: Flask, queue: Huey) -> None:
    """huey's CREATE TABLE IF NOT EXISTS, one process at a time: run at once by two processes,
    PostgreSQL may fail one of them on its catalog's unique index."""
    from survey.db import get_database

    with get_database(app).engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _SCHEMA_LOCK})
        try:
            queue.storage.initialize_schema()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _SCHEMA_LOCK})
            connection.commit()


def enqueue(
    session: Session,
    kind: str,
    *,
    project_id: int | None = None,
    user_id: int | None = None,
    params: dict[str, Any] | None = None,
    rows_total: int = 0,
) -> BackgroundJob:
    """Record a job; it is handed to the queue when this session commits. Only flushes."""
    job = BackgroundJob(
        kind=kind,
        project_id=project_id,
        user_id=user_id,
        params=params or {},
        rows_total=rows_total,
    )
    session.add(job)
    session.flush()
    session.info.setdefault(_PENDING, []).append((current_app._get_current_object(), job.id))
    log.info("job %s (%s) queued for project %s", job.id, kind, project_id)
    return job


def queued_job(session: Session, kind: str, project_id: int) -> BackgroundJob | None:
    """A job of this kind for the project that has not started yet, to join instead of adding."""
    return session.scalar(
        select(BackgroundJob)
        .where(
            BackgroundJob.kind == kind,
            BackgroundJob.project_id == project_id,
            BackgroundJob.state == "queued",
        )
        .order_by(BackgroundJob.id)
        .limit(1)
    )


def dispatch(app: Flask, job_id: int) -> None:
    """Hand a recorded job to huey. A failure here loses nothing: the clock hands it out later."""
    get_queue(app)
    try:
        app.extensions[EXTENSION_KEY + ".task"](job_id)
    except Exception:
        log.exception("could not hand job %s to the queue; the clock will retry", job_id)


@event.listens_for(Session, "after_commit")
def _dispatch_committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    for app, job_id in pending:
        dispatch(app, job_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)
