"""Where finished job files (exports, letters) are kept: a folder only the service can read.

Exported data are the most sensitive thing on the disk. The folder is 0700 and each file 0600,
owned by the service's user; its files have random-free names (the job id) that are never
shown, and they are served only to the user who asked (see the exports views). Several hosts
must share this folder (set the instance folder on shared storage) for any web process to
serve a file a worker wrote.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask


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
