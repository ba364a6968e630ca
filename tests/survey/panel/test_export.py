"""Exports of a panel project: a per-export random panel id, the same pupil within one file."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from instruments import bundled_instrument
from survey.models import PanelMember
from survey.panel import operations
from survey.rounds.operations import freeze_instrument, set_round_instrument
from tests.survey.exports.conftest import PUPIL_ITEMS, add_response, export, unzip  # noqa: F401

PUPILS = 12


@pytest.fixture
def panel_project(session, make_project, make_school, make_group, make_round, add_response):  # noqa: F811
    """Twelve pupils with cards, each giving the same answers in two closed rounds."""
    project = make_project(min_group_size=5, is_panel=True)
    school = make_school(project, name="Åsen skole", code="S01", arm="intervention")
    group = make_group(school, grade=5, label="5A", enrolled=PUPILS)
    pupil = freeze_instrument(session, bundled_instrument("pupil-5-7"))
    operations.issue_cards(session, project, PUPILS, dt.date(2026, 8, 20))
    members = [m.id for m in session.query(PanelMember).filter_by(project_id=project.id)]
    for number in range(2):
        opens = dt.datetime(2026 + number, 9, 1, 8, tzinfo=dt.UTC)
        round_ = make_round(
            project, label=f"R{number}", opens_at=opens, closes_at=opens + dt.timedelta(days=21)
        )
        set_round_instrument(session, round_, pupil)
        for k, member in enumerate(members):
            values = dict(zip(PUPIL_ITEMS, (k % 5 + 1, k // 5 + 1, 3), strict=True))
            response = add_response(round_, school, group, pupil, values)
            response.panel_member_id = member
        round_.status = "closed"
    session.flush()
    return project


def _panel_ids(export, project, tmp_path, name: str) -> dict[tuple, set]:  # noqa: F811
    folder = unzip(export(project, "zip", tmp_path / name), tmp_path / f"{name}-files")
    wide = pd.read_csv(folder / "data_wide.csv")
    signature = [f"e_{item}" for item in PUPIL_ITEMS[:2]]
    return {key: set(rows["panel_id"]) for key, rows in wide.groupby(signature)}


def test_a_pupil_has_one_panel_id_in_a_file_and_new_ones_in_the_next(
    panel_project,
    export,  # noqa: F811
    tmp_path,
) -> None:
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = _panel_ids(export, panel_project, tmp_path, "first")
    second = _panel_ids(export, panel_project, tmp_path, "second")
    assert len(first) == PUPILS and all(len(ids) == 1 for ids in first.values())
    assert sorted(next(iter(ids)) for ids in first.values()) == list(range(1, PUPILS + 1))
    assert first != second  # the same numbering twice: 1 in 12! (about 2 in a billion)
