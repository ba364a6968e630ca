"""Saving answers: idempotent, checked against the frozen instrument. Only flush, never commit.

Both the pupil tablet and the parent/staff link flow write through these functions, so an
answer is validated the same way whichever door it came in by.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from instruments import Instrument, instrument_from_json
from survey.models import Answer, InstrumentVersion, Response, Round

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 2000


class AnswerError(ValueError):
    """The answer cannot be stored as given; the message says why (shown as a 422), and
    `field` names the input at fault: value, item_id, language or class_token."""

    def __init__(self, message: str, field: str = "value") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Respondent:
    """Where a response comes from: never who."""

    round_id: int
    school_id: int
    group_id: int | None
    respondent_type: str


_parsed: dict[tuple[int, str], Instrument] = {}


def instrument_of(version: InstrumentVersion) -> Instrument:
    """The frozen instrument of a version, parsed once per process (versions never change)."""
    key = (version.id, version.content_hash)
    if key not in _parsed:
        _parsed[key] = instrument_from_json(version.content)
    return _parsed[key]


def instrument_of_id(session: Session, version_id: int, content_hash: str) -> Instrument:
    """As `instrument_of`, reading the version's content only the first time in a process."""
    parsed = _parsed.get((version_id, content_hash))
    if parsed is not None:
        return parsed
    version = session.get_one(InstrumentVersion, version_id)
    return instrument_of(version)


def start_response(
    session: Session, client_id: str, respondent: Respondent, language: str
) -> Response:
    """The response with this client id, made now if new (a retried start makes no second one)."""
    existing = session.scalar(select(Response).filter_by(client_id=client_id))
    if existing is not None:
        _check_same_respondent(existing, respondent)
        return existing
    round_ = session.get(Round, respondent.round_id)
    if round_ is None or not round_.is_open:
        raise AnswerError("the round is not open", "class_token")
    version = round_.instrument_for(respondent.respondent_type)
    if version is None:
        raise AnswerError(
            f"the round has no instrument for {respondent.respondent_type}", "class_token"
        )
    if language not in instrument_of(version).languages:
        raise AnswerError(f"the instrument is not available in {language!r}", "language")
    response = Response(
        client_id=client_id,
        round_id=round_.id,
        school_id=respondent.school_id,
        group_id=respondent.group_id,
        respondent_type=respondent.respondent_type,
        instrument_version_id=version.id,
        language=language,
    )
    try:
        with session.begin_nested():
            session.add(response)
    except IntegrityError:  # the same client id arrived twice at once
        existing = session.scalar(select(Response).filter_by(client_id=client_id))
        if existing is None:
            raise
        _check_same_respondent(existing, respondent)
        return existing
    # A line per response only at DEBUG: with its timestamp, a line per response in the
    # production log could hint at the time of day a response was given.
    log.debug("started a %s response in round %s", respondent.respondent_type, round_.id)
    return response


def _check_same_respondent(response: Response, respondent: Respondent) -> None:
    same = (
        response.round_id == respondent.round_id
        and response.school_id == respondent.school_id
        and response.group_id == respondent.group_id
        and response.respondent_type == respondent.respondent_type
    )
    if not same:
        raise AnswerError("this response id belongs to another class or round", "class_token")


def save_answer(
    session: Session,
    response: Response,
    item_id: str,
    *,
    value: int | None = None,
    text: str | None = None,
    declined: bool = False,
    instrument_checked: bool = False,
) -> Answer:
    """Store or replace the answer to one item; the same call twice stores it once.

    `instrument_checked`: the caller has already passed the answer through `check_answer`
    against this response's instrument version, so it is not checked again."""
    ensure_writable(response)
    if not instrument_checked:
        check_answer(instrument_of(response.instrument_version), item_id, value, text, declined)
    fields = {"value": value, "text": text, "is_declined": declined}
    answer = session.scalar(select(Answer).filter_by(response_id=response.id, item_id=item_id))
    if answer is None:
        answer = Answer(response_id=response.id, item_id=item_id, **fields)
        try:
            with session.begin_nested():
                session.add(answer)
        except IntegrityError:  # a concurrent save of the same item won; update it instead
            answer = session.scalar(
                select(Answer).filter_by(response_id=response.id, item_id=item_id)
            )
            if answer is None:
                raise
    for name, field_value in fields.items():
        setattr(answer, name, field_value)
    session.flush()
    return answer


def ensure_writable(response: Response) -> None:
    """Refuse any answer to a response that is submitted, or whose round has closed."""
    if response.is_complete:
        raise AnswerError("the response is already submitted")
    if not response.round.is_open:
        raise AnswerError("the round is closed", "class_token")


def check_answer(
    instrument: Instrument, item_id: str, value: int | None, text: str | None, declined: bool
) -> None:
    """Refuse an answer the instrument cannot take, with a message that says why."""
    try:
        item = instrument.item(item_id)
    except KeyError:
        raise AnswerError(f"unknown item {item_id!r}", "item_id") from None
    given = sum((value is not None, text is not None, declined))
    if given != 1:
        raise AnswerError("give exactly one of a value, a text, or declined")
    if item.kind == "text":
        if value is not None:
            raise AnswerError(f"item {item_id!r} takes text, not a value")
        if text is not None and len(text) > MAX_TEXT_LENGTH:
            raise AnswerError(f"the text is longer than {MAX_TEXT_LENGTH} characters")
        return
    if text is not None:
        raise AnswerError(f"item {item_id!r} takes a value, not text")
    if declined and not instrument.scale_of(item).allows_decline:
        raise AnswerError(f"item {item_id!r} cannot be declined")
    if value is not None and not instrument.is_valid_value(item_id, value):
        raise AnswerError(f"{value!r} is not a value of item {item_id!r}")


def clear_answer(session: Session, response: Response, item_id: str) -> None:
    """Forget the answer to one item (the respondent went back and unselected it)."""
    if response.is_complete:
        raise AnswerError("the response is already submitted")
    answer = session.scalar(select(Answer).filter_by(response_id=response.id, item_id=item_id))
    if answer is not None:
        session.delete(answer)
        session.flush()


def complete_response(session: Session, response: Response, today: dt.date) -> Response:
    """Mark the response submitted, keeping only the day; submitting twice changes nothing."""
    if response.is_complete:
        return response
    if not response.round.is_open:
        raise AnswerError("the round is closed", "class_token")
    response.status = "complete"
    response.completed_on = today
    session.flush()
    log.debug("completed a %s response in round %s", response.respondent_type, response.round_id)
    return response
