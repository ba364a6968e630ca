"""Helpers every dashboard template gets: tabs, links that keep the filters, stamps, and
plotly's own words (its modebar and notices) in the reader's language."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask_babel import gettext as _

from dashboards.formatting import timestamp
from dashboards.plotly_assets import plotly_assets
from survey.dashboards.schemas import Filters


def tabs() -> list[tuple[str, str, str]]:
    return [
        ("overview", "dashboards.overview", _("Oversikt")),
        ("schools", "dashboards.schools", _("Skoler")),
        ("items", "dashboards.items", _("Spørsmål")),
        ("triangulation", "dashboards.triangulation", _("Triangulering")),
        ("monitor", "dashboards.monitor", _("Svarinngang")),
    ]


def tab_args(filters: Filters | None, name: str) -> dict[str, Any]:
    """The filters a tab keeps: all but the school; the monitor needs none."""
    if filters is None or name == "monitor":
        return {}
    if name == "triangulation":
        return {"round": list(filters.rounds)} if filters.rounds else {}
    return filters.args(school=None)


def csv_url(filters: Filters, key: str) -> str:
    args = {**(request.view_args or {}), **filters.args(), "chart": key, "format": "csv"}
    return url_for(request.endpoint or "dashboards.overview", **args)


def plotly_locale() -> dict[str, str]:
    """plotly.js's English strings that a reader can meet, translated."""
    return {
        "Download plot as a PNG": _("Last ned figuren som bilde (PNG)"),
        "Download plot": _("Last ned figuren"),
        "Preparing image - this may take a few seconds": _("Lager bildet, vent litt"),
        "Image download succeeded": _("Bildet er lastet ned"),
        "Sorry, there was a problem downloading your image!": _(
            "Beklager, bildet kunne ikke lastes ned."
        ),
    }


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def helpers() -> dict[str, Any]:
    assets = plotly_assets()
    return {
        "plotly": assets,
        "plotly_style_ids": [style_id for style_id, _css in assets.injected],
        "plotly_locale": plotly_locale(),
        "tabs": tabs(),
        "tab_args": tab_args,
        "csv_url": csv_url,
        "stamp": timestamp,
        "has_endpoint": has_endpoint,
    }
