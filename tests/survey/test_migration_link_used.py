"""Migration i9_link_used_flag: a link's day of use becomes a flag, and back again."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from survey.db import make_engine
from survey.migrate import alembic_config, upgrade
from survey.models import AccessCode, Project, Round, School
from tests.survey.test_migrations import empty_database_url  # noqa: F401 - a fixture

NOW = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)


def _two_links(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        project = Project(name="P", delete_after_on=dt.date(2030, 1, 1), languages=["nb"])
        school = School(project=project, name="S", code="S", arm="intervention")
        round_ = Round(project=project, label="R", opens_at=NOW, closes_at=NOW + dt.timedelta(7))
        session.add_all([project, school, round_])
        for name, used in (("used", True), ("unused", False)):
            session.add(
                AccessCode(
                    round=round_,
                    school=school,
                    kind="link",
                    respondent_type="parent",
                    code_hash=name,
                    is_used=used,
                    created_at=NOW,
                )
            )
    engine.dispose()


def _column(url: str, column: str) -> dict[str, object]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT code_hash, {column} FROM access_code"))  # noqa: S608
        found = {row[0]: row[1] for row in rows}
    engine.dispose()
    return found


def test_the_day_of_use_becomes_a_flag_and_back(empty_database_url: str) -> None:  # noqa: F811
    upgrade(empty_database_url)
    _two_links(empty_database_url)
    command.downgrade(alembic_config(empty_database_url), "i5_rounds_links")
    days = _column(empty_database_url, "used_on")
    assert days["unused"] is None
    assert str(days["used"]).startswith("2026-09-01")
    upgrade(empty_database_url)
    assert {k: bool(v) for k, v in _column(empty_database_url, "is_used").items()} == {
        "used": True,
        "unused": False,
    }
