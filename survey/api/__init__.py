"""The JSON API: flask-smorest, one OpenAPI document at /api/openapi.json.

Features define their own `flask_smorest.Blueprint`s (url_prefix under /api/v1) and the app
factory registers them here with `register_api_blueprints`.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_smorest import Api, Blueprint

API_KEY = "trivsel.api"


def init_app(app: Flask, blueprints: Iterable[Blueprint]) -> Api:
    app.config.update(
        API_TITLE="Trivsel API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = Api(
        app,
        spec_kwargs={
            "info": {"description": "Administration, response counts and respondent answers."}
        },
    )
    # API clients authenticate with `Authorization: Bearer <token>` (see survey.api.auth).
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.extensions[API_KEY] = api
    return api
