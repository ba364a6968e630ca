"""What the school, class and item pages show. The views have already checked that the
reader may see the school; everything shown here is suppressed before it is drawn. A CSV
download builds its one chart only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pandas as pd
from flask_babel import gettext as _

from analytics.school_estimates import school_estimates
from dashboards import figures
from dashboards.charts import Chart, item_chart, item_key, school_chart, school_key
from dashboards.formatting import current_locale, plotly_separators
from dashboards.items import distributions
from dashboards.results import TrendView, descriptive_rows, trend_view
from dashboards.tables import class_table
from survey.analysis.snapshots import released_item_counts
from survey.dashboards import queries
from survey.dashboards.page_request import PageRequest
from survey.dashboards.project_pages import common_context
from survey.models import Group, School


def school_page(page: PageRequest, school: School) -> dict[str, Any]:
    project, catalog = page.project, page.catalog
    context = common_context(page)
    kind = page.filters.respondent_type
    wanted = page.constructs(catalog.order(kind), lambda c: school_key(kind, c))
    cached = queries.cached_results(
        page.session, project.id, ("trend", "descriptives"), kind, page.construct_to_read(wanted)
    )
    trends = {c.construct: trend_view(c.result) for c in cached if c.kind == "trend"}
    tables = {c.construct: c.result for c in cached if c.kind == "descriptives"}
    charts = []
    for construct_id in [c for c in wanted if c in trends and c in tables]:
        trend = trends[construct_id]
        if trend.error:
            continue
        rounds = [r for r in page.chosen_rounds if r in trend.rounds]
        rows = school_rows(trend, tables[construct_id], school, rounds)
        construct = catalog.construct(kind, construct_id)
        charts.append(
            school_chart(construct, kind, school.arm, rows, rounds, project.min_group_size)
        )
    context.update(school=school, charts=charts, groups=school.groups)
    context["construct_choices"] = [
        (c, catalog.construct(kind, c).name(current_locale())) for c in catalog.order(kind)
    ]
    return context


def school_rows(
    trend: TrendView, table: dict[str, Any], school: School, rounds: Sequence[str]
) -> list[dict[str, Any]]:
    """Per round: the school's model estimate, its own mean and n (shown only when the
    suppressed descriptive table shows them), and its arm's mean."""
    if "residual" not in trend.variances:  # descriptives only: no model to estimate from
        return [{"round": r, "arm": trend.mean(r, school.arm)} for r in rounds]
    own = [r for r in descriptive_rows(table, "skole") if r["school"] == school.code]
    classes = [r for r in descriptive_rows(table, "gruppe") if r["school"] == school.code]
    if classes and all(not r["suppressed"] for r in classes):
        cells = pd.DataFrame(classes)[["school", "arm", "round", "group", "n", "mean"]]
    else:
        per_round = pd.Series([r["round"] for r in classes], dtype=object).value_counts()
        cells = pd.DataFrame(own, columns=["school", "arm", "round", "n", "mean"])
        cells["groups"] = [int(per_round.get(r, 1)) for r in cells["round"]]
    cells["mean"] = pd.to_numeric(cells["mean"]).astype(float)
    cells["n"] = pd.to_numeric(cells["n"]).fillna(0).astype(float)
    arm_means = pd.DataFrame(
        [
            {"round": r, "arm": a, "estimate": e.value, "se": e.se}
            for (r, a), e in trend.means.items()
        ],
        columns=["round", "arm", "estimate", "se"],
    ).astype({"estimate": float, "se": float})
    estimates = school_estimates(arm_means, trend.variances, cells).table.set_index("round")
    rows = []
    for r in rounds:
        found = estimates.loc[r] if r in estimates.index else None
        row: dict[str, Any] = {"round": r, "arm": trend.mean(r, school.arm)}
        if found is not None and pd.notna(found["estimate"]):
            row.update(
                {k: float(found[k]) for k in ("estimate", "ci_low", "ci_high", "observed", "n")}
            )
        rows.append(row)
    return rows


def class_key(construct: str) -> str:
    return f"class-{construct}"


def class_page(page: PageRequest, school: School, group: Group) -> dict[str, Any]:
    """The class's own means, only in rounds where it has enough answers to show."""
    context = common_context(page)
    wanted = page.constructs(page.catalog.order("pupil"), class_key)
    # The construct filter does not apply here: a download reads its one construct, a page all.
    only = wanted[0] if page.is_download and len(wanted) == 1 else None
    cached = queries.cached_results(page.session, page.project.id, ("descriptives",), "pupil", only)
    charts = []
    by_construct = {c.construct: c.result for c in cached}
    for construct_id in [c for c in wanted if c in by_construct]:
        table = by_construct[construct_id]
        rows = class_rows(table, school, group, page.chosen_rounds)
        if all(row["mean"] is None for row in rows):
            continue
        construct = page.catalog.construct("pupil", construct_id)
        figure = figures.base_layout(plotly_separators())
        chart_figure = _class_figure(rows, construct, figure)
        charts.append(
            Chart(
                key=class_key(construct_id),
                title=construct.name(current_locale()),
                figure=chart_figure,
                table=class_table(rows),
            )
        )
    context.update(school=school, group=group, charts=charts)
    return context


def class_rows(
    table: dict[str, Any], school: School, group: Group, rounds: Sequence[str]
) -> list[dict[str, Any]]:
    mine = {
        r["round"]: r
        for r in descriptive_rows(table, "gruppe")
        if r["school"] == school.code and r["group"] == group.label
    }
    schools = {
        r["round"]: r for r in descriptive_rows(table, "skole") if r["school"] == school.code
    }
    rows = []
    for r in rounds:
        row = mine.get(r)
        shown = row is not None and not row["suppressed"] and row["mean"] is not None
        rows.append(
            {
                "round": r,
                "n": row["n"] if shown else None,
                "mean": row["mean"] if shown else None,
                "school_mean": schools.get(r, {}).get("mean"),
            }
        )
    return rows


def _class_figure(rows: list[dict[str, Any]], construct: Any, layout: dict[str, Any]) -> dict:
    rounds = [row["round"] for row in rows]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": rounds,
            "y": [row[key] for row in rows],
            "line": {"color": colour, "width": 3, "dash": dash},
            "connectgaps": False,
            "hovertemplate": "%{x}: %{y:.2f}<extra></extra>",
        }
        for key, name, colour, dash in (
            ("mean", _("Klassen"), figures.INK, "solid"),
            ("school_mean", _("Hele skolen"), "#7a7a7a", "dash"),
        )
    ]
    layout["xaxis"].update(categoryarray=rounds, categoryorder="array")
    layout["yaxis"]["title"] = {"text": figures.axis_title(construct)}
    return {"data": data, "layout": layout}


def items_page(page: PageRequest, school: School | None) -> dict[str, Any]:
    """One construct's items. Each item's distribution is suppressed in its own hierarchy
    (dashboards.items), so a download works out its one item only."""
    project, filters, catalog = page.project, page.filters, page.catalog
    context = common_context(page)
    kind = filters.respondent_type
    order = catalog.order(kind)
    construct_id = filters.construct if filters.construct in order else (order or [None])[0]
    charts: list[Chart] = []
    if construct_id is not None:
        construct = catalog.construct(kind, construct_id)
        shown = [item for item in construct.items if page.wants(item_key(item.id))]
        counts = released_item_counts(page.session, project.id, kind, construct_id)
        asked = set(counts["round"])
        rounds = [r for r in page.chosen_rounds if r in asked]
        found = distributions(
            counts,
            project.min_group_size,
            rounds,
            [item.id for item in shown],
            school.code if school else None,
        )
        for item in shown:
            of_item = [d for d in found if d.item == item.id]
            charts.append(item_chart(item, of_item, project.min_group_size))
    context.update(
        charts=charts,
        school=school,
        construct_id=construct_id,
        form_filters=replace(filters, construct=construct_id),
        construct_choices=[(c, catalog.construct(kind, c).name(current_locale())) for c in order],
    )
    return context
