"""From one chunk of rows to the frames the writers take: wide (coded) and long.

The wide frame holds every variable as a float: codes for the design variables, item values
with DECLINED_CODE for "I don't want to answer", scale scores, and the completion date as days
since 1970-01-01. Each writer turns that into its own representation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from survey.demo.loader import construct_specs
from survey.exports.plan import ExportPlan
from survey.exports.queries import ANSWER_COLUMNS, RESPONSE_COLUMNS, Chunk
from survey.exports.statistics import scale_scores
from survey.exports.variables import (
    ARM_CODES,
    DECLINED_CODE,
    OTHER_LANGUAGE,
    STATUS_CODES,
    TYPE_CODES,
    item_variable_name,
    score_variable_name,
)

EPOCH = np.datetime64("1970-01-01", "D")


class ChunkShaper:
    """Shapes chunks for one plan; built once per export."""

    def __init__(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.names = [v.name for v in plan.variables]
        self.position = {name: i for i, name in enumerate(self.names)}
        self.item_column = {
            f"{v.item.respondent_type}|{v.item.item_id}": self.position[v.name]
            for v in plan.items()
            if v.item is not None
        }
        self.specs = {
            version_id: construct_specs(instrument)
            for version_id, instrument in plan.instruments.items()
        }
        self.arm_of_school = {sid: ARM_CODES[s.arm] for sid, s in plan.schools.items()}
        self.grade_of_group = {gid: g.grade for gid, g in plan.groups.items()}
        self.variable_of_key = {
            f"{rt}|{item_id}": item_variable_name(rt, item_id)
            for rt, item_id in plan.free_text_items
        }
        self.variable_of_key.update({key: self.names[i] for key, i in self.item_column.items()})

    def responses(self, chunk: Chunk) -> pd.DataFrame:
        return _columns(chunk.responses, RESPONSE_COLUMNS)

    def answers(self, chunk: Chunk, responses: pd.DataFrame) -> pd.DataFrame:
        answers = _columns(chunk.answers, ANSWER_COLUMNS)
        kinds = pd.Series(responses["respondent_type"].to_numpy(), index=responses["response_id"])
        answers["respondent_type"] = answers["response_id"].map(kinds)
        answers["key"] = answers["respondent_type"] + "|" + answers["item_id"]
        return answers

    def wide(self, responses: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
        n = len(responses)
        plan = self.plan
        matrix = np.full((n, len(self.names)), np.nan)
        design: dict[str, pd.Series] = {
            "response_id": responses["response_id"],
            "respondent_type": responses["respondent_type"].map(TYPE_CODES),
            "status": responses["status"].map(STATUS_CODES),
            "round": responses["round_id"].map(plan.round_codes),
            "completed_on": _days_since_epoch(_week_start(responses["completed_on"])),
            "school": responses["school_id"].map(plan.school_codes),
            "arm": responses["school_id"].map(self.arm_of_school),
            "grade": responses["group_id"].map(self.grade_of_group),
            "group": responses["group_id"].map(plan.group_codes),
            "language": self._languages(responses).map(plan.language_codes),
            "instrument_version": responses["instrument_version_id"].map(plan.version_codes),
        }
        if "panel_id" in self.position:
            design["panel_id"] = responses["panel_id"]
        for name, values in design.items():
            matrix[:, self.position[name]] = pd.to_numeric(values).to_numpy(dtype=float)
        row_of = pd.Series(np.arange(n), index=responses["response_id"])
        column = answers["key"].map(self.item_column)
        choice = column.notna().to_numpy()
        rows = row_of.reindex(answers["response_id"]).to_numpy()[choice]
        values = np.where(
            answers["is_declined"].to_numpy(dtype=bool),
            DECLINED_CODE,
            pd.to_numeric(answers["value"]).to_numpy(dtype=float),
        )
        matrix[rows, column[choice].to_numpy(dtype=int)] = values[choice]
        self._add_scores(matrix, responses, answers, row_of)
        return pd.DataFrame(matrix, columns=self.names)

    def _languages(self, responses: pd.DataFrame) -> pd.Series:
        """Each response's language, or OTHER_LANGUAGE where too few answered in it."""
        rare = self.plan.rare_languages
        if not rare:
            return responses["language"]
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

    def _add_scores(
        self,
        matrix: np.ndarray,
        responses: pd.DataFrame,
        answers: pd.DataFrame,
        row_of: pd.Series,
    ) -> None:
        """Each response scored with its own instrument version's constructs."""
        scoring = pd.DataFrame(
            {
                "response": answers["response_id"],
                "item": answers["item_id"],
                "value": pd.array(answers["value"], dtype="Int64"),
                "declined": answers["is_declined"].astype(bool),
            }
        )
        version_of = pd.Series(
            responses["instrument_version_id"].to_numpy(), index=responses["response_id"]
        )
        scoring["version"] = scoring["response"].map(version_of)
        for version_id, part in scoring.groupby("version", sort=False):
            specs = self.specs.get(int(version_id))
            if not specs:
                continue
            respondent_type = self.plan.instruments[int(version_id)].respondent_type
            scores = scale_scores(part.drop(columns="version"), specs)
            for construct, rows in scores.groupby("construct", sort=False):
                name = score_variable_name(respondent_type, str(construct))
                at = row_of.reindex(rows["response"]).to_numpy()
                matrix[at, self.position[name]] = rows["score"].to_numpy(dtype=float)

    def long(self, responses: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
        """One row per answer, with the design variables that identify it."""
        plan = self.plan
        by_id = responses.set_index("response_id")
        ids = answers["response_id"]
        rounds = ids.map(by_id["round_id"]).map(plan.round_codes)
        frame = pd.DataFrame(
            {
                "response_id": ids,
                "respondent_type": answers["respondent_type"],
                "round": rounds,
                "round_label": labels_of(plan.variable("round").value_labels, rounds),
                "school": labels_of(
                    plan.variable("school").value_labels,
                    ids.map(by_id["school_id"]).map(plan.school_codes),
                ),
                "group": labels_of(
                    plan.variable("group").value_labels,
                    ids.map(by_id["group_id"]).map(plan.group_codes),
                ),
                "variable": answers["key"].map(self.variable_of_key),
                "item_id": answers["item_id"],
                "value": pd.array(answers["value"], dtype="Int64"),
                "is_declined": answers["is_declined"].astype(bool).astype(int),
            }
        )
        if "panel_id" in self.position:
            frame.insert(1, "panel_id", pd.array(ids.map(by_id["panel_id"]), dtype="Int64"))
        if plan.request.include_free_text:
            frame["text"] = answers["text"]
        order = answers["key"].map(self.item_column).fillna(len(self.names))
        frame["_order"] = order.to_numpy()
        return frame.sort_values(["response_id", "_order"], kind="stable").drop(columns="_order")


def _columns(rows: Sequence[Sequence[object]], names: Sequence[str]) -> pd.DataFrame:
    """Rows to a frame column by column (much faster than row by row for database rows)."""
    if not rows:
        return pd.DataFrame({name: [] for name in names})
    return pd.DataFrame(dict(zip(names, map(list, zip(*rows, strict=True)), strict=True)))


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
    return codes.map(lambda code: mapping.get(int(code)) if pd.notna(code) else None)
