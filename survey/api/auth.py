"""Token authentication for API clients: `Authorization: Bearer <token>`, acting as its user.

API routes accept no session cookie, so cross-site requests cannot ride on a browser login and
the routes are exempt from the CSRF check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, request
from sqlalchemy import select
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from survey.admin.tokens.operations import api_token_hash
from survey.clock import today_in_norway
from survey.db import db_session
from survey.models import ApiToken, User

F = TypeVar("F", bound=Callable[..., Any])

#: The security requirement to put in the OpenAPI document of each route.
SECURITY = [{"bearerAuth": []}]


def _token_user() -> User | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    row = db_session().scalar(
        select(ApiToken).where(
            ApiToken.token_hash == api_token_hash(current_app.config["SECRET_KEY"], token.strip())
        )
    )
    if row is None or not row.is_active or not row.user.is_active:
        return None
    today = today_in_norway()
    if row.last_used_on != today:
        row.last_used_on = today
    return row.user


def token_required(*roles: str) -> Callable[[F], F]:
    """A valid API token whose user has one of `roles` (admins always pass)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = _token_user()
            if user is None:
                raise Unauthorized(www_authenticate=WWWAuthenticate("Bearer"))
            if user.role != "admin" and user.role not in roles:
                abort(403)
            g.user = user  # what survey.auth.access.current_user() answers from now on
            return view(*args, **kwargs)

        wrapped.csrf_exempt = True  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


READERS = ("project_lead", "evaluator", "school_contact")
WRITERS = ("project_lead",)
