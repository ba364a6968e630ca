"""The JSON API: flask-smorest, one OpenAPI document at /api/openapi.json.

Features define their own `flask_smorest.Blueprint`s (url_prefix under /api/v1) and the app
factory registers them here with `register_api_blueprints`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apispec import BasePlugin
from flask import Flask
from flask_smorest import Api, Blueprint

from survey import security
from survey.api.schemas import ErrorOut

API_KEY = "trivsel.api"
UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})

#: The errors an operation can answer, each a response component with the one error body.
ERRORS = {
    400: (
        "BadRequest",
        "The request cannot be read (a body that is not JSON, say), or a call without an API "
        "token lacks the session's X-CSRF-Token header.",
    ),
    401: ("Unauthorized", "No valid API token in `Authorization: Bearer <token>`."),
    403: ("Forbidden", "The token's user may not do this."),
    404: ("NotFound", "No such id, or none the token's user may see."),
    413: ("PayloadTooLarge", "The body is larger than the app accepts."),
    415: ("UnsupportedMediaType", "The body is not application/json."),
    422: ("UnprocessableEntity", "The input is invalid; `errors` says where and why."),
    503: (
        "TryAgain",
        "The database is out of reach for a moment: send the call again after Retry-After.",
    ),
}

#: The session's CSRF token, which a call without an API token must repeat (survey.security).
CSRF_HEADER = {
    "in": "header",
    "name": security.CSRF_HEADER,
    "required": True,
    "schema": {"type": "string"},
    "description": "The CSRF token of the session, as the page that makes the call gives it.",
}


class TrivselApi(Api):
    """flask-smorest's Api with Trivsel's error body and no catch-all "default" response."""

    ERROR_SCHEMA = ErrorOut
    DEFAULT_ERROR_RESPONSE_NAME = None


class AppWideRules(BasePlugin):
    """Documents in each operation what the app checks before any API view runs, so a client
    (and tests/security/test_openapi_fuzz.py) can rely on the list: a token route answers 401
    and 403, a route with an id 404, a write 415 and 422, any route 400, 413 and 503; a write
    without a token needs the session's X-CSRF-Token header. Other errors (409) are
    documented on their route."""

    def operation_helper(
        self, path: str | None = None, operations: dict | None = None, **kwargs: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            codes = {400, 413, 503}
            if operation.get("security"):
                codes |= {401, 403}
            elif method in UNSAFE_METHODS:
                operation.setdefault("parameters", []).append(CSRF_HEADER)
            if path and "{" in path:
                codes.add(404)
            if method in UNSAFE_METHODS:
                codes |= {415, 422}
            responses = operation.setdefault("responses", {})
            documented = {str(code) for code in responses}
            for code in sorted(codes):
                if str(code) not in documented:
                    responses[code] = ERRORS[code][0]


def _register_error_responses(api: Api) -> None:
    for code, (name, description) in ERRORS.items():
        response: dict[str, Any] = {
            "description": description,
            "content": {"application/json": {"schema": ErrorOut}},
        }
        if code == 503:
            response["headers"] = {
                "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
            }
        api.spec.components.response(name, response)


def init_app(app: Flask, blueprints: Iterable[Blueprint]) -> Api:
    app.config.update(
        API_TITLE="Trivsel API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = TrivselApi(
        app,
        spec_kwargs={
            "info": {"description": "Administration, response counts and respondent answers."},
            "extra_plugins": [AppWideRules()],
        },
    )
    # API clients authenticate with `Authorization: Bearer <token>` (see survey.api.auth).
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    _register_error_responses(api)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.extensions[API_KEY] = api
    return api
