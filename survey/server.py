"""Serving with gunicorn (Linux) or, elsewhere, with Werkzeug's server."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask

from survey.db import get_database


def serve(app: Flask, host: str, port: int, workers: int, run_jobs: bool) -> None:
    if not sys.platform.startswith("linux"):
        if run_jobs:
            from survey.scheduler import start_background_scheduler

            start_background_scheduler(app)
        app.run(host=host, port=port)
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
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", None)  # respondent routes must log no IP or user agent
            self.cfg.set("when_ready", when_ready)
            self.cfg.set("post_fork", post_fork)

        def load(self) -> Flask:
            return app

    Gunicorn().run()
