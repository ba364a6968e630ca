"""What each project-wide dashboard page shows: overview, triangulation, response monitor.

Each function reads the cache and small counts, and returns the template context. The views
have already checked who may see what.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from dashboards.charts import Chart, trend_chart, triangulation_chart
from dashboards.figures_items import monitor_figure
from dashboards.formatting import current_locale, plotly_separators
from dashboards.labels import SHARED_THEMES, respondent_type_name
from dashboards.panel import panel_chart, panel_view
from dashboards.results import GoalView, TrendView, goal_views, trend_view
from dashboards.tables import monitor_table
from instruments import RESPONDENT_TYPES
from survey.dashboards import queries
from survey.dashboards.schemas import Filters
from survey.models import Project


def common_context(session: Session, project: Project, filters: Filters) -> dict[str, Any]:
    rounds = queries.project_rounds(session, project.id)
    labels = {r.id: r.label for r in rounds}
    from survey.analysis.failures import current_failure
    from survey.analysis.requests import pending_request
    from survey.rounds.counts import closed_rounds_have_answers

    return {
        "project": project,
        "filters": filters,
        "rounds": rounds,
        "chosen_rounds": filters.round_labels(labels),
        "catalog": queries.project_catalog(session, project.id),
        "computed_at": queries.last_computed(session, project.id),
        "requested_at": pending_request(session, project.id),
        #: the run of failed analyses since the last success: shown with what and when
        "analysis_failure": current_failure(session, project.id),
        "has_closed_answers": closed_rounds_have_answers(session, project.id),
    }


def overview(session: Session, project: Project, filters: Filters) -> dict[str, Any]:
    context = common_context(session, project, filters)
    kind = filters.respondent_type
    # Panel figures follow pupils; parents and staff are never followed.
    panel_kind = ("panel",) if project.is_panel and kind == "pupil" else ()
    kinds = ("trend", "goals", *panel_kind)
    cached = queries.cached_results(session, project.id, kinds, kind, filters.construct)
    trends = {c.construct: trend_view(c.result) for c in cached if c.kind == "trend"}
    panels = {c.construct: panel_view(c.result) for c in cached if c.kind == "panel"}
    goals: dict[str, list[GoalView]] = defaultdict(list)
    for c in cached:
        if c.kind == "goals":
            goals[c.construct] += goal_views(c.result)
    from survey.analysis.snapshots import released_response_counts

    answered = released_response_counts(session, project.id)
    invited = queries.invited_counts(session, project.id, [r.id for r in context["rounds"]])
    per_label = {
        r.label: (answered.get((r.label, kind)), invited.get((r.id, kind)))
        for r in context["rounds"]
    }
    responses = {label: pair[0] for label, pair in per_label.items()}
    invitations = {label: pair[1] for label, pair in per_label.items()}
    catalog = context["catalog"]
    order = [c for c in catalog.order(kind) if c in trends] + sorted(
        c for c in trends if c not in catalog.order(kind)
    )
    charts = []
    for c in order:
        construct = catalog.construct(kind, c)
        chosen = context["chosen_rounds"]
        charts.append(
            trend_chart(trends[c], construct, chosen, goals.get(c, []), responses, invitations)
        )
        if (panel := panels.get(c)) is not None:
            charts.append(panel_chart(panel, trends[c], construct))
    context["charts"] = charts
    context["construct_choices"] = _construct_choices(catalog, kind)
    return context


def triangulation(session: Session, project: Project, filters: Filters) -> dict[str, Any]:
    context = common_context(session, project, filters)
    cached = queries.cached_results(session, project.id, ("trend",))
    by_key = {(c.construct, c.respondent_type): trend_view(c.result) for c in cached}
    catalog = context["catalog"]
    charts: list[Chart] = []
    for theme in SHARED_THEMES:
        trends: dict[str, TrendView | None] = {
            kind: by_key[(theme, kind)] for kind in RESPONDENT_TYPES if (theme, kind) in by_key
        }
        if len(trends) < 2:
            continue  # a theme only one group is asked about has nothing to triangulate
        construct = catalog.construct("pupil", theme)
        charts.append(triangulation_chart(construct, trends, context["chosen_rounds"]))
    context["charts"] = charts
    return context


def monitor(
    session: Session, project: Project, filters: Filters, school_ids: set[int] | None
) -> dict[str, Any]:
    """Response rates of the open rounds, from the administration monitor's own counts."""
    from survey.models import Round
    from survey.rounds.counts import round_counts

    context = common_context(session, project, filters)
    charts = []
    for info in context["rounds"]:
        if not info.is_open:
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
                key=f"monitor-{info.id}",
                title=info.label,
                figure=monitor_figure(rows, plotly_separators()) if rows else {},
                table=monitor_table(rows),
                extra={"round_id": info.id},
            )
        )
    context["charts"] = charts
    return context


def _construct_choices(catalog: Any, kind: str) -> list[tuple[str, str]]:
    language = current_locale()
    return [(c, catalog.construct(kind, c).name(language)) for c in catalog.order(kind)]
