"""Plotly figures over the cached analysis results, as plain figure dicts.

Plain dicts (plotly's JSON schema) rather than graph_objects: building validated objects
for two dozen charts costs more than the rest of the page. tests/dashboards validates every
builder's output with plotly.graph_objects.Figure, so a typo still fails a test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from dashboards.formatting import signed
from dashboards.labels import (
    ARM_COLOURS,
    ARM_FILLS,
    arm_name,
    direction_note,
)
from dashboards.results import COMPARISON, INTERVENTION, Estimate, GoalView, TrendView
from instruments.reading import ConstructInfo

INK = "#1d2433"
GRID = "#e5e2dc"
GOAL_COLOUR = "#4d4d4d"
Figure = dict[str, Any]


def base_layout(separators: str, height: int = 330) -> dict[str, Any]:
    return {
        "height": height,
        "margin": {"l": 76, "r": 24, "t": 24, "b": 40},
        "separators": separators,
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        "xaxis": {"type": "category", "fixedrange": True, "showgrid": False},
        "yaxis": {"fixedrange": True, "gridcolor": GRID, "zeroline": False},
    }


def axis_title(construct: ConstructInfo) -> str:
    return _("Gjennomsnitt") + "<br>(" + direction_note(construct) + ")"


def estimate_traces(
    estimates: Sequence[Estimate],
    rounds: Sequence[str],
    name: str,
    colour: str,
    fill: str,
    *,
    dash: str = "solid",
    counts: Sequence[int | None] | None = None,
) -> list[dict[str, Any]]:
    """A line with markers and a 95 % band behind it; hidden rounds leave a gap."""
    traces = [
        {
            "type": "scatter",
            "x": [rounds[i] for i in run] + [rounds[i] for i in reversed(run)],
            "y": [estimates[i].ci_high for i in run] + [estimates[i].ci_low for i in reversed(run)],
            "fill": "toself",
            "fillcolor": fill,
            "line": {"width": 0},
            "hoverinfo": "skip",
            "showlegend": False,
            "legendgroup": name,
            "mode": "lines",
        }
        for run in _shown_runs(estimates)
    ]
    n = list(counts) if counts is not None else [None] * len(rounds)
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "legendgroup": name,
            "x": list(rounds),
            "y": [e.value for e in estimates],
            "customdata": [[e.ci_low, e.ci_high, n[i]] for i, e in enumerate(estimates)],
            "line": {"color": colour, "width": 3, "dash": dash},
            "marker": {"size": 8, "color": colour},
            "connectgaps": False,
            "hovertemplate": "%{x}: %{y:.2f}<br>"
            + _(
                "95 %% KI %(low)s til %(high)s",
                low="%{customdata[0]:.2f}",
                high="%{customdata[1]:.2f}",
            )
            + ("<br>n = %{customdata[2]}" if counts is not None else "")
            + f"<extra>{name}</extra>",
        }
    )
    return traces


def trend_figure(
    trend: TrendView,
    rounds: Sequence[str],
    construct: ConstructInfo,
    separators: str,
    goal: GoalView | None = None,
) -> Figure:
    """Marginal means per arm with 95 % bands over `rounds`, and the goal if there is one."""
    data: list[dict[str, Any]] = []
    for arm in (INTERVENTION, COMPARISON):
        if arm not in trend.arms:
            continue
        estimates = [trend.mean(r, arm) for r in rounds]
        counts = [trend.counts.get((r, arm)) for r in rounds]
        dash = "solid" if arm == INTERVENTION else "dash"
        data += estimate_traces(
            estimates,
            rounds,
            arm_name(arm),
            ARM_COLOURS[arm],
            ARM_FILLS[arm],
            dash=dash,
            counts=counts,
        )
    if goal is not None:
        data += goal_traces(goal, trend, rounds)
    layout = base_layout(separators)
    layout["xaxis"]["categoryarray"] = list(rounds)
    layout["xaxis"]["categoryorder"] = "array"
    layout["yaxis"]["title"] = {"text": axis_title(construct)}
    return {"data": data, "layout": layout}


def goal_traces(goal: GoalView, trend: TrendView, rounds: Sequence[str]) -> list[dict[str, Any]]:
    """A level goal as a dotted line; a change goal as the path from the first round's
    intervention mean to where the goal wants it at its due round."""
    line = {"color": GOAL_COLOUR, "width": 2, "dash": "dot"}
    due = goal.due_round if goal.due_round in rounds else rounds[-1]
    if goal.target_kind == "level":
        x, y = [rounds[0], due], [goal.target_value, goal.target_value]
    else:
        first = trend.rounds[0] if trend.rounds else rounds[0]
        baseline = trend.mean(first, trend.arms[-1] if trend.arms else INTERVENTION).value
        if baseline is None or first not in rounds:
            return []
        x, y = [first, due], [baseline, baseline + goal.target_value]
    name = (
        _("Mål: %(value)s", value=signed(goal.target_value).lstrip("+"))
        if goal.target_kind == "level"
        else _("Mål: %(value)s fra første runde", value=signed(goal.target_value))
    )
    return [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": x,
            "y": y,
            "line": line,
            "marker": {"symbol": ["circle-open", "star"], "size": [1, 14], "color": GOAL_COLOUR},
            "hovertemplate": f"{name}<br>%{{x}}: %{{y:.2f}}<extra></extra>",
        }
    ]


def school_figure(
    rows: Sequence[Mapping[str, Any]],
    rounds: Sequence[str],
    arm: str,
    construct: ConstructInfo,
    separators: str,
) -> Figure:
    """The school's model estimate (band), its own means (dots) and its arm's mean.

    `rows` per round: estimate, ci_low, ci_high, observed, n, arm (Estimate of the arm mean).
    """
    by_round = {row["round"]: row for row in rows}
    arm_estimates = [by_round.get(r, {}).get("arm", Estimate(None)) for r in rounds]
    school = [
        Estimate(row.get("estimate"), row.get("ci_low"), row.get("ci_high"))
        for row in (by_round.get(r, {}) for r in rounds)
    ]
    counts = [by_round.get(r, {}).get("n") for r in rounds]
    data = estimate_traces(
        arm_estimates,
        rounds,
        _("Snitt for %(arm)s", arm=arm_name(arm).lower()),
        ARM_COLOURS.get(arm, GOAL_COLOUR),
        ARM_FILLS.get(arm, "rgba(0,0,0,0.1)"),
        dash="dash",
    )
    data += estimate_traces(
        school, rounds, _("Skolens anslag (modell)"), INK, "rgba(29,36,51,0.14)", counts=counts
    )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": _("Skolens egne svar (snitt)"),
            "x": list(rounds),
            "y": [by_round.get(r, {}).get("observed") for r in rounds],
            "marker": {"symbol": "circle-open", "size": 11, "color": INK, "line": {"width": 2}},
            "hovertemplate": "%{x}: %{y:.2f}<extra></extra>",
        }
    )
    layout = base_layout(separators)
    layout["xaxis"].update(categoryarray=list(rounds), categoryorder="array")
    layout["yaxis"]["title"] = {"text": axis_title(construct)}
    return {"data": data, "layout": layout}


def _shown_runs(estimates: Sequence[Estimate]) -> list[list[int]]:
    """Index runs of consecutive estimates that have a full interval."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, e in enumerate(estimates):
        if e.value is not None and e.ci_low is not None and e.ci_high is not None:
            current.append(i)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs
