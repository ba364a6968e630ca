"""Staff accounts in the pages: users to act as, and the mails they are sent."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from survey.accounts.operations import create_user
from survey.models import Project, School, User
from tests.round_fixtures import PASSWORD

LINK = re.compile(r"https?://\S+/login/set-password/\S+")


@pytest.fixture
def project(make_project) -> Project:
    return make_project(name="Laget rundt eleven")


@pytest.fixture
def school(make_school, project: Project) -> School:
    return make_school(project=project, name="Nordby skole", code="NB1")


@pytest.fixture
def admin(session: Session) -> User:
    return create_user(session, "admin@kommune.no", "admin", PASSWORD)


@pytest.fixture
def lead(session: Session, project: Project) -> User:
    return create_user(session, "leder@kommune.no", "project_lead", PASSWORD, projects=[project])


@pytest.fixture
def log_in(app, post_form) -> Callable[[User], FlaskClient]:
    def log_in_as(user: User, password: str = PASSWORD) -> FlaskClient:
        client = app.test_client()
        with client.session_transaction() as browser_session:
            browser_session["csrf"] = "test-csrf-token"
        page = client.post(
            "/login/",
            data={"csrf_token": "test-csrf-token", "email": user.email, "password": password},
        )
        assert page.status_code == 302, page.text
        with client.session_transaction() as browser_session:
            browser_session["csrf"] = "test-csrf-token"  # the login began a fresh session
        return client

    return log_in_as


def post(client: FlaskClient, url: str, data: dict | None = None):
    """POST a form with the session's CSRF token, and close the response (mails go then)."""
    page = client.post(url, data={"csrf_token": "test-csrf-token", **(data or {})})
    page.close()
    return page


@pytest.fixture
def mails(caplog) -> Callable[[], list[str]]:
    """The mails sent so far (in tests, mail is written to the log)."""
    caplog.set_level(logging.INFO, logger="survey.rounds.mail")

    def sent() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "survey.rounds.mail"]

    return sent


def link_in(mail: str) -> str:
    """The path of the one-time link in a mail."""
    [url] = LINK.findall(mail)
    return "/login/" + url.split("/login/", 1)[1]
