"""The download page: evaluators and leads export, others cannot; free text needs a right."""

from __future__ import annotations

import io
import zipfile

import pytest

from survey.accounts.operations import create_user
from survey.jobs.files import stored_path
from survey.jobs.queue import enqueue
from survey.models import BackgroundJob
from tests.survey.exports.conftest import audit_events

PASSWORD = "a-long-enough-password"


@pytest.fixture
def log_in(client, session):
    def log_in(role, project, can_export_free_text=False, schools=()):
        user = create_user(
            session,
            f"{role}@skole.no",
            role,
            PASSWORD,
            [project] if role != "school_contact" else [],
            schools,
        )
        user.can_export_free_text = can_export_free_text
        session.flush()
        with client.session_transaction() as browser:
            browser["user_id"] = user.id
        return user

    return log_in


def _url(project) -> str:
    return f"/staff/projects/{project.id}/export/"


def test_an_evaluator_sees_the_download_page_with_rounds(client, small_project, log_in) -> None:
    log_in("evaluator", small_project)
    page = client.get(_url(small_project))
    assert page.status_code == 200
    assert "Høst 2026" in page.text and 'name="free_text"' not in page.text


def test_an_evaluator_downloads_the_package_and_it_is_logged(
    client, post_form, small_project, log_in, session
) -> None:
    user = log_in("evaluator", small_project)
    reply = post_form(_url(small_project), {"format": "zip", "respondent_types": "pupil"})
    assert reply.status_code == 303, "the export is a job; the answer is its progress page"
    page = client.get(reply.headers["Location"])
    assert "<progress" in page.text and "Eksporten er ferdig" in page.text
    assert 'http-equiv="refresh"' not in page.text and "/static/job-progress." not in page.text
    status = client.get(reply.headers["Location"] + "/status").get_json()
    assert status["state"] == "done" and status["rows_done"] == status["rows_total"] > 0
    download = client.get(status["download_url"])
    assert download.headers["Content-Disposition"].startswith("attachment; filename=trivsel-prosj")
    body = download.data
    download.close()
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        assert "data_wide.sav" in zf.namelist()
    [event] = audit_events(session, small_project)
    assert (event.user_id, event.details["via"], event.details["format"]) == (user.id, "web", "zip")


def test_only_the_requester_sees_the_export_and_its_file(
    app, client, post_form, small_project, log_in
) -> None:
    log_in("evaluator", small_project)
    job_url = post_form(_url(small_project), {"format": "csv"}).headers["Location"]
    file_url = client.get(job_url + "/status").get_json()["download_url"]
    download = client.get(file_url)
    assert download.status_code == 200
    download.close()
    with client.session_transaction() as browser:  # a colleague on the same project
        browser.clear()
    log_in("project_lead", small_project)
    for url in (job_url, job_url + "/status", file_url):
        assert client.get(url).status_code == 404, url


def test_the_status_and_the_file_are_not_cached_and_the_file_has_its_formats_type(
    client, post_form, small_project, log_in
) -> None:
    log_in("evaluator", small_project)
    job_url = post_form(_url(small_project), {"format": "csv"}).headers["Location"]
    status = client.get(job_url + "/status")
    assert status.headers["Cache-Control"] == "no-store"
    download = client.get(status.get_json()["download_url"])
    assert download.headers["Cache-Control"] == "no-store"
    assert download.mimetype == "text/csv"
    download.close()


def test_the_export_file_is_readable_by_the_service_only(
    app, client, post_form, small_project, log_in, session
) -> None:
    log_in("evaluator", small_project)
    job_url = post_form(_url(small_project), {"format": "csv"}).headers["Location"]
    job = session.get(BackgroundJob, int(job_url.rsplit("/", 1)[1]))
    session.refresh(job)
    path = stored_path(app, job.file_name)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_school_contact_may_not_export_raw_data(client, post_form, small_project, log_in) -> None:
    log_in("school_contact", small_project, schools=[small_project.schools[0]])
    assert client.get(_url(small_project)).status_code == 403
    assert post_form(_url(small_project), {"format": "csv"}).status_code == 403


def test_free_text_is_refused_without_the_right(post_form, small_project, log_in, session) -> None:
    log_in("project_lead", small_project)
    reply = post_form(_url(small_project), {"format": "zip", "free_text": "on"})
    assert reply.status_code == 422
    assert "rett til å eksportere fritekst" in reply.text
    assert audit_events(session, small_project) == []


def test_free_text_is_offered_to_a_user_with_the_right(client, small_project, log_in) -> None:
    log_in("evaluator", small_project, can_export_free_text=True)
    page = client.get(_url(small_project))
    assert 'name="free_text"' in page.text and "personopplysninger" in page.text


def test_an_unknown_format_gives_the_form_again(post_form, small_project, log_in) -> None:
    log_in("evaluator", small_project)
    reply = post_form(_url(small_project), {"format": "exe"})
    assert reply.status_code == 422
    assert "Eksporten ble ikke laget" in reply.text


def test_another_projects_evaluator_gets_a_404(client, small_project, make_project, log_in) -> None:
    log_in("evaluator", make_project())
    assert client.get(_url(small_project)).status_code == 404


def test_a_second_export_while_the_first_waits_gets_a_message(
    app, post_form, small_project, log_in, session
) -> None:
    user = log_in("evaluator", small_project)
    with app.test_request_context():
        first = enqueue(session, "export", project_id=small_project.id, user_id=user.id)
    session.info.clear()  # recorded, not handed to the queue: it waits
    reply = post_form(_url(small_project), {"format": "csv", "respondent_types": "pupil"})
    assert reply.status_code == 429
    assert "allerede en eksport" in reply.text
    assert audit_events(session, small_project) == []
    first.state = "done"
    session.flush()
    again = post_form(_url(small_project), {"format": "csv", "respondent_types": "pupil"})
    assert again.status_code == 303, "a new export may start once the first is done"


def test_english_labels_chosen_on_the_form_reach_the_file(
    client, post_form, small_project, log_in
) -> None:
    log_in("evaluator", small_project)
    files = {}
    for choice in ({}, {"english_labels": "on"}):
        fields = {"format": "csv", "respondent_types": "pupil", **choice}
        reply = post_form(_url(small_project), fields)
        status = client.get(reply.headers["Location"] + "/status").get_json()
        download = client.get(status["download_url"])
        files[bool(choice)] = download.data.decode()
        download.close()
    assert "elev" in files[False] and ",pupil," not in files[False]
    assert ",pupil," in files[True]
