"""The app factory: `create_app(config=None)`, as in Flask's tutorial."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from survey import db
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
    db.init_app(app)

    from survey.public.views import blueprint as public_blueprint

    app.register_blueprint(public_blueprint)

    if app.config["RUN_SCHEDULER"]:
        from survey.scheduler import start_background_scheduler

        start_background_scheduler(app)
    return app
