"""Rounds in the administration: planned with instruments, opened and closed by hand."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from survey.admin.forms import to_local_input
from survey.models import AccessCode, AuditEvent, Round

SOON = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)


def _round(**changes: str) -> dict[str, str]:
    return {
        "label": "Vår 2027",
        "opens_at": to_local_input(SOON),
        "closes_at": to_local_input(SOON + dt.timedelta(days=21)),
        "instrument_pupil": "pupil-5-7:1",
        "instrument_parent": "parent:1",
        "instrument_staff": "",
        **changes,
    }


def test_a_lead_plans_a_round_with_an_instrument_per_respondent_type(
    session, as_lead, post_form, project
):
    post_form(f"/admin/projects/{project.id}/rounds/new", _round())
    round_ = session.scalar(select(Round).filter_by(project_id=project.id, label="Vår 2027"))
    assert sorted(link.respondent_type for link in round_.instruments) == ["parent", "pupil"]
    assert round_.status == "planned"


def test_the_window_is_read_in_norwegian_time(session, as_lead, post_form, project) -> None:
    window = {"opens_at": "2027-03-01T08:00", "closes_at": "2027-03-20T15:00"}
    post_form(f"/admin/projects/{project.id}/rounds/new", _round(**window))
    round_ = session.scalar(select(Round).filter_by(project_id=project.id, label="Vår 2027"))
    assert round_.opens_at == dt.datetime(2027, 3, 1, 7, tzinfo=dt.UTC)


def test_a_round_that_closes_before_it_opens_is_explained_in_place(as_lead, post_form, project):
    page = post_form(
        f"/admin/projects/{project.id}/rounds/new", _round(closes_at="2020-01-01T08:00")
    )
    assert page.status_code == 422
    assert 'id="closes_at-error"' in page.text


def test_a_round_needs_at_least_one_instrument(as_lead, post_form, project) -> None:
    data = _round(instrument_pupil="", instrument_parent="")
    page = post_form(f"/admin/projects/{project.id}/rounds/new", data)
    assert page.status_code == 422
    assert "minst én gruppe" in page.text


def test_opening_by_hand_makes_class_codes_and_is_audited(
    session, as_lead, post_form, planned_round
):
    post_form(f"/admin/rounds/{planned_round.id}/open")
    session.refresh(planned_round)
    assert planned_round.status == "open"
    assert session.scalar(
        select(AccessCode).filter_by(round_id=planned_round.id, kind="class_code")
    )
    assert (
        session.scalar(select(AuditEvent).filter_by(action="round.opened")).details["by"] == "hand"
    )


def test_an_open_rounds_instruments_cannot_change(session, as_lead, post_form, open_round) -> None:
    data = _round(instrument_pupil="", closes_at=to_local_input(SOON + dt.timedelta(days=30)))
    post_form(f"/admin/rounds/{open_round.id}/edit", data)
    session.refresh(open_round)
    assert open_round.instrument_for("pupil") is not None
    assert open_round.closes_at == SOON.replace(second=0, microsecond=0) + dt.timedelta(days=30)


def test_closing_asks_first_then_closes(session, as_lead, post_form, open_round) -> None:
    assert "Ja, lukk runden" in as_lead.get(f"/admin/rounds/{open_round.id}/close").text
    post_form(f"/admin/rounds/{open_round.id}/close")
    session.refresh(open_round)
    assert open_round.status == "closed"


def test_a_planned_round_cannot_be_closed(as_lead, post_form, planned_round) -> None:
    page = post_form(f"/admin/rounds/{planned_round.id}/close")
    assert page.status_code == 422
    assert "Bare en åpen runde kan lukkes" in page.text


def test_a_closed_round_cannot_be_opened_by_hand(session, as_lead, post_form, open_round) -> None:
    post_form(f"/admin/rounds/{open_round.id}/close")
    page = post_form(f"/admin/rounds/{open_round.id}/open")
    assert page.status_code == 422
    assert "En lukket runde kan ikke åpnes igjen" in page.text
    session.refresh(open_round)
    assert open_round.status == "closed"
