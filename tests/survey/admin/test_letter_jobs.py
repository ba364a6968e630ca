"""Letters as a job: queued by the POST, set by a worker, kept for the lead who asked only."""

from __future__ import annotations

import datetime as dt
import json
import re

from sqlalchemy import select

import survey.jobs.queue
from survey.jobs.files import stored_path
from survey.jobs.runner import run_job
from survey.jobs.tasks import delete_expired_files
from survey.models import AuditEvent, BackgroundJob, LinkBatch, utcnow
from tests.round_fixtures import PASSWORD
from tests.survey.admin.letter_download import letters_job_url

TOKEN_FIELD = re.compile(r'name="tokens" value="([^"]+)"')


def _batch(post_form, round_, group) -> dict[str, object]:
    target = f"parent:group:{group.id}"
    data = {"target": target, "count": "3", "language": "nb"}
    page = post_form(f"/admin/rounds/{round_.id}/links", data, follow_redirects=True)
    return {"target": target, "language": "nb", "tokens": TOKEN_FIELD.findall(page.text)}


def test_the_post_queues_a_job_whose_row_holds_no_link_and_whose_page_shows_progress(
    session, as_lead, post_form, open_round, group
) -> None:
    data = _batch(post_form, open_round, group)
    page_url = letters_job_url(post_form, open_round.id, data)
    assert re.fullmatch(rf"/admin/rounds/{open_round.id}/letters/\d+", page_url)
    page = as_lead.get(page_url)
    assert "<progress" in page.text and "Brevene er ferdige" in page.text
    [job] = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "letters")).all()
    assert job.state == "done" and job.rows_done == job.rows_total == 3
    stored = json.dumps(job.params)
    assert not any(token in stored for token in data["tokens"])
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "links.downloaded")
    ).all()
    assert [(event.details["count"], event.details["format"]) for event in events] == [(3, "pdf")]


def test_another_lead_of_the_project_gets_404_for_the_page_status_and_file(
    app, session, as_lead, post_form, open_round, group, project
) -> None:
    from survey.accounts.operations import create_user

    data = _batch(post_form, open_round, group)
    page_url = letters_job_url(post_form, open_round.id, data)
    own = as_lead.get(f"{page_url}/file")
    assert own.status_code == 200
    own.close()
    create_user(session, "annen@skole.no", "project_lead", PASSWORD, projects=[project])
    other = app.test_client()
    with other.session_transaction() as browser_session:
        browser_session["csrf"] = "other-csrf"
    login = {"csrf_token": "other-csrf", "email": "annen@skole.no", "password": PASSWORD}
    assert other.post("/login/", data=login).status_code == 302
    for suffix in ("", "/status", "/file"):
        assert other.get(f"{page_url}{suffix}").status_code == 404


def test_a_double_post_joins_the_first_unfinished_job(
    session, as_lead, post_form, open_round, group, monkeypatch
) -> None:
    monkeypatch.setattr(survey.jobs.queue, "dispatch", lambda app, job_id: None)  # no worker
    data = _batch(post_form, open_round, group)
    first = letters_job_url(post_form, open_round.id, data)
    second = letters_job_url(post_form, open_round.id, data)
    assert first == second
    jobs = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "letters")).all()
    assert [job.state for job in jobs] == ["queued"]
    reply = as_lead.get(f"{first}/status")
    assert reply.headers["Cache-Control"] == "no-store"
    status = reply.get_json()
    assert status == {
        "state": "queued",
        "rows_done": 0,
        "rows_total": 3,
        "is_ready": False,
        "download_url": None,
    }


def test_a_waiting_jobs_page_updates_itself_with_or_without_javascript(
    as_lead, post_form, open_round, group, monkeypatch
) -> None:
    monkeypatch.setattr(survey.jobs.queue, "dispatch", lambda app, job_id: None)  # no worker
    page = as_lead.get(
        letters_job_url(post_form, open_round.id, _batch(post_form, open_round, group))
    )
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.text
    assert "/static/job-progress." in page.text and "/static/admin." in page.text


def test_part_of_a_batch_is_refused_with_422(as_lead, post_form, open_round, group) -> None:
    data = _batch(post_form, open_round, group)
    data["tokens"] = data["tokens"][:2]
    assert post_form(f"/admin/rounds/{open_round.id}/letters.pdf", data).status_code == 422


def test_the_file_is_deleted_by_the_retention_job_after_its_time(
    app, session, as_lead, post_form, open_round, group
) -> None:
    data = _batch(post_form, open_round, group)
    page_url = letters_job_url(post_form, open_round.id, data)
    job = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "letters")).one()
    path = stored_path(app, job.file_name)
    assert path.exists() and path.stat().st_mode & 0o077 == 0
    job.expires_at = utcnow() - dt.timedelta(minutes=1)
    session.flush()
    assert delete_expired_files(app) == 1
    assert not path.exists()
    assert as_lead.get(f"{page_url}/file").status_code == 404


def test_a_batch_voided_before_the_worker_runs_fails_the_job_and_prints_nothing(
    app, session, as_lead, post_form, open_round, group, monkeypatch
) -> None:
    monkeypatch.setattr(survey.jobs.queue, "dispatch", lambda app, job_id: None)  # no worker
    data = _batch(post_form, open_round, group)
    page_url = letters_job_url(post_form, open_round.id, data)
    job = session.scalars(select(BackgroundJob).where(BackgroundJob.kind == "letters")).one()
    batch = session.get(LinkBatch, job.params["batch_id"])
    batch.sealed_tokens = None  # what voiding or closing the round does to the seal
    session.flush()
    run_job(app, job.id)
    session.refresh(job)
    assert job.state == "failed" and job.file_name is None
    page = as_lead.get(page_url)
    assert "Brevene kunne ikke lages" in page.text
