"""A job runs once: one claim wins, a lapsed lease is taken over, and the worker that lost it
cannot finish, so its writes (an audit row) are rolled back."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey import audit
from survey.db import get_database
from survey.jobs import runner
from survey.jobs.files import job_folder
from survey.jobs.queue import enqueue
from survey.jobs.tasks import delete_expired_files, requeue_stalled
from survey.models import AuditEvent, BackgroundJob, utcnow


@pytest.fixture
def job_id(app, session, make_project) -> int:
    """A recorded job that was never handed to the queue."""
    project = make_project()
    with app.test_request_context():
        job = enqueue(session, "analysis", project_id=project.id)
    session.info.clear()
    session.flush()
    return job.id


@pytest.fixture
def audited_handler(monkeypatch):
    """A handler that writes what an export writes: one audit row."""

    def handle(session, job, progress):
        audit.record(session, "test.job_ran", project_id=job.project_id, job_id=job.id)
        return {}

    monkeypatch.setattr(runner, "handler_for", lambda kind: handle)


def _audit_rows(session, job_id: int) -> list[AuditEvent]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "test.job_ran"))
    return [row for row in rows if row.details["job_id"] == job_id]


def _lapse(session, job_id: int) -> None:
    job = session.get(BackgroundJob, job_id)
    session.refresh(job)
    job.lease_until = utcnow() - dt.timedelta(seconds=1)
    session.flush()


def test_of_two_claims_one_wins(app, job_id) -> None:
    database = get_database(app)
    assert runner.claim(database, job_id, 60) == 1
    assert runner.claim(database, job_id, 60) is None


def test_a_lapsed_lease_is_taken_over_and_the_old_worker_cannot_finish(
    app, session, job_id, audited_handler
) -> None:
    database = get_database(app)
    assert runner.claim(database, job_id, 60) == 1
    _lapse(session, job_id)  # the first worker was killed, or hangs
    assert runner.claim(database, job_id, 60) == 2
    with app.app_context(), pytest.raises(runner.LeaseLostError):
        runner._run_claimed(database, job_id, 1, lambda done, total: None)
    assert _audit_rows(session, job_id) == []
    with app.app_context():
        runner._run_claimed(database, job_id, 2, lambda done, total: None)
    assert len(_audit_rows(session, job_id)) == 1
    job = session.get(BackgroundJob, job_id)
    session.refresh(job)
    assert (job.state, job.attempt) == ("done", 2)


def test_the_clock_hands_out_a_job_whose_worker_died(app, session, job_id, audited_handler):
    assert runner.claim(get_database(app), job_id, 60) == 1
    _lapse(session, job_id)
    assert requeue_stalled(app) == [job_id]  # and the queue (here at once) runs it
    job = session.get(BackgroundJob, job_id)
    session.refresh(job)
    assert job.state == "done" and len(_audit_rows(session, job_id)) == 1
    assert requeue_stalled(app) == []


def test_a_job_lost_three_times_is_given_up(app, session, job_id, audited_handler) -> None:
    database = get_database(app)
    for attempt in range(1, runner.MAX_ATTEMPTS + 1):
        assert runner.claim(database, job_id, 60) == attempt
        _lapse(session, job_id)
    assert requeue_stalled(app) == []
    job = session.get(BackgroundJob, job_id)
    session.refresh(job)
    assert job.state == "failed" and _audit_rows(session, job_id) == []


def test_a_finished_file_is_deleted_after_its_time(app, session, job_id) -> None:
    path = job_folder(app) / f"job-{job_id}.csv"
    path.write_text("a;b\n")
    job = session.get(BackgroundJob, job_id)
    job.state, job.file_name = "done", path.name
    job.expires_at = utcnow() + dt.timedelta(hours=1)
    session.flush()
    delete_expired_files(app)
    assert path.exists(), "kept until its time"
    job.expires_at = utcnow() - dt.timedelta(seconds=1)
    session.flush()
    delete_expired_files(app)
    session.refresh(job)
    assert not path.exists() and job.file_name is None
