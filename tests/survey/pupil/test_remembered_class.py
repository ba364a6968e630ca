"""A worker remembers a tablet's class to save answers in one statement; the memory may be out
of date, and nothing it says may let an answer in that the full path would refuse."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.models import Answer, Response, Round
from survey.pupil.class_memory import class_memory
from tests.survey.pupil.conftest import PUPIL, token_of

FIRST, SECOND = (item.id for item in PUPIL.items[:2])
CLIENT = "5a8b1c1e-6f0e-4d59-9d55-3d2c7b0e9a11"


def _url(client_id: str, item_id: str) -> str:
    return f"/api/v1/pupil/responses/{client_id}/answers/{item_id}"


def _body(client, access) -> dict:
    """A token for `access` bound to the client's tablet, as if it had typed that code too."""
    with client.session_transaction() as browser_session:
        values = {**browser_session, "class_code_id": access.id}
    return {"class_token": token_of(values)}


@pytest.fixture
def body(client, tablet) -> dict:
    return {**_body(client, tablet()), "language": "nb"}


def _answers(session) -> int:
    return session.scalar(select(func.count()).select_from(Answer))


def _remembered(app) -> int:
    with app.app_context():
        return len(class_memory())


def test_the_first_answer_makes_the_worker_remember_the_class(app, api_put, body) -> None:
    assert _remembered(app) == 0
    assert api_put(_url(CLIENT, FIRST), {**body, "value": 3}).status_code == 200
    assert _remembered(app) == 1


def test_later_answers_replace_and_add_through_the_memory(api_put, body, session) -> None:
    api_put(_url(CLIENT, FIRST), {**body, "value": 3})
    api_put(_url(CLIENT, FIRST), {**body, "value": 5})
    api_put(_url(CLIENT, SECOND), {**body, "declined": True})
    stored = {a.item_id: (a.value, a.is_declined) for a in session.scalars(select(Answer))}
    assert stored == {FIRST: (5, False), SECOND: (None, True)}


def test_a_remembered_class_saves_nothing_once_its_round_has_closed(
    app, api_put, body, session
) -> None:
    api_put(_url(CLIENT, FIRST), {**body, "value": 3})
    session.execute(Round.__table__.update().values(status="closed"))
    page = api_put(_url(CLIENT, SECOND), {**body, "value": 3})
    assert page.status_code == 422
    assert page.json["errors"]["json"]["class_token"]
    assert _answers(session) == 1
    assert _remembered(app) == 0, "a class found closed is forgotten"


def test_a_remembered_class_does_not_write_into_a_submitted_response(
    api_put, body, session
) -> None:
    api_put(_url(CLIENT, FIRST), {**body, "value": 3})
    api_put(f"/api/v1/pupil/responses/{CLIENT}/submit", body, method="POST")
    page = api_put(_url(CLIENT, SECOND), {**body, "value": 3})
    assert page.status_code == 422
    assert _answers(session) == 1


def test_a_response_of_one_class_takes_no_answer_through_another_class(
    app, client, api_put, body, session, make_pupil_class
) -> None:
    api_put(_url(CLIENT, FIRST), {**body, "value": 3})
    other, _code = make_pupil_class(label="6C")
    other_body = {**_body(client, other), "language": "nb"}
    api_put(_url("another-tablet-response-0001", FIRST), {**other_body, "value": 1})
    assert _remembered(app) == 2
    page = api_put(_url(CLIENT, SECOND), {**other_body, "value": 3})
    assert page.status_code == 422
    assert page.json["errors"]["json"]["class_token"]
    assert session.scalar(select(func.count()).select_from(Response)) == 2
    assert _answers(session) == 2


def test_an_answer_the_instrument_refuses_gets_the_full_message(api_put, body, session) -> None:
    api_put(_url(CLIENT, FIRST), {**body, "value": 3})
    page = api_put(_url(CLIENT, SECOND), {**body, "value": 99})
    assert page.status_code == 422
    assert page.json["errors"]["json"]["value"]
    assert _answers(session) == 1
