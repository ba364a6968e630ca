"""The tablet's JSON calls: idempotent saves and submits, and 422 with field messages."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey.models import Answer, Response, Round
from tests.survey.pupil.conftest import PUPIL, client_token

CLIENT = "0f8fad5b-d9cb-469f-a165-70867728950e"
ITEM = PUPIL.items[0].id
URL = f"/api/v1/pupil/responses/{CLIENT}"


@pytest.fixture
def body(client, tablet) -> dict:
    tablet()
    return {"class_token": client_token(client), "language": "nb"}


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_an_answer_saved_twice_is_stored_once(api_put, body, session) -> None:
    first = api_put(f"{URL}/answers/{ITEM}", {**body, "value": 4})
    again = api_put(f"{URL}/answers/{ITEM}", {**body, "value": 4})
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json == {"client_id": CLIENT, "item_id": ITEM, "saved": True}
    assert (_count(session, Response), _count(session, Answer)) == (1, 1)


def test_a_changed_answer_replaces_the_first(api_put, body, session) -> None:
    api_put(f"{URL}/answers/{ITEM}", {**body, "value": 2})
    api_put(f"{URL}/answers/{ITEM}", {**body, "declined": True})
    answer = session.scalar(select(Answer))
    assert (answer.value, answer.is_declined) == (None, True)


def test_a_double_submit_gives_one_complete_response(api_put, body, session) -> None:
    api_put(f"{URL}/answers/{ITEM}", {**body, "value": 5})
    first = api_put(f"{URL}/submit", body, method="POST")
    again = api_put(f"{URL}/submit", body, method="POST")
    assert first.json == again.json == {"client_id": CLIENT, "status": "complete"}
    response = session.scalar(select(Response))
    assert (_count(session, Response), response.completed_on is not None) == (1, True)


@pytest.mark.parametrize(
    ("url", "fields", "location", "field"),
    [
        (f"{URL}/answers/{ITEM}", {}, "json", "value"),
        (f"{URL}/answers/{ITEM}", {"value": 3, "declined": True}, "json", "value"),
        (f"{URL}/answers/{ITEM}", {"value": 9}, "json", "value"),
        (f"{URL}/answers/{ITEM}", {"value": "3"}, "json", "value"),
        (f"{URL}/answers/no_such_item", {"value": 3}, "json", "item_id"),
        (f"{URL}/answers/{ITEM}", {"value": 3, "language": "ar"}, "json", "language"),
        (f"{URL}/answers/{ITEM}", {"value": 3, "class_token": "forged"}, "json", "class_token"),
        ("/api/v1/pupil/responses/short/answers/x", {"value": 3}, "path", "client_id"),
    ],
)
def test_answers_that_cannot_be_stored_get_422_with_the_field(
    api_put, body, session, url, fields, location, field
) -> None:
    page = api_put(url, {**body, **fields})
    assert page.status_code == 422
    assert field in page.json["errors"][location]
    assert _count(session, Answer) == 0


def test_a_body_that_is_not_an_object_gets_422(api_put) -> None:
    assert api_put(f"{URL}/answers/{ITEM}", ["junk"]).status_code == 422


def test_a_submitted_response_takes_no_more_answers(api_put, body) -> None:
    api_put(f"{URL}/submit", body, method="POST")
    page = api_put(f"{URL}/answers/{ITEM}", {**body, "value": 3})
    assert page.status_code == 422


def test_nothing_is_saved_once_the_round_has_closed(api_put, body, session) -> None:
    for round_ in session.scalars(select(Round)):
        round_.status = "closed"
    session.flush()
    page = api_put(f"{URL}/answers/{ITEM}", {**body, "value": 3})
    assert page.json["errors"]["json"]["class_token"]


def test_a_call_without_the_csrf_header_is_refused(client, body) -> None:
    page = client.put(f"{URL}/answers/{ITEM}", json={**body, "value": 3})
    assert page.status_code == 400


def test_the_pupil_calls_are_in_the_openapi_document(client) -> None:
    paths = client.get("/api/openapi.json").json["paths"]
    assert "/api/v1/pupil/responses/{client_id}/answers/{item_id}" in paths
    assert "/api/v1/pupil/responses/{client_id}/submit" in paths


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(extra=st.dictionaries(st.sampled_from(["value", "declined", "text", "language"]), JSON))
def test_any_body_gets_an_answer_or_a_422_never_a_500(api_put, body, extra) -> None:
    page = api_put(f"{URL}/answers/{ITEM}", {**body, **extra})
    assert page.status_code in (200, 422), page.json
