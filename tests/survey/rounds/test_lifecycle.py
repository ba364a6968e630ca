"""The round lifecycle, planned → open → closed: on time, once, and in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from instruments import bundled_instrument
from survey.links import pool
from survey.links.operations import save_draft, submit_link
from survey.links.sealing import new_device_key
from survey.models import AccessCode, Answer, AuditEvent, LinkDraft, PooledLinkResponse, Response
from survey.responses.operations import (
    Respondent,
    complete_response,
    save_answer,
    start_response,
)
from survey.rounds import lifecycle
from survey.rounds.operations import freeze_instrument, set_round_instrument
from tests.conftest import TEST_SECRET_KEY

SECOND = dt.timedelta(seconds=1)


def _events(session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action=action))


def _tick(session, moment: dt.datetime) -> tuple[list[int], list[int]]:
    return lifecycle.apply_schedule(session, TEST_SECRET_KEY, moment)


def test_a_round_opens_when_its_time_comes_and_not_before(session, planned_round) -> None:
    assert _tick(session, planned_round.opens_at - SECOND) == ([], [])
    assert _tick(session, planned_round.opens_at) == ([planned_round.id], [])
    assert planned_round.status == "open"


def test_a_round_closes_when_its_time_is_up_and_not_before(session, open_round) -> None:
    assert _tick(session, open_round.closes_at - SECOND) == ([], [])
    assert _tick(session, open_round.closes_at) == ([], [open_round.id])
    assert open_round.status == "closed"


def test_running_the_schedule_twice_changes_nothing(session, planned_round) -> None:
    _tick(session, planned_round.opens_at)
    codes = session.scalar(select(func.count()).select_from(AccessCode))
    assert _tick(session, planned_round.opens_at) == ([], [])
    assert session.scalar(select(func.count()).select_from(AccessCode)) == codes
    assert _events(session, "round.opened") == 1


def test_a_window_that_passed_while_no_worker_ran_is_opened_then_closed(session, planned_round):
    assert _tick(session, planned_round.closes_at + SECOND) == (
        [planned_round.id],
        [planned_round.id],
    )
    assert (_events(session, "round.opened"), _events(session, "round.closed")) == (1, 1)


def test_a_round_without_instruments_stays_planned(session, make_round, project) -> None:
    bare = make_round(project=project, opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    _tick(session, bare.opens_at + SECOND)
    assert bare.status == "planned"


def test_an_open_rounds_instrument_cannot_change(session, open_round) -> None:
    other = freeze_instrument(session, bundled_instrument("staff", 1))
    with pytest.raises(ValueError, match="can no longer change"):
        set_round_instrument(session, open_round, other)


def test_opening_records_the_frozen_instrument_hashes(session, open_round) -> None:
    event = session.scalar(select(AuditEvent).filter_by(action="round.opened"))
    stored = open_round.instrument_for("parent")
    assert event.details["instruments"]["parent"]["content_hash"] == stored.content_hash


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_closing_discards_link_drafts_never_submitted(session, open_round, make_token) -> None:
    make_token()
    access = session.scalar(select(AccessCode).filter_by(kind="link"))
    answers = {"trivsel_barnet_trives": {"value": 4}}
    for _device in ("phone", "laptop"):  # one draft per device
        save_draft(session, access, new_device_key(), TEST_SECRET_KEY, "nb", answers)
    assert _count(session, LinkDraft) == 2
    lifecycle.close_round(session, open_round, open_round.closes_at)
    assert _count(session, LinkDraft) == 0
    event = session.scalar(select(AuditEvent).filter_by(action="round.closed"))
    assert event.details["discarded_drafts"] == 2


def _pupil_response(session, round_, group, client_id: str, send: bool) -> None:
    respondent = Respondent(round_.id, group.school_id, group.id, "pupil")
    response = start_response(session, client_id, respondent, "nb")
    save_answer(session, response, "trivsel_liker_skolen", value=3)
    if send:
        complete_response(session, response, open_round_day(round_))


def open_round_day(round_) -> dt.date:
    return round_.opens_at.date()


def test_closing_discards_unsent_pupil_responses_and_their_answers(session, open_round, group):
    _pupil_response(session, open_round, group, "stopped-before-sending", send=False)
    _pupil_response(session, open_round, group, "sent", send=True)
    lifecycle.close_round(session, open_round, open_round.closes_at)
    assert session.scalars(select(Response.client_id)).all() == ["sent"]
    assert _count(session, Answer) == 1
    event = session.scalar(select(AuditEvent).filter_by(action="round.closed"))
    assert event.details["discarded_unsent_pupil_responses"] == 1


def test_closing_releases_every_pooled_link_response_however_few(session, open_round, make_token):
    for _ in range(2):  # fewer than min_group_size: the pool job would keep them waiting
        submit_link(session, TEST_SECRET_KEY, make_token(), None)
    assert pool.release_full_batches(session, TEST_SECRET_KEY, open_round_day(open_round)) == 0
    lifecycle.close_round(session, open_round, open_round.closes_at, secret_key=TEST_SECRET_KEY)
    assert _count(session, PooledLinkResponse) == 0
    assert session.scalars(select(Response.status)).all() == ["complete", "complete"]


def test_opening_by_hand_after_the_closing_time_is_refused(session, planned_round, lead) -> None:
    with pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.open_round(session, planned_round, TEST_SECRET_KEY, planned_round.closes_at, lead)
    assert refused.value.reason == "window_passed"


def test_a_closed_round_cannot_be_opened_again(session, open_round, lead) -> None:
    lifecycle.close_round(session, open_round, open_round.closes_at)
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.open_round(session, open_round, TEST_SECRET_KEY, open_round.closes_at, lead)
