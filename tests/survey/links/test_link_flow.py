"""The link flow: a parent or staff member answers on a phone, a construct per page, once."""

from __future__ import annotations

from sqlalchemy import func, select

from instruments import bundled_instrument
from survey.links import pool
from survey.links.cookies import DEVICE_COOKIE
from survey.links.operations import read_draft
from survey.links.phone_pages import pages_of
from survey.models import AccessCode, Answer, LinkDraft, PooledLinkResponse, Response
from tests.conftest import TEST_SECRET_KEY
from tests.round_fixtures import NOW

PARENT = bundled_instrument("parent", 1)
FIRST_PAGE = pages_of(PARENT)[0]


def _responses(session) -> int:
    return session.scalar(select(func.count()).select_from(Response))


def test_a_fresh_link_shows_the_questionnaire_title_and_a_start_button(client, make_token):
    page = client.get(f"/s/{make_token()}")
    assert PARENT.title["nb"] in page.text
    assert "Start" in page.text


def test_an_unknown_link_gets_a_clear_page_not_an_error(client, open_round) -> None:
    page = client.get("/s/" + "A" * 32)
    assert page.status_code == 404
    assert "Vi fant ikke denne lenken" in page.text


def test_a_link_of_a_closed_round_says_the_survey_is_over(client, session, make_token, open_round):
    token = make_token()
    open_round.status = "closed"
    session.flush()
    page = client.get(f"/s/{token}")
    assert page.status_code == 410
    assert "Undersøkelsen er avsluttet" in page.text


def test_the_first_page_asks_one_constructs_questions(client, post_form, make_token) -> None:
    token = make_token()
    post_form(f"/s/{token}", {"language": "nb"})
    page = client.get(f"/s/{token}/1")
    assert all(item.text["nb"] in page.text for item in FIRST_PAGE.items)
    assert "Side 1 av" in page.text


def test_partial_answers_are_kept_for_the_device_until_it_submits(
    client, session, post_form, make_token
):
    token = make_token()
    post_form(f"/s/{token}/1", {FIRST_PAGE.items[0].id: "4", FIRST_PAGE.items[1].id: "declined"})
    device_key = client.get_cookie(DEVICE_COOKIE, path=f"/s/{token}").value
    access = session.scalar(select(AccessCode).filter_by(kind="link"))
    draft = read_draft(session, access, device_key, TEST_SECRET_KEY)
    assert draft.answers == {
        FIRST_PAGE.items[0].id: {"value": 4},
        FIRST_PAGE.items[1].id: {"declined": True},
    }
    assert _responses(session) == 0


def test_coming_back_shows_the_answers_given(client, post_form, make_token) -> None:
    token = make_token()
    post_form(f"/s/{token}/1", {FIRST_PAGE.items[0].id: "5"})
    page = client.get(f"/s/{token}/1")
    assert f'name="{FIRST_PAGE.items[0].id}" value="5" checked' in page.text


def test_an_answer_outside_the_scale_comes_back_with_a_message(post_form, make_token) -> None:
    page = post_form(f"/s/{make_token()}/1", {FIRST_PAGE.items[0].id: "9"})
    assert page.status_code == 422
    assert f'id="{FIRST_PAGE.items[0].id}-error"' in page.text


def _release(session, open_round) -> None:
    pool.release_round(session, TEST_SECRET_KEY, open_round.id, NOW.date())


def test_submitting_pools_the_answers_and_forgets_the_draft(
    session, post_form, make_token, open_round
):
    token = make_token()
    post_form(f"/s/{token}/1", {FIRST_PAGE.items[0].id: "4"})
    page = post_form(f"/s/{token}/send")
    assert "Takk for svarene dine" in page.text
    assert _responses(session) == 0
    assert session.scalar(select(func.count()).select_from(PooledLinkResponse)) == 1
    _release(session, open_round)
    response = session.scalar(select(Response))
    assert (response.status, response.respondent_type) == ("complete", "parent")
    assert session.scalar(select(Answer.value)) == 4
    assert session.scalar(select(func.count()).select_from(LinkDraft)) == 0


def test_a_used_link_thanks_the_browser_that_sent_it(client, post_form, make_token):
    token = make_token()
    post_form(f"/s/{token}/send")
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    assert "Takk for svarene dine" in page.text


def test_a_used_link_shows_anyone_else_a_friendly_already_answered_page(app, post_form, make_token):
    token = make_token()
    post_form(f"/s/{token}/send")
    page = app.test_client().get(f"/s/{token}")
    assert page.status_code == 200
    assert "Denne lenken er allerede brukt" in page.text


def test_submitting_twice_stores_one_response(session, post_form, make_token, open_round):
    token = make_token()
    post_form(f"/s/{token}/send")
    second = post_form(f"/s/{token}/send")
    assert "Takk for svarene dine" in second.text  # the same phone: thanked again, not counted
    _release(session, open_round)
    assert _responses(session) == 1


def test_the_used_link_keeps_only_that_it_was_used(session, post_form, make_token) -> None:
    token = make_token()
    post_form(f"/s/{token}/send")
    assert session.scalar(select(func.count()).where(AccessCode.is_used)) == 1
    assert "used_on" not in AccessCode.__table__.columns


def test_a_parent_link_of_a_class_counts_for_that_class(
    session, post_form, make_token, group, open_round
):
    post_form(f"/s/{make_token()}/send")
    _release(session, open_round)
    assert session.scalar(select(Response.group_id)) == group.id


def test_a_staff_link_asks_the_staff_questionnaire(client, make_token) -> None:
    page = client.get(f"/s/{make_token('staff')}")
    assert bundled_instrument("staff", 1).title["nb"] in page.text


def test_link_pages_are_never_cached(client, make_token) -> None:
    assert client.get(f"/s/{make_token()}").headers["Cache-Control"] == "no-store"


def test_a_page_past_the_last_goes_to_the_review_for_reading_and_saving(
    client, post_form, make_token
) -> None:
    token = make_token()
    past = len(pages_of(PARENT)) + 1
    for reply in (client.get(f"/s/{token}/{past}"), post_form(f"/s/{token}/{past}", {})):
        assert reply.status_code == 302
        assert reply.headers["Location"] == f"/s/{token}/send"


def test_a_page_of_a_closed_round_neither_shows_nor_saves(
    client, session, post_form, make_token, open_round
) -> None:
    token = make_token()
    open_round.status = "closed"
    session.flush()
    for reply in (client.get(f"/s/{token}/1"), post_form(f"/s/{token}/1", {"go": "next"})):
        assert reply.status_code == 410
        assert "Undersøkelsen er avsluttet" in reply.text
    assert session.scalar(select(func.count()).select_from(LinkDraft)) == 0
