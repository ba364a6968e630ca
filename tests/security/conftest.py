"""A world with two projects, for checking who may reach what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import bundled_instrument
from survey.accounts.operations import create_user
from survey.admin.tokens.operations import create_api_token
from survey.models import (
    AccessCode,
    BackgroundJob,
    Goal,
    Group,
    LinkBatch,
    Project,
    Round,
    School,
    User,
)
from survey.rounds.operations import (
    create_class_codes,
    create_links,
    freeze_instrument,
    set_round_instrument,
)
from tests.conftest import TEST_SECRET_KEY

PASSWORD = "a-long-enough-password"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Side:
    project: Project
    school: School
    other_school: School
    group: Group
    round: Round
    goal: Goal
    link_token: str
    batch_id: int = 0
    job_id: int = 0  #: an export job nobody in the matrix requested: everyone's 404


@dataclass
class World:
    target: Side  #: the project whose pages are asked for
    elsewhere: Side  #: another project
    users: dict[str, User]
    api_tokens: dict[str, str]
    class_code_id: int


def _side(session: Session, name: str) -> Side:
    project = Project(name=name, delete_after_on=dt.date(2030, 1, 1), languages=["nb"])
    school = School(project=project, name=f"{name} A", code=f"{name[:2]}A", arm="intervention")
    other = School(project=project, name=f"{name} B", code=f"{name[:2]}B", arm="comparison")
    group = Group(school=school, grade=5, label="5A", enrolled=20)
    Group(school=other, grade=5, label="5A", enrolled=20)
    round_ = Round(
        project=project,
        label="Høst",
        opens_at=NOW - dt.timedelta(days=1),
        closes_at=NOW + dt.timedelta(days=20),
    )
    goal = Goal(
        project=project,
        construct="trivsel",
        respondent_type="pupil",
        target_kind="change",
        target_value=0.2,
        due_round=round_,
    )
    session.add_all([project, school, other, group, round_, goal])
    session.flush()
    for key in ("pupil-5-7", "parent", "staff"):
        set_round_instrument(session, round_, freeze_instrument(session, bundled_instrument(key)))
    round_.status = "open"
    create_class_codes(session, round_, TEST_SECRET_KEY)
    batch = LinkBatch(
        round_id=round_.id,
        school_id=school.id,
        respondent_type="parent",
        language="nb",
        link_count=1,
    )
    session.add(batch)
    session.flush()
    [token] = create_links(
        session, round_, school.id, "parent", 1, TEST_SECRET_KEY, batch_id=batch.id
    )
    job = BackgroundJob(kind="export", project_id=project.id, params={"format": "csv"})
    session.add(job)
    session.flush()
    return Side(project, school, other, group, round_, goal, token, batch.id, job.id)


@pytest.fixture
def world(session: Session) -> World:
    target, elsewhere = _side(session, "Målprosjekt"), _side(session, "Annet prosjekt")
    users = {
        "admin": create_user(session, "admin@x.no", "admin", PASSWORD),
        "project_lead": create_user(
            session, "leder@x.no", "project_lead", PASSWORD, projects=[target.project]
        ),
        "evaluator": create_user(
            session, "eval@x.no", "evaluator", PASSWORD, projects=[target.project]
        ),
        "school_contact": create_user(
            session, "kontakt@x.no", "school_contact", PASSWORD, schools=[target.school]
        ),
        "lead_of_another_project": create_user(
            session, "annen-leder@x.no", "project_lead", PASSWORD, projects=[elsewhere.project]
        ),
        "contact_of_another_school": create_user(
            session, "annen-kontakt@x.no", "school_contact", PASSWORD, schools=[elsewhere.school]
        ),
    }
    tokens = {
        role: create_api_token(session, user, "test", TEST_SECRET_KEY)[1]
        for role, user in users.items()
    }
    session.commit()
    class_code = session.scalar(
        select(AccessCode.id).filter_by(round_id=target.round.id, kind="class_code")
    )
    return World(target, elsewhere, users, tokens, class_code)


def url_values(side: Side) -> dict[str, object]:
    """Values for the URL parameters of the app's routes that name a row of `side`."""
    return {
        "project_id": side.project.id,
        "school_id": side.school.id,
        "group_id": side.group.id,
        "round_id": side.round.id,
        "batch_id": side.batch_id,
        "job_id": side.job_id,
        "goal_id": side.goal.id,
        "token": side.link_token,
        "number": 1,
        "instrument_id": "pupil-5-7",
        "version": 1,
        "lang": "nb",
    }
