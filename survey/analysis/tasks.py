"""Scheduled recompute of every project's models: hourly, and at start.

Idempotent: a project whose data has not changed since its results were stored is skipped (by
the data fingerprint), so running twice fits nothing twice. Each project is committed on its
own, so one project's failure neither rolls back nor blocks the others. A failure is recorded
and the project waits out an exponential back-off before the next try (see failures).
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import select

from survey.analysis import failures
from survey.analysis.operations import analyze_project
from survey.clock import utcnow
from survey.db import Database, get_database
from survey.models import Project
from survey.scheduler import Job

log = logging.getLogger(__name__)


def recompute_models(app: Flask) -> None:
    database = get_database(app)
    with app.app_context():
        with database.session_scope() as session:
            project_ids = list(session.scalars(select(Project.id).order_by(Project.id)))
        for project_id in project_ids:
            with database.session_scope() as session:
                if not failures.may_retry(session, project_id, utcnow()):
                    log.info("analysis of project %s waits after a failure", project_id)
                    continue
            analyze_and_record(database, project_id)


def analyze_and_record(database: Database, project_id: int) -> bool:
    """Analyse one project in its own transaction; a failure is logged and recorded."""
    try:
        with database.session_scope() as session:
            analyze_project(session, project_id)
            failures.record_success(session, project_id)
    except Exception as error:
        log.exception("analysis of project %s failed", project_id)
        record_failure(database, project_id, error)
        return False
    return True


def record_failure(database: Database, project_id: int, error: BaseException) -> None:
    try:
        with database.session_scope() as session:
            failures.record_failure(session, project_id, error)
    except Exception:
        log.exception("could not record the failed analysis of project %s", project_id)


JOBS = [
    Job(
        id="analysis.recompute_models",
        func=recompute_models,
        trigger="cron",
        schedule={"minute": 20},
    )
]
