"""An app whose commits are real, for attacks that read what the database keeps after commit
(PostgreSQL's transaction ids, a backup file). SQLite: a file of its own. PostgreSQL: a schema
of its own inside the test database, dropped afterwards, so no other database is touched."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from survey.app import create_app
from survey.db import get_database, make_engine
from survey.migrate import upgrade
from tests.conftest import TEST_SECRET_KEY


@pytest.fixture
def committed_app(database_url: str, tmp_path) -> Iterator[Flask]:
    engine = make_engine(database_url)
    schema = None
    if engine.dialect.name == "postgresql":
        schema = f"privacy_{uuid.uuid4().hex[:10]}"
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = (
            make_url(database_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    else:
        url = f"sqlite:///{tmp_path / 'committed.db'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY}, str(tmp_path))
    yield app
    get_database(app).engine.dispose()
    if schema is not None:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()
