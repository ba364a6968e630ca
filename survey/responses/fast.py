"""Saves in one statement each, for the tablet's busiest call. Only flush, never commit.

A national morning sends tens of thousands of answers in an hour, so the common cases take one
round trip: the first answer of a response makes it with `ensure_response`, every answer is
written with `upsert_answer`. Each statement checks in the database itself what the full path
in `operations` checks in Python (the round is open, the response is this class's and not
submitted), so it may be given remembered facts; when it writes nothing, the caller takes the
full path, which says why.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text, bindparam, exists, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from survey.models import Answer, Response, Round
from survey.responses.operations import Respondent

log = logging.getLogger(__name__)


def ensure_response(
    session: Session, client_id: str, respondent: Respondent, version_id: int, language: str
) -> None:
    """Make the response with this client id unless one exists, and only while its round is
    open. One that exists is left as it is: `upsert_answer` checks whose it is.

    The language must already be one of version `version_id`'s languages.
    """
    parameters = {**_whose(client_id, respondent, version_id), "language": language}
    connection = session.connection()  # Core, not the ORM: a parameter dict is not a bulk insert
    made = connection.execute(_ensure_statement(connection.dialect.name), parameters).first()
    if made is not None:  # DEBUG only: see `operations.start_response`
        log.debug(
            "started a %s response in round %s", respondent.respondent_type, respondent.round_id
        )


def upsert_answer(
    session: Session,
    client_id: str,
    respondent: Respondent,
    version_id: int,
    item_id: str,
    *,
    value: int | None = None,
    text: str | None = None,
    declined: bool = False,
) -> bool:
    """Store or replace one answer in a single statement, the common case of a tablet's save.

    The answer must already have passed `check_answer` against version `version_id`. It is
    written only to a response with this client id that belongs to `respondent`, was started
    on that version, is not submitted, and whose round is open; the statement checks all of
    that itself, so nothing it relies on may be stale. False when no answer was written: the
    caller then takes the full path (`start_response`, `save_answer`), which says why.
    """
    answer = {"item_id": item_id, "value": value, "text": text, "declined": declined}
    parameters = {**_whose(client_id, respondent, version_id), **answer}
    connection = session.connection()  # Core, not the ORM: a parameter dict is not a bulk insert
    return (
        connection.execute(_upsert_statement(connection.dialect.name), parameters).first()
        is not None
    )


@cache
def _upsert_statement(dialect_name: str) -> Any:
    """The statement of `upsert_answer`, built once per dialect; its values are parameters."""
    source = select(
        Response.id,
        bindparam("item_id", type_=String),
        bindparam("value", type_=Integer),
        bindparam("text", type_=Text),
        bindparam("declined", type_=Boolean),
    ).where(
        Response.client_id == bindparam("client_id"),
        Response.round_id == bindparam("round_id"),
        Response.school_id == bindparam("school_id"),
        Response.group_id.is_not_distinct_from(bindparam("group_id", type_=Integer)),
        Response.respondent_type == bindparam("respondent_type"),
        Response.instrument_version_id == bindparam("version_id"),
        Response.status != "complete",
        _round_is_open(Response.round_id),
    )
    insert = _insert(dialect_name)(Answer).from_select(
        ["response_id", "item_id", "value", "text", "is_declined"], source
    )
    return insert.on_conflict_do_update(
        index_elements=[Answer.response_id, Answer.item_id],
        set_={
            "value": insert.excluded.value,
            "text": insert.excluded.text,
            "is_declined": insert.excluded.is_declined,
        },
    ).returning(Answer.id)


def _whose(client_id: str, respondent: Respondent, version_id: int) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "round_id": respondent.round_id,
        "school_id": respondent.school_id,
        "group_id": respondent.group_id,
        "respondent_type": respondent.respondent_type,
        "version_id": version_id,
    }


def _insert(dialect_name: str) -> Any:
    return (postgresql if dialect_name == "postgresql" else sqlite).insert


def _round_is_open(round_id: Any) -> Any:
    return exists().where(Round.id == round_id, Round.status == "open")


@cache
def _ensure_statement(dialect_name: str) -> Any:
    """The statement of `ensure_response`, built once per dialect; its values are parameters."""
    source = select(
        bindparam("client_id", type_=String),
        bindparam("round_id", type_=Integer),
        bindparam("school_id", type_=Integer),
        bindparam("group_id", type_=Integer),
        bindparam("respondent_type", type_=String),
        bindparam("version_id", type_=Integer),
        bindparam("language", type_=String),
        literal("partial"),
    ).where(_round_is_open(bindparam("round_id", type_=Integer)))
    columns = [
        "client_id",
        "round_id",
        "school_id",
        "group_id",
        "respondent_type",
        "instrument_version_id",
        "language",
        "status",
    ]
    insert = _insert(dialect_name)(Response).from_select(columns, source)
    return insert.on_conflict_do_nothing(index_elements=[Response.client_id]).returning(Response.id)
