"""Staff login and logout pages."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response

from survey.auth.access import current_user, safe_next
from survey.auth.operations import authenticate, log_in, log_out
from survey.db import db_session
from survey.ratelimit import backoff, client_and, client_key, window

blueprint = Blueprint("auth", __name__, url_prefix="/login")

MAX_FIELD = 300


@blueprint.get("/")
def login() -> str | Response:
    if current_user() is not None:
        return redirect(safe_next(request.args.get("next")) or url_for("staff.home"))
    return render_template("auth/login.html", email="", next=request.args.get("next", ""))


@blueprint.post("/")
def submit_login() -> tuple[str, int] | Response:
    email = request.form.get("email", "")[:MAX_FIELD]
    password = request.form.get("password", "")[:MAX_FIELD]
    target = safe_next(request.form.get("next"))
    account, client = client_and(f"account:{email.strip().lower()}"), client_key()
    delays, failures = backoff("login-account-client"), window("login-client")
    if delays.wait_seconds(account) > 0 or failures.is_blocked(client):
        error = _("For mange forsøk. Vent litt og prøv igjen.")
        page = render_template("auth/login.html", email=email, next=target or "", error=error)
        return page, 429
    user = authenticate(db_session(), email, password)
    if user is None:
        delays.fail(account)
        failures.count(client)
        error = _("Feil e-postadresse eller passord.")
        page = render_template("auth/login.html", email=email, next=target or "", error=error)
        return page, 422
    delays.clear(account)
    log_in(db_session(), user)
    return redirect(target or url_for("staff.home"))


@blueprint.post("/logout")
def logout() -> Response:
    log_out(db_session())
    return redirect(url_for("auth.login"))
