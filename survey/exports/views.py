"""The download page for evaluators and project leads: choose rounds and respondent types,
get the export. School contacts may not export raw data; free text needs its own right."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Blueprint, Response, render_template, request, send_file
from flask_babel import gettext as _
from marshmallow import ValidationError

from survey.auth.access import current_user, project_or_404, roles_required
from survey.db import db_session
from survey.exports.concurrency import export_slot
from survey.exports.package import FORMATS, MEDIA_TYPES, export_file_name, run_export
from survey.exports.plan import ExportRequest
from survey.exports.schemas import ExportFormSchema
from survey.models import RESPONDENT_TYPES, Project

blueprint = Blueprint("exports", __name__, url_prefix="/staff/projects/<int:project_id>/export")

EXPORT_ROLES = ("evaluator", "project_lead")


def _page(project: Project, values: dict, errors: dict, status: int = 200) -> tuple[str, int]:
    user = current_user()
    return (
        render_template(
            "exports/download.html",
            project=project,
            formats=FORMATS,
            respondent_types=RESPONDENT_TYPES,
            may_export_free_text=bool(user and user.can_export_free_text),
            values=values,
            errors=errors,
        ),
        status,
    )


@blueprint.get("/")
@roles_required(*EXPORT_ROLES)
def form(project_id: int) -> tuple[str, int]:
    return _page(project_or_404(project_id), {"format": "zip"}, {})


@blueprint.post("/")
@roles_required(*EXPORT_ROLES)
def download(project_id: int) -> Response | tuple[str, int]:
    project = project_or_404(project_id)
    user = current_user()
    assert user is not None
    raw = {
        "format": request.form.get("format", ""),
        "rounds": request.form.getlist("rounds"),
        "respondent_types": request.form.getlist("respondent_types"),
        # A ticked box sends "on"; the schema refuses any other word.
        "school_codes_only": request.form.get("school_codes_only", False),
        "free_text": request.form.get("free_text", False),
        "english_labels": request.form.get("english_labels", False),
    }
    try:
        choice = ExportFormSchema().load(raw)
    except ValidationError as error:
        return _page(project, raw, error.normalized_messages(), 422)
    if choice["free_text"] and not user.can_export_free_text:
        errors = {"free_text": [_("Du har ikke rett til å eksportere fritekst.")]}
        return _page(project, raw, errors, 422)
    known_rounds = {r.id for r in project.rounds}
    if not set(choice["rounds"]) <= known_rounds:
        return _page(project, raw, {"rounds": [_("Ukjent runde.")]}, 422)
    export_request = ExportRequest(
        project_id=project.id,
        round_ids=tuple(choice["rounds"]),
        respondent_types=tuple(choice["respondent_types"]),
        school_codes_only=choice["school_codes_only"],
        include_free_text=choice["free_text"],
        label_language="en" if choice["english_labels"] else "nb",
    )
    fmt = choice["format"]
    handle, name = tempfile.mkstemp(prefix="trivsel-export-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    with export_slot(user.id) as is_mine:
        if not is_mine:
            path.unlink(missing_ok=True)
            busy = _("Du har allerede en eksport som lages. Vent til den er ferdig, og prøv igjen.")
            return _page(project, raw, {"_schema": [busy]}, 429)
        result = run_export(db_session(), export_request, fmt, path, user=user)
    response = send_file(
        path,
        mimetype=MEDIA_TYPES[fmt],
        as_attachment=True,
        download_name=export_file_name(project, fmt, result.created_on),
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    response.call_on_close(lambda: path.unlink(missing_ok=True))
    return response
