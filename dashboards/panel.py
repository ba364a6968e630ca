"""The panel card: how the same pupils changed from the first to the last round.

Built from two stored results: the panel figures (`analytics.panel.PanelChange.to_dict`:
shares of pupils who got better or worse, already hidden below `min_group_size` followed
pupils, the other arm with a hidden one) and the panel trend model (the within-pupil change
with its interval, the pupils' ICC, the MDE with and without the panel). A group's model
change is shown only beside its shown panel row, so a group with too few followed pupils
shows nothing that was computed for it as a panel.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from dashboards import reading_panel
from dashboards.charts import Chart
from dashboards.figures import Figure, base_layout
from dashboards.formatting import current_locale, number, percent, plotly_separators
from dashboards.labels import arm_name, in_sentence
from dashboards.results import COMPARISON, HIDDEN, INTERVENTION, Estimate, TrendView
from dashboards.tables import COUNT, ESTIMATE, PERCENT, SIGNED, ChartData, Column
from instruments.reading import ConstructInfo

ALL = "all"
#: Better, unchanged, worse (the items' colour-blind safe purple, grey and orange).
COLOURS = ("#8073ac", "#d9d9d9", "#e08214")


@dataclass(frozen=True)
class PanelRow:
    """All followed pupils (arm "all") or one arm; values None when hidden."""

    arm: str
    pupils: int | None
    share_better: float | None
    share_worse: float | None
    mean_change: float | None

    @property
    def is_shown(self) -> bool:
        return self.pupils is not None and self.share_better is not None


@dataclass(frozen=True)
class PanelView:
    construct: str
    first_round: str | None
    last_round: str | None
    higher_is_better: bool
    min_group_size: int
    rows: tuple[PanelRow, ...]

    @property
    def has_rounds(self) -> bool:
        return bool(self.first_round and self.last_round)

    def row(self, arm: str) -> PanelRow | None:
        return next((r for r in self.rows if r.arm == arm), None)


def panel_view(result: Mapping[str, Any]) -> PanelView | None:
    """The stored panel figures, or None for a result that could not be computed."""
    if "error" in result or "table" not in result:
        return None
    rows = []
    for record in result["table"]:
        hidden = bool(record.get("suppressed"))
        rows.append(
            PanelRow(
                arm=ALL if record.get("level") == "alle" else str(record.get("arm")),
                pupils=None if hidden else _int(record.get("n")),
                share_better=None if hidden else _finite(record.get("share_better")),
                share_worse=None if hidden else _finite(record.get("share_worse")),
                mean_change=None if hidden else _finite(record.get("mean_change")),
            )
        )
    order = [ALL, INTERVENTION, COMPARISON]  # as the trend chart above names them
    rows.sort(key=lambda row: order.index(row.arm) if row.arm in order else len(order))
    return PanelView(
        construct=str(result["construct"]),
        first_round=result.get("first_round"),
        last_round=result.get("last_round"),
        higher_is_better=bool(result.get("higher_is_better", True)),
        min_group_size=int(result.get("min_group_size", 10)),
        rows=tuple(rows),
    )


def panel_key(construct: str) -> str:
    """Panels follow pupils only."""
    return f"panel-pupil-{construct}"


def panel_chart(panel: PanelView, trend: TrendView | None, construct: ConstructInfo) -> Chart:
    """The panel card of one pupil construct, placed under its trend chart."""
    name = construct.name(current_locale())
    key = panel_key(panel.construct)
    title = _("%(what)s – de samme elevene over tid", what=name)
    if not panel.has_rounds:
        empty = ChartData((Column("group", _("Gruppe")),))
        sentence = _("Elevene kan følges over tid når minst to runder er målt.")
        return Chart(key, title, {}, empty, sentence, extra={"panel": True})
    first, last = str(panel.first_round), str(panel.last_round)
    model = trend if trend is not None and trend.panel_pupils and not trend.error else None
    changes = {row.arm: _model_change(model, last, row) for row in panel.rows if row.arm != ALL}
    table = panel_table(panel, construct, changes)
    everyone = panel.row(ALL)
    parts = [
        reading_panel.followed_sentence(
            everyone.pupils if everyone else None, first, last, panel.min_group_size
        )
    ]
    if model is not None:
        parts += [
            reading_panel.change_sentence(name, changes),
            reading_panel.icc_sentence(model),
            reading_panel.mde_sentence(model),
        ]
    hidden = any(not row.is_shown for row in panel.rows)
    shown = [row for row in panel.rows if row.is_shown]
    return Chart(
        key,
        title,
        panel_figure(panel, construct, shown) if shown else {},
        table,
        " ".join(part for part in parts if part),
        subtitle=reading_panel.followed_phrase(first, last),
        warnings=(reading_panel.hidden_note(panel.min_group_size, first, last),) if hidden else (),
        summary=_summary(table),
        extra={"panel": True},
    )


def _model_change(model: TrendView | None, last: str, row: PanelRow) -> Estimate:
    if model is None or not row.is_shown:
        return HIDDEN
    return model.change(last, row.arm)


def _direction_words(panel: PanelView, construct: ConstructInfo) -> tuple[str, str]:
    """What "better" and "worse" are for this construct: it went up, or it went down."""
    what = in_sentence(construct.name(current_locale()))
    up = _("%(what)s gikk opp", what=what)
    down = _("%(what)s gikk ned", what=what)
    return (up, down) if panel.higher_is_better else (down, up)


def panel_table(
    panel: PanelView, construct: ConstructInfo, changes: Mapping[str, Estimate]
) -> ChartData:
    """Per group: followed pupils, the shares who got better and worse, their own mean
    change, and the model's within-pupil change with its interval."""
    better, worse = _direction_words(panel, construct)
    columns = (
        Column("group", _("Gruppe")),
        Column("pupils", _("Elever fulgt"), COUNT),
        Column("share_better", _("Andel der %(words)s", words=better), PERCENT),
        Column("share_worse", _("Andel der %(words)s", words=worse), PERCENT),
        Column("mean_change", _("Snitt av elevenes egen endring"), SIGNED),
        Column("change", _("Endring hos samme elev (modell)"), SIGNED),
        Column("change_low", _("KI fra"), ESTIMATE),
        Column("change_high", _("KI til"), ESTIMATE),
        Column("note", _("Merknad")),
    )
    rows = []
    for row in panel.rows:
        change = changes.get(row.arm, HIDDEN)
        rows.append(
            {
                "group": arm_name(row.arm),
                "pupils": row.pupils,
                "share_better": row.share_better,
                "share_worse": row.share_worse,
                "mean_change": row.mean_change,
                "change": change.value,
                "change_low": change.ci_low,
                "change_high": change.ci_high,
                "note": "" if row.is_shown else _("for få elever fulgt"),
            }
        )
    return ChartData(columns, rows)


def _summary(table: ChartData) -> ChartData:
    """The columns read first: who, how many, the shares, and the model change with its CI."""
    wanted = ("group", "pupils", "share_better", "share_worse", "change")
    columns = [c for c in table.columns if c.key in wanted]
    columns.append(Column("change_ci", _("95 % KI")))
    rows = []
    for row in table.rows:
        interval = None
        if row["change"] is not None:
            interval = _(
                "%(low)s til %(high)s",
                low=number(row["change_low"]),
                high=number(row["change_high"]),
            )
        rows.append({**row, "change_ci": interval})
    return ChartData(tuple(columns), rows)


def panel_figure(panel: PanelView, construct: ConstructInfo, shown: list[PanelRow]) -> Figure:
    """One stacked bar per shown group: the shares who got better, stayed, got worse."""
    better, worse = _direction_words(panel, construct)
    groups = [arm_name(row.arm) for row in shown]
    stayed = [max(0.0, 1.0 - (r.share_better or 0.0) - (r.share_worse or 0.0)) for r in shown]
    series = (
        (better, [r.share_better or 0.0 for r in shown]),
        (_("uendret"), stayed),
        (worse, [r.share_worse or 0.0 for r in shown]),
    )
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": label,
            "y": groups,
            "x": values,
            "marker": {"color": colour},
            "text": [percent(v) for v in values],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "hovertemplate": "%{y}: %{text}<extra>" + label + "</extra>",
        }
        for (label, values), colour in zip(series, COLOURS, strict=True)
    ]
    layout = base_layout(plotly_separators(), height=110 + 50 * len(shown))
    layout.update(
        barmode="stack",
        margin={"l": 190, "r": 24, "t": 36, "b": 40},  # the modebar above the bars
        xaxis={"range": [0, 1], "tickformat": ".0%", "fixedrange": True, "gridcolor": "#e5e2dc"},
        yaxis={"type": "category", "autorange": "reversed", "fixedrange": True},
        legend={"orientation": "h", "x": 0, "y": -0.25, "yanchor": "top", "traceorder": "normal"},
    )
    return {"data": traces, "layout": layout}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number_ = float(value)
    return number_ if math.isfinite(number_) else None
