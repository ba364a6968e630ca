"""The panel card on a laptop: drawn, accessible, and kept as a screenshot to look at.

The project's results are fitted from a simulated panel with a lasting pupil variance (the
demo draws new pupils each round, so its pupil ICC is near zero) and stored as the analysis
job stores them; no answers are needed for the overview page.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from flask import Flask
from playwright.sync_api import expect

from analytics.panel import panel_change
from analytics.simulation_design import DEMO_ROUNDS
from analytics.simulation_panel import simulate_panel
from analytics.trend import fit_trend
from instruments import bundled_instrument
from survey.accounts.operations import create_user
from survey.db import get_database
from survey.demo.loader import DEMO_INSTRUMENTS, demo_password
from survey.models import ModelResult, Project, Round, School
from survey.rounds.operations import freeze_instrument, set_round_instrument
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.dashboards.conftest import wait_for_charts

LEAD = "panel-leder@test.no"


@pytest.fixture(scope="module")
def panel_project(browser_app: Flask) -> int:
    data = simulate_panel(seed=11, schools=16, pupils=18, rounds=4, effect=-0.12)
    labels = [spec.label for spec in DEMO_ROUNDS]
    data["round"] = data["round"].map(dict(enumerate(labels)))
    data["arm"] = np.where(data["treated"] == 1, "intervention", "comparison")
    about = {"construct": "konflikt", "respondent_type": "pupil"}
    results = {
        "trend": fit_trend(data, pupil="card", **about).to_dict(),
        "panel": panel_change(data, pupil="card", higher_is_better=False, **about).to_dict(),
    }
    with get_database(browser_app).session_scope() as session:
        project = Project(name="Panelprosjekt", is_panel=True, delete_after_on=dt.date(2030, 1, 1))
        session.add(project)
        for code in sorted(set(data["school"])):
            arm = data.loc[data["school"] == code, "arm"].iloc[0]
            session.add(School(project=project, name=f"Skole {code}", code=code, arm=arm))
        for index, label in enumerate(labels):
            opens = dt.datetime(2021 + index, 10, 1, 8, tzinfo=dt.UTC)
            closes = opens + dt.timedelta(days=20)
            round_ = Round(project=project, label=label, opens_at=opens, closes_at=closes)
            session.add(round_)
            session.flush()
            frozen = freeze_instrument(session, bundled_instrument(DEMO_INSTRUMENTS["pupil"]))
            set_round_instrument(session, round_, frozen)
            round_.status = "closed"
        stored = {"project_id": project.id, "construct": "konflikt", "respondent_type": "pupil"}
        stored |= {
            "computed_at": dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
            "data_fingerprint": "p" * 64,
        }
        for kind, result in results.items():
            session.add(ModelResult(kind=kind, result=result, **stored))
        create_user(session, LEAD, "project_lead", demo_password(), [project])
        session.flush()
        return project.id


def test_the_panel_card_is_drawn_accessible_and_kept_as_a_screenshot(
    laptop, log_in, panel_project
) -> None:
    log_in(LEAD)
    laptop.goto(f"/dashboards/project/{panel_project}/?construct=konflikt")
    assert wait_for_charts(laptop) == 2
    card = laptop.locator(".panel-card")
    expect(
        card.get_by_role("heading", name="Konflikter – de samme elevene over tid")
    ).to_be_visible()
    expect(card).to_contain_text("De samme elevene, fulgt fra høsten 2021 til våren 2023")
    expect(card).to_contain_text("elev-ICC")
    assert axe_violations(laptop) == []
    screenshot(laptop, "dashboard-panel")
