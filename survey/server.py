"""Serving with gunicorn (Linux) or, elsewhere, with Werkzeug's server."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from survey.db import get_database


class AnonymousRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without its request log, and with no client address in its errors:
    respondent routes must log no IP address or user agent (DESIGN.md, privacy)."""

    def address_string(self) -> str:
        return "-"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


def gunicorn_settings(host: str, port: int, workers: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": 4,
        "accesslog": None,  # respondent routes must log no IP address or user agent
    }


def serve(app: Flask, host: str, port: int, workers: int, run_jobs: bool) -> None:
    if not sys.platform.startswith("linux"):
        if run_jobs:
            from survey.scheduler import start_background_scheduler

            start_background_scheduler(app)
        app.run(host=host, port=port, request_handler=AnonymousRequestHandler)
        return

    from gunicorn.app.base import BaseApplication

    def when_ready(_server: Any) -> None:
        # The jobs run once, in the master process, not once per worker.
        if run_jobs:
            from survey.scheduler import start_background_scheduler

            start_background_scheduler(app)

    def post_fork(_server: Any, _worker: Any) -> None:
        get_database(app).engine.dispose(close=False)

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
            settings = gunicorn_settings(host, port, workers)
            settings.update(when_ready=when_ready, post_fork=post_fork)
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> Flask:
            return app

    Gunicorn().run()
