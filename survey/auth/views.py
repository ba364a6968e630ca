"""Staff login and logout pages."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug import Response

from survey.accounts.mail import password_link, reset_text, send_after_response
from survey.accounts.operations import EMAIL, MIN_PASSWORD_LENGTH
from survey.accounts.tokens import redeem_token, valid_token
from survey.admin.users.operations import send_reset_link
from survey.auth.access import current_user, safe_next
from survey.auth.operations import authenticate, log_in, log_out
from survey.db import db_session
from survey.models import User
from survey.ratelimit import account_key, backoff, client_and, client_key, window
from survey.wellformed import has_hidden_controls, without_hidden_controls

blueprint = Blueprint("auth", __name__, url_prefix="/login")

MAX_FIELD = 300
#: A page with a one-time token in its address is kept in no cache.
NO_STORE = {"Cache-Control": "no-store"}


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


@blueprint.get("/forgot")
def forgot_password() -> str:
    return render_template("auth/forgot.html", email="")


@blueprint.post("/forgot")
def request_reset() -> tuple[str, int] | Response:
    """Mail a reset link if the address is a user's; the answer is the same either way."""
    email = request.form.get("email", "")[:MAX_FIELD].strip().lower()
    if not email:
        error = _("Fyll inn e-postadressen din.")
        return render_template("auth/forgot.html", email="", error=error), 422
    if len(email) > 254 or not EMAIL.match(email) or has_hidden_controls(email):
        error = _("Skriv en gyldig e-postadresse.")
        shown = without_hidden_controls(email)
        return render_template("auth/forgot.html", email=shown, error=error), 422
    clients, accounts = window("reset-client"), window("reset-account")
    client = client_key()
    response = redirect(url_for("auth.reset_sent"))
    if clients.is_blocked(client):
        error = _("For mange forsøk. Vent litt og prøv igjen.")
        return render_template("auth/forgot.html", email=email, error=error), 429
    clients.count(client)
    account = account_key(f"reset:{email}")
    user = db_session().scalar(select(User).filter_by(email=email))
    if user is not None and user.is_active and not accounts.is_blocked(account):
        accounts.count(account)
        token = send_reset_link(db_session(), None, user)
        body = reset_text(password_link(token), current_app.config["SUPPORT_CONTACT"])
        send_after_response(response, user.email, "Nytt passord til Trivsel", body)
    return response


@blueprint.get("/forgot/sent")
def reset_sent() -> str:
    return render_template("auth/reset_sent.html")


@blueprint.get("/set-password/<token>")
def set_password(token: str) -> tuple[str, int, dict[str, str]]:
    row = valid_token(db_session(), token)
    if row is None:
        return render_template("auth/link_invalid.html"), 404, NO_STORE
    page = render_template("auth/set_password.html", purpose=row.purpose, email=row.user.email)
    return page, 200, NO_STORE


@blueprint.post("/set-password/<token>")
def save_password(token: str) -> tuple[str, int, dict[str, str]] | Response:
    row = valid_token(db_session(), token)
    if row is None:
        return render_template("auth/link_invalid.html"), 404, NO_STORE
    password = request.form.get("password", "")[:MAX_FIELD]
    repeated = request.form.get("password_again", "")[:MAX_FIELD]
    error = password_problem(password, repeated)
    if error:
        page = render_template(
            "auth/set_password.html", purpose=row.purpose, email=row.user.email, error=error
        )
        return page, 422, NO_STORE
    redeem_token(db_session(), row, password)
    flash(_("Passordet er lagret. Logg inn med det nye passordet."), "success")
    return redirect(url_for("auth.login"))


def password_problem(password: str, repeated: str) -> str | None:
    """What is wrong with a new password, in the reader's language; None if nothing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Passordet må ha minst %(n)d tegn.", n=MIN_PASSWORD_LENGTH)
    if password != repeated:
        return _("De to passordene er ikke like.")
    return None
