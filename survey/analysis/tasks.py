"""Scheduled recompute of every project's models: hourly, and at start.

Idempotent: a project whose data has not changed since its results were stored is skipped (by
the data fingerprint), so running twice fits nothing twice. Each project is committed on its
own, so one project's failure neither rolls back nor blocks the others.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import select

from survey.analysis.operations import analyze_project
from survey.db import get_database
from survey.models import Project
from survey.scheduler import Job

log = logging.getLogger(__name__)


def recompute_models(app: Flask) -> None:
    database = get_database(app)
    with app.app_context():
        with database.session_scope() as session:
            project_ids = list(session.scalars(select(Project.id).order_by(Project.id)))
        for project_id in project_ids:
            try:
                with database.session_scope() as session:
                    analyze_project(session, project_id)
            except Exception:
                log.exception("analysis of project %s failed", project_id)


JOBS = [
    Job(
        id="analysis.recompute_models",
        func=recompute_models,
        trigger="cron",
        schedule={"minute": 20},
    )
]
