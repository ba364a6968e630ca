"""The public front page: the class code entry that starts a pupil session, and a health check."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, session
from sqlalchemy import text

from survey.db import db_session
from survey.rounds.queries import find_open_class_code

blueprint = Blueprint("public", __name__)

MAX_CODE_INPUT = 40


@blueprint.get("/")
def start() -> str:
    return render_template("public/start.html", code=request.args.get("kode", ""))


@blueprint.post("/")
def enter_class_code() -> tuple[str, int] | str:
    typed = request.form.get("code", "")[:MAX_CODE_INPUT]
    access = find_open_class_code(db_session(), current_app.config["SECRET_KEY"], typed)
    if access is None:
        error = "Vi fant ingen åpen klasse med den koden. Sjekk koden og prøv igjen."
        return render_template("public/start.html", code=typed, error=error), 422
    session.clear()
    session["class_code_id"] = access.id
    return render_template("public/class_ready.html", access=access)


@blueprint.get("/healthz")
def health() -> dict[str, str]:
    db_session().execute(text("SELECT 1"))
    return {"status": "ok"}
