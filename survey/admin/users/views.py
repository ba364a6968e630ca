"""User management pages: admins (and project leads, for their own projects) invite users,
change roles and scopes, deactivate and remove users, and send or set passwords.

Every write answers with a redirect (post/redirect/get), so a reload repeats nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response

from survey.accounts.mail import invitation_text, password_link, reset_text, send_after_response
from survey.admin.errors import FieldError
from survey.admin.users import operations
from survey.admin.users.queries import (
    grantable_projects,
    grantable_roles,
    grantable_schools,
    may_manage,
    users_for,
)
from survey.admin.users.schemas import InviteForm, ScopeForm, TemporaryPasswordForm
from survey.admin.view_helpers import acting_user, form_page, lead_required, read_form
from survey.db import db_session
from survey.models import User

blueprint = Blueprint("users", __name__, url_prefix="/users")


def role_names() -> dict[str, str]:
    return {
        "admin": _("Administrator"),
        "project_lead": _("Prosjektleder"),
        "evaluator": _("Evaluator"),
        "school_contact": _("Skolekontakt"),
    }


def _choices() -> dict[str, Any]:
    actor, session = acting_user(), db_session()
    names = role_names()
    return {
        "role_options": [(role, names[role]) for role in grantable_roles(actor)],
        "project_options": [(str(p.id), p.name) for p in grantable_projects(session, actor)],
        "school_options": [
            (str(s.id), f"{s.name} ({s.project.name})") for s in grantable_schools(session, actor)
        ],
        "role_names": names,
    }


def _managed_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None or not may_manage(acting_user(), user):
        abort(404)
    return user


@blueprint.get("/")
@lead_required
def index() -> str:
    actor = acting_user()
    users = users_for(db_session(), actor)
    return render_template(
        "admin/users.html",
        users=users,
        manageable={u.id for u in users if may_manage(actor, u)},
        role_names=role_names(),
    )


@blueprint.get("/new")
@lead_required
def new() -> tuple[str, int]:
    return form_page("admin/user_invite.html", values={"role": "school_contact"}, **_choices())


@blueprint.post("/new")
@lead_required
def invite() -> tuple[str, int] | Response:
    data, errors, raw = read_form(InviteForm(), request.form)
    if data is None:
        return form_page("admin/user_invite.html", 422, values=raw, errors=errors, **_choices())
    actor = acting_user()
    try:
        user, token = operations.invite_user(
            db_session(), actor, data["email"], data["role"], data["projects"], data["schools"]
        )
    except FieldError as error:
        return form_page(
            "admin/user_invite.html", 422, values=raw, errors=error.messages, **_choices()
        )
    flash(_("Invitasjonen er sendt til %(email)s.", email=user.email), "success")
    response = redirect(url_for("admin.users.index"))
    body = invitation_text(password_link(token), actor.email, current_app.config["SUPPORT_CONTACT"])
    send_after_response(response, user.email, "Invitasjon til Trivsel", body)
    return response


def _edit_page(user: User, status: int = 200, **context: Any) -> tuple[str, int]:
    values = context.pop("values", None) or {
        "role": user.role,
        "projects": [str(p.id) for p in user.projects],
        "schools": [str(s.id) for s in user.schools],
    }
    template = "admin/user_edit.html"
    return form_page(template, status, user=user, values=values, **context, **_choices())


@blueprint.get("/<int:user_id>/edit")
@lead_required
def edit(user_id: int) -> tuple[str, int]:
    return _edit_page(_managed_or_404(user_id))


@blueprint.post("/<int:user_id>/edit")
@lead_required
def update(user_id: int) -> tuple[str, int] | Response:
    user = _managed_or_404(user_id)
    data, errors, raw = read_form(ScopeForm(), request.form)
    if data is None:
        return _edit_page(user, 422, values=raw, errors=errors)
    try:
        operations.change_user(
            db_session(), acting_user(), user, data["role"], data["projects"], data["schools"]
        )
    except FieldError as error:
        return _edit_page(user, 422, values=raw, errors=error.messages)
    flash(_("Endringene for %(email)s er lagret.", email=user.email), "success")
    return redirect(url_for("admin.users.index"))


@blueprint.post("/<int:user_id>/deactivate")
@lead_required
def deactivate(user_id: int) -> Response:
    user = _managed_or_404(user_id)
    operations.set_active(db_session(), acting_user(), user, False)
    flash(_("%(email)s kan ikke lenger logge inn.", email=user.email), "success")
    return redirect(url_for("admin.users.edit", user_id=user.id))


@blueprint.post("/<int:user_id>/reactivate")
@lead_required
def reactivate(user_id: int) -> Response:
    user = _managed_or_404(user_id)
    operations.set_active(db_session(), acting_user(), user, True)
    flash(_("%(email)s kan logge inn igjen.", email=user.email), "success")
    return redirect(url_for("admin.users.edit", user_id=user.id))


@blueprint.post("/<int:user_id>/reset-link")
@lead_required
def reset_link(user_id: int) -> Response:
    user = _managed_or_404(user_id)
    token = operations.send_reset_link(db_session(), acting_user(), user)
    flash(_("En lenke for nytt passord er sendt til %(email)s.", email=user.email), "success")
    response = redirect(url_for("admin.users.edit", user_id=user.id))
    body = reset_text(password_link(token), current_app.config["SUPPORT_CONTACT"])
    send_after_response(response, user.email, "Nytt passord til Trivsel", body)
    return response


@blueprint.post("/<int:user_id>/temporary-password")
@lead_required
def temporary_password(user_id: int) -> tuple[str, int] | Response:
    user = _managed_or_404(user_id)
    data, errors, _raw = read_form(TemporaryPasswordForm(), request.form)
    try:
        if data is None:
            raise FieldError("password", errors.get("password", [_("Fyll inn dette feltet.")])[0])
        operations.set_temporary_password(db_session(), acting_user(), user, data["password"])
    except FieldError as error:
        return _edit_page(user, 422, password_errors=error.messages)
    told = _(
        "%(email)s har fått et midlertidig passord. Gi det videre på en trygg måte.",
        email=user.email,
    )
    flash(told, "success")
    return redirect(url_for("admin.users.edit", user_id=user.id))


@blueprint.post("/<int:user_id>/delete")
@lead_required
def remove(user_id: int) -> tuple[str, int] | Response:
    user = _managed_or_404(user_id)
    if request.form.get("confirm") != "yes":
        refused = {"confirm": [_("Kryss av for å bekrefte at brukeren skal fjernes.")]}
        return _edit_page(user, 422, remove_errors=refused)
    email = user.email
    operations.remove_user(db_session(), acting_user(), user)
    flash(_("%(email)s er fjernet.", email=email), "success")
    return redirect(url_for("admin.users.index"))
