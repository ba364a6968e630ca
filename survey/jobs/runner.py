"""Run one job exactly once: claim its row, keep the lease while working, finish only while the
lease is still ours.

- Claim: a conditional UPDATE (queued, or running with a lapsed lease) that raises `attempt`;
  of two workers handed the same id, one updates a row and the other none.
- Lease: a heartbeat thread renews `lease_until`; a worker killed mid-job stops renewing, and
  the clock hands the job out again once the lease has passed (`survey.jobs.tasks`).
- Finish: the handler's writes (the audit row of an export, say) and the `done` state commit in
  one transaction, conditional on `attempt`: a worker that lost its lease rolls back, so a job
  retried after a kill is audited and stored once.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from survey.db import Database, get_database
from survey.models import BackgroundJob, utcnow

log = logging.getLogger(__name__)

#: A job whose worker died this many times is given up (it may be what kills its worker).
MAX_ATTEMPTS = 3
#: Each kind's handler, `handler(session, job, progress) -> dict of columns to set when done`.
HANDLERS = {
    "export": "survey.exports.tasks:run_export_job",
    "analysis": "survey.analysis.tasks:run_analysis_job",
    "letters": "survey.admin.distribution.letter_jobs:run_letters_job",
}
Progress = Callable[[int, int], None]
Handler = Callable[[Session, BackgroundJob, Progress], dict[str, Any]]


class LeaseLostError(RuntimeError):
    """Another worker holds the job now; this one's work is rolled back."""


def handler_for(kind: str) -> Handler:
    module, _, name = HANDLERS[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def claim(database: Database, job_id: int, lease_seconds: float) -> int | None:
    """Take the job if nobody holds it; the attempt number that is now ours, or None."""
    now = utcnow()
    free = or_(
        BackgroundJob.state == "queued",
        and_(BackgroundJob.state == "running", BackgroundJob.lease_until < now),
    )
    with database.session_scope() as session:
        result = session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job_id, free, BackgroundJob.attempt < MAX_ATTEMPTS)
            .values(
                state="running",
                attempt=BackgroundJob.attempt + 1,
                lease_until=now + dt.timedelta(seconds=lease_seconds),
                started_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return None
        return session.scalar(select(BackgroundJob.attempt).where(BackgroundJob.id == job_id))


def _ours(job_id: int, attempt: int):
    return (
        BackgroundJob.id == job_id,
        BackgroundJob.attempt == attempt,
        BackgroundJob.state == "running",
    )


class ProgressReporter:
    """Writes rows done and rows in all to the job's row, at most twice a second."""

    def __init__(self, database: Database, job_id: int, attempt: int, lease: float) -> None:
        self.database, self.job_id, self.attempt, self.lease = database, job_id, attempt, lease
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        with self.database.session_scope() as session:
            session.execute(
                update(BackgroundJob)
                .where(*_ours(self.job_id, self.attempt))
                .values(
                    rows_done=done,
                    rows_total=total,
                    lease_until=utcnow() + dt.timedelta(seconds=self.lease),
                )
                .execution_options(synchronize_session=False)
            )


class Heartbeat(threading.Thread):
    """Renews the lease a third of its length at a time, while the job runs."""

    def __init__(self, database: Database, job_id: int, attempt: int, lease: float) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.database, self.job_id, self.attempt, self.lease = database, job_id, attempt, lease
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.lease / 3):
            try:
                with self.database.session_scope() as session:
                    session.execute(
                        update(BackgroundJob)
                        .where(*_ours(self.job_id, self.attempt))
                        .values(lease_until=utcnow() + dt.timedelta(seconds=self.lease))
                        .execution_options(synchronize_session=False)
                    )
            except Exception:
                log.exception("could not renew the lease of job %s", self.job_id)


def run_job(app: Flask, job_id: int) -> None:
    """The huey task: run the job if it is free, at most once to its end."""
    database = get_database(app)
    lease = float(app.config["JOBS_LEASE_SECONDS"])
    with app.app_context():
        attempt = claim(database, job_id, lease)
        if attempt is None:
            log.info("job %s is done, failed or held by another worker", job_id)
            return
        log.info("job %s claimed (attempt %s)", job_id, attempt)
        heartbeat = None
        if not app.config["JOBS_IMMEDIATE"]:
            heartbeat = Heartbeat(database, job_id, attempt, lease)
            heartbeat.start()
        try:
            _run_claimed(
                database, job_id, attempt, ProgressReporter(database, job_id, attempt, lease)
            )
        except LeaseLostError:
            log.warning(
                "job %s: attempt %s lost its lease; its work was rolled back", job_id, attempt
            )
        except Exception as error:
            log.exception("job %s failed", job_id)
            _fail(database, job_id, attempt, error)
        finally:
            if heartbeat is not None:
                heartbeat.stopped.set()


def _run_claimed(database: Database, job_id: int, attempt: int, progress: Progress) -> None:
    with database.session_scope() as session:
        job = session.get(BackgroundJob, job_id)
        assert job is not None
        values = handler_for(job.kind)(session, job, progress)
        session.expunge(job)  # the handler's result is written below, conditionally, not by it
        result = session.execute(
            update(BackgroundJob)
            .where(*_ours(job_id, attempt))
            .values(state="done", finished_at=utcnow(), lease_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise LeaseLostError(job_id)
    log.info("job %s done (attempt %s)", job_id, attempt)


def _fail(database: Database, job_id: int, attempt: int, error: BaseException) -> None:
    try:
        with database.session_scope() as session:
            session.execute(
                update(BackgroundJob)
                .where(*_ours(job_id, attempt))
                .values(
                    state="failed",
                    finished_at=utcnow(),
                    lease_until=None,
                    error=f"{type(error).__name__}: {error}"[:2000],
                )
                .execution_options(synchronize_session=False)
            )
    except Exception:
        log.exception("could not record the failure of job %s", job_id)
