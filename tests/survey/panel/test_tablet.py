"""The card code on the tablet: a sent response is linked to its card, and the tablet tells
nobody which codes were issued, only whether a code is well formed."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from survey.models import PanelMember, Response
from survey.panel import cards, operations
from tests.survey.pupil.conftest import PUPIL, client_token

ITEM = PUPIL.items[0].id


def _typo(code: str) -> str:
    """The code with its first character changed: what a slip of the finger gives."""
    other = next(char for char in cards.ALPHABET if char != code[0])
    return other + code[1:]


def _unissued() -> str:
    return cards.new_card_code()


def _send(api_put, client, card: str | None) -> tuple[str, object]:
    """Answer one question and send, as the tablet's script does; (client id, reply)."""
    client_id = uuid.uuid4().hex
    body = {"class_token": client_token(client), "language": "nb"}
    url = f"/api/v1/pupil/responses/{client_id}"
    api_put(f"{url}/answers/{ITEM}", {**body, "value": 4})
    sent = body if card is None else {**body, "card": card}
    return client_id, api_put(f"{url}/submit", sent, method="POST")


def _member_of(session, client_id: str) -> int | None:
    return session.scalar(select(Response.panel_member_id).where(Response.client_id == client_id))


def test_a_response_sent_with_an_issued_card_is_linked(panel_tablet, api_put, client, session):
    _access, codes = panel_tablet()
    client_id, reply = _send(api_put, client, cards.printed(codes[0]).lower())
    assert reply.status_code == 200
    member = session.get(PanelMember, _member_of(session, client_id))
    assert member is not None and member.project_id == _access.round.project_id


def test_a_card_typed_twice_links_both_responses_to_one_member(
    panel_tablet, api_put, client, session
):
    _access, codes = panel_tablet()
    first, _ = _send(api_put, client, codes[1])
    second, _ = _send(api_put, client, codes[1])
    third, _ = _send(api_put, client, codes[2])
    members = [_member_of(session, client_id) for client_id in (first, second, third)]
    assert members[0] == members[1] != members[2]


def test_a_malformed_card_is_refused_and_nothing_is_sent(panel_tablet, api_put, client, session):
    _access, codes = panel_tablet()
    client_id, reply = _send(api_put, client, _typo(codes[0]))
    assert reply.status_code == 422
    assert "card" in reply.json["errors"]["json"]
    response = session.scalar(select(Response).where(Response.client_id == client_id))
    assert response.status == "partial"


def test_an_unissued_card_is_answered_as_an_issued_one_and_stays_unlinked(
    panel_tablet, api_put, client, session
):
    _access, codes = panel_tablet()
    issued_id, issued = _send(api_put, client, codes[0])
    stranger_id, stranger = _send(api_put, client, _unissued())
    assert (issued.status_code, issued.json.keys()) == (stranger.status_code, stranger.json.keys())
    assert _member_of(session, stranger_id) is None
    assert _member_of(session, issued_id) is not None


def test_a_typo_gets_the_same_page_whether_or_not_a_nearby_code_was_issued(
    panel_tablet, post_form, session
):
    """The no-JavaScript form: a code one character from an issued one, and one a character
    from a code nobody was given, get the same page, refused for the check character alone."""
    _access, codes = panel_tablet()
    near_issued = post_form("/elev/start", data={"card": _typo(codes[0])})
    near_nothing = post_form("/elev/start", data={"card": _typo(_unissued())})
    assert near_issued.status_code == near_nothing.status_code == 422
    assert near_issued.text == near_nothing.text
    assert "Koden stemmer ikke" in near_issued.text
    assert session.scalar(select(Response)) is None


def test_the_plain_form_links_an_issued_card(panel_tablet, post_form, session):
    _access, codes = panel_tablet()
    assert post_form("/elev/start", data={"card": codes[3]}).status_code == 302
    response = session.scalar(select(Response))
    assert response.panel_member_id is not None


def test_a_card_of_project_a_links_nothing_in_project_b(
    panel_tablet, api_put, client, session, make_project
):
    access, _codes = panel_tablet()
    other = make_project(is_panel=True)
    foreign = operations.issue_cards(session, other, 1, access.round.opens_at.date())[0]
    client_id, reply = _send(api_put, client, foreign)
    assert reply.status_code == 200
    assert _member_of(session, client_id) is None
    assert operations.member_for_card(session, other.id, foreign) is not None


def test_outside_panel_mode_a_card_is_ignored(tablet, api_put, client, session):
    tablet()
    client_id, reply = _send(api_put, client, _unissued())
    assert reply.status_code == 200
    assert _member_of(session, client_id) is None
