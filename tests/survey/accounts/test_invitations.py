"""Admins and project leads invite users, who set their own password from a one-time link."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from survey.models import AuditEvent, PasswordToken, User
from tests.survey.accounts.conftest import link_in, post

NEW_PASSWORD = "ny og lang nok"


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_invited_lead_sets_a_password_from_the_mail_and_logs_in(
    app, session, admin, project, log_in, mails
) -> None:
    client = log_in(admin)
    page = post(
        client,
        "/admin/users/new",
        {"email": "Ny.Leder@kommune.no", "role": "project_lead", "projects": str(project.id)},
    )
    assert page.status_code == 302
    [mail] = mails()
    assert "ny.leder@kommune.no" in mail
    link = link_in(mail)
    stranger = app.test_client()
    assert stranger.get(link).status_code == 200
    with stranger.session_transaction() as browser_session:
        browser_session["csrf"] = "test-csrf-token"
    saved = post(stranger, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert saved.status_code == 302
    user = session.scalar(select(User).filter_by(email="ny.leder@kommune.no"))
    assert [p.id for p in user.projects] == [project.id]
    log_in(user, NEW_PASSWORD)
    assert {"user.invited", "user.password_set_by_invite_link"} <= set(_actions(session))


def test_an_invitation_link_works_once(app, admin, project, log_in, mails) -> None:
    client = log_in(admin)
    post(
        client, "/admin/users/new", {"email": "e@x.no", "role": "evaluator", "projects": project.id}
    )
    link = link_in(mails()[0])
    post(client, "/login/logout")
    with client.session_transaction() as browser_session:
        browser_session["csrf"] = "test-csrf-token"
    assert (
        post(client, link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}).status_code
        == 302
    )
    again = post(client, link, {"password": "noe helt annet", "password_again": "noe helt annet"})
    assert again.status_code == 404
    assert client.get(link).status_code == 404


def test_an_expired_link_is_refused(app, session, admin, project, log_in, mails) -> None:
    client = log_in(admin)
    post(
        client, "/admin/users/new", {"email": "e@x.no", "role": "evaluator", "projects": project.id}
    )
    row = session.scalar(select(PasswordToken))
    row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    session.commit()
    assert app.test_client().get(link_in(mails()[0])).status_code == 404


def test_a_bad_invitation_shows_the_form_again_and_makes_nobody(
    session, admin, log_in, mails
) -> None:
    client = log_in(admin)
    for data in (
        {"email": "not-an-address", "role": "admin"},
        {"email": "k@x.no", "role": "school_contact"},  # a contact needs a school
        {"email": "k@x.no", "role": "emperor"},
        {"email": "admin@kommune.no", "role": "admin"},  # already a user
    ):
        page = post(client, "/admin/users/new", data)
        assert page.status_code == 422, data
        assert "må rettes" in page.text
    assert session.scalar(select(User).filter_by(email="k@x.no")) is None
    assert mails() == []


def test_a_lead_invites_a_contact_for_a_school_of_their_project(
    session, lead, school, log_in, mails
) -> None:
    client = log_in(lead)
    page = post(
        client,
        "/admin/users/new",
        {"email": "kontakt@nordby.no", "role": "school_contact", "schools": school.id},
    )
    assert page.status_code == 302
    contact = session.scalar(select(User).filter_by(email="kontakt@nordby.no"))
    assert [s.id for s in contact.schools] == [school.id]
    assert client.get(f"/admin/users/{contact.id}/edit").status_code == 200


def test_a_lead_may_not_make_an_admin_or_reach_another_project(
    session, lead, make_school, log_in, mails
) -> None:
    client = log_in(lead)
    assert post(client, "/admin/users/new", {"email": "a@x.no", "role": "admin"}).status_code == 422
    elsewhere = make_school(name="Annen skole", code="AN1")  # in a project of its own
    page = post(
        client,
        "/admin/users/new",
        {"email": "k@x.no", "role": "school_contact", "schools": elsewhere.id},
    )
    assert page.status_code == 422
    assert session.scalar(select(User).filter_by(email="k@x.no")) is None
    assert mails() == []


def test_a_lead_cannot_open_users_outside_their_projects(session, lead, admin, log_in) -> None:
    client = log_in(lead)
    assert client.get(f"/admin/users/{admin.id}/edit").status_code == 404
    assert post(client, f"/admin/users/{admin.id}/deactivate").status_code == 404
    assert admin.is_active
