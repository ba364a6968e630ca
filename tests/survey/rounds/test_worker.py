"""The worker opens and closes rounds on time, even when it was restarted in between.

A real APScheduler runs the jobs against a database of its own (the jobs commit), with the
jobs' clock set to chosen moments: first just after the round's opening time, then, after
the worker was stopped and a new one started, just after its closing time.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from survey import scheduler as scheduler_module
from survey.app import create_app
from survey.db import get_database
from survey.migrate import upgrade
from survey.models import AuditEvent, BackgroundJob, Group, Project, Round, School
from survey.rounds import tasks
from tests.conftest import TEST_SECRET_KEY
from tests.round_fixtures import give_instruments

OPENS = dt.datetime(2026, 9, 1, 6, tzinfo=dt.UTC)
CLOSES = dt.datetime(2026, 9, 15, 14, tzinfo=dt.UTC)


@pytest.fixture
def database_file(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    upgrade(url)
    return url


@pytest.fixture
def round_id(database_file: str, tmp_path) -> int:
    app = create_app({"DATABASE_URL": database_file, "SECRET_KEY": TEST_SECRET_KEY}, str(tmp_path))
    with get_database(app).session_scope() as session:
        project = Project(name="Arbeider", delete_after_on=dt.date(2030, 1, 1))
        school = School(project=project, name="Skole", code="S1", arm="comparison")
        session.add(Group(school=school, grade=6, label="6A", enrolled=19))
        round_ = Round(project=project, label="Høst", opens_at=OPENS, closes_at=CLOSES)
        session.add(round_)
        session.flush()
        give_instruments(session, round_, ("pupil", "parent"))
        round_id = round_.id
    get_database(app).engine.dispose()
    return round_id


class AnalysisJobs:
    """The analysis jobs the round jobs asked for (no consumer runs them here)."""

    def __init__(self, database_url: str, tmp_path) -> None:
        self.database_url, self.tmp_path = database_url, tmp_path

    def __len__(self) -> int:
        config = {"DATABASE_URL": self.database_url, "SECRET_KEY": TEST_SECRET_KEY}
        app = create_app(config, str(self.tmp_path))
        with get_database(app).session_scope() as session:
            count = session.scalar(
                select(func.count())
                .select_from(BackgroundJob)
                .where(BackgroundJob.kind == "analysis")
            )
        get_database(app).engine.dispose()
        return count


@pytest.fixture
def recomputed(monkeypatch, database_file, tmp_path) -> AnalysisJobs:
    """Only the round jobs run; the analysis they ask for is a job that waits in the queue."""
    monkeypatch.setattr(scheduler_module, "all_jobs", lambda: list(tasks.JOBS))
    return AnalysisJobs(database_file, tmp_path)


def run_worker_start(database_url: str, tmp_path, moment: dt.datetime, monkeypatch) -> None:
    """Start a worker at `moment` (a new app and scheduler), let its start-up jobs run, stop it."""
    monkeypatch.setattr(tasks, "utc_now", lambda: moment)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET_KEY}, str(tmp_path))
    done = threading.Event()
    errors: list[BaseException] = []
    waiting: set[str] = set()

    def listen(event) -> None:
        if event.exception is not None:
            errors.append(event.exception)
        waiting.discard(event.job_id)
        if not waiting:
            done.set()

    worker = BackgroundScheduler(timezone="Europe/Oslo")
    worker.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler_module.add_jobs(worker, app)
    # Every start-up job, not only the schedule's: stopping the scheduler while it still hands
    # one over raised JobLookupError in its thread (seen once in CI).
    waiting |= {job.id for job in worker.get_jobs() if job.id.endswith(".at_start")}
    assert "rounds.apply_schedule.at_start" in waiting
    worker.start()
    try:
        assert done.wait(60), "the worker did not run its start-up jobs"
    finally:
        worker.shutdown(wait=True)
        get_database(app).engine.dispose()
    assert errors == []


def _status(database_url: str, tmp_path, round_id: int) -> tuple[str, int]:
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET_KEY}, str(tmp_path))
    with get_database(app).session_scope() as session:
        events = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("round.%"))
        )
        status = session.get(Round, round_id).status
    get_database(app).engine.dispose()
    return status, events


def test_the_worker_opens_on_time_and_closes_on_time_after_a_restart(
    database_file, round_id, recomputed, tmp_path, monkeypatch
) -> None:
    run_worker_start(database_file, tmp_path, OPENS + dt.timedelta(seconds=30), monkeypatch)
    assert _status(database_file, tmp_path, round_id)[0] == "open"
    run_worker_start(database_file, tmp_path, CLOSES + dt.timedelta(seconds=30), monkeypatch)
    assert _status(database_file, tmp_path, round_id)[0] == "closed"
    assert len(recomputed) == 1


def test_a_restarted_worker_does_nothing_twice(
    database_file, round_id, recomputed, tmp_path, monkeypatch
):
    after_close = CLOSES + dt.timedelta(minutes=5)
    run_worker_start(database_file, tmp_path, after_close, monkeypatch)
    first = _status(database_file, tmp_path, round_id)
    run_worker_start(database_file, tmp_path, after_close, monkeypatch)
    assert _status(database_file, tmp_path, round_id) == first == ("closed", 3)
    assert len(recomputed) == 1


def test_the_schedule_is_checked_every_minute_and_at_start(recomputed) -> None:
    job = next(job for job in tasks.JOBS if job.id == "rounds.apply_schedule")
    assert (job.trigger, job.schedule, job.run_at_start) == ("interval", {"minutes": 1}, True)


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []
