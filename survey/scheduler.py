"""APScheduler set-up. Each feature declares its jobs in its own `tasks.py` as `JOBS`.

The jobs run in one process only, `trivsel worker` (which `trivsel serve` starts beside the
web server): never in a web process, whatever the configuration says.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy.orm import configure_mappers

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


def run_blocking_scheduler(app: Flask) -> None:
    """The worker: the clock and the jobs, in this process only, until SIGTERM or SIGINT."""
    configure_mappers()  # before the job threads start, so no two of them race to do it
    scheduler = BlockingScheduler(timezone="Europe/Oslo")
    add_jobs(scheduler, app)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("worker stopping (signal %s)", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker started with %d jobs", len(all_jobs()))
    scheduler.start()
