"""The letters job's pages: its progress, its status for the page's script, and its file.

Only the lead who asked sees any of them; anyone else gets 404 (not even the job's existence).
The progress page shares `job-progress.js` (and its element ids) with the export's page.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from werkzeug import Response

from survey.admin.distribution.letter_jobs import KIND
from survey.admin.view_helpers import acting_user, lead_required
from survey.auth.access import round_or_404
from survey.db import db_session
from survey.jobs.files import job_progress, send_job_file, status_response
from survey.models import BackgroundJob

blueprint = Blueprint("letter_jobs", __name__, url_prefix="/rounds/<int:round_id>/letters")

MEDIA_TYPES = {"pdf": "application/pdf", "zip": "application/zip"}


def _own_job(round_id: int, job_id: int) -> BackgroundJob:
    round_or_404(round_id)
    job = db_session().get(BackgroundJob, job_id)
    if (
        job is None
        or job.kind != KIND
        or job.user_id != acting_user().id
        or job.params.get("round_id") != round_id
    ):
        abort(404)
    return job


def _status(job: BackgroundJob, round_id: int) -> dict[str, object]:
    return job_progress(job, url_for(".file", round_id=round_id, job_id=job.id))


@blueprint.get("/<int:job_id>")
@lead_required
def page(round_id: int, job_id: int) -> str:
    job = _own_job(round_id, job_id)
    round_ = round_or_404(round_id)
    return render_template(
        "admin/letters_progress.html",
        project=round_.project,
        round=round_,
        job=job,
        status=_status(job, round_id),
    )


@blueprint.get("/<int:job_id>/status")
@lead_required
def status(round_id: int, job_id: int) -> Response:
    return status_response(_status(_own_job(round_id, job_id), round_id))


@blueprint.get("/<int:job_id>/file")
@lead_required
def file(round_id: int, job_id: int) -> Response:
    return send_job_file(_own_job(round_id, job_id), MEDIA_TYPES)
