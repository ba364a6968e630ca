"""Link batches: made once however often the page is reloaded, downloaded again while the round
is open, and voided with an audit row and a kind page for whoever opens a voided link."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from survey.models import AccessCode, AuditEvent, LinkBatch
from survey.rounds import lifecycle
from tests.round_fixtures import NOW

TOKEN_FIELD = re.compile(r'name="tokens" value="([^"]+)"')


def _links(session) -> int:
    return session.scalar(select(func.count(AccessCode.id)).where(AccessCode.kind == "link"))


def _make(post_form, round_, group, count: str = "3"):
    data = {"target": f"parent:group:{group.id}", "count": count, "language": "nb"}
    return post_form(f"/admin/rounds/{round_.id}/links", data)


def test_reloading_the_links_made_page_makes_no_second_batch(
    session, as_lead, post_form, open_round, group
):
    made = _make(post_form, open_round, group)
    assert made.status_code == 303
    first = as_lead.get(made.headers["Location"])
    reloaded = as_lead.get(made.headers["Location"])
    assert _links(session) == 3
    assert TOKEN_FIELD.findall(reloaded.text) == TOKEN_FIELD.findall(first.text)
    assert len(set(TOKEN_FIELD.findall(first.text))) == 3


def test_the_batch_list_links_to_each_batch(session, as_lead, post_form, open_round, group):
    location = _make(post_form, open_round, group).headers["Location"]
    page = as_lead.get(f"/admin/rounds/{open_round.id}/distribution")
    assert f'href="{location}"' in page.text
    assert "Kan lastes ned igjen" in page.text


def test_a_batch_page_sends_no_store(as_lead, post_form, open_round, group) -> None:
    page = as_lead.get(_make(post_form, open_round, group).headers["Location"])
    assert page.headers["Cache-Control"] == "no-store"


def test_the_batch_keeps_its_tokens_only_sealed(session, as_lead, post_form, open_round, group):
    page = as_lead.get(_make(post_form, open_round, group).headers["Location"])
    batch = session.scalar(select(LinkBatch))
    for token in TOKEN_FIELD.findall(page.text):
        assert token.encode() not in batch.sealed_tokens


def _void(as_lead, post_form, open_round, group):
    location = _make(post_form, open_round, group).headers["Location"]
    tokens = TOKEN_FIELD.findall(as_lead.get(location).text)
    return location, tokens, post_form(location + "/void", {"confirm": "yes"})


def test_a_voided_link_opens_a_kind_page(session, as_lead, post_form, open_round, group, client):
    _location, tokens, voided = _void(as_lead, post_form, open_round, group)
    assert voided.status_code == 303
    page = client.get(f"/s/{tokens[0]}")
    assert page.status_code == 410
    assert "Denne lenken gjelder ikke lenger" in page.text


def test_voiding_is_audited_and_forgets_the_tokens(session, as_lead, post_form, open_round, group):
    location, _tokens, _voided = _void(as_lead, post_form, open_round, group)
    event = session.scalar(select(AuditEvent).filter_by(action="links.voided"))
    assert event.details["voided"] == 3
    assert session.scalar(select(LinkBatch)).sealed_tokens is None
    assert TOKEN_FIELD.findall(as_lead.get(location).text) == []


def test_a_voided_batch_cannot_be_downloaded(as_lead, post_form, open_round, group) -> None:
    _location, tokens, _voided = _void(as_lead, post_form, open_round, group)
    data = {"target": f"parent:group:{group.id}", "language": "nb", "tokens": tokens}
    assert post_form(f"/admin/rounds/{open_round.id}/links.csv", data).status_code == 422


def test_a_voided_link_cannot_be_submitted(
    session, as_lead, post_form, open_round, group, client
) -> None:
    _location, tokens, _voided = _void(as_lead, post_form, open_round, group)
    page = post_form(f"/s/{tokens[0]}/send")
    assert page.status_code == 410
    assert session.scalar(select(func.count(AccessCode.id)).filter_by(is_used=True)) == 0


def test_voiding_without_the_confirmation_box_shows_the_form_again(
    session, as_lead, post_form, open_round, group, client
) -> None:
    location = _make(post_form, open_round, group).headers["Location"]
    tokens = TOKEN_FIELD.findall(as_lead.get(location).text)
    refused = post_form(location + "/void")
    assert refused.status_code == 422
    assert "Kryss av for å bekrefte" in refused.text
    assert 'name="confirm"' in refused.text
    assert session.scalar(select(LinkBatch)).is_voided is False
    assert session.scalar(select(func.count(AuditEvent.id)).filter_by(action="links.voided")) == 0
    assert client.get(f"/s/{tokens[0]}").status_code == 200


def test_voiding_twice_voids_once(session, as_lead, post_form, open_round, group) -> None:
    location, _tokens, _voided = _void(as_lead, post_form, open_round, group)
    post_form(location + "/void", {"confirm": "yes"})
    events = select(func.count(AuditEvent.id)).filter_by(action="links.voided")
    assert session.scalar(events) == 1


def test_closing_the_round_forgets_the_batch_tokens(
    session, as_lead, post_form, open_round, group
) -> None:
    location = _make(post_form, open_round, group).headers["Location"]
    lifecycle.close_round(session, open_round, NOW)
    assert session.scalar(select(LinkBatch)).sealed_tokens is None
    page = as_lead.get(location)
    assert TOKEN_FIELD.findall(page.text) == []
    assert "kan ikke lastes ned igjen" in page.text


def test_a_batch_of_another_round_is_not_found(as_lead, post_form, open_round, group) -> None:
    location = _make(post_form, open_round, group).headers["Location"]
    other = location.replace(f"/rounds/{open_round.id}/", f"/rounds/{open_round.id + 1}/")
    assert as_lead.get(other).status_code == 404
