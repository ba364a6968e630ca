"""What the outputs give away about groups of respondents, read as an attacker would.

Every chart CSV and every aggregate table of the export is parsed into `Shown` cells: a
figure (a mean score, or an item's answer counts) over a set of *leaves*, the finest groups
the analysis knows (a class for pupils, a school for parents and staff), in one round. Sums
add up over leaves, so a small group's figure can be worked out from what is shown exactly
when its set of leaves is a linear combination of the shown sets: shown totals minus shown
parts. That is the secondary-suppression attack, over every output at once.

The attacker is assumed to know every group's n: response counts are shown to project staff
on purpose (survey/rounds/counts.py). Model estimates (marginal means, school estimates,
changes) are not sums and are left out of the attack; they are checked by the hunt for the
small groups' means in `test_suppression_everywhere`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from flask import Flask

from analytics.design_check import DesignCheck
from dashboards import tables
from dashboards.results import COMPARISON, INTERVENTION, TrendView
from instruments.reading import ItemInfo
from survey.exports.variables import DESIGN_LABELS
from tests.privacy.outputs import Output
from tests.privacy.world import CLASSES, PrivacyProject, SmallGroup

Leaf = tuple[str, str | None]  #: (school code, class label or None)
Key = tuple[str, str, str]  #: (respondent type, construct or item id, round label)
#: How close a shown figure must be to the true one: CSVs keep 3 decimals, the export 4.
TOLERANCE = 0.0006


@dataclass(frozen=True)
class Shown:
    source: str
    leaves: frozenset[Leaf]
    n: float | None
    value: float  #: the mean score, or for an item the number of answers on its scale


def column_layouts(app: Flask) -> dict[str, list[tuple[str, str]]]:
    """(key, title) of each chart table's columns, from the dashboards' own table builders."""
    with app.test_request_context():
        trend = TrendView("x", "pupil", arms=(INTERVENTION, COMPARISON))
        # A trend whose DiD has a design-based check shows its p-values in two more columns
        # (over every school's mean change: no cell of its own to hide).
        check = DesignCheck("2", "1", 0.0, 0.1, 6, -0.2, 0.2, 1.0, 1.0, 0.03, 70, True, 4, 4)
        item = ItemInfo("x", {}, False, (), True)
        built = {
            "class": tables.class_table([]),
            "school": tables.school_table([]),
            "trend": tables.trend_table(trend, [], {}, {}),
            "trend_checked": tables.trend_table(replace(trend, design={"2": check}), [], {}, {}),
            "item": tables.item_table(item, [], "nb"),
            "triangulation": tables.triangulation_table({}, []),
            "monitor": tables.monitor_table([]),
        }
    return {kind: [(c.key, c.title) for c in data.columns] for kind, data in built.items()}


def _code(variable: str, label: str) -> str:
    """The code behind a design variable's label in an export (Norwegian or English)."""
    for words in DESIGN_LABELS.values():
        for code, word in words[variable].items():
            if word == label:
                return code
    return label


def _number(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    return float(text.strip().replace(",", ".").replace("\u2212", "-"))


class Disclosures:
    """The shown cells of every output, and what is wrong with them."""

    def __init__(self, world: PrivacyProject, layouts: dict[str, list[tuple[str, str]]]) -> None:
        self.world = world
        self.layouts = layouts
        self.shown: dict[Key, list[Shown]] = defaultdict(list)
        self.problems: list[str] = []
        self.code_of = {s.id: s.code for s in world.schools.values()}
        self.code_by_name = {s.name: s.code for s in world.schools.values()}
        self.label_of = {g.id: g.label for g in world.groups.values()}

    # -- leaves ---------------------------------------------------------------------------

    def leaves(
        self, kind: str, school: str | None = None, group: str | None = None, arm: str | None = None
    ) -> frozenset[Leaf]:
        found = set()
        for code, row in self.world.schools.items():
            if school not in (None, code) or arm not in (None, row.arm):
                continue
            for label in CLASSES if kind == "pupil" else (None,):
                if group in (None, label):
                    found.add((code, label))
        return frozenset(found)

    def small_leaves(self, small: SmallGroup) -> frozenset[Leaf]:
        return self.leaves(small.respondent_type, small.school, small.group)

    # -- reading --------------------------------------------------------------------------

    def read(self, output: Output) -> None:
        if output.kind == "csv" and output.chart is not None:
            self._chart(output)
        elif output.kind == "aggregate":
            self._aggregates(output)

    def _rows(self, output: Output, layout: str) -> list[dict[str, str]]:
        lines = list(csv.reader(io.StringIO(output.text.lstrip("\ufeff")), delimiter=";"))
        header, body = lines[0], lines[1:]
        expected = self.layouts[layout]
        if layout == "item":  # the answer options' columns lie between
            keys = [expected[0][0], expected[1][0]]
            keys += [f"share_{i}" for i in range(len(header) - 4)]
            keys += [expected[-2][0], expected[-1][0]]
            titles = [title for _, title in expected]
            titles_agree = header[:2] + header[-2:] == titles[:2] + titles[-2:]
        else:
            keys = [key for key, _ in expected]
            titles_agree = header == [title for _, title in expected]
        if not titles_agree:
            self.problems.append(f"{output.source}: columns {header}; teach disclosure.py them")
            return []
        return [dict(zip(keys, row, strict=True)) for row in body]

    def _chart(self, output: Output) -> None:
        chart = output.chart or ""
        prefix, _, rest = chart.partition("-")
        kind = output.query.get("respondent_type", "pupil")
        if prefix == "class":
            self._class_rows(output, rest)
        elif prefix == "school":
            kind, _, construct = rest.partition("-")
            self._school_rows(output, kind, construct)
        elif prefix == "item":
            self._item_rows(output, kind, rest)
        elif prefix == "trend":
            self._trend_rows(output)
        elif prefix in ("triangulation", "monitor"):
            self._rows(output, prefix)  # changes from the trend model; response counts
        else:
            self.problems.append(f"{output.source}: teach disclosure.py to read chart {chart!r}")

    def _add(self, key: Key, source: str, leaves: frozenset[Leaf], n: Any, value: Any) -> None:
        self.shown[key].append(Shown(source, leaves, _number(n), float(value)))

    def _hidden_keeps_no_n(self, output: Output, row: dict[str, str], shown: str, *n: str) -> None:
        if not row.get(shown, "").strip() and any(row.get(column, "").strip() for column in n):
            self.problems.append(f"{output.source}: a hidden row shows its n: {row}")

    def _class_rows(self, output: Output, construct: str) -> None:
        school = self.code_of[output.view_args["school_id"]]
        group = self.label_of[output.view_args["group_id"]]
        for row in self._rows(output, "class"):
            key = ("pupil", construct, row["round"])
            self._hidden_keeps_no_n(output, row, "mean", "n")
            if _number(row["mean"]) is not None:
                leaves = self.leaves("pupil", school, group)
                self._add(key, output.source, leaves, row["n"], _number(row["mean"]))
            if _number(row["school_mean"]) is not None:
                leaves = self.leaves("pupil", school)
                self._add(key, output.source, leaves, None, _number(row["school_mean"]))

    def _school_rows(self, output: Output, kind: str, construct: str) -> None:
        school = self.code_of[output.view_args["school_id"]]
        for row in self._rows(output, "school"):
            self._hidden_keeps_no_n(output, row, "estimate", "n")
            self._hidden_keeps_no_n(output, row, "observed", "n")
            if _number(row["observed"]) is not None:
                key = (kind, construct, row["round"])
                leaves = self.leaves(kind, school)
                self._add(key, output.source, leaves, row["n"], _number(row["observed"]))

    def _item_rows(self, output: Output, kind: str, item: str) -> None:
        school_id = output.query.get("school")
        school = self.code_of[int(school_id)] if school_id else None
        for row in self._rows(output, "item"):
            self._hidden_keeps_no_n(output, row, "share_0", "answered", "declined")
            if _number(row["answered"]) is not None:
                key = (kind, item, row["round"])
                leaves = self.leaves(kind, school)
                self._add(key, output.source, leaves, row["answered"], _number(row["answered"]))

    def _trend_rows(self, output: Output) -> None:
        checked = "Minste mulige p" in output.text.splitlines()[0]
        for row in self._rows(output, "trend_checked" if checked else "trend"):
            for arm in (INTERVENTION, COMPARISON):
                self._hidden_keeps_no_n(output, row, f"mean_{arm}", f"n_{arm}")

    def _aggregates(self, output: Output) -> None:
        text = output.text.lstrip("\ufeff")
        for row in csv.DictReader(io.StringIO(text)):
            hidden = row["suppressed"].strip() in ("1", "True")
            if hidden and any(row[c].strip() for c in ("n", "mean", "sd")):
                self.problems.append(f"{output.source}: a hidden row shows figures: {row}")
            if hidden or not row["mean"].strip():
                continue
            kind = _code("respondent_type", row["respondent_type"])
            if row["school"] == "(alle)":
                leaves = self.leaves(kind, arm=_code("arm", row["arm"]))
            else:
                leaves = self.leaves(kind, self.code_by_name[row["school"]])
            key = (kind, row["construct"], row["round_label"])
            self._add(key, output.source, leaves, row["n"], _number(row["mean"]))

    # -- checking -------------------------------------------------------------------------

    def true_value(self, key: Key, leaves: frozenset[Leaf]) -> float:
        kind, variable, round_label = key
        truth = self.world.truth
        places = [(kind, variable, round_label, school, group) for school, group in leaves]
        if any(place in truth.scores for place in places):
            scores = [s for place in places for s in truth.scores.get(place, [])]
            return sum(scores) / len(scores)
        return float(sum(sum(truth.answers.get(place, {}).values()) for place in places))

    def wrong_figures(self) -> list[str]:
        """Shown figures that are not the true ones: the parsing here would then be wrong."""
        wrong = []
        for key, cells in self.shown.items():
            for cell in cells:
                true = self.true_value(key, cell.leaves)
                if abs(true - cell.value) > TOLERANCE * max(1.0, abs(true)):
                    wrong.append(
                        f"{cell.source}: {key} {sorted(cell.leaves)} {cell.value} != {true}"
                    )
        return wrong

    def recoverable(self, small: SmallGroup) -> list[str]:
        """Each variable whose figure for `small` can be worked out from what is shown."""
        target = self.small_leaves(small)
        universe = sorted(self.leaves(small.respondent_type), key=str)
        found = []
        for key, cells in sorted(self.shown.items()):
            if (key[0], key[2]) != (small.respondent_type, small.round):
                continue
            matrix = np.array([[leaf in c.leaves for leaf in universe] for c in cells], float)
            wanted = np.array([[leaf in target for leaf in universe]], float)
            rank = np.linalg.matrix_rank(matrix)
            if np.linalg.matrix_rank(np.vstack([matrix, wanted])) == rank:
                sources = sorted({c.source for c in cells})
                found.append(f"{small} {key[1]}: from {len(sources)} outputs, e.g. {sources[:5]}")
        return found
