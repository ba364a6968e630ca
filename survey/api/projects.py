"""API for projects and what they are made of: schools, classes and goals."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint, abort
from sqlalchemy import select

from survey.admin.errors import FieldError
from survey.admin.goals.operations import create_goal
from survey.admin.goals.views import asked_constructs
from survey.admin.projects.operations import create_project
from survey.admin.schools.operations import create_group, create_school
from survey.api import schemas
from survey.api.auth import READERS, SECURITY, WRITERS, token_required
from survey.auth.access import current_user, project_or_404, projects_for, school_or_404
from survey.db import db_session
from survey.models import Goal, Project, School

blueprint = Blueprint(
    "api_projects", __name__, url_prefix="/api/v1", description="Projects, schools, classes, goals."
)


def _unprocessable(error: FieldError) -> None:
    abort(422, messages={"json": error.messages})


@blueprint.route("/projects", methods=["GET"])
@token_required(*READERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.ProjectOut(many=True))
def list_projects() -> list[Project]:
    """The projects the token's user may see."""
    user = current_user()
    assert user is not None
    return projects_for(user)


@blueprint.route("/projects", methods=["POST"])
@token_required(*WRITERS)
@blueprint.doc(security=SECURITY)
@blueprint.arguments(schemas.ProjectIn)
@blueprint.response(201, schemas.ProjectOut)
def post_project(data: dict[str, Any]) -> Project:
    """Make a project; a project lead who makes one leads it."""
    try:
        return create_project(db_session(), current_user(), **data)
    except FieldError as error:
        _unprocessable(error)
        raise


@blueprint.route("/projects/<int:project_id>", methods=["GET"])
@token_required(*READERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.ProjectOut)
def get_project(project_id: int) -> Project:
    return project_or_404(project_id)


@blueprint.route("/projects/<int:project_id>/schools", methods=["GET"])
@token_required(*READERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.SchoolOut(many=True))
def list_schools(project_id: int) -> list[School]:
    project = project_or_404(project_id)
    return [school for school in project.schools if _may_see(school)]


def _may_see(school: School) -> bool:
    user = current_user()
    return user is not None and (user.role != "school_contact" or school in user.schools)


@blueprint.route("/projects/<int:project_id>/schools", methods=["POST"])
@token_required(*WRITERS)
@blueprint.doc(security=SECURITY)
@blueprint.arguments(schemas.SchoolIn)
@blueprint.response(201, schemas.SchoolOut)
def post_school(data: dict[str, Any], project_id: int) -> School:
    project = project_or_404(project_id)
    try:
        return create_school(db_session(), current_user(), project, **data)
    except FieldError as error:
        _unprocessable(error)
        raise


@blueprint.route("/schools/<int:school_id>/groups", methods=["GET"])
@token_required(*READERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.GroupOut(many=True))
def list_groups(school_id: int):
    return school_or_404(school_id).groups


@blueprint.route("/schools/<int:school_id>/groups", methods=["POST"])
@token_required(*WRITERS)
@blueprint.doc(security=SECURITY)
@blueprint.arguments(schemas.GroupIn)
@blueprint.response(201, schemas.GroupOut)
def post_group(data: dict[str, Any], school_id: int):
    school = school_or_404(school_id)
    try:
        return create_group(db_session(), current_user(), school, **data)
    except FieldError as error:
        _unprocessable(error)
        raise


@blueprint.route("/projects/<int:project_id>/goals", methods=["GET"])
@token_required(*READERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.GoalOut(many=True))
def list_goals(project_id: int) -> list[Goal]:
    project = project_or_404(project_id)
    return list(
        db_session().scalars(select(Goal).filter_by(project_id=project.id).order_by(Goal.id))
    )


@blueprint.route("/projects/<int:project_id>/goals", methods=["POST"])
@token_required(*WRITERS)
@blueprint.doc(security=SECURITY)
@blueprint.arguments(schemas.GoalIn)
@blueprint.response(201, schemas.GoalOut)
def post_goal(data: dict[str, Any], project_id: int) -> Goal:
    project = project_or_404(project_id)
    problems: dict[str, list[str]] = {}
    if data["construct"] not in asked_constructs().get(data["respondent_type"], {}):
        problems["construct"] = ["no instrument for this respondent type measures this construct"]
    rounds = {round_.id for round_ in project.rounds}
    if data["due_round_id"] is not None and data["due_round_id"] not in rounds:
        problems["due_round_id"] = ["not a round of this project"]
    if problems:
        abort(422, messages={"json": problems})
    return create_goal(db_session(), current_user(), project, **data)
