"""A user changes their own password, or asks for a reset link by e-mail."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from survey.models import AuditEvent
from tests.round_fixtures import PASSWORD
from tests.survey.accounts.conftest import link_in, post

NEW = "et helt nytt passord"


def _anonymous(app):
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["csrf"] = "test-csrf-token"
    return client


def test_changing_the_password_ends_other_sessions_but_not_this_one(app, lead, log_in) -> None:
    here, elsewhere = log_in(lead), log_in(lead)
    data = {"old_password": PASSWORD, "password": NEW, "password_again": NEW}
    assert post(here, "/staff/password", data).status_code == 302
    assert here.get("/staff/").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302  # to the login page
    log_in(lead, NEW)


def test_a_wrong_old_password_changes_nothing(app, session, lead, log_in) -> None:
    client = log_in(lead)
    data = {"old_password": "feil passord", "password": NEW, "password_again": NEW}
    page = post(client, "/staff/password", data)
    assert page.status_code == 422
    assert "Passordet er feil" in page.text
    mismatch = {"old_password": PASSWORD, "password": NEW, "password_again": NEW + "x"}
    assert post(client, "/staff/password", mismatch).status_code == 422
    log_in(lead)  # the old password still works
    changed = session.scalars(select(AuditEvent).filter_by(action="user.password_changed"))
    assert list(changed) == []


def test_a_reset_answers_the_same_whether_or_not_the_address_is_known(app, lead, mails) -> None:
    known = post(_anonymous(app), "/login/forgot", {"email": lead.email})
    unknown = post(_anonymous(app), "/login/forgot", {"email": "ingen@x.no"})
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    [mail] = mails()
    assert lead.email in mail


def test_a_reset_link_sets_a_new_password_once(app, lead, log_in, mails) -> None:
    post(_anonymous(app), "/login/forgot", {"email": lead.email.upper()})
    link = link_in(mails()[0])
    client = _anonymous(app)
    assert post(client, link, {"password": NEW, "password_again": NEW}).status_code == 302
    log_in(lead, NEW)
    assert post(client, link, {"password": NEW, "password_again": NEW}).status_code == 404


def test_a_second_reset_within_minutes_sends_no_second_mail(app, lead, mails) -> None:
    post(_anonymous(app), "/login/forgot", {"email": lead.email})
    post(_anonymous(app), "/login/forgot", {"email": lead.email})
    assert len(mails()) == 1


def test_a_password_change_voids_an_open_reset_link(app, lead, log_in, mails) -> None:
    post(_anonymous(app), "/login/forgot", {"email": lead.email})
    link = link_in(mails()[0])
    data = {"old_password": PASSWORD, "password": NEW, "password_again": NEW}
    post(log_in(lead), "/staff/password", data)
    assert app.test_client().get(link).status_code == 404


def test_a_reset_for_what_is_not_an_address_shows_the_form_again(app, mails) -> None:
    page = post(_anonymous(app), "/login/forgot", {"email": "<script>@\u202e"})
    assert page.status_code == 422
    assert "gyldig e-postadresse" in page.text
    assert mails() == []


def test_the_app_hashes_passwords_with_scrypt_at_full_cost_outside_the_test_suite() -> None:
    """The suite makes its users with a cheap scrypt (tests/conftest.py); a process that is not
    the suite, as `trivsel serve` is, hashes with werkzeug's full cost, and checks it."""
    script = (
        "from survey.accounts.passwords import hash_password, password_matches\n"
        "stored = hash_password('et passord')\n"
        "assert password_matches(stored, 'et passord')\n"
        "assert not password_matches(stored, 'et annet passord')\n"
        "print(stored)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    method, salt, digest = done.stdout.strip().split("$")
    assert method == "scrypt:32768:8:1"
    assert len(salt) >= 16 and len(digest) == 128
