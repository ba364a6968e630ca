"""Public pages that show each questionnaire exactly as it is asked, ready to print to PDF.

Norwegian practice is to show parents what their children will be asked before a pupil
survey; schools link to or print these pages. No login: the questions are not secret.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from survey.printable import queries

blueprint = Blueprint("printable", __name__, url_prefix="/skjema")


@blueprint.get("/")
def index() -> str:
    return render_template("printable/index.html", listings=queries.listings())


@blueprint.get("/<instrument_id>/<lang>")
def latest(instrument_id: str, lang: str) -> Response:
    """A stable link for letters to parents: the newest version in one language."""
    instrument = queries.find_instrument(instrument_id)
    if instrument is None or lang not in instrument.languages:
        abort(404)
    return redirect(
        url_for(".printed", instrument_id=instrument_id, version=instrument.version, lang=lang)
    )


@blueprint.get("/<instrument_id>/v<int:version>/<lang>")
def printed(instrument_id: str, version: int, lang: str) -> str:
    instrument = queries.find_instrument(instrument_id, version)
    if instrument is None or lang not in instrument.languages:
        abort(404)
    g.lang = lang
    return render_template("printable/instrument.html", page=queries.printable(instrument, lang))
