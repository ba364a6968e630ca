"""The one place exports call analytics: scale scores and small-group suppression.

The export's scores and suppressed tables come from the same functions as the dashboards',
so a number in the package is the number the project sees.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.scoring import ConstructSpec, score_constructs
from analytics.suppression import suppressed_frame

#: Where the numbers come from, so the README can say it.
SCORING_SOURCE = "analytics.scoring.score_constructs"
SUPPRESSION_SOURCE = "analytics.suppression.suppress_hierarchy"


def scale_scores(answers: pd.DataFrame, specs: Sequence[ConstructSpec]) -> pd.DataFrame:
    """One row per response x construct: response, construct, score (NaN below half answered).

    `answers` has response, item, value (NA when declined) and declined.
    """
    return score_constructs(answers, specs)[["response", "construct", "score"]]


def hidden_cells(
    table: pd.DataFrame, node: str, parent: str, count: str, min_size: int
) -> pd.Series:
    """Which rows to hide, primary and secondary, in a table whose rows add up to parents."""
    return suppressed_frame(table, node, parent, count, min_size) != ""


def combine_moments(n: np.ndarray, total: np.ndarray, squares: np.ndarray) -> tuple:
    """Mean and sample SD from running sums, as the aggregate tables accumulate them."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        variance = (squares - n * mean**2) / (n - 1)
    return mean, np.sqrt(np.clip(variance, 0.0, None))
