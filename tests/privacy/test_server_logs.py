"""Neither server logs a respondent's address or user agent (DESIGN.md: no IP addresses or user
agents for respondents). gunicorn runs without an access log; the Werkzeug server, used where
gunicorn is not (off Linux), logs no request and names no client."""

from __future__ import annotations

import logging
import threading
import urllib.request

import pytest
from flask import Flask
from werkzeug.serving import make_server

from survey.server import AnonymousRequestHandler, gunicorn_settings


def test_the_werkzeug_server_logs_no_request_and_no_address(caplog) -> None:
    app = Flask(__name__)
    app.add_url_rule("/", "ok", lambda: "ok")
    app.add_url_rule("/fails", "fails", lambda: 1 / 0)
    server = make_server("127.0.0.1", 0, app, request_handler=AnonymousRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with caplog.at_level(logging.DEBUG):
            headers = {"User-Agent": "Pupil-Tablet/9"}
            request = urllib.request.Request(base + "/", headers=headers)  # noqa: S310 - loopback
            assert urllib.request.urlopen(request).read() == b"ok"  # noqa: S310 - loopback
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(base + "/fails")  # noqa: S310 - loopback
    finally:
        server.shutdown()
        thread.join()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "127.0.0.1" not in logged
    assert "Pupil-Tablet" not in logged
    assert "GET /" not in logged


def test_gunicorn_is_configured_without_an_access_log() -> None:
    assert gunicorn_settings("127.0.0.1", 5000, 4)["accesslog"] is None
