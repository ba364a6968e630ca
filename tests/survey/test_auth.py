"""Staff login: the right password lets you in, and only to what your role may see."""

from __future__ import annotations

import pytest

from survey.accounts.operations import create_user

PASSWORD = "a-long-enough-password"


@pytest.fixture
def make_user(session):
    def make(email: str, role: str = "admin", **scope):
        return create_user(session, email, role, PASSWORD, **scope)

    return make


def test_staff_pages_send_anonymous_visitors_to_login(client) -> None:
    page = client.get("/staff/")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login/?next=/staff/")


def test_a_wrong_password_gives_the_form_again(post_form, make_user) -> None:
    make_user("leder@skole.no")
    page = post_form("/login/", {"email": "leder@skole.no", "password": "wrong-password"})
    assert page.status_code == 422
    assert "Feil e-postadresse eller passord" in page.text
    assert 'value="leder@skole.no"' in page.text


def test_the_right_password_logs_in_and_returns_to_the_page_asked_for(post_form, make_user) -> None:
    make_user("Leder@Skole.no")
    page = post_form(
        "/login/", {"email": "leder@skole.no ", "password": PASSWORD, "next": "/staff/"}
    )
    assert page.status_code == 302
    assert page.headers["Location"] == "/staff/"


def test_login_never_redirects_to_another_site(post_form, make_user) -> None:
    make_user("leder@skole.no")
    page = post_form(
        "/login/", {"email": "leder@skole.no", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert page.headers["Location"] == "/staff/"


def test_a_project_lead_sees_only_their_own_projects(
    client, post_form, make_user, make_project
) -> None:
    mine = make_project(name="Mitt prosjekt")
    make_project(name="Andres prosjekt")
    make_user("leder@skole.no", "project_lead", projects=[mine])
    post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD})
    page = client.get("/staff/")
    assert "Mitt prosjekt" in page.text
    assert "Andres prosjekt" not in page.text


def test_logging_out_ends_the_session(client, post_form, make_user) -> None:
    make_user("leder@skole.no")
    post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD})
    post_form("/login/logout")
    assert client.get("/staff/").status_code == 302


def test_staff_pages_switch_to_nynorsk_on_request(client, post_form, make_user) -> None:
    make_user("leder@skole.no")
    post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD})
    page = client.get("/staff/?lang=nn")
    assert 'lang="nn"' in page.text


def test_every_page_sends_strict_security_headers(client) -> None:
    page = client.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_page_is_a_friendly_404(client) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "fant ikke siden" in page.text


def test_too_many_wrong_passwords_lock_the_account_for_a_while(post_form, make_user) -> None:
    make_user("leder@skole.no")
    for _ in range(10):
        assert (
            post_form("/login/", {"email": "leder@skole.no", "password": "guess"}).status_code
            == 422
        )
    page = post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD})
    assert page.status_code == 429
    assert "For mange forsøk" in page.text


def test_throttling_one_account_leaves_others_alone(post_form, make_user) -> None:
    make_user("leder@skole.no")
    make_user("annen@skole.no")
    for _ in range(10):
        post_form("/login/", {"email": "leder@skole.no", "password": "guess"})
    assert (
        post_form("/login/", {"email": "annen@skole.no", "password": PASSWORD}).status_code == 302
    )
