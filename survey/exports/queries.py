"""Reads for exports. Answers are streamed a chunk of responses at a time, never all at once.

An export holds only sent responses of closed rounds. Their ids are read once and shuffled;
each chunk of them is read with its answers by id, which the primary key and the
(response_id, item_id) unique index serve. Memory holds the ids and one chunk, whatever the
project's size. No database id leaves this module: rows are numbered anew in random order.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, null, select
from sqlalchemy.orm import Session

from survey.models import Answer, Response, Round, RoundInstrument

if TYPE_CHECKING:
    from survey.exports.plan import ExportRequest

CHUNK_RESPONSES = 5000

RESPONSE_COLUMNS = (
    "response_id",
    "round_id",
    "completed_on",
    "school_id",
    "group_id",
    "respondent_type",
    "instrument_version_id",
    "language",
    "status",
)
ANSWER_COLUMNS = ("response_id", "item_id", "value", "is_declined", "text")


@dataclass(frozen=True)
class Chunk:
    """Some responses, and all of their answers, as plain columns."""

    responses: Sequence[Sequence[Any]]
    answers: Sequence[Sequence[Any]]
    total: int = 0  #: responses in the whole export, for progress


def _conditions(request: ExportRequest) -> list[ColumnElement[bool]]:
    """The request's responses: sent ones, of closed rounds only (DESIGN.md: released, not
    streamed; only sent responses count)."""
    conditions = [
        Round.project_id == request.project_id,
        Round.status == "closed",
        Response.status == "complete",
    ]
    if request.round_ids:
        conditions.append(Response.round_id.in_(request.round_ids))
    if request.respondent_types:
        conditions.append(Response.respondent_type.in_(request.respondent_types))
    return conditions


def instrument_versions_used(session: Session, request: ExportRequest) -> list[int]:
    return list(
        session.scalars(
            select(Response.instrument_version_id)
            .distinct()
            .join(Round, Response.round_id == Round.id)
            .where(*_conditions(request))
        )
    )


def rounds_per_version(session: Session, project_id: int) -> dict[int, list[str]]:
    """The labels of the rounds that asked each instrument version, in time order."""
    asked: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(RoundInstrument.instrument_version_id, Round.label)
        .join(Round, RoundInstrument.round_id == Round.id)
        .where(Round.project_id == project_id)
        .order_by(Round.opens_at)
    )
    for version_id, label in rows:
        asked[version_id].append(label)
    return asked


def language_counts(
    session: Session, request: ExportRequest
) -> list[tuple[int, int, str, str, int]]:
    """(round id, school id, respondent type, language, responses) for the export's responses."""
    key = (Response.round_id, Response.school_id, Response.respondent_type, Response.language)
    rows = session.execute(
        select(*key, func.count(Response.id))
        .join(Round, Response.round_id == Round.id)
        .where(*_conditions(request))
        .group_by(*key)
    )
    return [tuple(row) for row in rows]


def stream_chunks(
    session: Session, request: ExportRequest, size: int = CHUNK_RESPONSES
) -> Iterator[Chunk]:
    """Every response that matches the request, with its answers, `size` responses at a time.

    The responses come in a random order, and `response_id` is not the database id but the
    response's place in that order (1, 2, ...): a new numbering for every export, which says
    nothing about when a response was given or how it lies in the database.
    """
    connection = session.connection()  # Core rows: no ORM bookkeeping per answer
    conditions = _conditions(request)
    ids = list(
        connection.execute(
            select(Response.id).join(Round, Response.round_id == Round.id).where(*conditions)
        ).scalars()
    )
    secrets.SystemRandom().shuffle(ids)
    text = Answer.text if request.include_free_text else null()
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        number = {database_id: start + place for place, database_id in enumerate(part, 1)}
        rows = connection.execute(
            select(
                Response.id,
                Response.round_id,
                Response.completed_on,
                Response.school_id,
                Response.group_id,
                Response.respondent_type,
                Response.instrument_version_id,
                Response.language,
                Response.status,
            ).where(Response.id.in_(part))
        ).all()
        responses = sorted(((number[row[0]], *row[1:]) for row in rows), key=lambda r: r[0])
        answer_query = select(
            Answer.response_id, Answer.item_id, Answer.value, Answer.is_declined, text
        ).where(Answer.response_id.in_(part))
        if not request.include_free_text:
            answer_query = answer_query.where(Answer.text.is_(None))
        result = connection.execute(answer_query)
        try:
            # The driver's own tuples: at millions of answers, building a Row for each one
            # costs more than the query. Every answer column is a plain int, str or bool.
            answers = [(number[row[0]], *row[1:]) for row in result.cursor.fetchall()]
        finally:
            result.close()
        yield Chunk(responses, answers, len(ids))
