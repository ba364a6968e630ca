"""Scheduled retention purge: daily, idempotent (a purged project is simply gone)."""

from __future__ import annotations

from flask import Flask

from survey import clock
from survey.db import get_database
from survey.jobs.periodic import Job
from survey.retention.operations import purge_expired_projects


def purge_expired(app: Flask) -> None:
    with app.app_context(), get_database(app).session_scope() as session:
        purge_expired_projects(session, clock.utcnow().date())


JOBS = [
    Job(
        id="retention.purge_expired",
        func=purge_expired,
        trigger="cron",
        schedule={"hour": 2, "minute": 15},
    )
]
