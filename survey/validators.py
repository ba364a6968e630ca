"""Input rules that the JSON API and the admin forms share, so the two edges agree.

Each schema (`survey/api/schemas.py`, `survey/admin/*/schemas.py`) keeps its own shape (JSON
types there, form fields and messages here); the rules on a value are written once, here.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from marshmallow import ValidationError

from survey.clock import today_in_norway

#: A project's name and description, at most this many characters.
PROJECT_NAME_MAX = 200
PROJECT_DESCRIPTION_MAX = 4000
#: The smallest group a figure may be built from is never below 5 (DESIGN.md, privacy model).
MIN_GROUP_SIZE_RANGE = (5, 1000)


def in_the_future(value: dt.date) -> None:
    """A delete-after date must lie after today (in Norway): data cannot be kept for no day."""
    if value <= today_in_norway():
        raise ValidationError(_("Velg en dato fram i tid."))
