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
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from analytics.trend import TrendResult, fit_trend
from survey.analysis.operations import analyze_project
from survey.demo.loader import load_demo
from survey.exports.package import run_export
from survey.exports.plan import ExportRequest
from survey.models import ModelResult, Project
from tests.conftest import TEST_SECRET_KEY, app_on
from tests.survey.exports.conftest import unzip

NOW = dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC)
SCORE = "e_score_konflikt"
TERM = "round4:treated"  #: the difference in change from round 1 to round 4 between the arms


@pytest.fixture(scope="module")
def released(
    module_connection: Connection, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, float]:
    """The demo, loaded, exported as a zip and analysed once for this module's two tests,
    which only read the package and the stored estimate (the demo load, the export and the
    analysis take 20 s of CPU, more on PostgreSQL)."""
    app = app_on(database_url, module_connection)
    folder = tmp_path_factory.mktemp("package")
    with Session(bind=module_connection, join_transaction_mode="create_savepoint") as session:
        load_demo(session, TEST_SECRET_KEY, now=NOW)
        project = session.query(Project).one()
        for round_ in project.rounds:  # the demo's last round is open; an export holds closed
            round_.status = "closed"
        session.flush()
        with app.app_context():
            run_export(session, ExportRequest(project.id), "zip", folder / "export.zip")
        analyze_project(session, project.id)
        stored = session.query(ModelResult).filter_by(
            project_id=project.id, construct="konflikt", respondent_type="pupil", kind="trend"
        )
        result = TrendResult.from_dict(stored.one().result)
        did = float(result.did(result.rounds[-1])["estimate"])  # as the dashboard shows it
        session.commit()
    return unzip(folder / "export.zip", folder / "package"), did


@pytest.fixture
def demo_package(released: tuple[Path, float]) -> Path:
    return released[0]


@pytest.fixture
def dashboard_did(released: tuple[Path, float]) -> float:
    """The last round's DiD for pupils' konflikt, as the analysis job stores it."""
    return released[1]


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
