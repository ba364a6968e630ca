"""Scale scores from a tidy answer frame: one row per response x item in, one row per
response x construct out, with the response's round, school, group and arm carried along.

A score is the mean of the construct's answered items, reverse-keyed items flipped
(scale_min + scale_max - value), and only when at least half of its items were answered.
"Don't want to answer" (declined) counts as not answered. The demo simulator
scores its data with the same `scale_scores`, so both are scored by one implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ConstructSpec", "item_values", "scale_scores", "score_constructs"]

ANSWER_COLUMNS = ("item", "value", "declined")


@dataclass(frozen=True)
class ConstructSpec:
    """A construct as scoring needs it: its items, their keying, and the scale's ends."""

    id: str
    items: tuple[tuple[str, bool], ...]  #: (item_id, is_reverse_keyed)
    scale_min: int = 1
    scale_max: int = 5


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


def scale_scores(
    answers: pd.DataFrame, responses: pd.DataFrame, specs: Sequence[ConstructSpec]
) -> pd.DataFrame:
    """One row per response x construct: the mean of answered items, reverse items flipped back.

    The score is NaN when fewer than half of the construct's items were answered. Pass the
    responses of one respondent type; answers of other responses are ignored. Columns:
    response, construct (categorical, in spec order), score, items_answered; merge the
    responses back on `response` for round, school and the rest.
    """
    item_index = pd.Index([item for spec in specs for item, _ in spec.items])
    construct_of_item = np.repeat(np.arange(len(specs)), [len(spec.items) for spec in specs])
    is_reverse = np.array([reverse for spec in specs for _, reverse in spec.items], dtype=bool)
    low = np.array([spec.scale_min for spec in specs], dtype=float)
    high = np.array([spec.scale_max for spec in specs], dtype=float)
    item_count = np.array([len(spec.items) for spec in specs])

    ids = pd.Index(responses["response"])
    row = ids.get_indexer(answers["response"])
    position = _positions(answers["item"], item_index)
    value = answers["value"].to_numpy(dtype=float, na_value=np.nan)
    keep = (row >= 0) & (position >= 0) & ~answers["declined"].to_numpy(dtype=bool)
    keep &= ~np.isnan(value)
    row, position, value = row[keep], position[keep], value[keep]
    construct = construct_of_item[position]
    flipped = low[construct] + high[construct] - value
    value = np.where(is_reverse[position], flipped, value)

    cells = len(ids) * len(specs)
    key = row * len(specs) + construct
    answered = np.bincount(key, minlength=cells)
    total = np.bincount(key, weights=value, minlength=cells)
    enough = answered * 2 >= np.tile(item_count, len(ids))
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(enough, total / answered, np.nan)

    return pd.DataFrame(
        {
            "response": np.repeat(ids.to_numpy(), len(specs)),
            "construct": pd.Categorical.from_codes(
                np.tile(np.arange(len(specs)), len(ids)), categories=[spec.id for spec in specs]
            ),
            "score": score,
            "items_answered": answered,
        }
    )


def _positions(items: pd.Series, index: pd.Index) -> np.ndarray:
    """Positions of `items` in `index` (-1 if absent), via the categories when categorical."""
    if isinstance(items.dtype, pd.CategoricalDtype):
        per_category = np.append(index.get_indexer(items.cat.categories), -1)
        return per_category[items.cat.codes.to_numpy()]
    return index.get_indexer(items)
