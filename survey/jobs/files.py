"""Where finished job files (exports, letters) are kept: a folder only the service can read;
and how the requester's progress and file routes answer (`job_progress`, `status_response`,
`send_job_file`), the same for every kind.

Exported data are the most sensitive thing on the disk. The folder is 0700 and each file 0600,
owned by the service's user; its files have random-free names (the job id) that are never
shown, and they are served only to the user who asked (see the exports views). Several hosts
must share this folder (set the instance folder on shared storage) for any web process to
serve a file a worker wrote.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, abort, current_app, jsonify, send_file
from werkzeug import Response

if TYPE_CHECKING:
    from survey.models import BackgroundJob


def job_folder(app: Flask) -> Path:
    folder = Path(app.instance_path) / "job-files"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def partial_path(app: Flask, job_id: int, attempt: int, suffix: str) -> Path:
    """Where an attempt writes; renamed into place when complete, so no half file is served."""
    return job_folder(app) / f"job-{job_id}-attempt-{attempt}.{suffix}.partial"


def keep(app: Flask, job_id: int, partial: Path, suffix: str) -> str:
    """Move a complete file into place (replacing an earlier attempt's); its stored name."""
    name = f"job-{job_id}.{suffix}"
    partial.chmod(0o600)
    os.replace(partial, job_folder(app) / name)
    for stale in job_folder(app).glob(f"job-{job_id}-attempt-*.partial"):
        stale.unlink(missing_ok=True)
    return name


def stored_path(app: Flask, file_name: str) -> Path:
    return job_folder(app) / file_name


def job_progress(job: BackgroundJob, download_url: str) -> dict[str, object]:
    """What a progress page and its script show; the file's address only once it is ready."""
    is_ready = job.state == "done" and job.file_name is not None
    return {
        "state": job.state,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "is_ready": is_ready,
        "download_url": download_url if is_ready else None,
    }


def status_response(payload: Mapping[str, object]) -> Response:
    """A progress payload as JSON that no cache keeps (it changes every second)."""
    response = jsonify(dict(payload))
    response.headers["Cache-Control"] = "no-store"
    return response


def send_job_file(job: BackgroundJob, media_types: Mapping[str, str]) -> Response:
    """The finished file of a job the caller has checked is the requester's; else 404.

    `media_types` maps the stored file's suffix (its format) to its media type.
    """
    if job.state != "done" or job.file_name is None:
        abort(404)
    path = stored_path(current_app._get_current_object(), job.file_name)
    if not path.exists():
        abort(404)
    response = send_file(
        path,
        mimetype=media_types[path.suffix.lstrip(".")],
        as_attachment=True,
        download_name=job.download_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
