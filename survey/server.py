"""Serving requests with gunicorn (Linux) or, elsewhere, with Werkzeug's server; no jobs."""

from __future__ import annotations

import sys
from typing import Any

from flask import Flask
from sqlalchemy.orm import configure_mappers
from werkzeug.serving import WSGIRequestHandler

from survey import assets
from survey.db import get_database
from survey.processes import leave_at_once


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
        "graceful_timeout": 10,
        "control_socket_disable": True,  # gunicorn 27's socket is one path for all instances
        "accesslog": None,  # respondent routes must log no IP address or user agent
    }


def serve(app: Flask, host: str, port: int, workers: int) -> None:
    """Answer requests until stopped. No job runs here: `trivsel worker` runs them."""
    # Workers fork from this process: configure the mappers once, here, not in each worker's
    # first requests, where threads raced to do it (RecursionError in a login).
    configure_mappers()
    assets.prepare(app)  # compress the static files once, not in every worker
    if not sys.platform.startswith("linux"):
        app.run(host=host, port=port, request_handler=AnonymousRequestHandler)
        return

    from gunicorn.app.base import BaseApplication

    def post_fork(_server: Any, _worker: Any) -> None:
        get_database(app).engine.dispose(close=False)

    def worker_exit(_server: Any, _worker: Any) -> None:
        """A worker that stopped serving leaves at once, with the exit code it was leaving with."""
        get_database(app).engine.dispose()
        leaving = sys.exc_info()[1]  # gunicorn calls this hook while its SystemExit propagates
        code = leaving.code if isinstance(leaving, SystemExit) else 0 if leaving is None else 1
        leave_at_once(code if isinstance(code, int) else 1)

    class Gunicorn(BaseApplication):
        def load_config(self) -> None:
            settings = gunicorn_settings(host, port, workers)
            settings.update(post_fork=post_fork, worker_exit=worker_exit)
            for name, value in settings.items():
                if name in self.cfg.settings:  # control_socket_disable is new in gunicorn 27
                    self.cfg.set(name, value)

        def load(self) -> Flask:
            return app

    Gunicorn().run()
