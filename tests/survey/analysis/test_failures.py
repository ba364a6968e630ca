"""A failed analysis is recorded, shown, and retried later and later, never every minute."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from survey.analysis import failures, tasks
from survey.clock import utcnow


@pytest.fixture
def fitting(monkeypatch):
    """Stands in for the fitting: records the projects run, and fails those in `broken`."""
    state = SimpleNamespace(runs=[], broken=set(), now=utcnow())

    def analyze(session, project_id, force=False):
        state.runs.append(project_id)
        if project_id in state.broken:
            raise ValueError("fewer responses than fixed effects")
        return SimpleNamespace(is_skipped=False, stored=1)

    monkeypatch.setattr(tasks, "analyze_project", analyze)
    monkeypatch.setattr(tasks, "utcnow", lambda: state.now)
    return state


def test_a_failure_is_recorded_with_what_and_when(app, session, make_project, fitting) -> None:
    project = make_project()
    fitting.broken.add(project.id)
    tasks.recompute_models(app)
    failure = failures.current_failure(session, project.id)
    assert failure.what == "ValueError: fewer responses than fixed effects"
    assert failure.attempts == 1
    assert failure.retry_at - failure.failed_at == failures.FIRST_RETRY


def test_a_failing_project_waits_twice_as_long_after_each_failure(
    app, session, make_project, fitting
) -> None:
    project = make_project()
    fitting.broken.add(project.id)
    waits = []
    for _ in range(4):
        tasks.recompute_models(app)
        tasks.recompute_models(app)  # at once again: waits
        failure = failures.current_failure(session, project.id)
        waits.append(failure.retry_at - failure.failed_at)
        fitting.now = failure.retry_at + dt.timedelta(seconds=1)
    assert fitting.runs == [project.id] * 4
    assert waits == [failures.FIRST_RETRY * 2**k for k in range(4)]


def test_one_failing_project_does_not_stop_the_others(app, make_project, fitting) -> None:
    first, second = make_project(name="A"), make_project(name="B")
    fitting.broken.add(first.id)
    tasks.recompute_models(app)
    assert fitting.runs == [first.id, second.id]


def test_a_success_ends_the_run_of_failures(app, session, make_project, fitting) -> None:
    project = make_project()
    fitting.broken.add(project.id)
    tasks.recompute_models(app)
    fitting.broken.clear()
    fitting.now = failures.current_failure(session, project.id).retry_at
    tasks.recompute_models(app)
    assert failures.current_failure(session, project.id) is None
    assert failures.may_retry(session, project.id, fitting.now)


def test_an_error_message_is_one_short_line() -> None:
    text = failures.describe_error(RuntimeError("line one\n  line two " + "x" * 500))
    assert text.startswith("RuntimeError: line one line two")
    assert "\n" not in text and len(text) == failures.LONGEST_MESSAGE
