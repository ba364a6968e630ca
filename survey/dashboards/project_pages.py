"""What each project-wide dashboard page shows: overview, triangulation, response monitor.

Each function reads the cache and small counts, and returns the template context. The views
have already checked who may see what. A CSV download builds its one chart only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dashboards.charts import Chart, trend_chart, trend_key, triangulation_chart, triangulation_key
from dashboards.figures_items import monitor_figure
from dashboards.formatting import current_locale, plotly_separators
from dashboards.labels import SHARED_THEMES, respondent_type_name
from dashboards.panel import panel_chart, panel_key, panel_view
from dashboards.results import GoalView, TrendView, goal_views, trend_view
from dashboards.tables import monitor_table
from instruments import RESPONDENT_TYPES
from survey.dashboards import queries
from survey.dashboards.page_request import PageRequest


def common_context(page: PageRequest) -> dict[str, Any]:
    """What a page shows around its charts: filters, rounds and the analysis' state; a
    download shows none of the state, so it is not read for one."""
    context = {
        "project": page.project,
        "filters": page.filters,
        "rounds": page.rounds,
        "chosen_rounds": page.chosen_rounds,
    }
    if not page.is_download:
        context.update(_analysis_state(page))
    return context


def _analysis_state(page: PageRequest) -> dict[str, Any]:
    from survey.analysis.state import analysis_state
    from survey.rounds.counts import closed_rounds_have_answers

    state = analysis_state(page.session, page.project.id)
    nothing_yet = state.computed_at is None and state.failure is None
    return {
        "computed_at": state.computed_at,
        "requested_at": state.requested_at,
        #: the run of failed analyses since the last success: shown with what and when
        "analysis_failure": state.failure,
        #: said only when nothing was computed, failed or asked for, so read only then
        "has_closed_answers": (
            nothing_yet
            and state.requested_at is None
            and closed_rounds_have_answers(page.session, page.project.id)
        ),
    }


def overview(page: PageRequest) -> dict[str, Any]:
    session, project, catalog = page.session, page.project, page.catalog
    context = common_context(page)
    kind = page.filters.respondent_type
    # Panel figures follow pupils; parents and staff are never followed.
    panel_kind = ("panel",) if project.is_panel and kind == "pupil" else ()
    kinds = ("trend", "goals", *panel_kind)
    wanted = page.constructs(catalog.order(kind), lambda c: trend_key(kind, c), panel_key)
    construct = page.construct_to_read(wanted)
    cached = queries.cached_results(session, project.id, kinds, kind, construct)
    trends = {c.construct: trend_view(c.result) for c in cached if c.kind == "trend"}
    panels = {c.construct: panel_view(c.result) for c in cached if c.kind == "panel"}
    goals: dict[str, list[GoalView]] = defaultdict(list)
    for c in cached:
        if c.kind == "goals":
            goals[c.construct] += goal_views(c.result)
    from survey.analysis.snapshots import released_response_counts

    answered = released_response_counts(session, project.id)
    invited = queries.invited_counts(session, project.id, [r.id for r in page.rounds])
    per_label = {
        r.label: (answered.get((r.label, kind)), invited.get((r.id, kind))) for r in page.rounds
    }
    responses = {label: pair[0] for label, pair in per_label.items()}
    invitations = {label: pair[1] for label, pair in per_label.items()}
    order = [c for c in catalog.order(kind) if c in trends] + sorted(
        c for c in trends if c not in catalog.order(kind)
    )
    charts = []
    for c in order:
        info = catalog.construct(kind, c)
        if page.wants(trend_key(kind, c)):
            chosen = page.chosen_rounds
            trend = trends[c]
            charts.append(
                trend_chart(trend, info, chosen, goals.get(c, []), responses, invitations)
            )
        if (panel := panels.get(c)) is not None and page.wants(panel_key(c)):
            charts.append(panel_chart(panel, trends[c], info))
    context["charts"] = charts
    context["construct_choices"] = _construct_choices(catalog, kind)
    return context


def triangulation(page: PageRequest) -> dict[str, Any]:
    context = common_context(page)
    themes = page.constructs(SHARED_THEMES, triangulation_key)
    # The construct filter does not apply here: a download reads its one theme, a page all.
    only = themes[0] if page.is_download and len(themes) == 1 else None
    cached = queries.cached_results(page.session, page.project.id, ("trend",), None, only)
    by_key = {(c.construct, c.respondent_type): trend_view(c.result) for c in cached}
    catalog = page.catalog
    charts: list[Chart] = []
    for theme in themes:
        trends: dict[str, TrendView | None] = {
            kind: by_key[(theme, kind)] for kind in RESPONDENT_TYPES if (theme, kind) in by_key
        }
        if len(trends) < 2:
            continue  # a theme only one group is asked about has nothing to triangulate
        construct = catalog.construct("pupil", theme)
        charts.append(triangulation_chart(construct, trends, page.chosen_rounds))
    context["charts"] = charts
    return context


def monitor(page: PageRequest, school_ids: set[int] | None) -> dict[str, Any]:
    """Response rates of the open rounds, from the administration monitor's own counts."""
    from survey.models import Round
    from survey.rounds.counts import round_counts

    session = page.session
    context = common_context(page)
    charts = []
    for info in page.rounds:
        if not info.is_open or not page.wants(monitor_key(info.id)):
            continue
        round_ = session.get(Round, info.id)
        schools = round_counts(session, round_, school_ids)
        rows = []
        for count in sorted(schools, key=lambda s: s.school.name):
            for kind, done, invited, rate in (
                ("pupil", count.pupils, count.eligible, count.pupil_rate),
                ("parent", count.parents, count.parent_links, count.parent_rate),
                ("staff", count.staff, count.staff_links, count.staff_rate),
            ):
                rows.append(
                    {
                        "school": count.school.name,
                        "group": "",
                        "respondent_type_name": respondent_type_name(kind),
                        "responses": done,
                        "invited": invited or None,
                        "rate": None if rate is None else rate / 100,
                    }
                )
        charts.append(
            Chart(
                key=monitor_key(info.id),
                title=info.label,
                figure=monitor_figure(rows, plotly_separators()) if rows else {},
                table=monitor_table(rows),
                extra={"round_id": info.id},
            )
        )
    context["charts"] = charts
    return context


def monitor_key(round_id: int) -> str:
    return f"monitor-{round_id}"


def _construct_choices(catalog: Any, kind: str) -> list[tuple[str, str]]:
    language = current_locale()
    return [(c, catalog.construct(kind, c).name(language)) for c in catalog.order(kind)]
