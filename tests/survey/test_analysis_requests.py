"""Recompute on request: the dashboard queues, the worker's job runs it once, nothing is lost."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from survey.analysis import requests, tasks
from survey.models import User


@pytest.fixture
def lead(session, make_project):
    project = make_project()
    user = User(email="leder@kø.no", role="project_lead", password_hash="x", projects=[project])
    session.add(user)
    session.flush()
    return project, user


@pytest.fixture
def analyses(monkeypatch):
    """Stands in for the fitting, so the queue can be tested alone; records who was run."""
    runs: list[int] = []

    def analyze(session, project_id, force=False):
        runs.append(project_id)
        return SimpleNamespace(is_skipped=False, stored=3)

    monkeypatch.setattr("survey.analysis.operations.analyze_project", analyze)
    return runs


def test_a_request_is_pending_until_the_job_has_run(app, session, lead, analyses) -> None:
    project, user = lead
    requests.request_recompute(session, project.id, user)
    assert requests.pending_request(session, project.id) is not None
    tasks.run_requested_analyses(app)
    assert analyses == [project.id]
    assert requests.pending_request(session, project.id) is None


def test_the_job_runs_nothing_when_nothing_was_asked(app, session, lead, analyses) -> None:
    tasks.run_requested_analyses(app)
    assert analyses == []


def test_running_the_job_twice_runs_a_request_once(app, session, lead, analyses) -> None:
    project, user = lead
    requests.request_recompute(session, project.id, user)
    tasks.run_requested_analyses(app)
    tasks.run_requested_analyses(app)
    assert analyses == [project.id]


def test_a_failed_analysis_is_logged_and_not_retried_in_a_loop(
    app, session, lead, monkeypatch, caplog
) -> None:
    project, user = lead

    def broken(session, project_id, force=False):
        raise RuntimeError("singular matrix")

    monkeypatch.setattr("survey.analysis.operations.analyze_project", broken)
    requests.request_recompute(session, project.id, user)
    tasks.run_requested_analyses(app)
    assert "requested analysis of project" in caplog.text
    assert requests.pending_request(session, project.id) is None


def test_a_failed_request_is_recorded_for_the_dashboard(app, session, lead, monkeypatch) -> None:
    from survey.analysis.failures import current_failure

    project, user = lead

    def broken(session, project_id, force=False):
        raise ValueError("fewer responses than fixed effects")

    monkeypatch.setattr("survey.analysis.operations.analyze_project", broken)
    requests.request_recompute(session, project.id, user)
    tasks.run_requested_analyses(app)
    tasks.run_requested_analyses(app)  # a minute later: nothing to retry
    failure = current_failure(session, project.id)
    assert failure.what == "ValueError: fewer responses than fixed effects"
    assert failure.attempts == 1


def test_a_request_made_while_the_job_runs_waits_for_the_next_run(
    app, session, lead, monkeypatch
) -> None:
    project, user = lead

    def analyze_while_someone_asks(job_session, project_id, force=False):
        requests.request_recompute(job_session, project_id, job_session.merge(user))
        return SimpleNamespace(is_skipped=True, stored=0)

    monkeypatch.setattr("survey.analysis.operations.analyze_project", analyze_while_someone_asks)
    requests.request_recompute(session, project.id, user)
    tasks.run_requested_analyses(app)
    assert requests.pending_request(session, project.id) is not None


def test_the_worker_looks_for_requests_every_minute() -> None:
    from survey.scheduler import all_jobs

    job = next(job for job in all_jobs() if job.id == "analysis.requested_recomputes")
    assert job.trigger == "interval" and job.schedule == {"seconds": 60}
