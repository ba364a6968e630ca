"""Stuffing: the class token works only in the session that typed the class code, and only
as long as that tablet session lasts."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from survey.models import Response
from tests.survey.pupil.conftest import PUPIL

ITEM = PUPIL.items[0].id


def _token_from_the_page(client) -> str:
    return re.search(r'"classToken":\s*"([^"]+)"', client.get("/elev/").text).group(1)


def _send(browser, token: str, client_id: str):
    with browser.session_transaction() as browser_session:
        csrf = browser_session.setdefault("csrf", "csrf")
    body = {"class_token": token, "language": "nb"}
    url = f"/api/v1/pupil/responses/{client_id}"
    headers = {"X-CSRF-Token": csrf}
    browser.put(f"{url}/answers/{ITEM}", json={**body, "value": 5}, headers=headers)
    return browser.post(f"{url}/submit", json=body, headers=headers)


def _responses(session) -> int:
    return session.scalar(select(func.count()).select_from(Response))


def test_the_tablet_that_typed_the_code_sends_with_its_token(client, tablet, session) -> None:
    tablet()
    assert _send(client, _token_from_the_page(client), "a" * 32).status_code == 200
    assert _responses(session) == 1


def test_a_session_that_never_typed_the_code_cannot_use_a_copied_token(
    app, client, tablet, session
) -> None:
    tablet()
    copied = _token_from_the_page(client)
    stuffer = app.test_client()
    replies = [_send(stuffer, copied, f"{n:032x}") for n in range(26)]
    assert {reply.status_code for reply in replies} == {422}
    assert replies[0].json["errors"]["json"]["class_token"]
    assert _responses(session) == 0


def test_the_token_expires_with_the_tablet_session(
    app, client, tablet, session, monkeypatch
) -> None:
    tablet()
    token = _token_from_the_page(client)
    hours = app.config["TABLET_SESSION_HOURS"]
    later = time.time() + hours * 3600 + 60
    monkeypatch.setattr("survey.pupil.tablet.time.time", lambda: later)
    assert _send(client, token, "b" * 32).status_code == 422
    assert client.get("/elev/").headers["Location"] == "/elev/sprak"  # the class is gone too
    assert _responses(session) == 0
