"""plotly.js's own stylesheets, read from the bundle the app serves, so CSP can stay strict."""

from __future__ import annotations

from dashboards.plotly_assets import plotly_assets


def test_the_global_plotly_rules_are_read_from_the_bundle() -> None:
    css = plotly_assets().global_css
    assert ".js-plotly-plot .plotly .modebar{" in css
    assert ".plotly-notifier .notifier-note{" in css
    assert "X " not in css and "Y " not in css  # the bundle's placeholders are resolved


def test_the_styles_the_bundle_injects_by_itself_are_found() -> None:
    injected = dict(plotly_assets().injected)
    assert injected and all(len(style_id) == 64 for style_id in injected)
    assert all("{" in css for css in injected.values())
