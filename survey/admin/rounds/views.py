"""Round pages: plan a round, see it, open it by hand, move its closing time, close it, and
correct or reopen a closed one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response

from survey import clock
from survey.admin.errors import FieldError
from survey.admin.forms import to_local_input
from survey.admin.rounds import operations
from survey.admin.rounds.schemas import (
    ClosedRoundForm,
    CloseTimeForm,
    ReopenForm,
    RoundForm,
    instrument_choices,
    instrument_field,
)
from survey.admin.view_helpers import acting_user, form_page, lead_required, read_form
from survey.auth.access import project_or_404, roles_required, round_or_404
from survey.db import db_session
from survey.models import RESPONDENT_TYPES, Project, Round
from survey.rounds import lifecycle

blueprint = Blueprint("rounds", __name__)

FORM = "admin/round_form.html"
CLOSED_FORM = "admin/round_closed_form.html"
#: Reopening a closed round changes published figures: for admins only.
admin_required = roles_required()


def _now() -> dt.datetime:
    return clock.utcnow()


def _context(project: Project, round_: Round | None = None) -> dict[str, Any]:
    return {"project": project, "round": round_, "choices": instrument_choices()}


def _instruments(data: dict[str, Any]) -> dict[str, str | None]:
    return {kind: data.pop(instrument_field(kind)) for kind in RESPONDENT_TYPES}


@blueprint.get("/projects/<int:project_id>/rounds/new")
@lead_required
def new(project_id: int) -> tuple[str, int]:
    project = project_or_404(project_id)
    values = {
        instrument_field(kind): next(iter(options), None)
        for kind, options in instrument_choices().items()
    }
    return form_page(FORM, values=values, **_context(project))


@blueprint.post("/projects/<int:project_id>/rounds/new")
@lead_required
def create(project_id: int) -> tuple[str, int] | Response:
    project = project_or_404(project_id)
    data, errors, raw = read_form(RoundForm(), request.form)
    try:
        if data is None:
            return form_page(FORM, 422, values=raw, errors=errors, **_context(project))
        instruments = _instruments(data)
        round_ = operations.create_round(
            db_session(), acting_user(), project, instruments=instruments, **data
        )
    except FieldError as error:
        return form_page(FORM, 422, values=raw, errors=error.messages, **_context(project))
    flash(_("Runden er opprettet."), "success")
    return redirect(url_for("admin.rounds.show", round_id=round_.id))


@blueprint.get("/rounds/<int:round_id>/")
@lead_required
def show(round_id: int) -> str:
    round_ = round_or_404(round_id)
    return render_template(
        "admin/round.html", project=round_.project, round=round_, values={}, errors={}
    )


@blueprint.get("/rounds/<int:round_id>/edit")
@lead_required
def edit(round_id: int) -> tuple[str, int]:
    round_ = round_or_404(round_id)
    if round_.status == "closed":
        return _closed_form(round_)
    values: dict[str, Any] = {
        "label": round_.label,
        "opens_at": to_local_input(round_.opens_at),
        "closes_at": to_local_input(round_.closes_at),
    }
    for kind in RESPONDENT_TYPES:
        version = round_.instrument_for(kind)
        values[instrument_field(kind)] = (
            f"{version.instrument_key}:{version.version}" if version else ""
        )
    return form_page(FORM, values=values, **_context(round_.project, round_))


@blueprint.post("/rounds/<int:round_id>/edit")
@lead_required
def update(round_id: int) -> tuple[str, int] | Response:
    round_ = round_or_404(round_id)
    if round_.status == "closed":
        return _correct(round_)
    context = _context(round_.project, round_)
    schema = CloseTimeForm() if round_.status == "open" else RoundForm()
    data, errors, raw = read_form(schema, request.form)
    try:
        if data is None:
            return form_page(FORM, 422, values=raw, errors=errors, **context)
        if round_.status == "open":
            operations.move_closing_time(
                db_session(), acting_user(), round_, data["closes_at"], _now()
            )
        else:
            instruments = _instruments(data)
            operations.update_planned_round(
                db_session(), acting_user(), round_, instruments=instruments, **data
            )
    except FieldError as error:
        return form_page(FORM, 422, values=raw, errors=error.messages, **context)
    flash(_("Endringene er lagret."), "success")
    return redirect(url_for("admin.rounds.show", round_id=round_.id))


@blueprint.post("/rounds/<int:round_id>/open")
@lead_required
def open_now(round_id: int) -> tuple[str, int] | Response:
    round_ = round_or_404(round_id)
    try:
        lifecycle.open_round(
            db_session(), round_, current_app.config["SECRET_KEY"], _now(), acting_user()
        )
    except lifecycle.LifecycleError as error:
        return _refused(round_, error)
    flash(_("Runden er åpnet."), "success")
    return redirect(url_for("admin.rounds.show", round_id=round_.id))


@blueprint.get("/rounds/<int:round_id>/close")
@lead_required
def confirm_close(round_id: int) -> str:
    round_ = round_or_404(round_id)
    return render_template("admin/round_close.html", project=round_.project, round=round_)


@blueprint.post("/rounds/<int:round_id>/close")
@lead_required
def close_now(round_id: int) -> tuple[str, int] | Response:
    round_ = round_or_404(round_id)
    try:
        lifecycle.close_round(db_session(), round_, _now(), acting_user())
    except lifecycle.LifecycleError as error:
        return _refused(round_, error)
    flash(_("Runden er lukket."), "success")
    return redirect(url_for("admin.rounds.show", round_id=round_.id))


def _closed_form(round_: Round, status: int = 200, **context: Any) -> tuple[str, int]:
    values = {
        "label": round_.label,
        "opens_at": to_local_input(round_.opens_at),
        "closes_at": to_local_input(round_.closes_at),
    }
    context.setdefault("values", values)
    context.setdefault("reopen_values", {})
    context.setdefault("reopen_errors", {})
    return form_page(CLOSED_FORM, status, project=round_.project, round=round_, **context)


def _correct(round_: Round) -> tuple[str, int] | Response:
    data, errors, raw = read_form(ClosedRoundForm(), request.form)
    try:
        if data is None:
            return _closed_form(round_, 422, values=raw, errors=errors)
        operations.correct_closed_round(db_session(), acting_user(), round_, now=_now(), **data)
    except FieldError as error:
        return _closed_form(round_, 422, values=raw, errors=error.messages)
    flash(_("Rettelsene er lagret. Resultatene regnes ut på nytt."), "success")
    return redirect(url_for("admin.rounds.show", round_id=round_.id), 303)


@blueprint.post("/rounds/<int:round_id>/reopen")
@admin_required
def reopen(round_id: int) -> tuple[str, int] | Response:
    round_ = round_or_404(round_id)
    data, errors, raw = read_form(ReopenForm(), request.form)
    if data is None:
        return _closed_form(round_, 422, reopen_values=raw, reopen_errors=errors)
    try:
        operations.reopen_closed_round(
            db_session(), acting_user(), round_, data["reopen_closes_at"], _now()
        )
    except lifecycle.LifecycleError as error:
        message = {"reopen_closes_at": [_lifecycle_message(error.reason)]}
        return _closed_form(round_, 422, reopen_values=raw, reopen_errors=message)
    flash(_("Runden er åpnet igjen."), "success")
    return redirect(url_for("admin.rounds.show", round_id=round_.id), 303)


def _refused(round_: Round, error: lifecycle.LifecycleError) -> tuple[str, int]:
    """The round's page again, saying why it could not be opened or closed."""
    page = render_template(
        "admin/round.html",
        project=round_.project,
        round=round_,
        lifecycle_error=_lifecycle_message(error.reason),
    )
    return page, 422


def _lifecycle_message(reason: str) -> str:
    """The lifecycle's reason in the reader's language."""
    messages = {
        "no_instrument": _("Velg minst ett spørreskjema før runden åpnes."),
        "window_passed": _("Lukketiden er passert. Flytt den før du åpner runden."),
        "closes_in_past": _("Velg et tidspunkt fram i tid."),
        "closed": _("En lukket runde kan ikke åpnes igjen."),
        "not_open": _("Bare en åpen runde kan lukkes."),
        "not_closed": _("Bare en lukket runde kan åpnes igjen."),
    }
    return messages.get(reason, _("Runden kan ikke endres nå."))
