"""The dashboard pages. Thin: check access, read the filters, hand over to pages/school_pages.

Project leads, evaluators and admins see a whole project; a school contact sees the project's
aggregates and their own school. Every page is a GET with its filters in the URL; any chart
on it is also its data as CSV (`?chart=KEY&format=csv`), from the very same suppressed table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from marshmallow import ValidationError

from dashboards import tables
from dashboards.formatting import current_locale
from dashboards.plotly_assets import BUNDLE, plotly_assets
from survey import audit
from survey.auth.access import (
    current_user,
    login_required,
    project_or_404,
    roles_required,
    safe_next,
    school_or_404,
    visible_school_ids,
)
from survey.dashboards import project_pages, school_pages
from survey.dashboards.page_request import PageRequest
from survey.dashboards.queries import project_rounds
from survey.dashboards.schemas import Filters, error_messages, parse_filters
from survey.db import db_session
from survey.models import Group, Project, School
from survey.security import CONTENT_SECURITY_POLICY

blueprint = Blueprint("dashboards", __name__, url_prefix="/dashboards")
YEAR = 365 * 24 * 3600
#: The app's strict policy, plus blob: images. plotly.js draws a chart for PNG download by
#: loading its SVG as an image from a blob: URL, which only script of this origin can make.
#: Styles stay 'self': the <style> elements plotly.js would inject are linked as stylesheets
#: instead (see plotly_assets), and the styles it sets from script are CSSOM, which CSP allows.
#: Scripts stay 'self': the figures travel as JSON data and are drawn by dashboards.js.
DASHBOARD_POLICY = CONTENT_SECURITY_POLICY.replace(
    "img-src 'self' data:", "img-src 'self' data: blob:"
)


@blueprint.after_request
def dashboard_policy(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = DASHBOARD_POLICY
    return response


@blueprint.context_processor
def dashboard_helpers() -> dict[str, Any]:
    from dashboards.labels import arm_name, respondent_type_name
    from survey.dashboards.page_helpers import helpers

    user = current_user()
    return {
        **helpers(),
        "type_name": respondent_type_name,
        "arm": arm_name,
        "can_recompute": user is not None and user.role in ("admin", "project_lead"),
        "visible_schools": lambda project: _visible_schools(project),
    }


def _visible_schools(project: Project) -> list[School]:
    visible = visible_school_ids(_user(), project.id)
    return [s for s in project.schools if visible is None or s.id in visible]


@blueprint.get("/project/<int:project_id>/")
@login_required
def overview(project_id: int) -> Any:
    return _page(project_or_404(project_id), "overview", project_pages.overview)


@blueprint.get("/project/<int:project_id>/triangulation")
@login_required
def triangulation(project_id: int) -> Any:
    return _page(project_or_404(project_id), "triangulation", project_pages.triangulation)


@blueprint.get("/project/<int:project_id>/monitor")
@login_required
def monitor(project_id: int) -> Any:
    project = project_or_404(project_id)
    schools = visible_school_ids(_user(), project.id)
    return _page(project, "monitor", lambda page: project_pages.monitor(page, schools))


@blueprint.get("/project/<int:project_id>/items")
@login_required
def items(project_id: int) -> Any:
    project = project_or_404(project_id)

    def build(page: PageRequest) -> dict[str, Any]:
        chosen = page.filters.school
        return school_pages.items_page(
            page, _school(project, chosen) if chosen is not None else None
        )

    return _page(project, "items", build)


@blueprint.get("/project/<int:project_id>/schools")
@login_required
def schools(project_id: int) -> Any:
    project = project_or_404(project_id)
    shown = _visible_schools(project)
    if len(shown) == 1:
        return redirect(url_for(".school", project_id=project.id, school_id=shown[0].id))
    return _page(
        project, "schools", lambda page: {**project_pages.common_context(page), "schools": shown}
    )


@blueprint.get("/project/<int:project_id>/school/<int:school_id>")
@login_required
def school(project_id: int, school_id: int) -> Any:
    project = project_or_404(project_id)
    found = _school(project, school_id)
    return _page(project, "school", lambda page: school_pages.school_page(page, found))


@blueprint.get("/project/<int:project_id>/school/<int:school_id>/class/<int:group_id>")
@login_required
def group(project_id: int, school_id: int, group_id: int) -> Any:
    project = project_or_404(project_id)
    found = _school(project, school_id)
    chosen = db_session().get(Group, group_id)
    if chosen is None or chosen.school_id != found.id:
        abort(404)
    return _page(project, "class", lambda page: school_pages.class_page(page, found, chosen))


@blueprint.post("/project/<int:project_id>/recompute")
@roles_required("project_lead")
def recompute(project_id: int) -> Response:
    from survey.analysis.requests import pending_request, request_recompute

    project = project_or_404(project_id)
    back_to = request.form.get("next")
    if back_to and safe_next(back_to) is None:
        abort(400)  # the form's own `next` is always a page of this site
    if pending_request(db_session(), project.id) is None:
        request_recompute(db_session(), project.id, _user())
    flash(_("Ny beregning er satt i kø. Den starter innen et minutt og tar litt tid."), "success")
    return redirect(back_to or url_for(".overview", project_id=project.id))


@blueprint.get("/vendor/plotly-<version>.min.js")
def plotly_js(version: str) -> Response:
    if version != plotly_assets().version:
        abort(404)
    return send_file(BUNDLE, mimetype="text/javascript", max_age=YEAR)


@blueprint.get("/vendor/plotly-<version>.css")
def plotly_css(version: str) -> Response:
    assets = plotly_assets()
    if version != assets.version:
        abort(404)
    return _css(assets.global_css)


@blueprint.get("/vendor/plotly-<version>-<style_id>.css")
def plotly_injected_css(version: str, style_id: str) -> Response:
    assets = plotly_assets()
    found = dict(assets.injected).get(style_id)
    if version != assets.version or found is None:
        abort(404)
    return _css(found)


def _css(text: str) -> Response:
    response = Response(text, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    return response


def _user() -> Any:
    user = current_user()
    assert user is not None  # login_required let no anonymous visitor through
    return user


def _school(project: Project, school_id: int) -> School:
    """A school of this project that the reader may see: 404 otherwise, whatever the URL."""
    found = school_or_404(school_id)
    if found.project_id != project.id:
        abort(404)
    return found


def _page(project: Project, page: str, build: Callable[[PageRequest], dict[str, Any]]) -> Any:
    """Parse the filters, build the page, and answer as HTML or as one chart's CSV; a CSV
    builds its chart only."""
    rounds = project_rounds(db_session(), project.id)
    try:
        filters = parse_filters(request.args, [r.id for r in rounds])
    except ValidationError as error:
        context = {"project": project, "page": page, "messages": error_messages(error)}
        return render_template("dashboards/invalid.html", **context), 422
    is_csv = request.args.get("format") == "csv"
    chart = request.args.get("chart", "") if is_csv else None
    context = build(PageRequest(db_session(), project, filters, rounds, chart))
    if is_csv:
        return _csv(project, page, context, filters)
    return render_template(f"dashboards/{page}.html", page=page, **context)


def _csv(project: Project, page: str, context: dict[str, Any], filters: Filters) -> Response:
    key = request.args.get("chart", "")
    chart = next((c for c in context.get("charts", []) if c.key == key), None)
    if chart is None:
        abort(404)
    audit.record(
        db_session(),
        "dashboards.csv_downloaded",
        user=_user(),
        project_id=project.id,
        page=page,
        chart=key,
        filters=filters.args(),
    )
    body = tables.to_csv(chart.table, current_locale())
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(key)}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _filename(key: str) -> str:
    return "trivsel-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in key)
