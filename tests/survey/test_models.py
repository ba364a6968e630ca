"""What the database itself holds: constraints, cascades and types."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey.models import Answer, Group, InstrumentVersion, Project, Response, Round, School


@pytest.fixture
def instrument_version(session: Session) -> InstrumentVersion:
    version = InstrumentVersion(
        instrument_key="pupil-test",
        version=1,
        respondent_type="pupil",
        content={"items": []},
        content_hash="0" * 64,
    )
    session.add(version)
    session.flush()
    return version


@pytest.fixture
def make_response(session, make_group, make_round, instrument_version):
    def make(group: Group | None = None, **fields) -> Response:
        group = group or make_group()
        fields.setdefault("client_id", f"client-{id(fields)}-{group.id}")
        response = Response(
            round=fields.pop("round", None) or make_round(project=group.school.project),
            school=group.school,
            group=group,
            respondent_type=fields.pop("respondent_type", "pupil"),
            instrument_version=instrument_version,
            language="nb",
            **fields,
        )
        session.add(response)
        session.flush()
        return response

    return make


def _rejected(session: Session, make_row) -> None:
    """The row, made inside a savepoint, is refused by the database itself."""
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(make_row())
        session.flush()


def test_an_item_is_answered_once_per_response(session, make_response) -> None:
    response = make_response()
    session.add(Answer(response=response, item_id="trivsel_1", value=4))
    session.flush()
    _rejected(session, lambda: Answer(response=response, item_id="trivsel_1", value=2))


def test_an_answer_is_a_value_a_text_or_declined_never_two(session, make_response) -> None:
    response = make_response()
    _rejected(session, lambda: Answer(response=response, item_id="a", value=3, is_declined=True))
    _rejected(session, lambda: Answer(response=response, item_id="b", value=3, text="hei"))
    _rejected(session, lambda: Answer(response=response, item_id="c"))
    session.add(Answer(response=response, item_id="d", is_declined=True))
    session.flush()


def test_answer_values_outside_any_scale_are_refused(session, make_response) -> None:
    _rejected(session, lambda: Answer(response=make_response(), item_id="a", value=99))


def test_min_group_size_cannot_go_below_five(session) -> None:
    _rejected(
        session,
        lambda: Project(name="Liten", min_group_size=4, delete_after_on=dt.date(2030, 1, 1)),
    )


def test_a_school_arm_is_intervention_or_comparison(session, make_project) -> None:
    _rejected(session, lambda: School(project=make_project(), name="X", code="X", arm="placebo"))


def test_a_pupil_response_needs_a_group(session, make_response, make_school) -> None:
    response = make_response()
    _rejected(
        session,
        lambda: Response(
            client_id="no-group",
            round=response.round,
            school=response.school,
            group=None,
            respondent_type="pupil",
            instrument_version=response.instrument_version,
            language="nb",
        ),
    )


def test_a_complete_response_has_a_completion_date(session, make_response) -> None:
    response = make_response()
    with pytest.raises(IntegrityError), session.begin_nested():
        response.status = "complete"
        session.flush()


def test_client_ids_make_responses_idempotent(session, make_response) -> None:
    first = make_response(client_id="same-device-id")
    with pytest.raises(IntegrityError), session.begin_nested():
        make_response(group=first.group, round=first.round, client_id="same-device-id")


def test_a_round_closes_after_it_opens(session, make_project) -> None:
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    _rejected(session, lambda: Round(project=make_project(), label="R", opens_at=at, closes_at=at))


def test_a_frozen_instrument_version_cannot_be_edited(session, instrument_version) -> None:
    instrument_version.content = {"items": ["changed"]}
    with pytest.raises(ValueError, match="frozen"):
        session.flush()
    session.rollback()


def test_deleting_a_project_deletes_all_its_data(session, make_response) -> None:
    response = make_response(status="complete", completed_on=dt.date(2026, 10, 2))
    session.add(Answer(response=response, item_id="a", value=1))
    session.flush()
    session.delete(response.school.project)
    session.flush()
    session.expire_all()
    for model in (Answer, Response, Round, Group, School, Project):
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_datetimes_come_back_in_utc(session, make_round) -> None:
    oslo = dt.timezone(dt.timedelta(hours=1))
    round_ = make_round(opens_at=dt.datetime(2026, 3, 2, 9, tzinfo=oslo))
    session.expire_all()
    assert session.get(Round, round_.id).opens_at == dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
    assert session.get(Round, round_.id).opens_at.tzinfo is not None
