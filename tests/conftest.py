"""Shared fixtures. Every database test runs on SQLite, and on PostgreSQL when
TRIVSEL_TEST_DATABASE_URL names a test database (CI sets it; see .ci/run)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from survey.app import create_app
from survey.db import get_database, make_engine
from survey.migrate import upgrade

pytest_plugins = ["tests.factories"]

POSTGRES_URL = os.environ.get("TRIVSEL_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-hmac"


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("TRIVSEL_TEST_REQUIRE_POSTGRES") and not POSTGRES_URL:
        raise pytest.UsageError(
            "TRIVSEL_TEST_REQUIRE_POSTGRES is set but TRIVSEL_TEST_DATABASE_URL is not"
        )


def pytest_report_header() -> str:
    return f"trivsel database backends: {', '.join(BACKENDS)}"


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'trivsel.db'}"
    assert POSTGRES_URL is not None
    return POSTGRES_URL


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """A database migrated from empty to head once per backend and test session."""
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is rolled back after the test."""
    connection = engine.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


def _session_factory(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    session = _session_factory(connection)()
    yield session
    session.close()


@pytest.fixture
def app(database_url: str, connection: Connection) -> Flask:
    """The app, its sessions bound to the test's transaction (commits become savepoints)."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET_KEY},
        instance_path=None,
    )
    database = get_database(app)
    database.engine.dispose()
    database.sessionmaker = _session_factory(connection)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def post_form(client: FlaskClient):
    """POST a form as a browser would, with the session's CSRF token in it."""

    def post(url: str, data: dict[str, object] | None = None, **kwargs: object) -> TestResponse:
        with client.session_transaction() as browser_session:
            token = browser_session.setdefault("csrf", "test-csrf-token")
        return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    return post
