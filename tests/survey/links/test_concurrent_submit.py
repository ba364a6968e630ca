"""A used token cannot be used again, even when two submits of it arrive at the same moment.

These tests commit for real, in a database of their own (a SQLite file, or a fresh PostgreSQL
database), because the guard is the database's own locking between two connections.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from survey.app import create_app
from survey.db import get_database, make_engine
from survey.links.operations import LinkUnavailableError, submit_link
from survey.migrate import upgrade
from survey.models import AccessCode, Group, PooledLinkResponse, Project, Round, School
from survey.rounds import lifecycle
from survey.rounds.operations import create_links
from tests.conftest import TEST_SECRET_KEY
from tests.round_fixtures import NOW, give_instruments

TODAY = NOW.date()


@pytest.fixture
def committed_app(database_url: str, tmp_path) -> Iterator[Flask]:
    """An app on a brand-new database whose commits are real."""
    engine = make_engine(database_url)
    url, admin = database_url, None
    if engine.dialect.name == "postgresql":
        name = f"trivsel_links_{uuid.uuid4().hex[:8]}"
        admin = engine.execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'links.db'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY}, str(tmp_path))
    yield app
    get_database(app).engine.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def token(committed_app: Flask) -> str:
    with get_database(committed_app).session_scope() as session:
        project = Project(name="Samtidig", delete_after_on=NOW.date().replace(year=NOW.year + 3))
        school = School(project=project, name="Skole", code="S1", arm="intervention")
        session.add(Group(school=school, grade=5, label="5A", enrolled=20))
        round_ = Round(
            project=project, label="R", opens_at=NOW, closes_at=NOW.replace(year=NOW.year + 1)
        )
        session.add(round_)
        session.flush()
        give_instruments(session, round_, ("parent",))
        lifecycle.open_round(session, round_, TEST_SECRET_KEY, NOW)
        return create_links(session, round_, school.id, "parent", 1, TEST_SECRET_KEY)[0]


def _count(app: Flask, model) -> int:
    with get_database(app).session_scope() as session:
        return session.scalar(select(func.count()).select_from(model))


def _wait_until(condition: Callable[[], bool]) -> None:
    for _ in range(2000):
        if condition():
            return
        threading.Event().wait(0.01)
    raise AssertionError("the second submit never reached the database")


def _waiting_on_a_lock(app: Flask) -> bool:
    with get_database(app).engine.connect() as connection:
        if connection.dialect.name != "postgresql":
            return True  # SQLite: the second writer waits on the file lock whenever it comes
        waiting = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return connection.execute(text(waiting)).scalar() > 0


def test_a_second_submit_waiting_on_the_first_finds_the_link_used(committed_app, token) -> None:
    database = get_database(committed_app)
    first = database.sessionmaker()
    submit_link(first, TEST_SECRET_KEY, token, None)  # holds the row (or the write lock)
    outcome: list[str] = []

    def second_submit() -> None:
        with database.session_scope() as session:
            try:
                submit_link(session, TEST_SECRET_KEY, token, None)
                outcome.append("submitted")
            except LinkUnavailableError as error:
                outcome.append(error.reason)

    thread = threading.Thread(target=second_submit)
    thread.start()
    _wait_until(lambda: _waiting_on_a_lock(committed_app))
    first.commit()
    first.close()
    thread.join()
    assert outcome == ["used"]
    assert _count(committed_app, PooledLinkResponse) == 1


def test_two_phones_submitting_one_link_at_once_store_one_response(committed_app, token) -> None:
    start = threading.Barrier(2)
    pages: list[str] = []

    def phone() -> None:
        client = committed_app.test_client()
        with client.session_transaction() as browser:
            browser["csrf"] = "phone-csrf"
        start.wait()
        page = client.post(f"/s/{token}/send", data={"csrf_token": "phone-csrf"})
        if "Takk for svarene" in page.text:
            pages.append("thanks")
        else:
            pages.append("used" if "allerede brukt" in page.text else f"{page.status_code}")

    phones = [threading.Thread(target=phone) for _ in range(2)]
    for thread in phones:
        thread.start()
    for thread in phones:
        thread.join()
    assert sorted(pages) == ["thanks", "used"]
    assert _count(committed_app, PooledLinkResponse) == 1
    with get_database(committed_app).session_scope() as session:
        assert session.scalar(select(func.count()).where(AccessCode.is_used)) == 1
