"""Shared fixtures. Every database test runs on SQLite, and on PostgreSQL when
TRIVSEL_TEST_DATABASE_URL names a test database (CI sets it; see .ci/run).

Under pytest-xdist (`make test` runs `-n auto`) each worker has databases of its own: SQLite
files under the worker's own temp folder, and on PostgreSQL a database named after the given
one plus the worker's id (trivsel_test_gw0, ...), created on the same server if missing.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from survey import ratelimit
from survey.accounts import passwords
from survey.app import create_app
from survey.db import get_database, make_engine
from survey.migrate import upgrade

pytest_plugins = ["tests.factories"]

POSTGRES_URL = os.environ.get("TRIVSEL_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-for-hmac"
CHROMIUM = os.environ.get("TRIVSEL_TEST_CHROMIUM", "/usr/bin/chromium")

# The users the suite makes get scrypt at 1/32 of its cost (1 MiB and a few milliseconds a
# hash instead of 32 MiB and a tenth of a second): each login and each new user paid that
# tenth, a tenth of the whole suite. Outside the suite the full cost holds, which
# tests/survey/accounts/test_passwords.py checks in a process of its own.
passwords.METHOD = "scrypt:1024:8:1"


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}"
    return None


def pytest_configure(config: pytest.Config) -> None:
    # Checked here, in the process that starts the run, so that under xdist it stops the run
    # with this message rather than crashing a worker during collection.
    if os.environ.get("TRIVSEL_TEST_REQUIRE_POSTGRES") and not POSTGRES_URL:
        raise pytest.UsageError(
            "TRIVSEL_TEST_REQUIRE_POSTGRES is set but TRIVSEL_TEST_DATABASE_URL is not"
        )
    if os.environ.get("TRIVSEL_TEST_REQUIRE_BROWSER") and (missing := browser_missing()):
        raise pytest.UsageError(f"browser tests are required but {missing}")


def pytest_report_header() -> str:
    return f"trivsel database backends: {', '.join(BACKENDS)}"


def worker_database_url(url: str, worker: str | None) -> str:
    """The PostgreSQL database of one xdist worker (created if missing); `url` itself alone."""
    if not worker:
        return url
    own = make_url(url)
    name = f"{own.database}_{worker}"
    server = make_engine(own.set(database="postgres").render_as_string(hide_password=False))
    with server.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return own.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'trivsel.db'}"
    assert POSTGRES_URL is not None
    return worker_database_url(POSTGRES_URL, os.environ.get("PYTEST_XDIST_WORKER"))


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


@pytest.fixture(scope="module")
def module_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that spans one test module, rolled back after it.

    For rows that cost seconds to write and that a module's tests only read: write them once
    on this connection (commit a session with join_transaction_mode="create_savepoint"), and
    override `connection` in that module with `yield from in_savepoint(...)`. Under xdist a
    module's tests mostly run on one worker (--dist worksteal), so they are written once or
    twice.
    """
    connection = engine.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


def in_savepoint(connection: Connection) -> Iterator[Connection]:
    """`connection` inside a savepoint that is rolled back after the test, so that what one
    test writes over the module's shared rows is gone before the next."""
    savepoint = connection.begin_nested()
    yield connection
    if savepoint.is_active:
        savepoint.rollback()


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
def app(database_url: str, connection: Connection) -> Iterator[Flask]:
    """The app, its sessions bound to the test's transaction (commits become savepoints).

    One app per database and worker, built once and handed to each test as new: its config,
    rate limits and whatever its extensions made on first use (the job queue, the class
    memory) are put back after every test. Building an app compiles its 130 routes and then
    each template it renders again, a fifth of a second that a thousand tests paid.
    """
    app, config, extensions = _built_app(database_url)
    get_database(app).sessionmaker = _session_factory(connection)
    yield app
    app.config.clear()
    app.config.update(copy.deepcopy(config))
    for key in set(app.extensions) - extensions:
        del app.extensions[key]
    ratelimit.init_app(app)


@cache
def _built_app(database_url: str) -> tuple[Flask, dict[str, object], frozenset[str]]:
    app = _new_app(database_url)
    get_database(app).engine.dispose()
    return app, copy.deepcopy(dict(app.config)), frozenset(app.extensions)


def _new_app(database_url: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": TEST_SECRET_KEY,
            "JOBS_IMMEDIATE": True,
        },
        instance_path=_instance_path(),
    )


@cache
def _instance_path() -> str:
    """An instance folder of this process's own: job files are named by job id, and each
    xdist worker's database counts its jobs from 1, so a shared folder mixed their files."""
    return tempfile.mkdtemp(
        prefix=f"trivsel-instance-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-"
    )


def app_on(database_url: str, connection: Connection) -> Flask:
    """A new app whose sessions are bound to `connection`, for module-scoped fixtures."""
    app = _new_app(database_url)
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
