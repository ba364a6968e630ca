"""Writes for the pupil flow, through the shared answer path. Only flush, never commit."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

from survey.models import AccessCode, Answer, Response
from survey.pupil.queries import SavingClass
from survey.responses.fast import ensure_response, upsert_answer
from survey.responses.operations import (
    AnswerError,
    Respondent,
    check_answer,
    complete_response,
    save_answer,
    start_response,
)


def take_write_lock(session: Session) -> None:
    """On SQLite, make a saving request's first statement a write, as BEGIN IMMEDIATE would.

    A request that reads first and writes later fails at once with "database is locked" when
    another request wrote in between (WAL snapshot); one that starts by writing waits its turn
    (busy_timeout) instead. PostgreSQL needs nothing: its row locks and savepoints suffice.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE response SET status = status WHERE 1 = 0"))


def respondent_of(access: AccessCode) -> Respondent:
    """A pupil of the code's class: the response keeps round, school and class, not the code."""
    return Respondent(access.round_id, access.school_id, access.group_id, "pupil")


def start_form_response(session: Session, access: AccessCode, language: str) -> Response:
    """A response for the no-JavaScript form; the server makes its client id."""
    return start_response(session, uuid.uuid4().hex, respondent_of(access), language)


def save_answer_quickly(
    session: Session,
    pupil_class: SavingClass,
    client_id: str,
    item_id: str,
    *,
    value: int | None = None,
    text: str | None = None,
    declined: bool = False,
) -> bool:
    """Save an answer to a response the tablet started before, in one statement; the class may
    be one the worker remembers. False when it did not apply: then `save_pupil_answer`."""
    try:
        check_answer(pupil_class.instrument, item_id, value, text, declined)
    except AnswerError:
        return False
    answer = {"value": value, "text": text, "declined": declined}
    respondent = pupil_class.respondent
    return upsert_answer(session, client_id, respondent, pupil_class.version_id, item_id, **answer)


def save_pupil_answer(
    session: Session,
    pupil_class: SavingClass,
    client_id: str,
    language: str,
    item_id: str,
    *,
    value: int | None = None,
    text: str | None = None,
    declined: bool = False,
) -> None:
    """Save one answer from the tablet; the response is made by the first answer it sends.

    That takes two statements. A save they refuse takes the full path, which says why.
    """
    answer = {"value": value, "text": text, "declined": declined}
    if language in pupil_class.instrument.languages:
        version_id = pupil_class.version_id
        ensure_response(session, client_id, pupil_class.respondent, version_id, language)
        if save_answer_quickly(session, pupil_class, client_id, item_id, **answer):
            return
    response = start_response(session, client_id, pupil_class.respondent, language)
    save_answer(session, response, item_id, **answer)


def submit_pupil_response(
    session: Session, pupil_class: SavingClass, client_id: str, language: str, today: dt.date
) -> Response:
    """Submit once; a second tap or a retried request changes nothing."""
    response = start_response(session, client_id, pupil_class.respondent, language)
    return complete_response(session, response, today)


def save_form_choice(
    session: Session, response: Response, item_id: str, choice: str | None, text: str | None
) -> Answer | None:
    """Save what the no-JavaScript form sent: a scale value, "declined", a text, or nothing."""
    if choice == "declined":
        return save_answer(session, response, item_id, declined=True)
    if choice:
        try:
            value = int(choice)
        except ValueError:
            raise AnswerError(f"{choice!r} is not a value of item {item_id!r}") from None
        return save_answer(session, response, item_id, value=value)
    if text and text.strip():
        return save_answer(session, response, item_id, text=text.strip())
    return None
