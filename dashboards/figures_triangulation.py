"""Triangulation: pupils, parents and staff side by side, each group's change from the first
round per arm in its own panel, on one shared y scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from dashboards.figures import GRID, Figure, base_layout
from dashboards.labels import ARM_COLOURS, arm_name, respondent_type_name
from dashboards.results import COMPARISON, INTERVENTION, Estimate, TrendView


def triangulation_figure(
    trends: Mapping[str, TrendView | None], rounds: Sequence[str], separators: str
) -> Figure:
    """Change from the first round per arm, one panel per respondent type, same y scale."""
    kinds = list(trends)
    width, gap = 1 / len(kinds), 0.06
    data: list[dict[str, Any]] = []
    layout = base_layout(separators, height=340)
    layout["annotations"] = []
    for index, kind in enumerate(kinds):
        suffix = "" if index == 0 else str(index + 1)
        domain = [index * width + (gap / 2 if index else 0), (index + 1) * width - gap / 2]
        layout[f"xaxis{suffix}"] = {
            "domain": domain,
            "fixedrange": True,
            "showgrid": False,
            "zeroline": False,
            "tickvals": list(range(len(rounds))),
            "ticktext": list(rounds),
            "range": [-0.5, len(rounds) - 0.5],
            "anchor": f"y{suffix}",
        }
        layout[f"yaxis{suffix}"] = {
            "fixedrange": True,
            "gridcolor": GRID,
            "zeroline": True,
            "zerolinecolor": "#8c8c8c",
            "anchor": f"x{suffix}",
            **({"matches": "y", "showticklabels": False} if index else {}),
        }
        centre = (domain[0] + domain[1]) / 2
        layout["annotations"].append(
            {
                "text": respondent_type_name(kind),
                "font": {"size": 15, "weight": 700},
                "xref": "paper",
                "yref": "paper",
                "x": centre,
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
        trend = trends[kind]
        if trend is None or trend.error:
            layout["annotations"].append(_no_numbers(centre))
            continue
        for offset, arm in ((-0.08, INTERVENTION), (0.08, COMPARISON)):
            if arm in trend.arms:
                changes = [trend.change(r, arm) for r in rounds]
                data.append(_change_trace(changes, rounds, arm, offset, suffix, index == 0))
    layout["yaxis"]["title"] = {"text": _("Endring fra første runde")}
    layout["margin"]["t"] = 40
    return {"data": data, "layout": layout}


def _change_trace(
    changes: Sequence[Estimate],
    rounds: Sequence[str],
    arm: str,
    offset: float,
    suffix: str,
    legend: bool,
) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": arm_name(arm),
        "legendgroup": arm,
        "showlegend": legend,
        "x": [i + offset for i in range(len(rounds))],
        "y": [c.value for c in changes],
        "xaxis": f"x{suffix}",
        "yaxis": f"y{suffix}",
        "line": {"color": ARM_COLOURS[arm], "dash": "solid" if arm == INTERVENTION else "dash"},
        "marker": {"size": 8, "color": ARM_COLOURS[arm]},
        "error_y": {
            "type": "data",
            "symmetric": False,
            "array": [_gap(c.ci_high, c.value) for c in changes],
            "arrayminus": [_gap(c.value, c.ci_low) for c in changes],
            "color": ARM_COLOURS[arm],
            "thickness": 1.5,
            "width": 4,
        },
        "customdata": list(rounds),
        "hovertemplate": "%{customdata}: %{y:+.2f}" + f"<extra>{arm_name(arm)}</extra>",
    }


def _no_numbers(centre: float) -> dict[str, Any]:
    return {
        "text": _("Ingen tall"),
        "xref": "paper",
        "yref": "paper",
        "x": centre,
        "y": 0.5,
        "showarrow": False,
        "font": {"color": "#6b6b6b"},
    }


def _gap(high: float | None, low: float | None) -> float | None:
    return None if high is None or low is None else high - low
