"""The Alembic history: one head, and an upgrade from empty gives exactly the model's schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from survey.db import make_engine
from survey.migrate import heads, upgrade
from survey.models import Base


@pytest.fixture
def empty_database_url(database_url: str, engine: Engine, tmp_path) -> Iterator[str]:
    """A brand-new empty database on the same backend as the suite's."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"trivsel_migrate_{uuid.uuid4().hex[:8]}"
    admin = engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


def test_migration_history_has_a_single_head() -> None:
    assert len(heads()) == 1


def test_upgrade_from_empty_matches_the_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert differences == []


def test_upgrade_twice_changes_nothing(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert version == heads()[0]


def test_upgrading_a_database_in_use_keeps_every_row(empty_database_url: str) -> None:
    """A migration that rebuilds a parent table (SQLite batch mode) must not cascade its drop
    into the rows that point at it: classes, codes and answers of every school."""
    upgrade(empty_database_url, revision="l1_links_bound_and_pooled")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO project (id, name, min_group_size, languages, delete_after_on,"
                " is_panel, created_at) VALUES (9001, 'P', 10, '[\"nb\"]', '2030-01-01',"
                " false, '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO school (id, project_id, name, code, arm)"
                " VALUES (9001, 9001, 'S', 'S9001', 'intervention')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO school_group (id, school_id, grade, label, enrolled)"
                " VALUES (9001, 9001, 5, '5A', 20)"
            )
        )
    upgrade(empty_database_url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM school_group")) == 1
    engine.dispose()
