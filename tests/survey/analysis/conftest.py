"""A small simulated project in the database, with the demo's goals, for the analysis."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.simulation_design import DEMO_ROUNDS, DemoDesign
from survey.demo.loader import load_demo
from survey.models import Project
from tests.conftest import TEST_SECRET_KEY

#: 3 + 3 schools with two classes of about 18, three rounds: quick to load, big enough to fit.
SMALL = DemoDesign(
    schools_per_arm=3,
    classes_per_grade=1,
    pupils_per_class=18,
    rounds=DEMO_ROUNDS[:3],
    staff_per_school=(12, 14),
)
NOW = dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)


@pytest.fixture
def project(session: Session) -> Project:
    load_demo(session, TEST_SECRET_KEY, seed=5, design=SMALL, now=NOW)
    return session.scalars(select(Project)).one()
