"""The one-statement saves of the tablet's busiest call: they write exactly where the full path
would, and nothing where it would refuse."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.models import Answer, Response, Round
from survey.responses.fast import ensure_response, upsert_answer
from survey.responses.operations import Respondent, complete_response
from tests.survey.responses.conftest import DAY, ITEM


def _answers(session) -> int:
    return session.scalar(select(func.count()).select_from(Answer))


def _upsert(session, respondent, response, **answer) -> bool:
    return upsert_answer(
        session, "device-1", respondent, response.instrument_version_id, ITEM, **answer
    )


def test_the_one_statement_save_stores_once_and_replaces(session, respondent, response) -> None:
    assert _upsert(session, respondent, response, value=2)
    assert _upsert(session, respondent, response, value=2)
    assert _upsert(session, respondent, response, declined=True)
    answer = session.scalar(select(Answer))
    assert (_answers(session), answer.value, answer.is_declined) == (1, None, True)


def test_the_one_statement_save_writes_nothing_where_the_full_path_would_refuse(
    session, respondent, response, make_group
) -> None:
    other_class = Respondent(respondent.round_id, respondent.school_id, make_group().id, "pupil")
    refused = [
        upsert_answer(session, "device-2", respondent, response.instrument_version_id, ITEM),
        _upsert(session, other_class, response, value=3),
        upsert_answer(session, "device-1", respondent, -1, ITEM, value=3),
    ]
    complete_response(session, response, DAY)
    refused.append(_upsert(session, respondent, response, value=3))
    response.status, response.completed_on = "partial", None
    response.round.status = "closed"
    session.flush()
    refused.append(_upsert(session, respondent, response, value=3))
    assert refused == [False] * 5
    assert _answers(session) == 0


def _responses(session) -> int:
    return session.scalar(select(func.count()).select_from(Response))


def test_the_first_answer_makes_its_response_once(session, respondent) -> None:
    version_id = _pupil_version(session, respondent)
    for _ in range(2):
        ensure_response(session, "device-9", respondent, version_id, "nb")
    made = session.scalar(select(Response).filter_by(client_id="device-9"))
    assert (_responses(session), made.status, made.language) == (1, "partial", "nb")
    assert (made.round_id, made.school_id, made.group_id) == (
        respondent.round_id,
        respondent.school_id,
        respondent.group_id,
    )


def test_no_response_is_made_for_a_round_that_is_not_open(session, respondent, response) -> None:
    response.round.status = "closed"
    session.flush()
    ensure_response(session, "device-9", respondent, response.instrument_version_id, "nb")
    assert _responses(session) == 1


def test_a_response_of_another_class_is_left_as_it_was(
    session, respondent, response, make_group
) -> None:
    other = Respondent(respondent.round_id, respondent.school_id, make_group().id, "pupil")
    ensure_response(session, "device-1", other, response.instrument_version_id, "en")
    session.refresh(response)
    assert (_responses(session), response.group_id, response.language) == (
        1,
        respondent.group_id,
        "nb",
    )


def _pupil_version(session, respondent) -> int:
    return session.get(Round, respondent.round_id).instrument_for("pupil").id
