"""Letters are a job: post the batch, follow to the progress page, download the file."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def letters_job_url(post_form, round_id: int, data: dict[str, object]) -> str:
    started = post_form(f"/admin/rounds/{round_id}/letters.pdf", data)
    assert started.status_code == 303, started.status_code
    return started.headers["Location"]


def download_letters(
    client: FlaskClient, post_form, round_id: int, data: dict[str, object]
) -> TestResponse:
    """The finished letters file (the tests run each job at once, JOBS_IMMEDIATE)."""
    page = letters_job_url(post_form, round_id, data)
    status = client.get(f"{page}/status").get_json()
    assert status["is_ready"], status
    assert status["rows_done"] == status["rows_total"] == len(data["tokens"])
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    download.get_data()  # read (and keep) the body, then let go of the file
    download.close()
    return download
