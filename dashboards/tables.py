"""The numbers behind each chart: one table shape for the page and for its CSV download.

Everything here is built from already suppressed results, so a hidden value is None and
stays None; the table says why in its own column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from analytics.csvsafe import defuse
from dashboards.formatting import count, number, percent, signed
from dashboards.items import Distribution
from dashboards.labels import arm_name, respondent_type_name
from dashboards.reading_suppression import hidden_cell
from dashboards.results import COMPARISON, INTERVENTION, TrendView
from instruments.reading import ItemInfo, text_in

TEXT, COUNT, ESTIMATE, SIGNED, PERCENT, P_VALUE = (
    "text",
    "count",
    "estimate",
    "signed",
    "percent",
    "p_value",
)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class ChartData:
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def shown(self, row: Mapping[str, Any], column: Column) -> str:
        """A cell as the page shows it: 2 decimals, whole percents, a dash for nothing."""
        value = row.get(column.key)
        if column.kind == ESTIMATE:
            return number(value)
        if column.kind == SIGNED:
            return signed(value)
        if column.kind == COUNT:
            return count(value)
        if column.kind == PERCENT:
            return percent(value)
        if column.kind == P_VALUE:
            return number(value, 3)
        return "" if value is None else str(value)


def _hidden_note(is_hidden: bool, min_group_size: int | None = None) -> str:
    if not is_hidden:
        return ""
    return _("for få svar") if min_group_size is None else hidden_cell(min_group_size)


def trend_table(
    trend: TrendView,
    rounds: Sequence[str],
    responses: Mapping[str, int | None],
    invited: Mapping[str, int | None],
) -> ChartData:
    """Per round: n and mean (95 % CI) per arm, the DiD with its CI, and the response rate.

    `responses` and `invited`: complete responses and invitations per round label.
    """
    columns = [Column("round", _("Runde"))]
    for arm in (INTERVENTION, COMPARISON):
        if arm in trend.arms:
            name = arm_name(arm)
            columns += [
                Column(f"n_{arm}", _("Svar, %(arm)s", arm=name.lower()), COUNT),
                Column(f"mean_{arm}", _("Snitt, %(arm)s", arm=name.lower()), ESTIMATE),
                Column(f"low_{arm}", _("KI fra"), ESTIMATE),
                Column(f"high_{arm}", _("KI til"), ESTIMATE),
            ]
    if trend.has_comparison:
        columns += [
            Column("did", _("Forskjell i endring"), SIGNED),
            Column("did_low", _("KI fra"), ESTIMATE),
            Column("did_high", _("KI til"), ESTIMATE),
        ]
        if trend.design:
            columns += [
                Column("p_random", _("p, fordeling av skoler"), P_VALUE),
                Column("p_min", _("Minste mulige p"), P_VALUE),
            ]
    columns += [
        Column("rate", _("Svarprosent"), PERCENT),
        Column("note", _("Merknad")),
    ]
    rows = []
    for r in rounds:
        row: dict[str, Any] = {"round": r}
        hidden = False
        for arm in trend.arms:
            mean = trend.mean(r, arm)
            hidden |= mean.suppressed
            row.update(
                {
                    f"n_{arm}": trend.counts.get((r, arm)),
                    f"mean_{arm}": mean.value,
                    f"low_{arm}": mean.ci_low,
                    f"high_{arm}": mean.ci_high,
                }
            )
        did = trend.did(r)
        row.update(did=did.value, did_low=did.ci_low, did_high=did.ci_high)
        if (check := trend.design.get(r)) is not None:
            row.update(p_random=check.p_randomisation, p_min=check.p_min)
        answered, asked = responses.get(r), invited.get(r)
        row["rate"] = answered / asked if answered is not None and asked else None
        row["note"] = _hidden_note(hidden, trend.min_group_size)
        rows.append(row)
    return ChartData(tuple(columns), rows)


def school_table(rows: Sequence[Mapping[str, Any]]) -> ChartData:
    columns = (
        Column("round", _("Runde")),
        Column("n", _("Svar"), COUNT),
        Column("observed", _("Skolens eget snitt"), ESTIMATE),
        Column("estimate", _("Skolens anslag (modell)"), ESTIMATE),
        Column("ci_low", _("KI fra"), ESTIMATE),
        Column("ci_high", _("KI til"), ESTIMATE),
        Column("arm_mean", _("Snitt for skolene av samme slag"), ESTIMATE),
        Column("note", _("Merknad")),
    )
    out = []
    for row in rows:
        hidden = row.get("estimate") is None
        out.append(
            {
                "round": row["round"],
                "n": None if hidden else row.get("n"),
                "observed": row.get("observed"),
                "estimate": row.get("estimate"),
                "ci_low": row.get("ci_low"),
                "ci_high": row.get("ci_high"),
                "arm_mean": row["arm"].value,
                "note": _hidden_note(hidden),
            }
        )
    return ChartData(columns, out)


def class_table(rows: Sequence[Mapping[str, Any]]) -> ChartData:
    """`rows`: round, n, mean (class), school_mean; n and mean None when hidden."""
    columns = (
        Column("round", _("Runde")),
        Column("n", _("Svar"), COUNT),
        Column("mean", _("Klassens snitt"), ESTIMATE),
        Column("school_mean", _("Skolens snitt"), ESTIMATE),
        Column("note", _("Merknad")),
    )
    out = [{**row, "note": _hidden_note(row.get("mean") is None)} for row in rows]
    return ChartData(columns, out)


def item_table(item: ItemInfo, distributions: Sequence[Distribution], language: str) -> ChartData:
    options = sorted(item.options, key=lambda o: o.value)
    columns = [Column("round", _("Runde")), Column("answered", _("Svar"), COUNT)]
    columns += [
        Column(f"share_{o.value}", text_in(o.label, language, str(o.value)), PERCENT)
        for o in options
    ]
    columns += [Column("declined", _("Vil ikke svare"), COUNT), Column("note", _("Merknad"))]
    rows = []
    for d in distributions:
        row: dict[str, Any] = {"round": d.round, "answered": d.answered, "declined": d.declined}
        for option in options:
            row[f"share_{option.value}"] = None if d.is_hidden else d.shares.get(option.value, 0.0)
        row["note"] = _hidden_note(d.is_hidden)
        rows.append(row)
    return ChartData(tuple(columns), rows)


def triangulation_table(trends: Mapping[str, TrendView | None], rounds: Sequence[str]) -> ChartData:
    columns = (
        Column("respondent_type", _("Hvem")),
        Column("round", _("Runde")),
        Column("change_intervention", _("Endring, intervensjonsskoler"), ESTIMATE),
        Column("change_comparison", _("Endring, sammenligningsskoler"), ESTIMATE),
        Column("did", _("Forskjell i endring"), SIGNED),
        Column("did_low", _("KI fra"), ESTIMATE),
        Column("did_high", _("KI til"), ESTIMATE),
    )
    rows = []
    for kind, trend in trends.items():
        if trend is None or trend.error:
            continue
        for r in rounds:
            if trend.rounds and r == trend.rounds[0]:
                continue  # the baseline: no change yet
            did = trend.did(r)
            rows.append(
                {
                    "respondent_type": respondent_type_name(kind),
                    "round": r,
                    "change_intervention": trend.change(r, INTERVENTION).value,
                    "change_comparison": trend.change(r, COMPARISON).value,
                    "did": did.value,
                    "did_low": did.ci_low,
                    "did_high": did.ci_high,
                }
            )
    return ChartData(columns, rows)


def monitor_table(rows: Sequence[Mapping[str, Any]]) -> ChartData:
    columns = (
        Column("school", _("Skole")),
        Column("group", _("Klasse")),
        Column("respondent_type_name", _("Hvem")),
        Column("responses", _("Fullførte svar"), COUNT),
        Column("invited", _("Inviterte"), COUNT),
        Column("rate", _("Svarprosent"), PERCENT),
    )
    return ChartData(columns, [dict(row) for row in rows])


def to_csv(data: ChartData, locale: str) -> str:
    """Spreadsheet-ready CSV: semicolons and decimal commas in Norwegian, 3 decimals."""
    delimiter = "," if locale == "en" else ";"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([column.title for column in data.columns])
    for row in data.rows:
        writer.writerow([_csv_cell(row.get(c.key), c.kind, locale) for c in data.columns])
    return "\ufeff" + buffer.getvalue()


def _csv_cell(value: Any, kind: str, locale: str) -> str:
    if value is None:
        return ""
    if kind in (ESTIMATE, SIGNED):
        return number(value, 3, locale).replace("\u2212", "-")
    if kind == PERCENT:
        return number(100 * value, 1, locale).replace("\u2212", "-")
    if kind == COUNT:
        return str(int(value))
    return defuse(str(value))
