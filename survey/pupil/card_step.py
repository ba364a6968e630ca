"""The card code step of a panel project, on the no-JavaScript path: the survey page's script
checks the same check character itself (`survey/static/pupil/survey.js`) and sends the card
with the submit (`survey.pupil.api`)."""

from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from survey.panel import cards
from survey.panel import operations as panel
from survey.pupil.queries import PupilClass
from survey.pupil.schemas import CardForm


def card_error() -> str:
    return _("Koden stemmer ikke. Se nøye på kortet og prøv igjen.")


def typed_card(
    session: Session, pupil_class: PupilClass, form: MultiDict[str, str]
) -> tuple[bool, int | None]:
    """(may the pupil start, the panel member of their card). Only a malformed card stops
    them; an unissued one starts unlinked, exactly as an issued one starts linked."""
    project = pupil_class.access.round.project
    if not project.is_panel:
        return True, None
    try:
        typed = CardForm().load(form)["card"]
    except ValidationError:
        typed = ""
    if not cards.is_well_formed(typed):
        return False, None
    return True, panel.member_for_card(session, project.id, typed)
