"""The package's R and Python scripts run and reproduce the dashboard's trend estimate.

The dashboard shows the trend model the analysis job caches (ModelResult); the scripts, run on
the exported files alone, must give the same difference-in-differences for pupils' konflikt.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from analytics.trend import TrendResult, fit_trend
from survey.analysis.operations import analyze_project
from survey.demo.loader import load_demo
from survey.models import ModelResult, Project
from tests.conftest import TEST_SECRET_KEY, in_savepoint
from tests.survey.exports.conftest import unzip

NOW = dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)
SCORE = "e_score_konflikt"
TERM = "round4:treated"  #: the difference in change from round 1 to round 4 between the arms


@pytest.fixture(scope="module")
def demo_loaded(module_connection: Connection) -> Connection:
    """The demo, loaded once for this module (5 s of CPU, 15 s on PostgreSQL)."""
    with Session(bind=module_connection, join_transaction_mode="create_savepoint") as session:
        load_demo(session, TEST_SECRET_KEY, now=NOW)
        session.commit()
    return module_connection


@pytest.fixture
def connection(demo_loaded: Connection) -> Iterator[Connection]:
    yield from in_savepoint(demo_loaded)


@pytest.fixture
def demo_package(session, export, tmp_path):
    project = session.query(Project).one()
    for round_ in project.rounds:  # the demo's last round is open; an export holds closed ones
        round_.status = "closed"
    session.flush()
    return unzip(export(project, "zip", tmp_path), tmp_path / "package")


@pytest.fixture
def dashboard_did(session, demo_package) -> float:
    """The last round's DiD for pupils' konflikt, as the analysis job stores it."""
    project = session.query(Project).one()
    analyze_project(session, project.id)
    stored = session.query(ModelResult).filter_by(
        project_id=project.id, construct="konflikt", respondent_type="pupil", kind="trend"
    )
    result = TrendResult.from_dict(stored.one().result)
    return float(result.did(result.rounds[-1])["estimate"])


def _analytics_did(folder) -> float:
    data = pd.read_csv(folder / "data_wide.csv")
    pupils = data[data["respondent_type"] == "elev"].rename(columns={SCORE: "score"})
    result = fit_trend(
        pupils,
        outcome="score",
        round="round",
        school="school",
        group="group",
        treated="intervensjon",  # the arm's Norwegian label in the export
    )
    return float(result.did("4")["estimate"])


def _estimate(folder, name: str) -> float:
    table = pd.read_csv(folder / name)
    return float(table.set_index("term").loc[TERM, "estimate"])


def test_the_python_script_reproduces_the_dashboard_estimate(demo_package, dashboard_did) -> None:
    subprocess.run(
        [sys.executable, "trend_model.py", SCORE, "pupil"],
        cwd=demo_package,
        check=True,
        capture_output=True,
    )
    estimate = _estimate(demo_package, "trend_estimates_python.csv")
    assert estimate == pytest.approx(dashboard_did, abs=1e-3)
    assert estimate == pytest.approx(_analytics_did(demo_package), abs=1e-3)


def _r_ready() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "library(haven); library(lme4)"], capture_output=True, check=False
    )
    return probe.returncode == 0


def test_the_r_script_reproduces_the_dashboard_estimate(demo_package, dashboard_did) -> None:
    if not _r_ready():
        if os.environ.get("TRIVSEL_TEST_REQUIRE_R"):
            pytest.fail("TRIVSEL_TEST_REQUIRE_R is set but Rscript with haven and lme4 is missing")
        pytest.skip("Rscript with haven and lme4 is not installed")
    subprocess.run(
        ["Rscript", "trend_model.R", SCORE, "pupil"],
        cwd=demo_package,
        check=True,
        capture_output=True,
    )
    assert _estimate(demo_package, "trend_estimates_R.csv") == pytest.approx(
        dashboard_did, abs=1e-3
    )
