"""The ordinal model beside the linear trend: when it is fitted, what is stored, how they relate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.ordinal_sensitivity import OrdinalSensitivity, relate
from analytics.trend_fallback import fit_with_fallback
from analytics.trend_result import TrendResult
from tests.analytics.ordinal_data import simulate_answers


@pytest.fixture(scope="module")
def single_item():
    return simulate_answers(schools=8, pupils=30, seed=4).assign(items_answered=1)


@pytest.fixture(scope="module")
def fitted(single_item):
    return fit_with_fallback(single_item, group=None, min_group_size=5)


@pytest.mark.parametrize(
    ("linear", "linear_p", "ordinal", "ordinal_p", "expected"),
    [
        (0.3, 0.01, 0.9, 0.02, "agree"),
        (0.1, 0.40, 0.2, 0.30, "agree"),
        (0.1, 0.40, -0.2, 0.30, "agree"),  # opposite signs, neither clear: nothing to act on
        (0.3, 0.01, 0.5, 0.20, "significance"),
        (0.1, 0.20, 0.5, 0.01, "significance"),
        (0.3, 0.01, -0.5, 0.30, "direction"),
    ],
)
def test_the_two_models_agree_unless_direction_or_significance_differ(
    linear, linear_p, ordinal, ordinal_p, expected
):
    assert relate(linear, linear_p, ordinal, ordinal_p, 0.05) == expected


def test_a_single_item_trend_carries_the_ordinal_did_of_its_last_round(fitted):
    check = OrdinalSensitivity.from_dict(fitted.ordinal_sensitivity)

    assert check.round == "3" and check.converged
    assert (check.scale_low, check.scale_high, check.categories) == (1.0, 5.0, 5)
    assert not check.rounded
    assert check.linear_estimate == pytest.approx(float(fitted.did("3")["estimate"]))
    assert check.ci_low < check.estimate < check.ci_high
    assert np.sign(check.estimate) == np.sign(check.linear_estimate)
    assert check.agreement == relate(
        check.linear_estimate, check.linear_p, check.estimate, check.p_value, 0.05
    )


def test_the_ordinal_check_survives_the_stored_json_and_shows_in_the_summary(fitted):
    again = TrendResult.from_dict(fitted.to_dict())

    assert again.ordinal_sensitivity == fitted.ordinal_sensitivity
    assert "Ordinal modell (følsomhet), runde 3" in fitted.summary()
    stored_before = {k: v for k, v in fitted.to_dict().items() if k != "ordinal_sensitivity"}
    assert TrendResult.from_dict(stored_before).ordinal_sensitivity == {}


def test_a_two_item_scale_keeps_its_half_points_as_categories(single_item):
    rng = np.random.default_rng(5)
    second = np.clip(single_item["score"] + rng.integers(-1, 2, len(single_item)), 1, 5)
    two_items = single_item.assign(score=(single_item["score"] + second) / 2, items_answered=2)

    result = fit_with_fallback(two_items, group=None, min_group_size=5)

    assert result.ordinal_sensitivity["categories"] == 9
    assert result.ordinal_sensitivity["rounded"] is False


def test_long_scales_and_continuous_scores_get_no_ordinal_model(single_item):
    noise = np.random.default_rng(6).normal(0, 0.3, len(single_item))
    long_scale = single_item.assign(score=single_item["score"] + noise, items_answered=6)
    without_items = long_scale.drop(columns="items_answered")

    for data in (long_scale, without_items):
        assert fit_with_fallback(data, group=None, min_group_size=5).ordinal_sensitivity == {}


def test_a_hidden_last_did_gets_no_ordinal_check_either(single_item):
    thin = single_item[~((single_item["round"] == 3) & (single_item["arm"] == "comparison"))]
    few = single_item[(single_item["round"] == 3) & (single_item["arm"] == "comparison")]
    data = pd.concat([thin, few.groupby("school").head(1)])

    result = fit_with_fallback(data, group=None, min_group_size=5)

    assert result.did("3")["suppressed"]
    assert result.ordinal_sensitivity == {}


def test_the_dashboards_read_the_stored_check(fitted):
    from dashboards.results import trend_view

    view = trend_view(fitted.to_dict())

    assert view.ordinal == OrdinalSensitivity.from_dict(fitted.ordinal_sensitivity)
    assert trend_view({**fitted.to_dict(), "ordinal_sensitivity": {}}).ordinal is None
