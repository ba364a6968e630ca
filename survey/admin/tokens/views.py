"""API tokens page: each user makes and revokes their own; a token acts with its user's rights."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from marshmallow import fields
from sqlalchemy import select
from werkzeug import Response

from survey.admin.forms import FormSchema, at_most
from survey.admin.tokens.operations import create_api_token, revoke_api_token
from survey.admin.view_helpers import acting_user, read_form
from survey.auth.access import login_required
from survey.db import db_session
from survey.models import ApiToken

blueprint = Blueprint("tokens", __name__, url_prefix="/api-tokens")


class TokenForm(FormSchema):
    label = fields.String(required=True, validate=at_most(100))


def _page(status: int = 200, **context: object) -> tuple[str, int, dict[str, str]]:
    tokens = db_session().scalars(
        select(ApiToken).where(ApiToken.user_id == acting_user().id).order_by(ApiToken.id)
    )
    context.setdefault("values", {})
    context.setdefault("errors", {})
    page = render_template("admin/tokens.html", tokens=list(tokens), **context)
    return page, status, {"Cache-Control": "no-store"}


#: The new token waits in the user's own session for the one page that shows it (post/redirect/
#: get: a reload of that page makes no second token, and shows the token no more).
SHOWN_ONCE_KEY = "new_api_token"


@blueprint.get("/")
@login_required
def index() -> tuple[str, int, dict[str, str]]:
    new_label, new_token = session.pop(SHOWN_ONCE_KEY, (None, None))
    return _page(new_token=new_token, new_label=new_label)


@blueprint.post("/")
@login_required
def create() -> tuple[str, int, dict[str, str]] | Response:
    data, errors, raw = read_form(TokenForm(), request.form)
    if data is None:
        return _page(422, values=raw, errors=errors)
    row, token = create_api_token(
        db_session(), acting_user(), data["label"], current_app.config["SECRET_KEY"]
    )
    session[SHOWN_ONCE_KEY] = (row.label, token)
    return redirect(url_for("admin.tokens.index"), 303)


@blueprint.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    row = db_session().get(ApiToken, token_id)
    if row is None or row.user_id != acting_user().id:
        abort(404)
    revoke_api_token(db_session(), acting_user(), row)
    flash(_("Nøkkelen er trukket tilbake."), "success")
    return redirect(url_for("admin.tokens.index"))
