"""A database that is down or restarting gives 503 "try again", never a 500 or a stack trace.

The tablet keeps a call that got 503 in its outbox and sends it again; the fault drills in
`benchmarks/drills.py` show that nothing is lost or stored twice when PostgreSQL restarts.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from survey.app import create_app
from survey.db import db_session
from tests.conftest import TEST_SECRET_KEY, app_on
from tests.survey.pupil.conftest import tablet_session, token_of

ANSWER_URL = "/api/v1/pupil/responses/0f8fad5b-d9cb-469f-a165-70867728950e/answers/item"


@pytest.fixture
def unreachable_app(tmp_path) -> Iterator[Flask]:
    """The app on a PostgreSQL port that refuses connections (bound, never listening)."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        url = f"postgresql://trivsel@127.0.0.1:{port}/nowhere"
        config = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY}
        yield create_app(config, instance_path=str(tmp_path))


def _with_csrf(client: FlaskClient) -> dict[str, str]:
    with client.session_transaction() as browser_session:
        browser_session["csrf"] = "test-csrf-token"
    return {"X-CSRF-Token": "test-csrf-token"}


def test_an_answer_gets_503_try_again_when_the_database_is_unreachable(unreachable_app) -> None:
    client = unreachable_app.test_client()
    with client.session_transaction() as browser_session:
        browser_session.update(tablet_session(1))
        body = {"class_token": token_of(dict(browser_session)), "language": "nb", "value": 3}
    reply = client.put(ANSWER_URL, json=body, headers=_with_csrf(client))
    assert reply.status_code == 503
    assert reply.json["code"] == 503 and "Prøv igjen" in reply.json["message"]
    assert reply.headers["Retry-After"] == "5"
    assert "Traceback" not in reply.get_data(as_text=True)


def test_a_page_gets_503_when_the_database_is_unreachable(unreachable_app) -> None:
    reply = unreachable_app.test_client().get("/?kode=ABCDEF")
    assert (reply.status_code, reply.mimetype) == (503, "text/html")
    assert "Prøv igjen" in reply.get_data(as_text=True)


@pytest.fixture
def app(database_url: str, connection: Connection) -> Flask:
    """An app of this test's own, since the probe below adds a route to it."""
    return app_on(database_url, connection)


@pytest.fixture
def probe(app: Flask) -> str:
    """A JSON route that reads from the database, so the request has a session to commit."""

    @app.get("/api/v1/probe")
    def probe_view() -> dict[str, bool]:
        db_session().execute(text("SELECT 1"))
        return {"ok": True}

    return "/api/v1/probe"


def test_a_commit_that_loses_the_database_gets_503(client, probe, monkeypatch) -> None:
    def lose_the_database(_session: Session) -> None:
        raise OperationalError("COMMIT", None, ConnectionError("server closed the connection"))

    monkeypatch.setattr(Session, "commit", lose_the_database)
    reply = client.get(probe)
    assert (reply.status_code, reply.json["code"]) == (503, 503)
    assert reply.headers["Content-Security-Policy"]  # the security headers are kept
