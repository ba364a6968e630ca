"""API for rounds: plan one, open or close it, and read its response counts."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint, abort

from survey import clock
from survey.admin.errors import FieldError
from survey.admin.rounds.operations import create_round
from survey.admin.rounds.schemas import instrument_choices
from survey.api import schemas
from survey.api.auth import READERS, SECURITY, WRITERS, token_required
from survey.auth.access import current_user, project_or_404, round_or_404, visible_school_ids
from survey.db import db_session
from survey.models import Round
from survey.rounds import lifecycle
from survey.rounds.counts import round_counts

blueprint = Blueprint(
    "api_rounds", __name__, url_prefix="/api/v1", description="Rounds and their response counts."
)


def _shown(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "project_id": round_.project_id,
        "label": round_.label,
        "opens_at": round_.opens_at,
        "closes_at": round_.closes_at,
        "status": round_.status,
        "instruments": {
            link.respondent_type: {
                "instrument": link.instrument_version.instrument_key,
                "version": link.instrument_version.version,
                "content_hash": link.instrument_version.content_hash,
            }
            for link in round_.instruments
        },
    }


@blueprint.route("/projects/<int:project_id>/rounds", methods=["GET"])
@token_required(*READERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.RoundOut(many=True))
def list_rounds(project_id: int) -> list[dict[str, Any]]:
    return [_shown(round_) for round_ in project_or_404(project_id).rounds]


@blueprint.route("/projects/<int:project_id>/rounds", methods=["POST"])
@token_required(*WRITERS)
@blueprint.doc(security=SECURITY)
@blueprint.arguments(schemas.RoundIn)
@blueprint.response(201, schemas.RoundOut)
def post_round(data: dict[str, Any], project_id: int) -> dict[str, Any]:
    """Plan a round; it opens and closes by itself at its times."""
    project = project_or_404(project_id)
    choices = instrument_choices()
    unknown = {
        kind: ["unknown instrument version for this respondent type"]
        for kind, value in data["instruments"].items()
        if value not in choices[kind]
    }
    if unknown or not data["instruments"]:
        abort(422, messages={"json": {"instruments": unknown or ["choose at least one"]}})
    try:
        round_ = create_round(db_session(), current_user(), project, **data)
    except FieldError as error:
        abort(422, messages={"json": error.messages})
        raise
    return _shown(round_)


@blueprint.route("/rounds/<int:round_id>", methods=["GET"])
@token_required(*READERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.RoundOut)
def get_round(round_id: int) -> dict[str, Any]:
    return _shown(round_or_404(round_id))


@blueprint.route("/rounds/<int:round_id>/open", methods=["POST"])
@token_required(*WRITERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.RoundOut)
@blueprint.alt_response(
    409,
    schema=schemas.ErrorOut,
    description="The round is closed, has no instrument, or its closing time has passed.",
)
def open_round(round_id: int) -> dict[str, Any]:
    """Open the round now (its instrument versions are fixed from then on)."""
    round_ = round_or_404(round_id)
    now = clock.utcnow()
    try:
        lifecycle.open_round(
            db_session(), round_, current_app.config["SECRET_KEY"], now, current_user()
        )
    except lifecycle.LifecycleError as error:
        abort(409, message=str(error))
    return _shown(round_)


@blueprint.route("/rounds/<int:round_id>/close", methods=["POST"])
@token_required(*WRITERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.RoundOut)
@blueprint.alt_response(
    409, schema=schemas.ErrorOut, description="Only an open round can be closed."
)
def close_round(round_id: int) -> dict[str, Any]:
    """Close the round now; unsubmitted link answers are discarded."""
    round_ = round_or_404(round_id)
    try:
        lifecycle.close_round(db_session(), round_, clock.utcnow(), current_user())
    except lifecycle.LifecycleError as error:
        abort(409, message=str(error))
    return _shown(round_)


@blueprint.route("/rounds/<int:round_id>/response-counts", methods=["GET"])
@token_required(*READERS)
@blueprint.doc(security=SECURITY)
@blueprint.response(200, schemas.ResponseCountsOut)
def response_counts(round_id: int) -> dict[str, Any]:
    """How many answered, per school and class, against enrolled and links made (never what)."""
    round_ = round_or_404(round_id)
    user = current_user()
    assert user is not None
    schools = round_counts(db_session(), round_, visible_school_ids(user, round_.project_id))
    return {
        "round_id": round_.id,
        "status": round_.status,
        "schools": [
            {
                "school_id": row.school.id,
                "code": row.school.code,
                "name": row.school.name,
                "pupils": row.pupils,
                "eligible": row.eligible,
                "parents": row.parents,
                "parent_links": row.parent_links,
                "staff": row.staff,
                "staff_links": row.staff_links,
                "classes": [
                    {
                        "group_id": c.group.id,
                        "label": c.group.label,
                        "enrolled": c.enrolled,
                        "opted_out": c.opted_out,
                        "pupils": c.pupils,
                        "pupils_started": c.pupils_started,
                        "parents": c.parents,
                        "parent_links": c.parent_links,
                    }
                    for c in row.classes
                ],
            }
            for row in schools
        ],
    }
