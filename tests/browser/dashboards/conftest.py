"""The demo project, analysed, in the browser tests' database; a laptop page to look at it.

The demo is loaded once per test session (about half a minute with its analysis). Before the
analysis, four pupils per round at the school contact's school are moved into a new class,
7K, so the project has a class below the threshold to reach by a hand-made URL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from survey.analysis.operations import analyze_project
from survey.db import get_database
from survey.demo.loader import DEMO_PROJECT_NAME, DemoExistsError, demo_password, load_demo
from survey.models import Group, Project, Response, Round, School, User
from tests.browser.conftest import guard_origin
from tests.conftest import TEST_SECRET_KEY

LAPTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "nb-NO"}
SMALL_CLASS = "7K"
#: Every CSP violation a page reports, whatever page it was: the test fails on any.
REPORT_CSP = """document.addEventListener("securitypolicyviolation", (e) =>
  window.reportCsp(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile));"""


@dataclass(frozen=True)
class Demo:
    project_id: int
    contact_school_id: int
    other_school_id: int
    small_class_id: int
    big_class_id: int


@pytest.fixture(scope="session")
def demo(browser_app: Flask) -> Demo:
    with get_database(browser_app).session_scope() as session:
        with contextlib.suppress(DemoExistsError):
            load_demo(session, TEST_SECRET_KEY)
        project = session.scalar(select(Project).filter_by(name=DEMO_PROJECT_NAME))
        contact = session.scalar(select(User).filter_by(role="school_contact"))
        school = contact.schools[0]
        small = session.scalar(select(Group).filter_by(school_id=school.id, label=SMALL_CLASS))
        if small is None:
            small = _move_pupils_to_a_small_class(session, project, school)
        analyze_project(session, project.id)
        other = next(s for s in project.schools if s.id != school.id)
        big = next(g for g in other.groups)
        return Demo(project.id, school.id, other.id, small.id, big.id)


def _move_pupils_to_a_small_class(session: Any, project: Project, school: School) -> Group:
    small = Group(school=school, grade=7, label=SMALL_CLASS, enrolled=6)
    session.add(small)
    session.flush()
    for round_ in session.scalars(select(Round).filter_by(project_id=project.id)):
        pupils = session.scalars(
            select(Response)
            .filter_by(round_id=round_.id, school_id=school.id, respondent_type="pupil")
            .order_by(Response.id)
            .limit(4)
        )
        for response in pupils:
            response.group_id = small.id
    session.flush()
    return small


@pytest.fixture
def laptop(browser: Any, live_server: str) -> Iterator[Any]:
    """A page on a laptop; fails the test on a request to another origin or a CSP violation."""
    context = browser.new_context(base_url=live_server, accept_downloads=True, **LAPTOP)
    foreign = guard_origin(context, live_server)
    violations: list[str] = []
    context.expose_function("reportCsp", lambda violation: violations.append(violation))
    context.add_init_script(REPORT_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert foreign == [], f"requests left the app's origin: {foreign}"
    assert violations == [], f"the Content-Security-Policy blocked: {violations}"


@pytest.fixture
def log_in(laptop: Any) -> Callable[[str], None]:
    def log_in(email: str) -> None:
        laptop.goto("/login/")
        laptop.get_by_label("E-postadresse").fill(email)
        laptop.get_by_label("Passord").fill(demo_password())
        laptop.get_by_role("button", name="Logg inn").click()
        laptop.wait_for_url("**/staff/")

    return log_in


def wait_for_charts(page: Any) -> int:
    """Wait until every chart on the page is drawn; return how many there are."""
    count = page.locator("[data-figure]").count()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-drawn=\"true\"]').length === n", arg=count
    )
    return count
