"""Writes for the pupil flow, through the shared answer path. Only flush, never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from instruments import Instrument
from survey.models import AccessCode, Answer, Response
from survey.pupil.class_memory import class_memory
from survey.pupil.queries import SavingClass, saving_class
from survey.responses.fast import ensure_response, upsert_answer
from survey.responses.operations import (
    AnswerError,
    Respondent,
    check_answer,
    complete_response,
    ensure_writable,
    save_answer,
    start_response,
)


def respondent_of(access: AccessCode) -> Respondent:
    """A pupil of the code's class: the response keeps round, school and class, not the code."""
    return Respondent(access.round_id, access.school_id, access.group_id, "pupil")


def start_form_response(session: Session, access: AccessCode, language: str) -> Response:
    """A response for the no-JavaScript form; the server makes its client id."""
    return start_response(session, uuid.uuid4().hex, respondent_of(access), language)


def save_tablet_answer(
    session: Session,
    access_id: int,
    client_id: str,
    language: str,
    item_id: str,
    *,
    value: int | None = None,
    text: str | None = None,
    declined: bool = False,
) -> None:
    """Save one answer from the tablet: the one place that chooses the fast or the full path.

    A class the worker remembers tries one statement (`upsert_answer`); otherwise the class is
    read fresh, the response made by its first answer (`ensure_response`) and the answer
    written. A save those statements refuse takes the full path, which says why. The answer is
    checked against each instrument version once.
    """
    answer = {"value": value, "text": text, "declined": declined}
    refusals: dict[int, AnswerError | None] = {}
    remembered = class_memory().get(access_id)
    if remembered is not None:
        refusals[remembered.version_id] = _refusal(remembered.instrument, item_id, answer)
        if refusals[remembered.version_id] is None and upsert_answer(
            session, client_id, remembered.respondent, remembered.version_id, item_id, **answer
        ):
            return
    pupil_class = saving_class(session, access_id)
    if pupil_class is None:
        raise AnswerError("The class is unknown or its round is not open.", "class_token")
    version_id = pupil_class.version_id
    if version_id not in refusals:
        refusals[version_id] = _refusal(pupil_class.instrument, item_id, answer)
    refusal = refusals[version_id]
    if refusal is None and language in pupil_class.instrument.languages:
        ensure_response(session, client_id, pupil_class.respondent, version_id, language)
        if upsert_answer(session, client_id, pupil_class.respondent, version_id, item_id, **answer):
            return
    response = start_response(session, client_id, pupil_class.respondent, language)
    if refusal is not None:
        ensure_writable(response)
        raise refusal
    save_answer(session, response, item_id, instrument_checked=True, **answer)


def _refusal(instrument: Instrument, item_id: str, answer: dict[str, Any]) -> AnswerError | None:
    try:
        check_answer(instrument, item_id, answer["value"], answer["text"], answer["declined"])
    except AnswerError as error:
        return error
    return None


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
