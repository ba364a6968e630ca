"""The one place exports call analytics: scale scores and small-group suppression.

Analytics' own scoring and suppression (issue 6) replace the stand-ins here when they land;
each is one import away, so switching is a one-line change that the export tests then check.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.simulation import ConstructSpec
from analytics.simulation import scale_scores as _scale_scores

#: Where the numbers come from, so the README can say it.
SCORING_SOURCE = "analytics.simulation.scale_scores"
SUPPRESSION_SOURCE = "survey.exports.statistics.suppress_small_groups"


def scale_scores(
    answers: pd.DataFrame, responses: pd.DataFrame, specs: Sequence[ConstructSpec]
) -> pd.DataFrame:
    """One row per response x construct: response, construct, score (NaN below half answered).

    `answers` has response, item, value (NA when declined) and declined; `responses` has
    response.
    """
    return _scale_scores(answers, responses, specs)[["response", "construct", "score"]]


def suppress_small_groups(
    table: pd.DataFrame, count: str, min_group_size: int, within: Sequence[str]
) -> pd.Series:
    """Which rows to hide: primary suppression below `min_group_size`, then secondary.

    Rows that share the values of `within` add up to a published total (a school's figure to its
    arm's). When exactly one of them is hidden, its value could be recovered by subtraction, so
    the smallest other row of the same total is hidden as well.
    """
    hidden = table[count] < min_group_size
    if not within:
        return hidden
    for _, rows in table.groupby(list(within), sort=False, observed=True, dropna=False):
        if int(hidden[rows.index].sum()) == 1 and len(rows) > 1:
            visible = rows.index[~hidden[rows.index].to_numpy()]
            smallest = table.loc[visible, count].astype(float).idxmin()
            hidden[smallest] = True
    return hidden


def combine_moments(n: np.ndarray, total: np.ndarray, squares: np.ndarray) -> tuple:
    """Mean and sample SD from running sums, as the aggregate tables accumulate them."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        variance = (squares - n * mean**2) / (n - 1)
    return mean, np.sqrt(np.clip(variance, 0.0, None))
