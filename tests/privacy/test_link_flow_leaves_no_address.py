"""DESIGN.md, "Privacy model": anonymous by default. After a parent answers through a link
(`/s/<token>`: draft saves, then submit), no address or user agent is stored or logged, the
response does not point at the token that opened it, the token's row only records that it
was used, and completion is kept to the day. The pupil flow's twin is
tests/survey/pupil/test_privacy.py."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import bundled_instrument
from survey.clock import today_in_norway
from survey.links import pool
from survey.links.phone_pages import pages_of
from survey.models import AccessCode, Base, LinkDraft, Response
from survey.rounds import codes
from tests.conftest import TEST_SECRET_KEY

ADDRESS, FORWARDED = "203.0.113.91", "198.51.100.23"
AGENT = "PhoneBrowser/7.1 (link-agent-3c9e)"
PAGES = pages_of(bundled_instrument("parent", 1))


def _answer_through_the_link(client, post_form, token: str) -> None:
    """Open, choose a language and answer two pages (a draft), from a phone we would know."""
    client.environ_base.update(
        REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT, HTTP_X_FORWARDED_FOR=FORWARDED
    )
    client.get(f"/s/{token}")
    post_form(f"/s/{token}", {"language": "nb"})
    client.get(f"/s/{token}/1")
    post_form(f"/s/{token}/1", {PAGES[0].items[0].id: "4", PAGES[0].items[1].id: "declined"})
    post_form(f"/s/{token}/2", {PAGES[1].items[0].id: "2"})
    client.get(f"/s/{token}/send")


def _rows(session: Session) -> dict[str, dict[Any, tuple]]:
    """Every row of every table, by table name and primary key."""
    rows: dict[str, dict[Any, tuple]] = {}
    for table in Base.metadata.sorted_tables:
        key = [column.name for column in table.primary_key.columns]
        rows[table.name] = {
            tuple(row._mapping[k] for k in key): tuple(row)
            for row in session.execute(table.select())
        }
    return rows


def _everything_stored(session: Session) -> str:
    return "\n".join(
        f"{name}: {row}" for name, table in _rows(session).items() for row in table.values()
    )


def _submit(post_form, token: str):
    return post_form(f"/s/{token}/send")


def _release(session: Session) -> None:
    """What the pool job (or the round's close) does later, in a transaction of its own."""
    for round_id in session.scalars(select(AccessCode.round_id).distinct()):
        pool.release_round(session, TEST_SECRET_KEY, round_id, today_in_norway())


def test_no_address_or_user_agent_is_stored_while_answering_or_after_submitting(
    client, post_form, make_token, session
) -> None:
    token = make_token()
    _answer_through_the_link(client, post_form, token)
    assert session.scalar(select(LinkDraft)) is not None
    while_answering = _everything_stored(session)
    assert "Takk for svarene dine" in _submit(post_form, token).text
    for stored in (while_answering, _everything_stored(session)):
        assert ADDRESS not in stored
        assert FORWARDED not in stored
        assert "link-agent-3c9e" not in stored


def test_no_address_or_user_agent_is_logged_by_the_link_flow(
    client, post_form, make_token, caplog
) -> None:
    token = make_token()
    with caplog.at_level(logging.DEBUG):
        _answer_through_the_link(client, post_form, token)
        _submit(post_form, token)
    assert "link was used" in caplog.text
    assert ADDRESS not in caplog.text
    assert FORWARDED not in caplog.text
    assert "link-agent-3c9e" not in caplog.text


def test_the_response_does_not_point_at_the_link_that_opened_it(
    client, post_form, make_token, session
) -> None:
    token = make_token()
    _answer_through_the_link(client, post_form, token)
    _submit(post_form, token)
    _release(session)
    access = session.scalar(select(AccessCode).where(AccessCode.is_used))
    response = session.scalar(select(Response))
    assert "access_code" not in {fk.column.table.name for fk in Response.__table__.foreign_keys}
    stored = [str(value) for value in session.execute(Response.__table__.select()).one()]
    assert token not in " ".join(stored)
    assert codes.link_token_hash(TEST_SECRET_KEY, token) not in stored
    assert response.client_id not in " ".join(
        str(v) for v in _rows(session)["access_code"].values()
    )
    assert session.scalar(select(LinkDraft).filter_by(access_code_id=access.id)) is None


def test_the_link_row_only_records_that_it_was_used(client, post_form, make_token, session) -> None:
    token = make_token()
    _answer_through_the_link(client, post_form, token)
    before = _rows(session)["access_code"]
    _submit(post_form, token)
    after = _rows(session)["access_code"]
    columns = [column.name for column in AccessCode.__table__.columns]
    changed = {
        columns[i]
        for key, row in after.items()
        for i, (old, new) in enumerate(zip(before[key], row, strict=True))
        if old != new
    }
    assert changed == {"is_used"}, "a link keeps that it was used, not when"
    assert set(after) == set(before)


def test_completion_is_kept_to_the_day(client, post_form, make_token, session) -> None:
    """No value the submit and the pool's release write, in any table, holds a time of day."""
    token = make_token()
    _answer_through_the_link(client, post_form, token)
    before = _rows(session)
    _submit(post_form, token)
    _release(session)
    written = [
        (name, value)
        for name, table in _rows(session).items()
        for key, row in table.items()
        for index, value in enumerate(row)
        if key not in before[name] or before[name][key][index] != value
    ]
    assert {name for name, _ in written} >= {"response", "answer", "access_code"}
    assert [(name, v) for name, v in written if isinstance(v, dt.datetime)] == []
    response = session.scalar(select(Response))
    assert type(response.completed_on) is dt.date
