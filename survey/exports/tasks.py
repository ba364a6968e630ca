"""The export job: write the file into the job folder, audit it, keep it for a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from survey.exports.operations import request_of
from survey.exports.package import export_file_name, run_export
from survey.jobs import files
from survey.jobs.runner import Progress
from survey.models import BackgroundJob, Project, User, utcnow


def run_export_job(session: Session, job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """Idempotent: a retried attempt writes its own file and replaces the earlier one, and its
    audit row commits with the job's `done`, so a killed attempt leaves neither."""
    app = current_app._get_current_object()
    request, fmt = request_of(job)
    user = session.get(User, job.user_id) if job.user_id is not None else None
    project = session.get(Project, request.project_id)
    if project is None:
        raise LookupError(f"project {request.project_id} is gone")
    partial = files.partial_path(app, job.id, job.attempt, fmt)
    result = run_export(session, request, fmt, partial, user=user, progress=progress, job_id=job.id)
    hours = current_app.config["JOBS_FILE_HOURS"]
    return {
        "file_name": files.keep(app, job.id, partial, fmt),
        "download_name": export_file_name(project, fmt, result.created_on),
        "expires_at": utcnow() + dt.timedelta(hours=hours),
        "rows_done": result.responses,
        "rows_total": result.responses,
    }
