"""One shape of error: a friendly page for people, JSON with a message for API clients."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        400: _("Noe i forespørselen var feil. Gå tilbake og prøv igjen."),
        403: _("Du har ikke tilgang til denne siden."),
        404: _("Vi fant ikke siden du lette etter."),
        405: _("Det går ikke an å gjøre det her."),
        413: _("Det du sendte, var for stort."),
        422: _("Noe av det du fylte inn, må rettes."),
        429: _("For mange forsøk. Vent litt og prøv igjen."),
        500: _("Noe gikk galt hos oss. Svarene som er sendt, er tatt vare på. Prøv igjen."),
    }


def _wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or request.is_json
        or (request.accept_mimetypes.best == "application/json")
    )


def render_error(
    status: int, description: str | None = None, field_errors: object = None
) -> tuple[Response | str, int]:
    message = _messages().get(status, _messages()[400])
    if description == "csrf":
        message = _("Skjemaet var utløpt. Last siden på nytt og prøv igjen.")
    if _wants_json():
        body: dict[str, object] = {"code": status, "status": "error", "message": message}
        if field_errors:
            body["errors"] = field_errors
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if error.code is None or error.code < 400:
            return error  # type: ignore[return-value]
        data = getattr(error, "data", None) or {}
        body, status = render_error(error.code, error.description, data.get("messages"))
        response = app.make_response((body, status))
        # What the error says about itself: Allow on a 405, WWW-Authenticate on a 401.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers.add(name, value)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[Response | str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
