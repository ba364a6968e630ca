"""The pages: filters in the URL, recompute on request, plotly served by the app itself."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboards.plotly_assets import plotly_assets
from survey.models import AuditEvent, ModelResult


def _url(p, path: str = "") -> str:
    return f"/dashboards/project/{p.project.id}/{path}"


def test_filters_in_the_url_choose_what_is_shown(client, log_in, dashboard_project) -> None:
    p = dashboard_project
    log_in(p.users["lead"])
    page = client.get(
        _url(p, f"?respondent_type=parent&round={p.rounds[0].id}&round={p.rounds[2].id}")
    )
    assert "Konflikter – foresatte" in page.text
    assert "– elever" not in page.text
    assert p.rounds[1].label not in page.text.split('class="chart-card"')[1]


def test_a_hand_made_filter_gets_the_form_of_errors_not_a_crash(
    client, log_in, dashboard_project
) -> None:
    log_in(dashboard_project.users["lead"])
    for query in ("?round=999999", "?respondent_type=teacher", "?school=abc", "?construct=<x>"):
        page = client.get(_url(dashboard_project, query))
        assert page.status_code == 422, query
        assert "Ugyldig utvalg" in page.text


def test_a_project_lead_queues_a_recompute_without_fitting(
    client, log_in, post_form, dashboard_project, session
) -> None:
    p = dashboard_project
    log_in(p.users["lead"])
    before = session.scalar(select(func.max(ModelResult.computed_at)))
    page = post_form(_url(p, "recompute"), {"next": _url(p, "?respondent_type=staff")})
    assert page.status_code == 302
    assert page.headers["Location"].endswith("?respondent_type=staff")
    assert (
        session.scalar(select(func.count()).where(AuditEvent.action == "analysis.requested")) == 1
    )
    assert session.scalar(select(func.max(ModelResult.computed_at))) == before
    assert "Ny beregning er bestilt" in client.get(_url(p)).text


def test_only_project_leads_may_ask_for_a_recompute(
    client, log_in, post_form, dashboard_project
) -> None:
    for role in ("contact", "evaluator"):
        log_in(dashboard_project.users[role])
        assert post_form(_url(dashboard_project, "recompute")).status_code == 403
        assert "Beregn på nytt nå" not in client.get(_url(dashboard_project)).text


def test_the_pages_keep_the_strict_content_security_policy(
    client, log_in, dashboard_project
) -> None:
    log_in(dashboard_project.users["lead"])
    page = client.get(_url(dashboard_project))
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "img-src 'self' data: blob:;" in policy  # plotly's PNG download draws from a blob
    assert "unsafe" not in policy
    assert "<script>" not in page.text  # figures travel as JSON data, never as inline script


def test_plotly_js_and_its_styles_are_served_by_the_app(client) -> None:
    assets = plotly_assets()
    with client.get(f"/dashboards/vendor/plotly-{assets.version}.min.js") as script:
        assert script.status_code == 200
        assert script.cache_control.max_age >= 365 * 24 * 3600
        assert "immutable" in script.headers["Cache-Control"]
    css = client.get(f"/dashboards/vendor/plotly-{assets.version}.css")
    assert ".js-plotly-plot .plotly .modebar" in css.text
    assert client.get("/dashboards/vendor/plotly-0.0.1.min.js").status_code == 404


def test_every_page_renders_for_a_project_lead(client, log_in, dashboard_project) -> None:
    p = dashboard_project
    log_in(p.users["lead"])
    for path in (
        "",
        "triangulation",
        "items",
        "items?construct=trivsel",
        "schools",
        "monitor",
        f"school/{p.schools['S3'].id}?respondent_type=parent",
    ):
        assert client.get(_url(p, path)).status_code == 200, path
