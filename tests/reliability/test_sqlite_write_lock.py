"""On SQLite, a job and requests share the write lock: none fails with "database is locked".

A transaction that reads and later writes cannot wait for SQLite's write lock once another
connection wrote in between (see `survey/db.py`). The analysis job does just that (it reads the
answers, fits, then stores the results), and so does a login (it reads the user, checks the
password, then records the login). These tests let the other side write at that moment.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey import audit
from survey.accounts.operations import create_user
from survey.app import create_app
from survey.db import get_database
from survey.migrate import upgrade
from survey.models import AuditEvent, Project, User
from tests.conftest import TEST_SECRET_KEY

EMAIL, PASSWORD = "leder@example.no", "a-long-enough-password"


@pytest.fixture
def sqlite_app(tmp_path) -> Iterator[Flask]:
    """The app on its own SQLite file, with real commits (no test transaction around it)."""
    url = f"sqlite:///{tmp_path / 'trivsel.db'}"
    upgrade(url)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY},
        instance_path=str(tmp_path),
    )
    with get_database(app).session_scope() as session:
        create_user(session, EMAIL, "admin", PASSWORD, [], [])
    yield app
    get_database(app).engine.dispose()


def log_in(app: Flask) -> int:
    """A staff login, as a browser sends it; the status code of the answer."""
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["csrf"] = "test-csrf-token"
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": "test-csrf-token"}
    return client.post("/login/", data=form).status_code


def logins(app: Flask) -> int:
    with get_database(app).session_scope() as session:
        return session.scalar(select(func.count()).where(AuditEvent.action == "user.login"))


def test_a_job_stores_its_results_though_a_user_logged_in_while_it_computed(sqlite_app) -> None:
    with get_database(sqlite_app).session_scope() as job:
        job.scalars(select(Project)).all()  # the job reads its data
        assert log_in(sqlite_app) == 302  # a request writes while the job computes
        audit.record(job, "analysis.request_done")
        job.flush()  # the job stores what it computed
    assert logins(sqlite_app) == 1


def test_a_login_waits_for_a_job_s_write_instead_of_failing(sqlite_app) -> None:
    database = get_database(sqlite_app)
    writing = threading.Event()

    def job() -> None:
        with database.session_scope() as session:
            audit.record(session, "analysis.request_done")
            session.flush()  # holds the write lock until the commit
            writing.set()
            time.sleep(1.0)

    worker = threading.Thread(target=job)
    worker.start()
    assert writing.wait(5)
    assert log_in(sqlite_app) == 302
    worker.join()
    assert logins(sqlite_app) == 1


def test_twenty_concurrent_logins_all_land(sqlite_app) -> None:
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda _: log_in(sqlite_app), range(20)))
    assert statuses == [302] * 20
    assert logins(sqlite_app) == 20
    with get_database(sqlite_app).session_scope() as session:
        assert session.scalar(select(User.last_login_at)) is not None
