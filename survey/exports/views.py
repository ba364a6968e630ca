"""The download page for evaluators and project leads: choose rounds and respondent types,
get the export. School contacts may not export raw data; free text needs its own right."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from marshmallow import ValidationError

from survey.auth.access import current_user, project_or_404, roles_required
from survey.db import db_session
from survey.exports.operations import ExportBusyError, request_export
from survey.exports.package import FORMATS, MEDIA_TYPES
from survey.exports.plan import ExportRequest
from survey.exports.schemas import ExportFormSchema
from survey.jobs.files import job_progress, send_job_file, status_response
from survey.models import RESPONDENT_TYPES, BackgroundJob, Project

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
    """Queue the export and go to its progress page; the file is written by a worker."""
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
    try:
        job = request_export(db_session(), user, export_request, choice["format"])
    except ExportBusyError:
        busy = _("Du har allerede en eksport som lages. Vent til den er ferdig, og prøv igjen.")
        return _page(project, raw, {"_schema": [busy]}, 429)
    return redirect(url_for("exports.job_page", project_id=project.id, job_id=job.id), 303)


def _own_job(project_id: int, job_id: int) -> BackgroundJob:
    """The user's own export job; anyone else's, or none, is a 404 (not even its existence)."""
    project_or_404(project_id)
    user = current_user()
    job = db_session().get(BackgroundJob, job_id)
    if (
        job is None
        or user is None
        or job.kind != "export"
        or job.project_id != project_id
        or job.user_id != user.id
    ):
        abort(404)
    return job


def _status(job: BackgroundJob) -> dict[str, object]:
    return job_progress(job, url_for("exports.job_file", project_id=job.project_id, job_id=job.id))


@blueprint.get("/jobs/<int:job_id>")
@roles_required(*EXPORT_ROLES)
def job_page(project_id: int, job_id: int) -> str:
    job = _own_job(project_id, job_id)
    return render_template(
        "exports/progress.html", project=project_or_404(project_id), job=job, status=_status(job)
    )


@blueprint.get("/jobs/<int:job_id>/status")
@roles_required(*EXPORT_ROLES)
def job_status(project_id: int, job_id: int) -> Response:
    return status_response(_status(_own_job(project_id, job_id)))


@blueprint.get("/jobs/<int:job_id>/file")
@roles_required(*EXPORT_ROLES)
def job_file(project_id: int, job_id: int) -> Response:
    return send_job_file(_own_job(project_id, job_id), MEDIA_TYPES)
