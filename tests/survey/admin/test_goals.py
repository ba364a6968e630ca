"""Goals: a construct the instruments measure, for one respondent type, by a round."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Goal


def _goal(**changes: str) -> dict[str, str]:
    return {
        "respondent_type": "pupil",
        "construct": "konflikt",
        "target_kind": "change",
        "target_value": "-0,25",
        **changes,
    }


def test_a_lead_sets_a_goal_with_a_decimal_comma(session, as_lead, post_form, project) -> None:
    page = post_form(f"/admin/projects/{project.id}/goals/new", _goal())
    assert page.status_code == 302
    goal = session.scalar(select(Goal).filter_by(project_id=project.id))
    assert (goal.construct, goal.target_value) == ("konflikt", -0.25)


def test_a_goal_for_a_construct_no_instrument_asks_is_refused(as_lead, post_form, project):
    page = post_form(
        f"/admin/projects/{project.id}/goals/new",
        _goal(respondent_type="staff", construct="venner"),
    )
    assert page.status_code == 422
    assert 'id="construct-error"' in page.text


def test_a_goal_cannot_be_due_at_another_projects_round(as_lead, post_form, project, make_round):
    other = make_round()
    page = post_form(f"/admin/projects/{project.id}/goals/new", _goal(due_round_id=str(other.id)))
    assert page.status_code == 422
    assert "Velg en av prosjektets runder" in page.text


def test_a_goal_can_be_deleted(session, as_lead, post_form, project) -> None:
    post_form(f"/admin/projects/{project.id}/goals/new", _goal())
    goal_id = session.scalar(select(Goal.id).filter_by(project_id=project.id))
    post_form(f"/admin/goals/{goal_id}/delete")
    assert session.scalar(select(Goal.id).filter_by(id=goal_id)) is None
