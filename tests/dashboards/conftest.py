"""A small project with cached results, as the analysis job would have stored them.

The results are fitted once per test session from simulated answers (analytics only, no
database); each test then writes the project, its schools, classes, rounds, users and the
cached ModelResult rows in its own rolled-back transaction. School S1's class 5B has only a
handful of answers, so it is hidden wherever it would show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from analytics.descriptives import describe
from analytics.goals import GoalSpec, track_goal
from analytics.simulation import simulate_demo
from analytics.simulation_design import DEMO_ROUNDS, DemoDesign
from analytics.trend import fit_trend
from instruments import bundled_instrument
from survey.demo.loader import DEMO_INSTRUMENTS, construct_specs
from survey.models import Group, ModelResult, Project, Round, School, User
from survey.rounds.operations import freeze_instrument, set_round_instrument
from tests.analytics.conftest import scored

CONSTRUCTS = {"pupil": ["trivsel", "konflikt"], "parent": ["konflikt"], "staff": ["konflikt"]}
SMALL_CLASS = ("S1", "5B")


@dataclass(frozen=True)
class Simulated:
    schools: pd.DataFrame
    groups: pd.DataFrame
    rounds: list[str]
    results: dict[tuple[str, str, str], dict[str, Any]]


@pytest.fixture(scope="session")
def simulated() -> Simulated:
    design = DemoDesign(schools_per_arm=2, rounds=DEMO_ROUNDS[:3], pupils_per_class=14)
    specs = {
        kind: [s for s in construct_specs(bundled_instrument(key)) if s.id in CONSTRUCTS[kind]]
        for kind, key in DEMO_INSTRUMENTS.items()
    }
    data = simulate_demo(specs, design, seed=5)
    small = data.groups[
        (data.groups["school"] == SMALL_CLASS[0]) & (data.groups["label"] == SMALL_CLASS[1])
    ]["group"]
    responses = data.responses
    in_small = responses["group"].isin(small)
    keep = ~in_small | (responses.groupby(["round", "group"]).cumcount() < 4)
    data = dataclasses.replace(data, responses=responses[keep])
    data = dataclasses.replace(
        data, answers=data.answers[data.answers["response"].isin(data.responses["response"])]
    )
    labels = list(data.rounds.sort_values("round")["label"])
    results: dict[tuple[str, str, str], dict[str, Any]] = {}
    for kind, kind_specs in specs.items():
        scores = scored(data, kind, kind_specs)
        scores = scores.merge(data.groups[["group", "label"]], on="group", how="left")
        scores["group"], scores["round"] = (
            scores.pop("label"),
            scores["round"].map(dict(enumerate(labels))),
        )
        group = "group" if kind == "pupil" else None
        for construct, part in scores.groupby("construct"):
            key = {"construct": construct, "respondent_type": kind}
            trend = fit_trend(part, group=group, min_group_size=10, **key)
            results[(construct, kind, "trend")] = trend.to_dict()
            results[(construct, kind, "descriptives")] = describe(
                part, group=group, **key
            ).to_dict()
            if (construct, kind) == ("konflikt", "pupil"):
                goal = GoalSpec("konflikt", "pupil", "change", -0.2, labels[-1], False, 1, "Færre")
                status = track_goal(goal, trend, labels).to_dict()
                results[(construct, kind, "goals")] = {"kind": "goals", "goals": [status]}
    return Simulated(data.schools, data.groups, labels, results)


@dataclass(frozen=True)
class DashboardProject:
    project: Project
    schools: dict[str, School]  #: by code
    groups: dict[tuple[str, str], Group]  #: by (school code, label)
    rounds: list[Round]
    users: dict[str, User]  #: lead, evaluator, contact (school S1), other (another project)


@pytest.fixture
def dashboard_project(session: Session, simulated: Simulated) -> DashboardProject:
    project = Project(name="Dashbordprosjekt", delete_after_on=dt.date(2030, 1, 1))
    session.add(project)
    schools = {
        row.school: School(project=project, name=row.name, code=row.school, arm=row.arm)
        for row in simulated.schools.itertuples()
    }
    groups = {
        (row.school, row.label): Group(
            school=schools[row.school], grade=int(row.grade), label=row.label, enrolled=20
        )
        for row in simulated.groups.itertuples()
    }
    session.add_all([*schools.values(), *groups.values()])
    rounds = []
    for index, label in enumerate(simulated.rounds):
        opens = dt.datetime(2021 + index, 10, 1, 8, tzinfo=dt.UTC)
        round_ = Round(
            project=project, label=label, opens_at=opens, closes_at=opens + dt.timedelta(days=20)
        )
        session.add(round_)
        session.flush()
        for key in DEMO_INSTRUMENTS.values():
            set_round_instrument(
                session, round_, freeze_instrument(session, bundled_instrument(key))
            )
        round_.status = "closed"
        rounds.append(round_)
    for (construct, kind, what), result in simulated.results.items():
        session.add(
            ModelResult(
                project_id=project.id,
                construct=construct,
                respondent_type=kind,
                kind=what,
                computed_at=dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
                data_fingerprint="f" * 64,
                result=result,
            )
        )
    other = Project(name="Et annet prosjekt", delete_after_on=dt.date(2030, 1, 1))
    session.add(other)
    users = {
        "lead": User(
            email="leder@test.no", role="project_lead", password_hash="x", projects=[project]
        ),
        "evaluator": User(
            email="eval@test.no", role="evaluator", password_hash="x", projects=[project]
        ),
        "contact": User(
            email="kontakt@test.no",
            role="school_contact",
            password_hash="x",
            schools=[schools["S1"]],
        ),
        "other": User(
            email="annen@test.no", role="project_lead", password_hash="x", projects=[other]
        ),
    }
    session.add_all(users.values())
    session.flush()
    return DashboardProject(project, schools, groups, rounds, users)


@pytest.fixture
def log_in(client: FlaskClient) -> Callable[[User], None]:
    def log_in(user: User) -> None:
        with client.session_transaction() as browser_session:
            browser_session["user_id"] = user.id

    return log_in
