"""Changing roles and scopes, deactivating, removing and setting a temporary password."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent, User
from tests.round_fixtures import PASSWORD
from tests.survey.accounts.conftest import post


def _audited(session, action: str) -> list[dict]:
    return [e.details for e in session.scalars(select(AuditEvent).filter_by(action=action))]


def test_an_admin_changes_a_role_and_scopes_with_an_audit_row(
    session, admin, lead, school, log_in
) -> None:
    client = log_in(admin)
    page = post(
        client, f"/admin/users/{lead.id}/edit", {"role": "school_contact", "schools": school.id}
    )
    assert page.status_code == 302
    session.refresh(lead)
    assert (lead.role, [s.id for s in lead.schools], lead.projects) == (
        "school_contact",
        [school.id],
        [],
    )
    [details] = _audited(session, "user.changed")
    assert details["changed_user_id"] == lead.id and details["role"] == "school_contact"


def test_a_deactivated_user_is_logged_out_and_cannot_log_in(
    app, session, admin, lead, log_in
) -> None:
    their_browser = log_in(lead)
    assert post(log_in(admin), f"/admin/users/{lead.id}/deactivate").status_code == 302
    assert their_browser.get("/staff/").status_code == 302  # to the login page
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["csrf"] = "test-csrf-token"
    page = post(client, "/login/", {"email": lead.email, "password": PASSWORD})
    assert page.status_code == 422
    assert _audited(session, "user.deactivated") == [{"changed_user_id": lead.id}]


def test_a_removed_user_is_gone_and_the_audit_keeps_who_removed_them(
    session, admin, lead, log_in
) -> None:
    lead_id = lead.id
    client = log_in(admin)
    unconfirmed = post(client, f"/admin/users/{lead_id}/delete")
    assert unconfirmed.status_code == 422
    assert "Kryss av" in unconfirmed.text
    assert post(client, f"/admin/users/{lead_id}/delete", {"confirm": "yes"}).status_code == 302
    session.expire_all()
    assert session.get(User, lead_id) is None
    [event] = session.scalars(select(AuditEvent).filter_by(action="user.removed"))
    assert (event.actor, event.details["removed_user_id"]) == (admin.email, lead_id)


def test_an_admin_cannot_deactivate_or_remove_themselves(session, admin, log_in) -> None:
    client = log_in(admin)
    assert post(client, f"/admin/users/{admin.id}/deactivate").status_code == 404
    assert post(client, f"/admin/users/{admin.id}/delete", {"confirm": "yes"}).status_code == 404
    session.refresh(admin)
    assert admin.is_active


def test_a_temporary_password_works_and_a_short_one_is_refused(
    app, session, admin, lead, log_in
) -> None:
    client = log_in(admin)
    short = post(client, f"/admin/users/{lead.id}/temporary-password", {"password": "kort"})
    assert short.status_code == 422
    assert "minst 10 tegn" in short.text
    page = post(
        client, f"/admin/users/{lead.id}/temporary-password", {"password": "midlertidig-123"}
    )
    assert page.status_code == 302
    log_in(lead, "midlertidig-123")
    assert len(_audited(session, "user.temporary_password_set")) == 1


def test_the_user_list_shows_an_admin_everyone_and_a_lead_their_own(
    admin, lead, make_project, session, log_in
) -> None:
    from survey.accounts.operations import create_user

    other = create_user(session, "fremmed@x.no", "evaluator", PASSWORD, projects=[make_project()])
    assert other.email in log_in(admin).get("/admin/users/").text
    page = log_in(lead).get("/admin/users/").text
    assert lead.email in page and other.email not in page and admin.email not in page
