"""The tablet's JSON calls: save one answer, submit the response. Session + CSRF header, and a
class token bound to the session that typed the class code (`survey.pupil.tablet`).

Both are idempotent (keyed by the tablet's response id and the item), so the tablet may retry
a queued call as often as the network makes it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import current_app
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from survey.clock import today_in_norway
from survey.db import db_session, take_write_lock
from survey.models import Project, Round
from survey.panel import cards
from survey.panel import operations as panel
from survey.pupil import operations, queries, tablet
from survey.pupil.schemas import (
    AnswerBody,
    AnswerPath,
    ResponsePath,
    SavedAnswer,
    SubmitBody,
    SubmittedResponse,
)
from survey.responses.operations import AnswerError

blueprint = Blueprint(
    "pupil_api",
    __name__,
    url_prefix="/api/v1/pupil",
    description="The pupil tablet saves each answer as it is given, then submits once.",
)


def _access_id(body: dict[str, Any]) -> int:
    """The class of a token this session was given; a token from elsewhere, or one whose
    tablet session has expired, saves nothing."""
    access_id = tablet.access_id_from_token(current_app.config["SECRET_KEY"], body["class_token"])
    if access_id is None:
        _unprocessable("class_token", "The class token is not this tablet's, or it expired.")
    return access_id


def _class_of(body: dict[str, Any]) -> queries.SavingClass:
    found = queries.saving_class(db_session(), _access_id(body))
    if found is None:
        _unprocessable("class_token", "The class is unknown or its round is not open.")
    return found


def _unprocessable(field: str, message: str) -> NoReturn:
    abort(422, messages={"json": {field: [message]}})


@blueprint.route("/responses/<client_id>/answers/<item_id>", methods=["PUT"])
@blueprint.arguments(AnswerPath(), location="path")
@blueprint.arguments(AnswerBody())
@blueprint.response(200, SavedAnswer())
def save_answer(
    path: dict[str, str], body: dict[str, Any], client_id: str, item_id: str
) -> dict[str, Any]:
    """Save or replace the answer to one item (the same call twice stores it once)."""
    session = db_session()
    take_write_lock(session)
    answer = {"value": body["value"], "text": body["text"], "declined": body["declined"]}
    try:
        operations.save_tablet_answer(
            session,
            _access_id(body),
            path["client_id"],
            body["language"],
            path["item_id"],
            **answer,
        )
    except AnswerError as error:
        _unprocessable(error.field, str(error))
    return {"client_id": path["client_id"], "item_id": path["item_id"], "saved": True}


@blueprint.route("/responses/<client_id>/submit", methods=["POST"])
@blueprint.arguments(ResponsePath(), location="path")
@blueprint.arguments(SubmitBody())
@blueprint.response(200, SubmittedResponse())
def submit(path: dict[str, str], body: dict[str, Any], client_id: str) -> dict[str, Any]:
    """Submit the response: its day of completion is kept, never the time. In a panel
    project the card code comes along, and links the response if the card was issued."""
    session = db_session()
    take_write_lock(session)
    pupil_class = _class_of(body)
    member_id = _panel_member(pupil_class, body.get("card"))
    try:
        response = operations.submit_pupil_response(
            session, pupil_class, path["client_id"], body["language"], today_in_norway()
        )
    except AnswerError as error:
        _unprocessable(error.field, str(error))
    panel.link_response(session, response.client_id, member_id)
    return {"client_id": path["client_id"], "status": response.status}


def _panel_member(pupil_class: queries.SavingClass, typed: str | None) -> int | None:
    """The member of an issued card, or None; only a malformed card is refused. A card
    outside panel mode is ignored."""
    if typed is None:
        return None
    project_id, is_panel = (
        db_session()
        .execute(
            select(Round.project_id, Project.is_panel)
            .join(Project, Project.id == Round.project_id)
            .where(Round.id == pupil_class.respondent.round_id)
        )
        .one()
    )
    if not is_panel:
        return None
    if not cards.is_well_formed(typed):
        _unprocessable("card", "The card code is not well formed (its check character).")
    return panel.member_for_card(db_session(), project_id, typed)


@blueprint.after_request
def never_cache(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"
    return response
