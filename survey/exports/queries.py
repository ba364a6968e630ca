"""Reads for exports. Answers are streamed a chunk of responses at a time, never all at once.

An export holds only sent responses of closed rounds. They are read once, compactly, and
shuffled; their answers are read in one pass into a byte matrix (see `stream_chunks`), which
the chunks are then cut from. No database id leaves this module: rows are numbered anew in
random order.
"""

from __future__ import annotations

import itertools
import secrets
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, ColumnElement, Integer, case, cast, func, literal, select
from sqlalchemy.orm import Session

from survey.models import Answer, Response, Round, RoundInstrument

if TYPE_CHECKING:
    from survey.exports.plan import ExportRequest

#: Responses per chunk. Each chunk is shaped into several frames at once (wide, table, long
#: with one row per answer), so the chunk sets the export's peak memory: at 5,000 the 450,000
#: response zip peaked at 421 MiB, at 2,500 at about 375 MiB, in the same time.
CHUNK_RESPONSES = 2500

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
    "panel_id",
)


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


#: How one answer is held in an export's value matrix (uint8): 0 no answer, the value plus
#: VALUE_OFFSET, BLANK for an answer row without a value, DECLINED for "I don't want to answer".
NO_ANSWER, VALUE_OFFSET, OUT_OF_RANGE, BLANK, DECLINED = 0, 100, 253, 254, 255
READ_ROWS = 200_000  #: answers per fetch (one integer each)
RESPONSE_ROWS = 50_000  #: responses per fetch (a plain tuple of ten fields each)
ID_SHIFT = 1 << 20  #: room for 4,095 item ids below a database id


@dataclass(frozen=True)
class ExportChunk:
    """Some responses in export order, and their answers as a matrix (see VALUE_OFFSET)."""

    responses: pd.DataFrame  #: RESPONSE_COLUMNS; response_id numbers the export's order
    values: np.ndarray  #: responses x item columns (uint8)
    texts: pd.DataFrame  #: response_id, item_id, text: free text, when the request has it
    total: int  #: responses in the whole export, for progress


def _value_code(item_ids: Sequence[str]) -> ColumnElement[int]:
    """One integer per answer: database id, item, and value, packed so that millions of
    answers cross the driver as plain integers (a tuple of strings per answer costs more than
    the query). `item_ids` are sorted; an item's code is its place in them plus one."""
    value = case(
        (
            Answer.value.between(-VALUE_OFFSET + 1, OUT_OF_RANGE - VALUE_OFFSET - 1),
            Answer.value + VALUE_OFFSET,
        ),
        (Answer.is_declined, DECLINED),
        (Answer.value.is_(None), BLANK),
        else_=OUT_OF_RANGE,
    )
    item = _item_code(item_ids, 0, len(item_ids))
    return cast(Answer.response_id, BigInteger) * ID_SHIFT + item * 256 + value


def _item_code(item_ids: Sequence[str], low: int, high: int) -> ColumnElement[int]:
    """The code of `Answer.item_id` among item_ids[low:high] (which holds it), found by
    bisection: about six text comparisons per answer for 40 items, where a flat CASE makes
    twenty on average. An item outside the list gets the code of a neighbour, so the query
    keeps only the export's items (`item_id IN ...`)."""
    if high - low == 1:
        return literal(low + 1, Integer)
    middle = (low + high) // 2
    return case(
        (Answer.item_id < item_ids[middle], _item_code(item_ids, low, middle)),
        else_=_item_code(item_ids, middle, high),
    )


def _responses(connection, conditions) -> pd.DataFrame:
    """Every response of the export, sorted by database id, as compact columns."""
    query = (
        select(
            *(getattr(Response, name) for name in ("id", *RESPONSE_COLUMNS[1:-1])),
            Response.panel_member_id,
        )
        .join(Round, Response.round_id == Round.id)
        .where(*conditions)
        .order_by(Response.id)
    )
    parts = []
    for rows in _driver_rows(connection, query, RESPONSE_ROWS, "trivsel_export_responses"):
        columns = dict(zip(RESPONSE_COLUMNS, zip(*rows, strict=True), strict=True))
        part = pd.DataFrame(
            {
                "response_id": np.array(columns["response_id"], dtype=np.int64),
                "round_id": np.array(columns["round_id"], dtype=np.int64),
                "completed_on": pd.to_datetime(pd.Series(columns["completed_on"])).to_numpy(),
                "school_id": np.array(columns["school_id"], dtype=np.int64),
                "group_id": pd.array(columns["group_id"], dtype="Int64"),
                "instrument_version_id": np.array(columns["instrument_version_id"], dtype=np.int64),
                "panel_id": pd.array(columns["panel_id"], dtype="Int64"),
            }
        )
        for name in ("respondent_type", "language", "status"):
            part[name] = pd.Categorical(columns[name])
        parts.append(part)
    if not parts:
        return pd.DataFrame({name: [] for name in RESPONSE_COLUMNS})
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    for name in ("respondent_type", "language", "status"):
        frame[name] = frame[name].astype("category")
    return frame[list(RESPONSE_COLUMNS)]


def stream_chunks(
    session: Session,
    request: ExportRequest,
    item_columns: Sequence[tuple[str, str]] = (),
    size: int = CHUNK_RESPONSES,
) -> Iterator[ExportChunk]:
    """Every response that matches the request, with its answers, `size` responses at a time.

    `item_columns` are the (respondent type, item id) of the value matrix's columns. The
    responses come in a random order, and `response_id` is not the database id but the
    response's place in that order (1, 2, ...): a new numbering for every export, which says
    nothing about when a response was given or how it lies in the database.

    The answers are read in one pass in the database's order into a matrix of one byte per
    answer, row by export place; memory holds that matrix (18 MB for 450,000 x 40) and one
    chunk of frames, never a row object per answer.
    """
    connection = session.connection()  # Core rows: no ORM bookkeeping per answer
    conditions = _conditions(request)
    responses = _responses(connection, conditions)
    n = len(responses)
    shuffled = _random_order(n)  # place -> row of `responses`
    place_of = np.empty(n, dtype=np.int64)
    place_of[shuffled] = np.arange(n)
    database_ids = responses["response_id"].to_numpy()
    values = _answer_matrix(connection, request, conditions, responses, place_of, item_columns)
    texts = _texts(connection, request, conditions, database_ids, place_of)
    responses = responses.iloc[shuffled].reset_index(drop=True)
    responses["response_id"] = np.arange(1, n + 1)
    responses["panel_id"] = _panel_numbers(responses["panel_id"])
    text_places = texts["response_id"].to_numpy()
    for start in range(0, n, size):
        stop = min(start + size, n)
        lo, hi = np.searchsorted(text_places, [start + 1, stop + 1])
        yield ExportChunk(
            responses.iloc[start:stop].reset_index(drop=True),
            values[start:stop],
            texts.iloc[lo:hi].reset_index(drop=True),
            n,
        )


def _random_order(n: int) -> np.ndarray:
    """A random permutation of 0..n-1 from the operating system's secure source: the rows
    sorted by a random 64-bit key each (a tie, about n² / 2⁶⁵, keeps database order for
    two rows, which says nothing). The same as shuffling with `secrets.SystemRandom`, whose
    draw per row costs 2 s at 450,000 rows; this costs 0.05 s."""
    keys = np.frombuffer(secrets.token_bytes(8 * n), dtype=np.uint64)
    return np.argsort(keys, kind="stable").astype(np.int64)


def _panel_numbers(members: pd.Series) -> pd.Series:
    """Each panel member numbered anew by their first response in this export's (random)
    order: the same pupil within the file, unrelated to any other export; NA when unlinked."""
    codes, _ = pd.factorize(members, use_na_sentinel=True)
    numbers = pd.array(np.where(codes >= 0, codes + 1, 0), dtype="Int64")
    numbers[codes < 0] = pd.NA
    return pd.Series(numbers, index=members.index)


def _answer_matrix(
    connection,
    request: ExportRequest,
    conditions: list[ColumnElement[bool]],
    responses: pd.DataFrame,
    place_of: np.ndarray,
    item_columns: Sequence[tuple[str, str]],
) -> np.ndarray:
    values = np.zeros((len(responses), len(item_columns)), dtype=np.uint8)
    if not item_columns or not len(responses):
        return values
    item_ids = sorted({item_id for _, item_id in item_columns})
    if len(item_ids) >= ID_SHIFT >> 8:
        raise ValueError("An export holds at most 4,095 different questions.")
    item_codes = {item_id: code for code, item_id in enumerate(item_ids, start=1)}
    type_names = list(responses["respondent_type"].cat.categories)
    column_of = np.full((len(type_names) + 1, len(item_ids) + 1), -1, dtype=np.int64)
    for column, (respondent_type, item_id) in enumerate(item_columns):
        if respondent_type in type_names:
            column_of[type_names.index(respondent_type), item_codes[item_id]] = column
    type_of = responses["respondent_type"].cat.codes.to_numpy()
    database_ids = responses["response_id"].to_numpy()
    query = select(_value_code(item_ids)).where(Answer.item_id.in_(item_ids))
    if _reads_most_answers(connection, len(responses)):
        # Most of the table: one pass over it in storage order, the export's responses
        # picked out below, is cheaper than a join that looks each response's answers up.
        query = query.select_from(Answer)
    else:
        query = (
            query.select_from(Response)
            .join(Round, Response.round_id == Round.id)
            .join(Answer, Answer.response_id == Response.id)
            .where(*conditions)
        )
    if not request.include_free_text:
        query = query.where(Answer.text.is_(None))
    for part in _driver_rows(connection, query):
        packed = np.fromiter(itertools.chain.from_iterable(part), dtype=np.int64, count=len(part))
        ids = packed // ID_SHIFT
        row = np.minimum(np.searchsorted(database_ids, ids), len(database_ids) - 1)
        ours = database_ids[row] == ids  # the whole-table read holds other responses too
        code = (packed & 255).astype(np.uint8)
        if (code[ours] == OUT_OF_RANGE).any():
            raise ValueError("An answer's value lies outside what an export can hold.")
        column = column_of[type_of[row], (packed % ID_SHIFT) >> 8]
        keep = ours & (column >= 0)
        values[place_of[row[keep]], column[keep]] = code[keep]
    return values


def _reads_most_answers(connection, responses: int) -> bool:
    """Whether the export holds at least half of the database's responses (SQLite only:
    PostgreSQL's planner makes this choice itself, from its statistics)."""
    if connection.dialect.name != "sqlite":
        return False
    total = connection.execute(select(func.count()).select_from(Response)).scalar_one()
    return responses * 2 >= total


def _driver_rows(
    connection, query, batch: int = READ_ROWS, name: str = "trivsel_export_answers"
) -> Iterator[list]:
    """The query's rows as the driver's own tuples, `batch` at a time, on the session's
    connection and transaction: SQLAlchemy's Row per answer would cost more than the query.
    PostgreSQL streams through a server-side cursor (`name`), so memory holds one batch.
    No result processing: values come as the driver gives them (dates as ISO text on
    SQLite), so callers convert whole columns themselves."""
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name=name)
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()


def _texts(
    connection,
    request: ExportRequest,
    conditions: list[ColumnElement[bool]],
    database_ids: np.ndarray,
    place_of: np.ndarray,
) -> pd.DataFrame:
    """Free-text answers by export place (none unless the request includes free text)."""
    if not request.include_free_text:
        return pd.DataFrame(
            {"response_id": np.array([], dtype=np.int64), "item_id": [], "text": []}
        )
    rows = connection.execute(
        select(Answer.response_id, Answer.item_id, Answer.text)
        .select_from(Response)
        .join(Round, Response.round_id == Round.id)
        .join(Answer, Answer.response_id == Response.id)
        .where(*conditions, Answer.text.is_not(None))
    ).all()
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    places = place_of[np.searchsorted(database_ids, ids)] + 1 if len(rows) else ids
    frame = pd.DataFrame(
        {
            "response_id": places,
            "item_id": [row[1] for row in rows],
            "text": [row[2] for row in rows],
        }
    )
    return frame.sort_values("response_id", kind="stable").reset_index(drop=True)
