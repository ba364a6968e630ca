"""The survey without JavaScript: one form per question, the response id in the session."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from instruments import bundled_instrument
from survey.models import Answer, Response
from tests.survey.pupil.conftest import PUPIL

FIRST, SECOND = PUPIL.items[0].id, PUPIL.items[1].id
LAST = len(PUPIL.items)


def _answers(session) -> dict:
    return {a.item_id: a.value or ("declined" if a.is_declined else None) for a in
            session.scalars(select(Answer))}  # fmt: skip


def test_starting_keeps_the_response_in_the_session(tablet, post_form, client) -> None:
    tablet()
    assert post_form("/elev/start").headers["Location"] == "/elev/sporsmal/1"
    with client.session_transaction() as browser_session:
        assert browser_session["pupil_response_id"]


def test_an_answer_is_saved_and_the_next_question_follows(tablet, post_form, session) -> None:
    tablet()
    post_form("/elev/start")
    page = post_form("/elev/sporsmal/1", data={"answer": "4", "action": "next"})
    assert page.headers["Location"] == "/elev/sporsmal/2"
    assert _answers(session) == {FIRST: 4}


def test_skipping_saves_nothing_and_declining_is_kept(tablet, post_form, session) -> None:
    tablet()
    post_form("/elev/start")
    post_form("/elev/sporsmal/1", data={"action": "next"})
    page = post_form("/elev/sporsmal/2", data={"answer": "declined", "action": "back"})
    assert page.headers["Location"] == "/elev/sporsmal/1"
    assert _answers(session) == {SECOND: "declined"}


def test_a_given_answer_shows_as_chosen_when_coming_back(tablet, post_form, client) -> None:
    tablet()
    post_form("/elev/start")
    post_form("/elev/sporsmal/1", data={"answer": "2"})
    assert 'value="2" checked' in client.get("/elev/sporsmal/1").text


def test_a_value_outside_the_scale_gives_the_form_again(tablet, post_form, session) -> None:
    tablet()
    post_form("/elev/start")
    page = post_form("/elev/sporsmal/1", data={"answer": "9"})
    assert page.status_code == 422
    assert 'role="alert"' in page.text


def test_sending_twice_gives_one_complete_response(tablet, post_form, client, session) -> None:
    tablet()
    post_form("/elev/start")
    assert client.get(f"/elev/sporsmal/{LAST + 1}").headers["Location"] == "/elev/send"
    post_form("/elev/send")
    assert post_form("/elev/send").headers["Location"] == "/elev/takk"
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    assert session.scalar(select(Response.status)) == "complete"


def test_after_sending_nothing_of_the_pupil_is_left_in_the_session(
    tablet, post_form, client
) -> None:
    tablet()
    post_form("/elev/start")
    post_form("/elev/send")
    with client.session_transaction() as browser_session:
        assert "pupil_response_id" not in browser_session
        assert browser_session["class_code_id"]
    assert client.get("/elev/sporsmal/1").headers["Location"] == "/elev/"


def test_the_last_screen_says_the_answers_count_only_once_sent(tablet, post_form, client) -> None:
    tablet()
    post_form("/elev/start")
    page = client.get("/elev/send")
    assert "Send inn svarene" in page.text
    assert "Svarene dine er ikke sendt ennå" in page.text


def test_a_pupil_idle_for_too_long_is_forgotten_by_the_server(
    app, tablet, post_form, client, session, monkeypatch
) -> None:
    """Even a browser that never follows «Er du fortsatt her?» shows the next pupil nothing."""
    tablet()
    post_form("/elev/start")
    post_form("/elev/sporsmal/1", data={"answer": "4", "action": "next"})
    idle = app.config["TABLET_IDLE_SECONDS"] + app.config["TABLET_IDLE_GRACE_SECONDS"]
    later = time.time() + idle + 1
    monkeypatch.setattr("survey.pupil.tablet.time.time", lambda: later)
    assert client.get("/elev/sporsmal/1").headers["Location"] == "/elev/"
    with client.session_transaction() as browser_session:
        assert "pupil_response_id" not in browser_session


def test_the_plain_form_asks_whether_the_pupil_is_still_there(
    app, tablet, post_form, client
) -> None:
    tablet()
    post_form("/elev/start")
    page = client.get("/elev/sporsmal/1")
    assert page.headers["Refresh"] == f"{app.config['TABLET_IDLE_SECONDS']}; url=/elev/er-du-der"
    assert 'autocomplete="off"' in page.text
    asking = client.get("/elev/er-du-der")
    assert "Er du fortsatt her?" in asking.text
    grace = app.config["TABLET_IDLE_GRACE_SECONDS"]
    assert grace >= 20 and asking.headers["Refresh"] == f"{grace}; url=/elev/neste"
    assert post_form("/elev/er-du-der").headers["Location"] == "/elev/sporsmal/1"


def test_the_thanks_screen_says_talk_to_an_adult_after_the_bullying_questions(
    tablet, post_form, client
) -> None:
    tablet(bundled_instrument("pupil-5-7", 3), lang="nn")
    post_form("/elev/start")
    post_form("/elev/send")

    thanks = client.get("/elev/takk")
    survey = client.get("/elev/")

    message = "Viss nokon plagar deg, så snakk med ein vaksen du stolar på."
    assert message in thanks.text
    assert message in survey.text.split('id="tpl-thanks"')[1]


def test_an_instrument_without_a_support_message_thanks_without_one(
    tablet, post_form, client
) -> None:
    tablet()
    post_form("/elev/start")
    post_form("/elev/send")
    assert "support-message" not in client.get("/elev/takk").text
