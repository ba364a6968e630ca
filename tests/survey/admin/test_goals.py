"""Goals: a construct the instruments measure, for one respondent type, by a round."""

from __future__ import annotations

import re

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


def test_the_target_input_is_text_so_the_browser_keeps_the_comma(as_lead, project) -> None:
    page = as_lead.get(f"/admin/projects/{project.id}/goals/new")
    field = re.search(r'<input id="target_value"[^>]*>', page.text).group(0)
    assert 'type="text"' in field and 'inputmode="decimal"' in field


def test_a_target_typed_with_a_dash_and_a_comma_is_read(session, as_lead, post_form, project):
    post_form(f"/admin/projects/{project.id}/goals/new", _goal(target_value="\u2013 0,3"))
    assert session.scalar(select(Goal.target_value)) == -0.3


def test_a_level_off_the_scale_names_the_scale(session, as_lead, post_form, project) -> None:
    data = _goal(construct="trivsel", target_kind="level", target_value="7,5")
    page = post_form(f"/admin/projects/{project.id}/goals/new", data)
    assert page.status_code == 422
    assert re.search(r"Skalaen går fra 1 til \d", page.text)
    assert session.scalar(select(Goal.id)) is None


def test_a_target_that_is_not_a_number_is_explained(session, as_lead, post_form, project):
    page = post_form(f"/admin/projects/{project.id}/goals/new", _goal(target_value="litt"))
    assert page.status_code == 422
    assert "for eksempel -0,25" in page.text


def test_the_goal_table_shows_norwegian_numbers(session, as_lead, post_form, project) -> None:
    post_form(f"/admin/projects/{project.id}/goals/new", _goal())
    page = as_lead.get(f"/admin/projects/{project.id}/")
    assert "\u22120,25" in page.text
    assert "-0.25" not in page.text


def test_the_edit_form_shows_the_target_with_a_comma(session, as_lead, post_form, project):
    post_form(f"/admin/projects/{project.id}/goals/new", _goal())
    goal_id = session.scalar(select(Goal.id))
    page = as_lead.get(f"/admin/goals/{goal_id}/edit")
    assert 'value="\u22120,25"' in page.text
