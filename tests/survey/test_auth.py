"""Staff login: the right password lets you in, and only to what your role may see."""

from __future__ import annotations

import pytest

from survey.accounts.operations import create_user, set_password
from survey.ratelimit import DELAYS, LIMITS, backoff, client_and

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


def test_a_project_leads_rounds_and_classes_are_theirs_only(
    client, post_form, make_user, make_project, make_round, make_school, make_group
) -> None:
    mine, theirs = make_project(), make_project()
    make_user("leder@skole.no", "project_lead", projects=[mine])
    post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD})
    own_round, own_group = make_round(mine), make_group(make_school(mine))
    other_round, other_group = make_round(theirs), make_group(make_school(theirs))
    assert client.get(f"/admin/rounds/{own_round.id}/").status_code == 200
    assert client.get(f"/admin/groups/{own_group.id}/edit").status_code == 200
    for url in (
        f"/admin/rounds/{other_round.id}/",
        f"/admin/groups/{other_group.id}/edit",
        f"/admin/rounds/{other_round.id + 1000}/",
        f"/admin/groups/{other_group.id + 1000}/edit",
    ):
        assert client.get(url).status_code == 404, url


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


def test_wrong_passwords_make_that_client_wait_for_that_account(post_form, make_user) -> None:
    make_user("leder@skole.no")
    statuses = [
        post_form("/login/", {"email": "leder@skole.no", "password": "guess"}).status_code
        for _ in range(10)
    ]
    free = DELAYS["login-account-client"].free
    assert statuses[:free] == [422] * free
    assert set(statuses[free:]) == {429}, "the next try must wait"
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


def test_an_attacker_does_not_lock_the_owner_out_from_another_client(
    app, client, post_form, make_user
) -> None:
    make_user("leder@skole.no")
    client.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    for _ in range(22):
        post_form("/login/", {"email": "leder@skole.no", "password": "guess"})
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    with owner.session_transaction() as browser_session:
        browser_session["csrf"] = "owner-csrf"
    form = {"csrf_token": "owner-csrf", "email": "leder@skole.no", "password": PASSWORD}
    assert owner.post("/login/", data=form).status_code == 302


def test_each_wrong_password_doubles_the_wait_for_that_account_and_client(
    app, post_form, make_user, monkeypatch
) -> None:
    make_user("leder@skole.no")
    now = [1000.0]
    with app.app_context():
        delays = backoff("login-account-client")
    monkeypatch.setattr(delays, "_clock", lambda: now[0])
    free = DELAYS["login-account-client"].free
    for _ in range(free):
        assert post_form("/login/", {"email": "leder@skole.no", "password": "x"}).status_code == 422
    waits = []
    for _ in range(3):
        assert post_form("/login/", {"email": "leder@skole.no", "password": "x"}).status_code == 429
        with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
            waits.append(delays.wait_seconds(client_and("account:leder@skole.no")))
        now[0] += waits[-1]
        assert post_form("/login/", {"email": "leder@skole.no", "password": "x"}).status_code == 422
    now[0] += 8
    assert waits == [1.0, 2.0, 4.0]
    assert (
        post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD}).status_code == 302
    )


def test_one_client_trying_many_accounts_is_stopped(post_form, make_user) -> None:
    make_user("leder@skole.no")
    for number in range(LIMITS["login-client"].attempts):
        post_form("/login/", {"email": f"bruker{number}@skole.no", "password": "guess"})
    page = post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD})
    assert page.status_code == 429


def test_a_session_ends_when_its_user_logs_out_even_if_the_cookie_was_kept(
    client, post_form, make_user
) -> None:
    make_user("leder@skole.no")
    post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD})
    kept = client.get_cookie("session").value
    post_form("/login/logout")
    client.set_cookie("session", kept)
    assert client.get("/staff/").status_code == 302


def test_a_password_change_ends_the_other_sessions(app, client, post_form, make_user, session):
    user = make_user("leder@skole.no")
    post_form("/login/", {"email": "leder@skole.no", "password": PASSWORD})
    assert client.get("/staff/").status_code == 200
    set_password(session, user, "another-long-password")
    assert client.get("/staff/").status_code == 302
