"""Reads for exports. Answers are streamed a chunk of responses at a time, never all at once.

Responses come from one query read with `yield_per` (a server-side cursor on PostgreSQL);
for each partition of them the answers are read by response-id range, which the
(response_id, item_id) unique index serves. Memory holds one chunk, whatever the project's size.
"""

from __future__ import annotations

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


def _conditions(request: ExportRequest) -> list[ColumnElement[bool]]:
    conditions = [Round.project_id == request.project_id]
    if request.round_ids:
        conditions.append(Response.round_id.in_(request.round_ids))
    if request.respondent_types:
        conditions.append(Response.respondent_type.in_(request.respondent_types))
    return conditions


def count_responses(session: Session, request: ExportRequest) -> int:
    return session.scalar(
        select(func.count(Response.id))
        .join(Round, Response.round_id == Round.id)
        .where(*_conditions(request))
    )


def instrument_versions_used(session: Session, request: ExportRequest) -> list[int]:
    return list(
        session.scalars(
            select(Response.instrument_version_id)
            .distinct()
            .join(Round, Response.round_id == Round.id)
            .where(*_conditions(request))
        )
    )


def languages_used(session: Session, request: ExportRequest) -> list[str]:
    return list(
        session.scalars(
            select(Response.language)
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


def stream_chunks(
    session: Session, request: ExportRequest, size: int = CHUNK_RESPONSES
) -> Iterator[Chunk]:
    """Every response that matches the request, with its answers, `size` responses at a time."""
    conditions = _conditions(request)
    connection = session.connection()  # Core rows: no ORM bookkeeping per answer
    responses = connection.execute(
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
        )
        .join(Round, Response.round_id == Round.id)
        .where(*conditions)
        .order_by(Response.id)
        .execution_options(yield_per=size)
    )
    text = Answer.text if request.include_free_text else null()
    for partition in responses.partitions():
        rows = list(partition)
        answer_query = (
            select(Answer.response_id, Answer.item_id, Answer.value, Answer.is_declined, text)
            .join(Response, Answer.response_id == Response.id)
            .join(Round, Response.round_id == Round.id)
            .where(*conditions, Answer.response_id.between(rows[0][0], rows[-1][0]))
        )
        if not request.include_free_text:
            answer_query = answer_query.where(Answer.text.is_(None))
        result = connection.execute(answer_query)
        try:
            # The driver's own tuples: at millions of answers, building a Row for each one
            # costs more than the query. Every answer column is a plain int, str or bool.
            answers = result.cursor.fetchall()
        finally:
            result.close()
        yield Chunk(rows, answers)
