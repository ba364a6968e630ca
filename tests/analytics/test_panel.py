"""Panel mode: the trend model follows pupils over rounds with `(1 | pupil)`."""

import math

import pandas as pd
import pytest

from analytics.simulation_panel import simulate_panel
from analytics.trend import fit_trend
from analytics.trend_fallback import fit_with_fallback
from analytics.trend_result import TrendResult


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return simulate_panel(seed=3)


@pytest.fixture(scope="module")
def panel_fit(panel) -> TrendResult:
    return fit_trend(panel, arm="treated", treated="1", pupil="card")


def test_a_panel_fit_reports_the_pupil_variance_and_the_pupils_followed(panel_fit) -> None:
    components = panel_fit.variance_components.set_index("component")
    assert "pupil" in components.index and components.loc["pupil", "variance"] > 0
    assert 0 < panel_fit.icc("pupil") < 1
    assert panel_fit.is_panel and panel_fit.panel_pupils > 300
    assert "(1 | pupil)" in panel_fit.formula


def test_the_panel_detects_smaller_effects_than_the_same_answers_as_cross_sections(
    panel_fit,
) -> None:
    assert panel_fit.mde < panel_fit.mde_cross_section


def test_pupils_own_changes_are_counted_per_round_and_arm(panel_fit) -> None:
    changes = panel_fit.panel_changes.set_index(["round", "arm"])
    assert set(changes.index) == {("1", "0"), ("1", "1"), ("2", "0"), ("2", "1")}
    assert (changes["pupils"] >= 100).all() and not changes["suppressed"].any()
    assert changes.loc[("2", "1"), "mean_change"] > changes.loc[("2", "0"), "mean_change"]


def test_a_panel_result_round_trips_and_an_older_result_still_loads(panel_fit) -> None:
    again = TrendResult.from_dict(panel_fit.to_dict())
    assert again.panel_pupils == panel_fit.panel_pupils
    assert again.mde_cross_section == pytest.approx(panel_fit.mde_cross_section)
    pd.testing.assert_frame_equal(
        again.panel_changes.reset_index(drop=True),
        panel_fit.panel_changes.reset_index(drop=True),
        check_dtype=False,
    )
    old = panel_fit.to_dict()
    for key in ("panel_pupils", "panel_changes", "mde_cross_section"):
        del old[key]
    loaded = TrendResult.from_dict(old)
    assert loaded.panel_pupils == 0 and not loaded.is_panel
    assert math.isnan(loaded.mde_cross_section) and loaded.panel_changes.empty


def test_pupils_seen_only_once_fall_back_to_cross_sections_and_say_why(panel) -> None:
    once = panel.assign(card=panel["card"] + "-" + panel["round"].astype(str))
    result = fit_with_fallback(once, arm="treated", treated="1", pupil="card")
    assert result.model == "full" and not result.is_panel
    assert "pupil" not in set(result.variance_components["component"])
    assert "Panelmodellen" in result.reason_nb and "ingen elev" in result.reason_nb


def test_a_missing_pupil_column_is_a_clear_error(panel) -> None:
    with pytest.raises(ValueError, match="missing columns"):
        fit_with_fallback(panel, arm="treated", treated="1", pupil="kort")
