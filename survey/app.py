"""The app factory: `create_app(config=None)`, as in Flask's tutorial."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from survey import assets, db, errors, i18n, ratelimit, security, wellformed
from survey.config import build_config


def create_app(config: Mapping[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: defaults, then TRIVSEL_* environment variables, then `config`."""
    app = Flask(
        __name__,
        instance_path=instance_path or str(Path.cwd() / "instance"),
        instance_relative_config=True,
    )
    app.config.update(build_config(config, app.instance_path))
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    _trust_proxies(app)
    db.init_app(app)
    i18n.init_app(app)
    wellformed.init_app(app)  # before anything reads the request
    security.init_app(app)
    ratelimit.init_app(app)
    _register_blueprints(app)
    errors.init_app(app)  # after the API, so one error shape wins everywhere
    assets.init_app(app)  # after the blueprints, whose static folders and routes it serves

    @app.context_processor
    def user_context() -> dict[str, Any]:
        from survey.auth.access import current_user

        return {"current_user": current_user()}

    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address and scheme from the headers
    those proxies set (werkzeug's ProxyFix), and only from them: a client cannot forge more."""
    count = app.config["TRUSTED_PROXIES"]
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def _register_blueprints(app: Flask) -> None:
    """Every feature's blueprint, listed here explicitly (no discovery)."""
    from survey import api
    from survey.admin.views import blueprint as admin
    from survey.api.v1 import blueprints as admin_api
    from survey.auth.views import blueprint as auth
    from survey.exports.views import blueprint as exports
    from survey.links.views import blueprint as links
    from survey.printable.views import blueprint as printable
    from survey.public.views import blueprint as public
    from survey.pupil.api import blueprint as pupil_api
    from survey.pupil.views import blueprint as pupil
    from survey.reports.views import blueprint as reports
    from survey.staff.views import blueprint as staff

    for blueprint in (public, pupil, auth, staff, exports, admin, links, printable, reports):
        app.register_blueprint(blueprint)
    from survey.dashboards.views import blueprint as dashboards

    app.register_blueprint(dashboards)

    # JSON API blueprints (flask_smorest.Blueprint), documented in /api/openapi.json.
    api_blueprints: list = [pupil_api, *admin_api]
    api.init_app(app, api_blueprints)
