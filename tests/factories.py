"""Factory fixtures: each returns a callable that makes a row with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from survey.models import Group, Project, Round, School

_counter = itertools.count(1)


@pytest.fixture
def make_project(session: Session) -> Callable[..., Project]:
    def make(**fields: Any) -> Project:
        n = next(_counter)
        fields.setdefault("name", f"Prosjekt {n}")
        fields.setdefault("delete_after_on", dt.date(2030, 12, 31))
        project = Project(**fields)
        session.add(project)
        session.flush()
        return project

    return make


@pytest.fixture
def make_school(session: Session, make_project: Callable[..., Project]) -> Callable[..., School]:
    def make(project: Project | None = None, **fields: Any) -> School:
        n = next(_counter)
        fields.setdefault("name", f"Skole {n}")
        fields.setdefault("code", f"S{n}")
        fields.setdefault("arm", "intervention")
        school = School(project=project or make_project(), **fields)
        session.add(school)
        session.flush()
        return school

    return make


@pytest.fixture
def make_group(session: Session, make_school: Callable[..., School]) -> Callable[..., Group]:
    def make(school: School | None = None, **fields: Any) -> Group:
        n = next(_counter)
        fields.setdefault("grade", 5)
        fields.setdefault("label", f"5{n}")
        fields.setdefault("enrolled", 22)
        group = Group(school=school or make_school(), **fields)
        session.add(group)
        session.flush()
        return group

    return make


@pytest.fixture
def make_round(session: Session, make_project: Callable[..., Project]) -> Callable[..., Round]:
    def make(project: Project | None = None, **fields: Any) -> Round:
        n = next(_counter)
        fields.setdefault("label", f"Runde {n}")
        fields.setdefault("opens_at", dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC))
        fields.setdefault("closes_at", dt.datetime(2026, 10, 22, 16, tzinfo=dt.UTC))
        round_ = Round(project=project or make_project(), **fields)
        session.add(round_)
        session.flush()
        return round_

    return make
