"""A chart as a page shows it: figure, heading, the sentence under it, the numbers behind it,
goal badges and warnings. Built from cached results and suppressed counts only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from dashboards import (
    figures,
    figures_items,
    reading,
    reading_ordinal,
    reading_panel,
    reading_suppression,
    tables,
)
from dashboards.figures_triangulation import triangulation_figure
from dashboards.formatting import current_locale, number, plotly_separators
from dashboards.items import Distribution
from dashboards.labels import (
    arm_name,
    direction_note,
    goal_status_name,
    in_sentence,
    respondent_type_name,
)
from dashboards.results import Estimate, GoalView, TrendView
from instruments.reading import ConstructInfo, ItemInfo, text_in


@dataclass(frozen=True)
class Badge:
    status: str
    label: str
    reason: str
    description: str | None


@dataclass(frozen=True)
class Chart:
    key: str  #: names the chart in its page's URL (`?chart=KEY&format=csv`)
    title: str
    figure: dict[str, Any]
    table: tables.ChartData
    sentence: str | None = None
    subtitle: str | None = None
    badges: tuple[Badge, ...] = ()
    warnings: tuple[str, ...] = ()
    summary: tables.ChartData | None = None  #: a short table shown under the chart
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        return "chart-" + "".join(c if c.isalnum() else "-" for c in self.key)


def trend_key(respondent_type: str, construct: str) -> str:
    return f"trend-{respondent_type}-{construct}"


def school_key(respondent_type: str, construct: str) -> str:
    return f"school-{respondent_type}-{construct}"


def item_key(item: str) -> str:
    return f"item-{item}"


def triangulation_key(theme: str) -> str:
    return f"triangulation-{theme}"


def trend_chart(
    trend: TrendView,
    construct: ConstructInfo,
    chosen: Sequence[str],
    goals: Sequence[GoalView],
    responses: Mapping[str, int | None],
    invited: Mapping[str, int | None],
) -> Chart:
    """One construct for one respondent type: arms over rounds, goal, DiD, n and rates."""
    language = current_locale()
    name = construct.name(language)
    title = f"{name} – {respondent_type_name(trend.respondent_type).lower()}"
    key = trend_key(trend.respondent_type, trend.construct)
    badges = tuple(
        Badge(g.status, goal_status_name(g.status), g.reason, g.description) for g in goals
    )
    nothing_shown = not any(mean.is_shown for mean in trend.means.values())
    if trend.error or (trend.model == "descriptives" and nothing_shown):
        empty = tables.ChartData((tables.Column("round", _("Runde")),))
        sentence = reading.trend_sentence(trend, construct, name, "")
        return Chart(key, title, {}, empty, sentence, badges=badges)
    measured = [r for r in chosen if r in trend.rounds]
    due = [g.due_round for g in goals if g.due_round in chosen and g.due_round not in measured]
    x_rounds = [r for r in chosen if r in measured or r in due]
    if not measured:
        empty = tables.ChartData((tables.Column("round", _("Runde")),))
        return Chart(key, title, {}, empty, _("Ingen av de valgte rundene har svar."))
    figure = figures.trend_figure(
        trend, x_rounds, construct, plotly_separators(), goals[0] if goals else None
    )
    table = tables.trend_table(trend, measured, responses, invited)
    summary = _summary(table)
    sentence = reading.trend_sentence(trend, construct, name, measured[-1])
    if design := reading.design_sentence(trend, measured[-1]):
        sentence = f"{sentence} {design}"
    if ordinal := reading_ordinal.ordinal_sentence(trend, measured[-1]):
        sentence = f"{sentence} {ordinal}"
    if panel := reading_panel.panel_sentence(trend, measured[-1]):
        sentence = f"{panel} {sentence}"
    return Chart(
        key,
        title,
        figure,
        table,
        sentence,
        badges=badges,
        warnings=(*_hidden_notes(trend, measured), *reading.model_notes(trend), *trend.warnings),
        summary=summary,
    )


def _hidden_notes(trend: TrendView, rounds: Sequence[str]) -> list[str]:
    """One sentence per arm whose mean is hidden in some of the rounds shown."""
    notes = []
    for arm in trend.arms:
        hidden = [r for r in rounds if trend.mean(r, arm).suppressed]
        note = reading_suppression.hidden_rounds_note(
            hidden, arm_name(arm).lower(), trend.min_group_size
        )
        if note:
            notes.append(note)
    return notes


def _summary(table: tables.ChartData) -> tables.ChartData:
    """The columns a project leader reads first: n, response rate and the DiD."""
    wanted = {"round", "rate", "did", "p_random", "p_min", "note"} | {
        c.key for c in table.columns if c.key[:2] == "n_"
    }
    columns = [c for c in table.columns if c.key in wanted]
    rows = []
    for row in table.rows:
        shown = dict(row)
        if row.get("did") is not None:
            interval = _(
                "%(low)s til %(high)s", low=number(row["did_low"]), high=number(row["did_high"])
            )
            shown["did_ci"] = interval
        rows.append(shown)
    if any(c.key == "did" for c in columns):
        at = [c.key for c in columns].index("did") + 1
        columns.insert(at, tables.Column("did_ci", _("95 % KI")))
    return tables.ChartData(tuple(columns), rows)


def school_chart(
    construct: ConstructInfo,
    respondent_type: str,
    arm: str,
    rows: Sequence[Mapping[str, Any]],
    rounds: Sequence[str],
    min_group_size: int | None = None,
) -> Chart:
    """`rows` per round: estimate, ci_low, ci_high, observed, n, arm (Estimate)."""
    name = construct.name(current_locale())
    figure = figures.school_figure(rows, rounds, arm, construct, plotly_separators())
    sentence = reading.school_sentence(
        name, arm_name(arm).lower(), [(r["round"], r.get("estimate"), r["arm"].value) for r in rows]
    )
    shown = any(r.get("estimate") is not None for r in rows)
    return Chart(
        key=school_key(respondent_type, construct.id),
        title=f"{name} – {respondent_type_name(respondent_type).lower()}",
        figure=figure if shown else {},
        table=tables.school_table(rows),
        sentence=sentence
        if shown or min_group_size is None
        else reading_suppression.school_hidden_sentence(in_sentence(name), min_group_size),
        subtitle=_("Sammenlignet med %(arm)s", arm=arm_name(arm).lower()),
    )


def item_chart(
    item: ItemInfo, distributions: Sequence[Distribution], min_group_size: int = 10
) -> Chart:
    """An item's answers per round; hidden rounds are said in words, and an item hidden in
    every round shows no empty chart frame, only the sentence."""
    language = current_locale()
    note = _("Et høyt svar er bra") if item.high_is_good else _("Et høyt svar er dårlig")
    hidden = [d for d in distributions if d.is_hidden]
    shown = len(hidden) < len(distributions)
    warnings = tuple(reading.suppression_notes(hidden, min_group_size)) if shown else ()
    return Chart(
        key=item_key(item.id),
        title=text_in(item.text, language, item.id),
        figure=(
            figures_items.item_figure(item, distributions, language, plotly_separators())
            if shown
            else {}
        ),
        table=tables.item_table(item, distributions, language),
        subtitle=note,
        sentence=None if shown else " ".join(reading.suppression_notes(hidden, min_group_size)),
        warnings=warnings,
    )


def _min_group_size(trends: Mapping[str, TrendView | None]) -> int:
    return next((t.min_group_size for t in trends.values() if t is not None), 10)


def triangulation_chart(
    theme: ConstructInfo, trends: Mapping[str, TrendView | None], rounds: Sequence[str]
) -> Chart:
    name = theme.name(current_locale())
    shared = [r for r in rounds if any(t and r in t.rounds for t in trends.values())]
    last = shared[-1] if shared else ""
    dids = {
        kind: (trend.did(last) if trend is not None and not trend.error else Estimate(None))
        for kind, trend in trends.items()
    }
    return Chart(
        key=triangulation_key(theme.id),
        title=name,
        figure=triangulation_figure(trends, shared, plotly_separators()) if shared else {},
        table=tables.triangulation_table(trends, shared),
        sentence=reading.triangulation_sentence(name, dids, last, _min_group_size(trends))
        if shared
        else None,
        subtitle=_("Endring fra første runde, med 95 % KI") + f" ({direction_note(theme)})",
    )
