"""Link batch pages: a batch's links to download (again, while the round is open), and voiding.

A batch is made by `views.make_links`, which redirects here, so reloading this page shows the
same links again and never makes new ones.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug import Response

from survey.admin.distribution import operations, queries
from survey.admin.distribution.files import link_url
from survey.admin.view_helpers import acting_user, lead_required
from survey.auth.access import round_or_404
from survey.db import db_session
from survey.models import LinkBatch

blueprint = Blueprint("batches", __name__, url_prefix="/rounds/<int:round_id>/batches")

NO_STORE = {"Cache-Control": "no-store"}


def batch_or_404(round_id: int, batch_id: int) -> LinkBatch:
    round_ = round_or_404(round_id)
    batch = db_session().get(LinkBatch, batch_id)
    if batch is None or batch.round_id != round_.id:
        abort(404)
    return batch


def target_of(batch: LinkBatch) -> str:
    """The batch's target in the form the download forms post."""
    if batch.group_id is not None:
        return f"{batch.respondent_type}:group:{batch.group_id}"
    return f"{batch.respondent_type}:school:{batch.school_id}"


@blueprint.get("/<int:batch_id>")
@lead_required
def show(round_id: int, batch_id: int) -> tuple[str, int, dict[str, str]]:
    return _batch_page(batch_or_404(round_id, batch_id), 200)


def _batch_page(
    batch: LinkBatch, status: int, void_errors: dict[str, list[str]] | None = None
) -> tuple[str, int, dict[str, str]]:
    round_id = batch.round_id
    round_ = round_or_404(round_id)
    tokens = queries.batch_tokens(batch, current_app.config["SECRET_KEY"])
    page = render_template(
        "admin/links_made.html",
        project=round_.project,
        round=round_,
        batch=batch,
        school=batch.school,
        group=batch.group,
        respondent_type=batch.respondent_type,
        target=target_of(batch),
        language=batch.language,
        tokens=tokens or [],
        sample_url=link_url(tokens[0]) if tokens else None,
        void_errors=void_errors or {},
    )
    return page, status, NO_STORE


@blueprint.post("/<int:batch_id>/void")
@lead_required
def void(round_id: int, batch_id: int) -> Response | tuple[str, int, dict[str, str]]:
    batch = batch_or_404(round_id, batch_id)
    if not batch.is_voided and request.form.get("confirm") != "yes":
        message = _("Kryss av for å bekrefte at lenkene i bunken skal ugyldiggjøres.")
        refused = {"confirm": [message]}
        return _batch_page(batch, 422, void_errors=refused)
    if batch.is_voided:
        flash(_("Bunken var allerede ugyldiggjort."), "info")
    else:
        voided = operations.void_link_batch(db_session(), acting_user(), batch)
        flash(_("%(count)d lenker er ugyldiggjort.", count=voided), "success")
    return redirect(url_for("admin.distribution.show", round_id=round_id) + "#batches", 303)
