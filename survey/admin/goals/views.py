"""Goal pages: what the project wants to reach, for whom, by when."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response

from dashboards.formatting import number
from instruments import bundled_instruments
from survey.admin.goals import operations, queries
from survey.admin.goals.schemas import GoalForm
from survey.admin.view_helpers import acting_user, form_page, lead_required, read_form
from survey.auth.access import project_or_404
from survey.db import db_session
from survey.models import Goal, Project

blueprint = Blueprint("goals", __name__)

FORM = "admin/goal_form.html"


def asked_constructs() -> dict[str, dict[str, str]]:
    """Construct id -> bokmål label, per respondent type, over all bundled instruments."""
    found: dict[str, dict[str, str]] = {}
    for instrument in bundled_instruments():
        for construct in instrument.constructs.values():
            labels = found.setdefault(instrument.respondent_type, {})
            labels.setdefault(construct.id, construct.label.get("nb", construct.id))
    return found


def construct_scales() -> dict[str, dict[str, tuple[int, int]]]:
    """Per respondent type: construct id -> the lowest and highest score its items allow."""
    found: dict[str, dict[str, tuple[int, int]]] = {}
    for instrument in bundled_instruments():
        ranges = found.setdefault(instrument.respondent_type, {})
        for item in instrument.items:
            if item.construct is None or item.scale is None:
                continue
            scale = instrument.scales[item.scale]
            low, high = ranges.get(item.construct, (scale.min_value, scale.max_value))
            ranges[item.construct] = (min(low, scale.min_value), max(high, scale.max_value))
    return found


def _schema(project: Project) -> GoalForm:
    return GoalForm(construct_scales(), {round_.id for round_ in project.rounds})


def _context(project: Project, goal: Goal | None = None) -> dict[str, Any]:
    return {
        "project": project,
        "goal": goal,
        "constructs": asked_constructs(),
        "scales": construct_scales(),
    }


def _goal_or_404(goal_id: int) -> Goal:
    goal = db_session().get(Goal, goal_id)
    if goal is None:
        abort(404)
    project_or_404(goal.project_id)
    return goal


@blueprint.get("/projects/<int:project_id>/goals/")
@lead_required
def overview(project_id: int) -> str:
    """Every goal of the project at a glance: status, estimate and CI against the target."""
    project = project_or_404(project_id)
    return render_template(
        "admin/goals.html",
        project=project,
        cards=queries.goal_cards(db_session(), project),
        constructs=asked_constructs(),
    )


@blueprint.get("/projects/<int:project_id>/goals/new")
@lead_required
def new(project_id: int) -> tuple[str, int]:
    values = {"respondent_type": "pupil", "target_kind": "change"}
    return form_page(FORM, values=values, **_context(project_or_404(project_id)))


@blueprint.post("/projects/<int:project_id>/goals/new")
@lead_required
def create(project_id: int) -> tuple[str, int] | Response:
    project = project_or_404(project_id)
    data, errors, raw = read_form(_schema(project), request.form)
    if data is None:
        return form_page(FORM, 422, values=raw, errors=errors, **_context(project))
    operations.create_goal(db_session(), acting_user(), project, **data)
    flash(_("Målet er lagt til."), "success")
    return redirect(url_for("admin.projects.show", project_id=project.id))


@blueprint.get("/goals/<int:goal_id>/edit")
@lead_required
def edit(goal_id: int) -> tuple[str, int]:
    goal = _goal_or_404(goal_id)
    fields = ("respondent_type", "construct", "target_kind", "target_value", "due_round_id")
    values = {key: getattr(goal, key) for key in (*fields, "description")}
    values["target_value"] = number(goal.target_value, 2)
    return form_page(FORM, values=values, **_context(goal.project, goal))


@blueprint.post("/goals/<int:goal_id>/edit")
@lead_required
def update(goal_id: int) -> tuple[str, int] | Response:
    goal = _goal_or_404(goal_id)
    data, errors, raw = read_form(_schema(goal.project), request.form)
    if data is None:
        return form_page(FORM, 422, values=raw, errors=errors, **_context(goal.project, goal))
    operations.update_goal(db_session(), acting_user(), goal, **data)
    flash(_("Endringene er lagret."), "success")
    return redirect(url_for("admin.projects.show", project_id=goal.project_id))


@blueprint.post("/goals/<int:goal_id>/delete")
@lead_required
def delete(goal_id: int) -> Response:
    goal = _goal_or_404(goal_id)
    project_id = goal.project_id
    operations.delete_goal(db_session(), acting_user(), goal)
    flash(_("Målet er slettet."), "success")
    return redirect(url_for("admin.projects.show", project_id=project_id))
