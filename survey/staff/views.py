"""The staff home (the projects this user may open), the help page and the own password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug import Response

from survey.accounts.operations import set_password
from survey.accounts.passwords import password_matches
from survey.auth.access import current_user, login_required, projects_for
from survey.auth.operations import log_in
from survey.auth.views import MAX_FIELD, password_problem
from survey.db import db_session
from survey.ratelimit import backoff, client_and
from survey.staff.navigation import general_links, project_links

blueprint = Blueprint("staff", __name__, url_prefix="/staff")

HELP_LANGUAGES = ("nb", "nn")


@blueprint.app_context_processor
def navigation() -> dict[str, Any]:
    return {"nav_project_links": project_links, "nav_general_links": general_links}


@blueprint.get("/")
@login_required
def home() -> str:
    user = current_user()
    assert user is not None
    return render_template("staff/home.html", user=user, projects=projects_for(user))


@blueprint.get("/help")
@login_required
def help() -> str:
    language = str(get_locale() or "nb")
    template = f"staff/help_{language if language in HELP_LANGUAGES else 'nb'}.html"
    return render_template(template, contact=current_app.config["SUPPORT_CONTACT"])


@blueprint.get("/password")
@login_required
def password_form() -> str:
    return render_template("staff/password.html", errors={})


@blueprint.post("/password")
@login_required
def change_password() -> tuple[str, int] | Response:
    """Old and new password; every other session of the user ends, this one goes on."""
    user = current_user()
    assert user is not None
    old = request.form.get("old_password", "")[:MAX_FIELD]
    new = request.form.get("password", "")[:MAX_FIELD]
    repeated = request.form.get("password_again", "")[:MAX_FIELD]
    delays, account = backoff("login-account-client"), client_and(f"account:{user.email}")
    if delays.wait_seconds(account) > 0:
        errors = {"old_password": [_("For mange forsøk. Vent litt og prøv igjen.")]}
        return render_template("staff/password.html", errors=errors), 429
    if not password_matches(user.password_hash, old):
        delays.fail(account)
        errors = {"old_password": [_("Passordet er feil.")]}
        return render_template("staff/password.html", errors=errors), 422
    problem = password_problem(new, repeated)
    if problem:
        return render_template("staff/password.html", errors={"password": [problem]}), 422
    delays.clear(account)
    set_password(db_session(), user, new)  # raises the session version: other sessions end
    log_in(db_session(), user)  # this session goes on, under the new version
    flash(_("Passordet er byttet. Du er logget ut alle andre steder."), "success")
    return redirect(url_for("staff.home"))
