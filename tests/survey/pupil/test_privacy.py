"""What the pupil flow keeps: no IP, no user agent, one cookie, the day only, no cached pages."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from survey.models import Response
from tests.survey.pupil.conftest import PUPIL, client_token

ADDRESS, AGENT = "203.0.113.77", "TabletBrowser/9.9 (unique-agent-string)"
CLIENT = "c3a1f0f2e5b94c0aa1e0a9b8c7d6e5f4"


def _whole_flow(app, client, post_form, api_put, tablet) -> None:
    client.environ_base.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    access = tablet()
    client.get("/elev/")
    assert access.id
    body = {"class_token": client_token(client), "language": "nb"}
    api_put(f"/api/v1/pupil/responses/{CLIENT}/answers/{PUPIL.items[0].id}", {**body, "value": 3})
    api_put(f"/api/v1/pupil/responses/{CLIENT}/submit", body, method="POST")


def test_no_address_or_user_agent_is_logged(
    app, client, post_form, api_put, tablet, caplog
) -> None:
    with caplog.at_level(logging.DEBUG):
        _whole_flow(app, client, post_form, api_put, tablet)
    assert "completed a pupil response" in caplog.text
    assert ADDRESS not in caplog.text
    assert "unique-agent-string" not in caplog.text


def test_no_line_per_response_reaches_the_production_log(
    app, client, post_form, api_put, tablet, caplog
) -> None:
    """Log lines carry a time; one per response could date the response within the day."""
    with caplog.at_level(logging.INFO):
        _whole_flow(app, client, post_form, api_put, tablet)
    per_response = [r for r in caplog.records if r.name.startswith("survey.responses")]
    assert per_response == []


def test_the_only_cookie_is_the_session(app, client, post_form, api_put, tablet) -> None:
    _whole_flow(app, client, post_form, api_put, tablet)
    assert [cookie.key for cookie in client._cookies.values()] == ["session"]


def test_a_response_keeps_the_day_of_completion_and_nothing_of_the_code(
    app, client, post_form, api_put, tablet, session
) -> None:
    _whole_flow(app, client, post_form, api_put, tablet)
    response = session.scalar(select(Response))
    assert isinstance(response.completed_on, dt.date)
    assert not isinstance(response.completed_on, dt.datetime)
    assert not hasattr(response, "access_code_id")


def test_pupil_pages_and_calls_are_never_cached(client, tablet) -> None:
    tablet()
    assert client.get("/elev/").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_no_address_or_user_agent_is_stored_anywhere_in_the_database(
    app, client, post_form, api_put, tablet, session
) -> None:
    """Every text of every row of every table, after a whole pupil flow from a known address."""
    from survey.models import Base

    _whole_flow(app, client, post_form, api_put, tablet)
    for table in Base.metadata.sorted_tables:
        for row in session.execute(table.select()):
            stored = " ".join(str(value) for value in row)
            assert ADDRESS not in stored, table.name
            assert "unique-agent-string" not in stored, table.name
