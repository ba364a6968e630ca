"""Scale scores from a tidy answer frame: one row per response x item in, one row per
response x construct out, with the response's round, school, group and arm carried along.

A score is the mean of the construct's answered items, reverse-keyed items flipped
(scale_min + scale_max - value), and only when at least half of its items were answered.
"Don't want to answer" (declined) counts as not answered. The arithmetic is the simulator's
`scale_scores`, so the demo data and the database are scored by one implementation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analytics.simulation import scale_scores
from analytics.simulation_design import ConstructSpec

__all__ = ["ConstructSpec", "item_values", "score_constructs"]

ANSWER_COLUMNS = ("item", "value", "declined")


def score_constructs(answers: pd.DataFrame, specs: Sequence[ConstructSpec]) -> pd.DataFrame:
    """Scores of every response in `answers` on every construct in `specs`.

    `answers` needs response, item, value (NA when declined) and declined; any other column
    (round, school, group, arm, respondent_type, ...) must be constant per response and is
    copied to the output beside construct (str), score and items_answered.
    """
    missing = {"response", *ANSWER_COLUMNS} - set(answers.columns)
    if missing:
        raise ValueError(f"answers lack columns: {sorted(missing)}")
    context_columns = [c for c in answers.columns if c not in ANSWER_COLUMNS]
    responses = answers[context_columns].drop_duplicates("response").reset_index(drop=True)
    if not specs:
        return responses.assign(construct=pd.Series(dtype=object), score=np.nan).iloc[:0]
    values = answers.assign(value=pd.to_numeric(answers["value"], errors="coerce").astype(float))
    scores = scale_scores(values, responses, specs)
    scores["construct"] = scores["construct"].astype(str)
    return scores.merge(responses, on="response", how="left")


def item_values(answers: pd.DataFrame, spec: ConstructSpec) -> pd.DataFrame:
    """Wide item values of one construct (responses x items), reverse items flipped back and
    declined as NaN; the input to reliability."""
    item_ids = pd.Index([item for item, _ in spec.items])
    column = item_ids.get_indexer(answers["item"].astype(str))
    rows = answers[column >= 0]
    column = column[column >= 0]
    value = pd.to_numeric(rows["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    value[rows["declined"].to_numpy(dtype=bool)] = np.nan
    responses, row = np.unique(rows["response"].to_numpy(), return_inverse=True)
    wide = np.full((len(responses), len(item_ids)), np.nan)
    wide[row.ravel(), column] = value
    for index, (_, is_reverse) in enumerate(spec.items):
        if is_reverse:
            wide[:, index] = spec.scale_min + spec.scale_max - wide[:, index]
    return pd.DataFrame(wide, index=pd.Index(responses, name="response"), columns=item_ids)
