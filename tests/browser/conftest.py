"""Browser tests: the real app served on loopback, driven by Debian's headless Chromium.

They run on a SQLite file of their own (the server's threads need committed data). Without
Chromium they are skipped, unless TRIVSEL_TEST_REQUIRE_BROWSER is set (CI), then they fail.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from survey.app import create_app
from survey.db import get_database
from survey.jobs.queue import get_queue
from survey.migrate import upgrade
from tests.conftest import CHROMIUM, TEST_SECRET_KEY, browser_missing

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
#: An iPad in portrait, the shared school tablet.
TABLET = {
    "viewport": {"width": 810, "height": 1080},
    "device_scale_factor": 2,
    "has_touch": True,
    "is_mobile": True,
    "locale": "nb-NO",
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    missing = browser_missing()
    if missing is None:
        return
    # With TRIVSEL_TEST_REQUIRE_BROWSER set, tests/conftest.py has already stopped the run.
    skip = pytest.mark.skip(reason=f"browser tests need Chromium: {missing}")
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'trivsel.db'}"
    upgrade(url)
    return create_app(
        {"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY},
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )


@pytest.fixture(scope="session")
def live_server(browser_app: Flask) -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # as in production: no access log
    server = make_server("127.0.0.1", 0, browser_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def seed(browser_app: Flask) -> Callable[[], AbstractContextManager[Session]]:
    """`with seed() as session:` writes data the live server can see (committed)."""

    def open_session() -> AbstractContextManager[Session]:
        return get_database(browser_app).session_scope()

    return open_session


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def guard_origin(context: Any, live_server: str) -> list[str]:
    """Abort every request to another origin; the returned list collects their URLs.

    The route's pattern is a regular expression, which Playwright matches in its driver:
    the app's own requests are never handed to Python and back (a pause on every asset)."""
    foreign: list[str] = []
    origin = re.escape(urlsplit(live_server).netloc)
    elsewhere = re.compile(rf"^(?!(?:https?://{origin}(?:[/?#]|$)|data:|blob:))")

    def guard(route: Any) -> None:
        foreign.append(route.request.url)
        route.abort()

    context.route(elsewhere, guard)
    return foreign


@pytest.fixture
def tablet(browser: Any, live_server: str) -> Iterator[Any]:
    """A page on a touch tablet; the test fails if anything is requested from another origin."""
    context = browser.new_context(base_url=live_server, **TABLET)
    foreign = guard_origin(context, live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert foreign == [], f"requests left the app's origin: {foreign}"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) in the page; return its violations."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def work_until_ready(page: Any, app: Flask) -> None:
    """Run a worker (huey's consumer, one thread) until the open job page offers its file
    (`#job-download`); the page must get there by itself, without a reload."""
    queue = get_queue(app)
    consumer = queue.create_consumer(workers=1, worker_type="thread")
    consumer.start()
    try:
        page.wait_for_selector("#job-download:not([hidden])")
    finally:
        consumer.stop(graceful=True)
        queue.storage.close()
