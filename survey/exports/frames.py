"""From one chunk of rows to the frames the writers take: wide (coded) and long.

The wide frame holds every variable as a float: codes for the design variables, item values
with DECLINED_CODE for "I don't want to answer", scale scores, and the completion date as days
since 1970-01-01. Each writer turns that into its own representation.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from survey.demo.loader import construct_specs
from survey.exports.plan import ExportPlan
from survey.exports.queries import BLANK, DECLINED, NO_ANSWER, VALUE_OFFSET, ExportChunk
from survey.exports.variables import (
    ARM_CODES,
    DECLINED_CODE,
    OTHER_LANGUAGE,
    STATUS_CODES,
    TYPE_CODES,
    score_variable_name,
)

EPOCH = np.datetime64("1970-01-01", "D")


class ChunkShaper:
    """Shapes chunks for one plan; built once per export."""

    def __init__(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.names = [v.name for v in plan.variables]
        self.position = {name: i for i, name in enumerate(self.names)}
        items = [v for v in plan.items() if v.item is not None]
        #: The columns of a chunk's value matrix: (respondent type, item id), in plan order.
        self.item_columns = [(v.item.respondent_type, v.item.item_id) for v in items]  # type: ignore[union-attr]
        self.item_names = np.array([v.name for v in items], dtype=object)
        self.item_ids = np.array([key[1] for key in self.item_columns], dtype=object)
        self.item_positions = np.array([self.position[v.name] for v in items], dtype=np.int64)
        column_of = {key: i for i, key in enumerate(self.item_columns)}
        #: Per instrument version: (score position, matrix columns, reverse flags, low, high).
        self.scoring: dict[int, list[tuple[int, np.ndarray, np.ndarray, float, float]]] = {}
        for version_id, instrument in plan.instruments.items():
            rules = []
            for spec in construct_specs(instrument):
                keys = [(instrument.respondent_type, item) for item, _ in spec.items]
                rules.append(
                    (
                        self.position[score_variable_name(instrument.respondent_type, spec.id)],
                        np.array([column_of.get(key, -1) for key in keys], dtype=np.int64),
                        np.array([reverse for _, reverse in spec.items], dtype=bool),
                        float(spec.scale_min),
                        float(spec.scale_max),
                    )
                )
            self.scoring[version_id] = rules
        self.arm_of_school = {sid: ARM_CODES[s.arm] for sid, s in plan.schools.items()}
        self.grade_of_group = {gid: g.grade for gid, g in plan.groups.items()}
        self.variable_of_text = {key: plan.item_names[key] for key in plan.free_text_items}

    def wide(self, chunk: ExportChunk) -> pd.DataFrame:
        responses, plan = chunk.responses, self.plan
        matrix = np.full((len(responses), len(self.names)), np.nan)
        design: dict[str, object] = {
            "response_id": responses["response_id"],
            "respondent_type": _mapped(responses["respondent_type"], TYPE_CODES),
            "status": _mapped(responses["status"], STATUS_CODES),
            "round": _mapped(responses["round_id"], plan.round_codes),
            "completed_on": _days_since_epoch(_week_start(responses["completed_on"])),
            "school": _mapped(responses["school_id"], plan.school_codes),
            "arm": _mapped(responses["school_id"], self.arm_of_school),
            "grade": _mapped(responses["group_id"], self.grade_of_group),
            "group": _mapped(responses["group_id"], plan.group_codes),
            "language": _mapped(self._languages(responses), plan.language_codes),
            "instrument_version": _mapped(responses["instrument_version_id"], plan.version_codes),
        }
        if "panel_id" in self.position:
            design["panel_id"] = responses["panel_id"]
        for name, values in design.items():
            matrix[:, self.position[name]] = np.asarray(values, dtype=float)
        items = _item_values(chunk.values)
        matrix[:, self.item_positions] = np.where(
            chunk.values == DECLINED, float(DECLINED_CODE), items
        )
        self._add_scores(matrix, responses, items)
        return pd.DataFrame(matrix, columns=self.names)

    def _languages(self, responses: pd.DataFrame) -> pd.Series:
        """Each response's language, or OTHER_LANGUAGE where too few answered in it."""
        rare = self.plan.rare_languages
        if not rare:
            return responses["language"].astype(object)
        cells = zip(
            responses["round_id"],
            responses["school_id"],
            responses["respondent_type"],
            responses["language"],
            strict=True,
        )
        return pd.Series(
            [OTHER_LANGUAGE if cell in rare else cell[3] for cell in cells],
            index=responses.index,
            dtype=object,
        )

    def _add_scores(self, matrix: np.ndarray, responses: pd.DataFrame, items: np.ndarray) -> None:
        """Each response scored with its own instrument version's constructs: the rule of
        `analytics.scoring` (mean of the answered items, reverse-keyed flipped, at least
        half answered), on the chunk's value matrix."""
        versions = responses["instrument_version_id"].to_numpy()
        for version_id in np.unique(versions):
            rows = np.flatnonzero(versions == version_id)
            for at, columns, reverse, low, high in self.scoring.get(int(version_id), []):
                known = columns >= 0
                values = np.full((len(rows), len(columns)), np.nan)
                values[:, known] = items[np.ix_(rows, columns[known])]
                values[:, reverse] = low + high - values[:, reverse]
                answered = (~np.isnan(values)).sum(axis=1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    score = np.nansum(values, axis=1) / answered
                matrix[rows, at] = np.where(answered * 2 >= len(columns), score, np.nan)

    def long(self, chunk: ExportChunk) -> pd.DataFrame:
        """One row per answer, with the design variables that identify it."""
        plan, responses = self.plan, chunk.responses
        rows, columns = np.nonzero(chunk.values)
        codes = chunk.values[rows, columns]
        value = pd.array(codes.astype(np.int64) - VALUE_OFFSET, dtype="Int64")
        value[(codes == BLANK) | (codes == DECLINED)] = pd.NA
        frame = self.long_rows(
            responses,
            rows,
            self.item_names[columns],
            self.item_ids[columns],
            value,
            (codes == DECLINED).astype(int),
        )
        if not plan.request.include_free_text:
            return frame
        texts = chunk.texts
        text_rows = (
            texts["response_id"].to_numpy(dtype=np.int64) - int(responses["response_id"].iloc[0])
            if len(texts)
            else np.array([], dtype=np.int64)
        )
        kinds = responses["respondent_type"].to_numpy()[text_rows]
        free = self.long_rows(
            responses,
            text_rows,
            np.array(
                [
                    self.variable_of_text.get((k, i))
                    for k, i in zip(kinds, texts["item_id"], strict=True)
                ],
                dtype=object,
            ),
            texts["item_id"].to_numpy(dtype=object),
            pd.array([pd.NA] * len(texts), dtype="Int64"),
            np.zeros(len(texts), dtype=int),
        )
        frame["text"] = None
        free["text"] = texts["text"].to_numpy(dtype=object)
        order = np.concatenate([columns, np.full(len(texts), len(self.item_columns))])
        both = pd.concat([frame, free], ignore_index=True)
        both["_order"] = order
        return both.sort_values(["response_id", "_order"], kind="stable").drop(columns="_order")

    def long_rows(self, responses, rows, variables, item_ids, value, is_declined) -> pd.DataFrame:
        """Long rows for the responses at `rows`, with the answer columns given; `longcsv`
        renders its response part from the same frame."""
        plan = self.plan
        rounds = _mapped(responses["round_id"], plan.round_codes)[rows]
        panel = (
            {"panel_id": pd.array(responses["panel_id"].to_numpy()[rows], dtype="Int64")}
            if "panel_id" in self.position
            else {}
        )
        return pd.DataFrame(
            {
                "response_id": responses["response_id"].to_numpy()[rows],
                **panel,
                "respondent_type": _labels(
                    plan.variable("respondent_type").value_labels,
                    _mapped(responses["respondent_type"], TYPE_CODES)[rows],
                ),
                "round": pd.array(rounds, dtype="Int64")
                if len(rows)
                else pd.array([], dtype="Int64"),
                "round_label": _labels(plan.variable("round").value_labels, rounds),
                "school": _labels(
                    plan.variable("school").value_labels,
                    _mapped(responses["school_id"], plan.school_codes)[rows],
                ),
                "group": _labels(
                    plan.variable("group").value_labels,
                    _mapped(responses["group_id"], plan.group_codes)[rows],
                ),
                "variable": variables,
                "item_id": item_ids,
                "value": value,
                "is_declined": is_declined,
            }
        )


def _item_values(values: np.ndarray) -> np.ndarray:
    """The value matrix's answers as numbers; no answer, blank and declined as NaN."""
    numbers = values.astype(float) - VALUE_OFFSET
    numbers[(values == NO_ANSWER) | (values == BLANK) | (values == DECLINED)] = np.nan
    return numbers


def _mapped(values: pd.Series, mapping: Mapping) -> np.ndarray:
    """Each value's code as a float array, NaN where it has none (looked up once per
    distinct value)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = [mapping.get(value) for value in uniques]
    table = np.array([np.nan if code is None else code for code in lookup] + [np.nan], float)
    return table[codes]


def _labels(mapping: Mapping[int, str], codes: np.ndarray) -> np.ndarray:
    """Codes to their labels (None where a code is missing), through a lookup per distinct code."""
    out = np.full(len(codes), None, dtype=object)
    for code, label in mapping.items():
        out[codes == code] = label
    return out


def _week_start(dates: pd.Series) -> pd.Series:
    """The Monday of each date's week: a day would narrow a respondent down to a lesson or a
    pool batch, a week does not (and is all a trend model needs)."""
    parsed = pd.to_datetime(dates, errors="coerce")
    return parsed - pd.to_timedelta(parsed.dt.day_of_week, unit="D")


def _days_since_epoch(dates: pd.Series) -> pd.Series:
    parsed = pd.to_datetime(dates, errors="coerce")
    return (parsed - pd.Timestamp("1970-01-01")).dt.days.astype(float)


def labels_of(mapping: Mapping[int, str], codes: pd.Series) -> pd.Series:
    """Codes to their labels, keeping missing codes missing."""
    return pd.Series(
        _labels(mapping, codes.to_numpy(dtype=float, na_value=np.nan)), index=codes.index
    )
