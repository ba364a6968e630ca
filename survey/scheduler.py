"""APScheduler set-up. Each feature declares its jobs in its own `tasks.py` as `JOBS`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[Flask], None]
    trigger: str
    schedule: dict[str, Any] = field(default_factory=dict)
    #: Also run once when the scheduler starts, to catch up on what was missed while down.
    run_at_start: bool = True


def all_jobs() -> list[Job]:
    from survey.analysis import requests as analysis_requests
    from survey.analysis import tasks as analysis_tasks
    from survey.retention import tasks as retention_tasks
    from survey.rounds import tasks as round_tasks

    return [*retention_tasks.JOBS, *analysis_tasks.JOBS, *analysis_requests.JOBS, *round_tasks.JOBS]


def add_jobs(scheduler: BaseScheduler, app: Flask) -> None:
    """Jobs are derived anew at every start, so a restart loses nothing."""
    for job in all_jobs():
        scheduler.add_job(
            job.func,
            job.trigger,
            args=[app],
            id=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
            **job.schedule,
        )
        if job.run_at_start:
            scheduler.add_job(job.func, args=[app], id=f"{job.id}.at_start", replace_existing=True)
        log.info("scheduled %s (%s %s)", job.id, job.trigger, job.schedule)


def start_background_scheduler(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="Europe/Oslo")
    add_jobs(scheduler, app)
    scheduler.start()
    return scheduler


def run_blocking_scheduler(app: Flask) -> None:
    scheduler = BlockingScheduler(timezone="Europe/Oslo")
    add_jobs(scheduler, app)
    log.info("worker started with %d jobs", len(all_jobs()))
    scheduler.start()
