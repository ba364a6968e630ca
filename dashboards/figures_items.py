"""Diverging stacked bars of the answers to one item per round, and response-rate bars.

Likert answers are drawn the usual way: the options below the middle of the scale to the left
of zero, those above to the right, a middle option split across zero. Colour says which side
is good for this item (purple good, orange bad, grey neutral), so a reverse-keyed item keeps
its answer order but not its colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _

from dashboards.figures import Figure, base_layout
from dashboards.items import Distribution
from instruments import ScalePoint
from instruments.reading import ItemInfo, text_in

#: Bad to good (PuOr, colour-blind safe), by number of answer options.
PALETTES = {
    2: ["#e08214", "#8073ac"],
    3: ["#fdb863", "#d9d9d9", "#b2abd2"],
    4: ["#e08214", "#fdb863", "#b2abd2", "#8073ac"],
    5: ["#e08214", "#fdb863", "#d9d9d9", "#b2abd2", "#8073ac"],
    6: ["#b35806", "#e08214", "#fdb863", "#b2abd2", "#8073ac", "#542788"],
    7: ["#b35806", "#e08214", "#fdb863", "#d9d9d9", "#b2abd2", "#8073ac", "#542788"],
}


def round_label(distribution: Distribution) -> str:
    if distribution.is_hidden:
        return _("%(round)s – for få svar", round=distribution.round)
    return distribution.round


def item_figure(
    item: ItemInfo, distributions: Sequence[Distribution], language: str, separators: str
) -> Figure:
    """One horizontal bar per round (first round on top), percent of those who answered."""
    options = sorted(item.options, key=lambda o: o.value)
    count = len(options)
    palette = PALETTES.get(count, PALETTES[5] if count > 5 else PALETTES[2])
    colours = palette if item.high_is_good else list(reversed(palette))
    labels = [round_label(d) for d in distributions]
    half = count // 2
    middle = [half] if count % 2 else []
    traces = [
        _option_trace(item, o, i, colours, distributions, labels, language)
        for i, o in enumerate(options)
    ]
    left = [
        {**traces[i], "x": [-v / 2 for v in traces[i]["x"]], "texttemplate": ""}
        if i in middle
        else {**traces[i], "x": [-v for v in traces[i]["x"]]}
        for i in [*middle, *reversed(range(half))]
    ]
    right = [
        {**traces[i], "x": [v / 2 for v in traces[i]["x"]], "showlegend": False, "texttemplate": ""}
        if i in middle
        else traces[i]
        for i in [*middle, *range(count - half, count)]
    ]
    # A middle option's share is written once, across zero, not inside one of its halves.
    annotations = [
        {
            "x": 0,
            "y": label,
            "text": f"{share:.0f}",
            "showarrow": False,
            "bgcolor": colours[i],
            "font": {"size": 13},
        }
        for i in middle
        for label, share, d in zip(labels, traces[i]["x"], distributions, strict=True)
        if not d.is_hidden and share >= 5
    ]
    layout = base_layout(separators, height=110 + 34 * len(distributions))
    layout["barmode"] = "relative"
    layout["bargap"] = 0.25
    layout["annotations"] = annotations
    layout["uniformtext"] = {"mode": "hide", "minsize": 11}
    layout["margin"] = {"l": 16, "r": 24, "t": 8, "b": 40}
    layout["legend"] = {"orientation": "h", "x": 0, "y": -0.25, "yanchor": "top"}
    ticks = [-100, -50, 0, 50, 100]
    layout["xaxis"] = {
        "range": [-100, 100],
        "tickvals": ticks,
        "ticktext": [f"{abs(t)}\u00a0%" for t in ticks],
        "fixedrange": True,
        "zeroline": True,
        "zerolinecolor": "#5c5c5c",
        "gridcolor": "#ece9e4",
    }
    layout["yaxis"] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": labels,
        "autorange": "reversed",
        "fixedrange": True,
        "automargin": True,
    }
    return {"data": left + right, "layout": layout}


def _option_trace(
    item: ItemInfo,
    option: ScalePoint,
    index: int,
    colours: Sequence[str],
    distributions: Sequence[Distribution],
    labels: Sequence[str],
    language: str,
) -> dict[str, Any]:
    shares = [100 * d.shares.get(option.value, 0.0) for d in distributions]
    name = text_in(option.label, language, str(option.value))
    return {
        "type": "bar",
        "orientation": "h",
        "y": list(labels),
        "x": shares,
        "name": name,
        "legendgroup": f"{item.id}-{option.value}",
        "legendrank": index,
        "marker": {"color": colours[index], "line": {"color": "#ffffff", "width": 1}},
        "customdata": [
            None if d.is_hidden else v for d, v in zip(distributions, shares, strict=True)
        ],
        "hovertemplate": f"{name}: %{{customdata:.0f}}\u00a0%<extra></extra>",
        "texttemplate": "%{customdata:.0f}",
        "textposition": "inside",
        "insidetextanchor": "middle",
    }


def monitor_figure(rows: Sequence[dict[str, Any]], separators: str) -> Figure:
    """Response rate per school and respondent type in an open round (where it is known)."""
    kinds = list(dict.fromkeys(row["respondent_type_name"] for row in rows))
    schools = list(dict.fromkeys(row["school"] for row in rows))
    colours = ["#0072B2", "#009E73", "#CC79A7"]
    data = []
    for index, kind in enumerate(kinds):
        mine = {row["school"]: row for row in rows if row["respondent_type_name"] == kind}
        rates = [mine.get(s, {}).get("rate") for s in schools]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": kind,
                "y": schools,
                "x": [None if r is None else 100 * r for r in rates],
                "marker": {"color": colours[index % len(colours)]},
                "hovertemplate": "%{y}: %{x:.0f} %" + f"<extra>{kind}</extra>",
            }
        )
    layout = base_layout(separators, height=120 + 28 * len(schools) * max(len(kinds), 1))
    layout["barmode"] = "group"
    layout["margin"].update(l=16, t=40)
    layout["legend"] = {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"}
    layout["xaxis"] = {
        "range": [0, 100],
        "ticksuffix": "\u00a0%",
        "fixedrange": True,
        "gridcolor": "#ece9e4",
        "title": {"text": _("Svarprosent")},
    }
    layout["yaxis"] = {
        "type": "category",
        "autorange": "reversed",
        "fixedrange": True,
        "automargin": True,
    }
    return {"data": data, "layout": layout}
