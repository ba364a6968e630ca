"""The live response monitor: answered against enrolled, per school and class, refreshing."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from survey import clock
from survey.admin.view_helpers import acting_user, monitor_required
from survey.auth.access import round_or_404, visible_school_ids
from survey.db import db_session
from survey.rounds.counts import round_counts, totals

blueprint = Blueprint("monitor", __name__, url_prefix="/rounds/<int:round_id>/monitor")

#: How often the page fetches new counts; `?refresh=` may ask for between these.
REFRESH_SECONDS, MIN_REFRESH, MAX_REFRESH = 30, 2, 600


def _context(round_id: int) -> dict:
    round_ = round_or_404(round_id)
    user = acting_user()
    schools = round_counts(db_session(), round_, visible_school_ids(user, round_.project_id))
    now = clock.utcnow()
    return {
        "project": round_.project,
        "round": round_,
        "schools": schools,
        "totals": totals(schools),
        "updated_at": now,
        "days_left": max((round_.closes_at - now).days, 0),
    }


@blueprint.get("/")
@monitor_required
def show(round_id: int) -> str:
    refresh = request.args.get("refresh", REFRESH_SECONDS, type=int)
    refresh = min(max(refresh, MIN_REFRESH), MAX_REFRESH)
    return render_template("admin/monitor.html", refresh=refresh, **_context(round_id))


@blueprint.get("/counts")
@monitor_required
def counts(round_id: int) -> tuple[str, int, dict[str, str]]:
    """Just the tables, for the page to swap in without reloading."""
    page = render_template("admin/_monitor_counts.html", **_context(round_id))
    return page, 200, {"Cache-Control": "no-store"}
