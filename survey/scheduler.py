"""The worker: APScheduler, the clock, enqueues periodic work; the huey consumer runs the jobs.

Each feature declares its periodic jobs in its own `tasks.py` as `JOBS` (`survey.jobs.periodic
.Job`, a leaf module, so no task module imports this one). The jobs run in `trivsel worker`
only (which `trivsel serve` starts beside the web server): never in a web process.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from flask import Flask
from sqlalchemy.orm import configure_mappers

from survey.jobs.periodic import Job
from survey.jobs.queue import get_queue

log = logging.getLogger(__name__)


def all_jobs() -> list[Job]:
    from survey.analysis import tasks as analysis_tasks
    from survey.jobs import tasks as queue_tasks
    from survey.retention import tasks as retention_tasks
    from survey.rounds import tasks as round_tasks

    return [*retention_tasks.JOBS, *analysis_tasks.JOBS, *round_tasks.JOBS, *queue_tasks.JOBS]


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


def run_worker(app: Flask, concurrency: int = 1, clock: bool = True) -> None:
    """The clock (unless `clock` is False) and `concurrency` job threads, until SIGTERM or
    SIGINT (huey's consumer handles both)."""
    configure_mappers()  # before the job threads start, so no two of them race to do it
    scheduler = None
    if clock:
        scheduler = BackgroundScheduler(timezone="Europe/Oslo")
        add_jobs(scheduler, app)
        scheduler.start()
    consumer = get_queue(app).create_consumer(
        workers=concurrency,
        worker_type="thread",
        periodic=False,
        initial_delay=0.1,
        max_delay=1.0,
    )
    log.info(
        "worker started with %d jobs on the clock, %d job threads",
        len(all_jobs()) if clock else 0,
        concurrency,
    )
    try:
        consumer.run()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        log.info("worker stopping")
