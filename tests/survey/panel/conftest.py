"""Fixtures for panel mode: the pupil flow's tablet in a panel project with issued cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from survey.models import AccessCode, Project
from survey.panel import operations
from tests.round_fixtures import as_lead, group, lead, log_in, project, school  # noqa: F401
from tests.survey.pupil.conftest import api_put, make_pupil_class, tablet  # noqa: F401

ISSUED_ON = dt.date(2026, 9, 1)


@pytest.fixture
def panel_tablet(session, tablet) -> Callable[[], tuple[AccessCode, list[str]]]:  # noqa: F811
    """The test client as a tablet in a panel project, and five cards issued in it."""

    def set_up() -> tuple[AccessCode, list[str]]:
        access = tablet()
        panel_project: Project = access.round.project
        panel_project.is_panel = True
        session.flush()
        return access, operations.issue_cards(session, panel_project, 5, ISSUED_ON)

    return set_up
