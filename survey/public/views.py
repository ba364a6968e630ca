"""Public routes that belong to no respondent flow: the health check.

The start page (class code entry) moved to `survey.pupil.views`.
"""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text

from survey.db import db_session

blueprint = Blueprint("public", __name__)


@blueprint.get("/healthz")
def health() -> dict[str, str]:
    db_session().execute(text("SELECT 1"))
    return {"status": "ok"}
