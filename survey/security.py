"""Protections every page gets: CSRF tokens on forms and strict security headers."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, abort, request, session

CSRF_SESSION_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Production is served over HTTPS only; browsers remember that for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

#: No inline script, nothing from other origins, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def csrf_token() -> str:
    """The session's CSRF token, made on first use; put it in every form."""
    token = session.get(CSRF_SESSION_KEY)
    if token is None:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def _csrf_exempt(app: Flask) -> bool:
    view = app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "csrf_exempt", False))


def csrf_exempt(view):
    """For endpoints authenticated by something other than the session (API tokens)."""
    view.csrf_exempt = True
    return view


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def check_csrf() -> None:
        if request.method not in UNSAFE_METHODS or _csrf_exempt(app):
            return
        if request.routing_exception is not None:
            return  # no view runs: Flask answers 404 or 405 (with Allow), not a CSRF error
        expected = session.get(CSRF_SESSION_KEY)
        given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
        if not expected or not given or not hmac.compare_digest(expected, given):
            abort(400, description="csrf")

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config["ENV"] == "production":
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        return response
