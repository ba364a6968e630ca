"""The card sheet of a class in a panel project: new cards in a PDF, their codes never stored.

Every download issues new cards (the keyed hashes are stored, the codes only printed), so
the form is a POST and the answer is never cached.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import get_locale
from marshmallow import ValidationError, fields, validate
from werkzeug import Response

from survey import audit
from survey.admin.distribution.files import safe_name
from survey.admin.forms import FormSchema
from survey.admin.view_helpers import acting_user, lead_required
from survey.auth.access import group_or_404
from survey.clock import today_in_norway
from survey.db import db_session
from survey.i18n import LANGUAGES
from survey.models import Project
from survey.panel import operations
from survey.panel.sheet import CardSheet, card_sheet_pdf
from survey.responses.operations import instrument_of

blueprint = Blueprint("panel", __name__)


def card_languages(project: Project) -> list[str]:
    """The pupil languages of the project's rounds (or the project's own), Norwegian first."""
    languages = ["nb", "nn"]
    for round_ in project.rounds:
        version = round_.instrument_for("pupil")
        if version is not None:
            languages += instrument_of(version).languages
    languages += project.languages
    return [code for code in dict.fromkeys(languages) if code in LANGUAGES]


class CardSheetForm(FormSchema):
    language = fields.String(required=True, validate=validate.Length(max=10))


@blueprint.post("/groups/<int:group_id>/panel-cards.pdf")
@lead_required
def card_sheet(group_id: int) -> Response:
    group = group_or_404(group_id)
    project = group.school.project
    if not project.is_panel:
        abort(404)
    try:
        language = CardSheetForm().load(request.form)["language"]
    except ValidationError:
        language = ""
    if language not in card_languages(project):
        abort(422)
    session = db_session()
    count = operations.cards_for_class(group.enrolled)
    codes = operations.issue_cards(session, project, count, today_in_norway())
    audit.record(
        session,
        "panel.cards_issued",
        user=acting_user(),
        project_id=project.id,
        group_id=group.id,
        count=count,
        language=language,
    )
    teacher = "nn" if str(get_locale()) == "nn" else "nb"
    sheet = CardSheet(group.school.name, group.label, language, teacher, group.enrolled)
    name = safe_name(f"kort-{group.school.code}-{group.label}-{language}.pdf")
    return Response(
        card_sheet_pdf(sheet, codes),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
