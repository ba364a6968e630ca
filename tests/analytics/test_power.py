"""Minimum detectable effects."""

import math

import pytest

from analytics.power import minimum_detectable_effect, planned_did_mde


def test_mde_with_many_degrees_of_freedom_is_2_8_standard_errors() -> None:
    assert minimum_detectable_effect(0.1, 1e6) == pytest.approx(0.1 * (1.95996 + 0.84162), abs=1e-4)


def test_few_degrees_of_freedom_make_the_mde_larger() -> None:
    assert minimum_detectable_effect(0.1, 6) > minimum_detectable_effect(0.1, 60)


def test_more_schools_per_arm_detect_smaller_effects() -> None:
    mdes = [planned_did_mde(n, 80, 0.0064, 0.48) for n in (4, 10, 40)]
    assert mdes == sorted(mdes, reverse=True)
    assert math.isnan(planned_did_mde(1, 80, 0.0064, 0.48))
