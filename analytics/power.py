"""Minimum detectable effects: the smallest true effect a design finds with the wanted power.

MDE = (t_{1 - alpha/2, df} + t_{power, df}) x SE, the usual two-sided formula (Bloom 1995)
with a t reference, since evaluations of this kind have few schools.
"""

from __future__ import annotations

import math

from scipy import special  # t quantiles and tails, without scipy.stats' half-second import


def minimum_detectable_effect(
    standard_error: float, df: float, alpha: float = 0.05, power: float = 0.8
) -> float:
    """The MDE of an estimate with this standard error and these degrees of freedom."""
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power must lie strictly between 0 and 1")
    if not math.isfinite(standard_error) or standard_error < 0:
        return math.nan
    multiplier = special.stdtrit(df, 1 - alpha / 2) + special.stdtrit(df, power)
    return float(multiplier * standard_error)


def planned_did_mde(
    schools_per_arm: int,
    responses_per_school_round: float,
    school_round_variance: float,
    residual_variance: float,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """The MDE of a difference-in-differences between baseline and one later round, for a
    balanced design with this many schools per arm; for planning the next evaluation.

    School and class effects that stay put cancel out of a change, so what remains per school
    is the school x round effect and the respondents' noise, at both rounds and in both arms:
    Var = 4 (school_round + residual / m) / schools_per_arm, on 2 (schools_per_arm - 1) df.
    """
    if schools_per_arm < 2 or responses_per_school_round <= 0:
        return math.nan
    variance = (
        4.0
        * (school_round_variance + residual_variance / responses_per_school_round)
        / schools_per_arm
    )
    return minimum_detectable_effect(math.sqrt(variance), 2.0 * (schools_per_arm - 1), alpha, power)
