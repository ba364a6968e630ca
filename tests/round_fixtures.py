"""Fixtures for administration, links and rounds tests: a logged-in project lead, and rounds
with real, frozen instruments. Import them into a conftest to use them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from instruments import bundled_instrument
from survey.accounts.operations import create_user
from survey.models import Group, Project, Round, School, User
from survey.rounds import lifecycle
from survey.rounds.operations import create_links, freeze_instrument, set_round_instrument
from tests.conftest import TEST_SECRET_KEY

PASSWORD = "a-long-enough-password"
#: Rounds in these tests lie around the real present, as the views compare with the real clock.
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
#: The first versions, which stay the same whatever versions are added later.
INSTRUMENTS = {"pupil": ("pupil-5-7", 1), "parent": ("parent", 1), "staff": ("staff", 1)}


@pytest.fixture
def project(make_project: Callable[..., Project]) -> Project:
    return make_project(name="Laget rundt eleven", languages=["nb", "nn"])


@pytest.fixture
def lead(session: Session, project: Project) -> User:
    return create_user(session, "leder@skole.no", "project_lead", PASSWORD, projects=[project])


@pytest.fixture
def log_in(client: FlaskClient, post_form) -> Callable[[User], FlaskClient]:
    def log_in_as(user: User) -> FlaskClient:
        page = post_form("/login/", {"email": user.email, "password": PASSWORD})
        assert page.status_code == 302
        return client

    return log_in_as


@pytest.fixture
def as_lead(log_in, lead: User) -> FlaskClient:
    return log_in(lead)


@pytest.fixture
def school(make_school, project: Project) -> School:
    return make_school(project=project, name="Nordby skole", code="NB1")


@pytest.fixture
def group(make_group, school: School) -> Group:
    return make_group(school=school, grade=6, label="6A", enrolled=20)


def give_instruments(session: Session, round_: Round, kinds: tuple[str, ...]) -> Round:
    for kind in kinds:
        key, version = INSTRUMENTS[kind]
        set_round_instrument(
            session, round_, freeze_instrument(session, bundled_instrument(key, version))
        )
    session.refresh(round_)
    return round_


@pytest.fixture
def planned_round(session: Session, make_round, project: Project, group: Group) -> Round:
    round_ = make_round(
        project=project,
        label="Høst 2026",
        opens_at=NOW - dt.timedelta(hours=1),
        closes_at=NOW + dt.timedelta(days=14),
    )
    return give_instruments(session, round_, ("pupil", "parent", "staff"))


@pytest.fixture
def open_round(session: Session, planned_round: Round) -> Round:
    lifecycle.open_round(session, planned_round, TEST_SECRET_KEY, NOW)
    return planned_round


@pytest.fixture
def make_token(session: Session, open_round: Round, school: School, group: Group):
    """A fresh parent (or staff) link of the open round, returned once as the letters get it."""

    def make(respondent_type: str = "parent") -> str:
        group_id = group.id if respondent_type == "parent" else None
        return create_links(
            session, open_round, school.id, respondent_type, 1, TEST_SECRET_KEY, group_id=group_id
        )[0]

    return make
