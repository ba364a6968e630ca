"""Checking a typed class code, with the guessing limits of `survey.ratelimit`.

A tablet that types many wrong codes waits; an address that sends very many (someone guessing)
may still enter the codes already entered correctly from it, so the classes at work there go
on. So nobody can lock a school out from elsewhere, and from inside it only for new classes.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.pupil import queries
from survey.pupil.tablet import tablet_id
from survey.ratelimit import client_and, client_key, tablet_key, window
from survey.rounds.queries import find_open_class_code


@dataclass(frozen=True)
class CodeCheck:
    pupil_class: queries.PupilClass | None
    error: str | None = None
    status: int = 200


def _too_many() -> CodeCheck:
    return CodeCheck(None, _("For mange forsøk. Vent litt og prøv igjen."), 429)


def check_class_code(session: Session, secret_key: str, typed: str) -> CodeCheck:
    """The open class behind `typed`, or why not (the page's message and status)."""
    tablet_id()  # a browser that posts the form at once gets its id now, not a shared None
    per_tablet, per_client = window("class-code-tablet"), window("class-code-client")
    known = window("class-code-known")
    tablet, client = tablet_key(), client_key()
    if per_tablet.is_blocked(tablet):
        return _too_many()
    access = find_open_class_code(session, secret_key, typed)
    pupil_class = queries.open_class(session, access.id if access else None)
    code_here = client_and(f"class-code:{pupil_class.access.id}") if pupil_class else None
    if per_client.is_blocked(client) and not (code_here and known.is_blocked(code_here)):
        return _too_many()
    if pupil_class is None:
        per_tablet.count(tablet)  # only wrong codes count
        per_client.count(client)
        message = _("Vi fant ingen åpen klasse med den koden. Sjekk koden og prøv igjen.")
        return CodeCheck(None, message, 422)
    assert code_here is not None
    known.clear(code_here)
    known.count(code_here)
    return CodeCheck(pupil_class)
