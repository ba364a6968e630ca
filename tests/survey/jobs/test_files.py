"""The requester's progress and file routes answer alike for every kind of job."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from survey.jobs.files import job_folder, job_progress, send_job_file, status_response
from survey.models import BackgroundJob

MEDIA_TYPES = {"pdf": "application/pdf", "zip": "application/zip"}


def _finished(app, job_id: int, suffix: str = "pdf") -> BackgroundJob:
    name = f"job-{job_id}.{suffix}"
    (job_folder(app) / name).write_bytes(b"%PDF-1.4 finished")
    return BackgroundJob(
        id=job_id, kind="letters", state="done", file_name=name, download_name=f"brev.{suffix}"
    )


def test_the_file_is_sent_as_an_attachment_of_its_suffixs_type_and_not_cached(app) -> None:
    job = _finished(app, 9101)
    with app.test_request_context():
        response = send_job_file(job, MEDIA_TYPES)
    response.direct_passthrough = False
    assert response.status_code == 200 and response.get_data() == b"%PDF-1.4 finished"
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=brev.pdf"
    assert response.headers["Cache-Control"] == "no-store"
    response.close()


@pytest.mark.parametrize("state", ["queued", "running", "failed"])
def test_an_unfinished_jobs_file_is_a_404_even_if_a_file_is_there(app, state) -> None:
    job = _finished(app, 9102)
    job.state = state
    with app.test_request_context(), pytest.raises(NotFound):
        send_job_file(job, MEDIA_TYPES)


def test_a_deleted_file_is_a_404(app) -> None:
    job = _finished(app, 9103, "zip")
    (job_folder(app) / job.file_name).unlink()
    with app.test_request_context(), pytest.raises(NotFound):
        send_job_file(job, MEDIA_TYPES)


def test_the_progress_names_the_file_only_once_it_is_ready(app) -> None:
    job = BackgroundJob(kind="export", state="running", rows_done=2, rows_total=5)
    assert job_progress(job, "/file") == {
        "state": "running",
        "rows_done": 2,
        "rows_total": 5,
        "is_ready": False,
        "download_url": None,
    }
    job.state, job.file_name = "done", "job-1.csv"
    assert job_progress(job, "/file")["download_url"] == "/file"


def test_the_status_is_json_that_no_cache_keeps(app) -> None:
    with app.test_request_context():
        response = status_response({"state": "queued"})
    assert response.get_json() == {"state": "queued"}
    assert response.headers["Cache-Control"] == "no-store"
