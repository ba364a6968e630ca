"""The dashboard's one read of the analysis' state says what the separate reads say.

`analysis_state` answers in two reads what `last_computed`, `pending_request` and
`current_failure` answer in six; each step of a project's history is compared with them.
"""

from __future__ import annotations

import datetime as dt
import itertools

from survey import audit
from survey.analysis import failures, requests
from survey.analysis.state import AnalysisState, analysis_state
from survey.models import ModelResult

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _separately(session, project_id: int) -> AnalysisState:
    return AnalysisState(
        failures.last_computed(session, project_id),
        requests.pending_request(session, project_id),
        failures.current_failure(session, project_id),
    )


def test_the_state_in_one_read_is_the_state_read_separately(session, make_project) -> None:
    project, other = make_project(), make_project()
    minutes = itertools.count(1)

    def event(action: str, project_id: int = project.id, **details) -> None:
        recorded = audit.record(session, action, project_id=project_id, **details)
        recorded.occurred_at = START + dt.timedelta(minutes=next(minutes))
        session.flush()

    def stored() -> None:
        session.add(
            ModelResult(
                project_id=project.id,
                construct="trivsel",
                respondent_type="pupil",
                kind=f"trend-{next(minutes)}",
                computed_at=START + dt.timedelta(minutes=next(minutes)),
                data_fingerprint="f" * 64,
                result={},
            )
        )
        session.flush()

    steps = [
        lambda: None,  # nothing yet
        lambda: event(requests.REQUESTED),
        lambda: event(failures.FAILED, error="ValueError: singular"),
        lambda: event(requests.DONE),
        lambda: event(failures.FAILED, error="ValueError: again"),
        lambda: event(failures.FAILED, other.id, error="another project's"),
        stored,  # a success after the failures
        lambda: event(failures.FAILED, error="ValueError: later"),
        lambda: event(failures.RECOVERED),
        lambda: event(requests.REQUESTED, other.id),
        lambda: event(requests.REQUESTED),
        lambda: event(requests.DONE),
        stored,
    ]
    seen = []
    for step in steps:
        step()
        state = analysis_state(session, project.id)
        assert state == _separately(session, project.id)
        seen.append((state.computed_at is not None, state.requested_at, state.failure))
    assert any(failure is not None and failure.attempts == 2 for _, _, failure in seen)
    assert any(requested is not None for _, requested, _ in seen)
    assert seen[-1][1:] == (None, None)
