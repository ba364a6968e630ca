"""Issue 13, findings 3 and 6: nothing of an unsent draft survives in a backup, and nothing
unsent survives the round's close.

The attack: the operator takes a backup of the database file (`survey.backup`) while a parent
has an unsent draft, and another after the round closed, and searches them byte by byte for
the draft's free text. Commits are real, in a SQLite file of its own (see committed.py):
a backup copies pages, so it holds whatever the file holds, deleted rows' free pages included.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from instruments import bundled_instrument
from survey.backup.operations import backup
from survey.db import get_database
from survey.links.phone_pages import pages_of
from survey.models import Group, LinkDraft, PooledLinkResponse, Project, Response, Round, School
from survey.responses.operations import Respondent, save_answer, start_response
from survey.rounds import lifecycle
from survey.rounds.operations import create_links
from tests.conftest import TEST_SECRET_KEY
from tests.privacy.committed import committed_app  # noqa: F401 (a fixture)
from tests.round_fixtures import NOW, give_instruments

UNSENT_TEXT = "Utkast som aldri ble sendt: Sofie gruer seg"
PAGES = pages_of(bundled_instrument("parent", 1))


def _round_with_a_link(app: Flask) -> tuple[int, str]:
    with get_database(app).session_scope() as session:
        project = Project(
            name="Sikkerhetskopi", languages=["nb"], delete_after_on=NOW.date().replace(year=2031)
        )
        school = School(project=project, name="Skole", code="S1", arm="comparison")
        group = Group(school=school, grade=7, label="7B", enrolled=25)
        round_ = Round(
            project=project,
            label="Vår",
            opens_at=NOW - dt.timedelta(hours=1),
            closes_at=NOW + dt.timedelta(days=7),
        )
        session.add_all([group, round_])
        session.flush()
        give_instruments(session, round_, ("pupil", "parent"))
        lifecycle.open_round(session, round_, TEST_SECRET_KEY, NOW)
        unsent = start_response(
            session, "pupil-who-stopped", Respondent(round_.id, school.id, group.id, "pupil"), "nb"
        )
        save_answer(session, unsent, "trivsel_liker_skolen", value=2)
        token = create_links(session, round_, school.id, "parent", 1, TEST_SECRET_KEY)[0]
        return round_.id, token


def _draft_with_free_text(app: Flask, token: str) -> None:
    """A parent writes free text on the last page and closes the phone without sending."""
    free_text = next(page for page in PAGES if any(i.kind == "text" for i in page.items))
    item = next(i for i in free_text.items if i.kind == "text")
    phone = app.test_client()
    with phone.session_transaction() as browser:
        browser["csrf"] = "phone"
    phone.post(f"/s/{token}", data={"csrf_token": "phone", "language": "nb"})
    data = {"csrf_token": "phone", item.id: UNSENT_TEXT}
    assert phone.post(f"/s/{token}/{free_text.number}", data=data).status_code == 302
    assert UNSENT_TEXT in phone.get(f"/s/{token}/{free_text.number}").text


def _holds(path, text: str) -> bool:
    data = path.read_bytes()
    return text.encode() in data or text.encode("utf-16-le") in data


def test_no_backup_holds_an_unsent_draft_and_nothing_unsent_survives_the_close(
    committed_app: Flask,  # noqa: F811
    tmp_path,
) -> None:
    app = committed_app
    if get_database(app).engine.dialect.name != "sqlite":
        pytest.skip("reads the database file's bytes; PostgreSQL's dump is compressed")
    round_id, token = _round_with_a_link(app)
    _draft_with_free_text(app, token)
    url = app.config["DATABASE_URL"]
    mid_round = backup(url, tmp_path / "mid-round.db")
    assert not _holds(mid_round, UNSENT_TEXT), "a backup taken mid-round holds the draft"

    with app.app_context(), get_database(app).session_scope() as session:
        lifecycle.close_round(session, session.get(Round, round_id), NOW)
    with get_database(app).session_scope() as session:
        for model in (LinkDraft, PooledLinkResponse, Response):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
    after_close = backup(url, tmp_path / "after-close.db")
    assert not _holds(after_close, UNSENT_TEXT)
    database_file = Path(url.removeprefix("sqlite:///"))
    for path in (database_file, database_file.with_name(database_file.name + "-wal")):
        assert not path.exists() or not _holds(path, UNSENT_TEXT), f"{path.name} holds it"
