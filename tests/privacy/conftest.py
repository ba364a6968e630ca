"""Fixtures of the privacy tests: the project of tests/privacy/world.py, and the link flow's."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.privacy.world import PrivacyProject, build_privacy_project
from tests.round_fixtures import (  # noqa: F401 (the link flow's fixtures)
    group,
    make_token,
    open_round,
    planned_round,
    project,
    school,
)


@pytest.fixture
def privacy_project(app: Flask, session: Session) -> PrivacyProject:
    return build_privacy_project(app, session)
