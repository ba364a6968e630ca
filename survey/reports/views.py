"""The school reports: a list of the reports a user may read, and each report as a PDF.

A school contact sees only their own schools (`survey.auth.access`); every download is
recorded in the audit log, like the letters and exports.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy import select

from survey import audit
from survey.auth.access import (
    current_user,
    login_required,
    project_or_404,
    school_or_404,
    visible_school_ids,
)
from survey.db import db_session
from survey.models import Round
from survey.reports.build import REPORT_LANGUAGES, report_language, school_report_pdf
from survey.reports.queries import report_rounds

blueprint = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")


@blueprint.get("/project/<int:project_id>/")
@login_required
def index(project_id: int) -> Any:
    project = project_or_404(project_id)
    user = current_user()
    assert user is not None
    visible = visible_school_ids(user, project.id)
    schools = [s for s in project.schools if visible is None or s.id in visible]
    rounds = report_rounds(db_session(), project.id)
    return render_template("reports/index.html", project=project, schools=schools, rounds=rounds)


@blueprint.get("/school/<int:school_id>/round/<int:round_id>.pdf")
@login_required
def school_report(school_id: int, round_id: int) -> Response:
    school = school_or_404(school_id)
    session = db_session()
    round_ = session.scalar(
        select(Round).where(Round.id == round_id, Round.project_id == school.project_id)
    )
    published = report_rounds(session, school.project_id)
    if round_ is None or round_ not in published:
        abort(404)
    asked = request.args.get("language")
    if asked is not None and asked not in REPORT_LANGUAGES:
        abort(422)
    language = report_language(school, asked)
    data = school_report_pdf(session, school.project, school, round_, language)
    audit.record(
        session,
        "report.downloaded",
        user=current_user(),
        project_id=school.project_id,
        school_id=school.id,
        round_id=round_.id,
        language=language,
    )
    name = f"rapport-{school.code}-{round_.label}-{language}.pdf".replace(" ", "-")
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
