"""A closed round can be corrected (label, dates) and reopened by an admin, with an audit row;
its edit page is no longer a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey.accounts.operations import create_user
from survey.admin.forms import to_local_input
from survey.analysis.requests import pending_request
from survey.models import AuditEvent, LinkBatch
from survey.rounds import lifecycle
from tests.round_fixtures import NOW, PASSWORD


@pytest.fixture
def closed_round(session, open_round):
    lifecycle.close_round(session, open_round, NOW)
    return open_round


@pytest.fixture
def as_admin(session, log_in):
    return log_in(create_user(session, "admin@kommune.no", "admin", PASSWORD))


def _later(days: int) -> str:
    return to_local_input(NOW + dt.timedelta(days=days))


def _event(session, action: str) -> AuditEvent | None:
    return session.scalar(select(AuditEvent).filter_by(action=action))


def test_the_edit_page_of_a_closed_round_is_found(as_lead, closed_round) -> None:
    page = as_lead.get(f"/admin/rounds/{closed_round.id}/edit")
    assert page.status_code == 200
    assert "Rett navn og datoer" in page.text


def test_a_closed_round_label_is_corrected_with_an_audit_row(
    session, as_lead, post_form, closed_round
) -> None:
    data = {
        "label": "Høst 2026 (rettet)",
        "opens_at": to_local_input(closed_round.opens_at),
        "closes_at": to_local_input(closed_round.closes_at),
    }
    page = post_form(f"/admin/rounds/{closed_round.id}/edit", data)
    assert page.status_code == 303
    session.refresh(closed_round)
    assert closed_round.label == "Høst 2026 (rettet)"
    event = _event(session, "round.corrected")
    assert event.details["changes"]["label"]["to"] == "Høst 2026 (rettet)"
    assert pending_request(session, closed_round.project_id) is not None


def test_a_closed_round_cannot_be_corrected_to_close_in_the_future(
    session, as_lead, post_form, closed_round
) -> None:
    data = {"label": "X", "opens_at": _later(-2), "closes_at": _later(3)}
    page = post_form(f"/admin/rounds/{closed_round.id}/edit", data)
    assert page.status_code == 422
    assert 'id="closes_at-error"' in page.text
    session.refresh(closed_round)
    assert closed_round.label == "Høst 2026"


def test_an_admin_reopens_a_closed_round_with_an_audit_row(
    session, as_admin, post_form, closed_round
) -> None:
    page = post_form(f"/admin/rounds/{closed_round.id}/reopen", {"reopen_closes_at": _later(7)})
    assert page.status_code == 303
    session.refresh(closed_round)
    assert closed_round.status == "open"
    event = _event(session, "round.reopened")
    assert event.user_id is not None and event.details["closes_at"]


def test_reopening_makes_the_snapshot_stale(session, as_admin, post_form, closed_round) -> None:
    post_form(f"/admin/rounds/{closed_round.id}/reopen", {"reopen_closes_at": _later(7)})
    assert pending_request(session, closed_round.project_id) is not None


def test_a_project_lead_cannot_reopen_a_round(session, as_lead, post_form, closed_round) -> None:
    page = post_form(f"/admin/rounds/{closed_round.id}/reopen", {"reopen_closes_at": _later(7)})
    assert page.status_code == 403
    session.refresh(closed_round)
    assert closed_round.status == "closed"


def test_reopening_needs_a_closing_time_ahead(session, as_admin, post_form, closed_round) -> None:
    page = post_form(f"/admin/rounds/{closed_round.id}/reopen", {"reopen_closes_at": _later(-1)})
    assert page.status_code == 422
    assert 'id="reopen_closes_at-error"' in page.text
    assert _event(session, "round.reopened") is None


def test_a_reopened_round_keeps_its_batches_unsealed(
    session, as_admin, post_form, closed_round, group
) -> None:
    post_form(f"/admin/rounds/{closed_round.id}/reopen", {"reopen_closes_at": _later(7)})
    data = {"target": f"parent:group:{group.id}", "count": "2", "language": "nb"}
    post_form(f"/admin/rounds/{closed_round.id}/links", data)
    assert session.scalar(select(LinkBatch)).sealed_tokens is not None
