"""The goals page: every goal with its status, its figure named, and what would settle it."""

from __future__ import annotations

import dataclasses

import pytest

from analytics.goals import track_goal
from survey.analysis.queries import goal_spec
from survey.models import Goal, ModelResult
from tests.analytics.test_goals import ROUNDS, trend


@pytest.fixture
def judged_goal(session, project, make_round):
    for label in ROUNDS:
        make_round(project=project, label=label)
    goal = Goal(
        project=project,
        construct="konflikt",
        respondent_type="pupil",
        target_kind="change",
        target_value=-0.25,
        due_round=project.rounds[-1],
    )
    session.add(goal)
    session.flush()
    fitted = dataclasses.replace(
        trend({"Vår 2022": (-0.12, -0.30, 0.06)}),
        schools_per_arm={"intervention": 4, "comparison": 4},
    )
    status = track_goal(goal_spec(goal, higher_is_better=False), fitted, ROUNDS)
    for kind, result in (("trend", fitted.to_dict()), ("goals", {"goals": [status.to_dict()]})):
        session.add(
            ModelResult(
                project_id=project.id,
                construct="konflikt",
                respondent_type="pupil",
                kind=kind,
                data_fingerprint="test",
                result=result,
            )
        )
    session.flush()
    return goal


def test_the_goals_page_shows_status_figure_and_what_would_settle_it(
    as_lead, project, judged_goal
) -> None:
    page = as_lead.get(f"/admin/projects/{project.id}/goals/")
    assert page.status_code == 200
    assert "Kan ikke si ennå" in page.text
    assert "Målets tall: endringen fra første runde til Vår 2022" in page.text
    assert "\u22120,12" in page.text and "95 % KI \u22120,30 til 0,06" in page.text
    assert "Målet kan avgjøres med omtrent" in page.text


def test_the_project_page_links_to_the_goals_page(as_lead, project) -> None:
    page = as_lead.get(f"/admin/projects/{project.id}/")
    assert f'href="/admin/projects/{project.id}/goals/"' in page.text


def test_a_goal_not_yet_judged_says_so(session, as_lead, project, make_round) -> None:
    session.add(
        Goal(
            project=project,
            construct="trivsel",
            respondent_type="pupil",
            target_kind="level",
            target_value=3.5,
        )
    )
    session.flush()
    page = as_lead.get(f"/admin/projects/{project.id}/goals/")
    assert "Ikke vurdert ennå" in page.text
