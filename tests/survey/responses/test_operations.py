"""Saving answers: checked against the frozen instrument, idempotent, never for a closed round."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from survey.models import Answer
from survey.responses.operations import (
    AnswerError,
    Respondent,
    clear_answer,
    complete_response,
    save_answer,
    start_response,
)
from tests.survey.responses.conftest import DAY, ITEM


def _answers(session) -> int:
    return session.scalar(select(func.count()).select_from(Answer))


def test_starting_twice_with_one_client_id_gives_one_response(session, respondent) -> None:
    first = start_response(session, "device-1", respondent, "nb")
    assert start_response(session, "device-1", respondent, "nb").id == first.id


def test_a_client_id_cannot_be_moved_to_another_class(
    session, respondent, response, make_group
) -> None:
    other = Respondent(respondent.round_id, respondent.school_id, make_group().id, "pupil")
    with pytest.raises(AnswerError, match="another class"):
        start_response(session, "device-1", other, "nb")


def test_saving_an_answer_twice_stores_it_once(session, response) -> None:
    save_answer(session, response, ITEM, value=4)
    save_answer(session, response, ITEM, value=4)
    assert _answers(session) == 1


def test_a_changed_answer_replaces_the_old_one(session, response) -> None:
    save_answer(session, response, ITEM, value=2)
    save_answer(session, response, ITEM, declined=True)
    answer = session.scalar(select(Answer))
    assert (answer.value, answer.is_declined) == (None, True)


@pytest.mark.parametrize(
    ("item", "fields", "problem"),
    [
        ("no_such_item", {"value": 3}, "unknown item"),
        (ITEM, {"value": 9}, "not a value"),
        (ITEM, {"value": 3, "declined": True}, "exactly one"),
        (ITEM, {"text": "hei"}, "takes a value"),
        (ITEM, {}, "exactly one"),
    ],
)
def test_answers_that_do_not_fit_the_instrument_are_refused(
    session, response, item, fields, problem
) -> None:
    with pytest.raises(AnswerError, match=problem):
        save_answer(session, response, item, **fields)
    assert _answers(session) == 0


@pytest.mark.parametrize(
    ("item", "fields", "field"),
    [("no_such_item", {"value": 3}, "item_id"), (ITEM, {"value": 9}, "value")],
)
def test_a_refused_answer_names_the_input_at_fault(session, response, item, fields, field) -> None:
    with pytest.raises(AnswerError) as refused:
        save_answer(session, response, item, **fields)
    assert refused.value.field == field


def test_a_save_in_a_closed_round_blames_the_class_token(session, response) -> None:
    response.round.status = "closed"
    with pytest.raises(AnswerError) as refused:
        save_answer(session, response, ITEM, value=3)
    assert refused.value.field == "class_token"


def test_an_unselected_answer_is_forgotten(session, response) -> None:
    save_answer(session, response, ITEM, value=5)
    clear_answer(session, response, ITEM)
    assert _answers(session) == 0


def test_completing_keeps_only_the_day_and_is_idempotent(session, response) -> None:
    complete_response(session, response, DAY)
    complete_response(session, response, DAY + dt.timedelta(days=1))
    assert (response.status, response.completed_on) == ("complete", DAY)


def test_a_submitted_response_takes_no_more_answers(session, response) -> None:
    complete_response(session, response, DAY)
    with pytest.raises(AnswerError, match="already submitted"):
        save_answer(session, response, ITEM, value=3)


def test_nothing_is_saved_once_the_round_has_closed(session, response) -> None:
    response.round.status = "closed"
    with pytest.raises(AnswerError, match="closed"):
        save_answer(session, response, ITEM, value=3)


def test_a_language_the_instrument_lacks_is_refused(session, respondent) -> None:
    with pytest.raises(AnswerError, match="not available"):
        start_response(session, "device-2", respondent, "xx")
