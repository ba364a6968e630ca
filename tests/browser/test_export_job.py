"""An evaluator asks for an export in Chromium, watches its progress, and downloads a file that
R's haven reads with its labels.

The app is served with the real queue (SqliteHuey) and a worker (huey's consumer, in threads)
started only once the progress page is open, so the page must move from "queued" to the
finished count by itself, without a reload.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from analytics.simulation_design import DEMO_ROUNDS, DemoDesign
from survey.app import create_app
from survey.db import get_database
from survey.demo.loader import demo_password, load_demo
from survey.migrate import upgrade
from tests.browser.conftest import guard_origin, work_until_ready
from tests.conftest import TEST_SECRET_KEY

TINY_DEMO = DemoDesign(schools_per_arm=1, rounds=DEMO_ROUNDS[:2], pupils_per_class=6)
HAVEN_CHECK = """
d <- haven::read_sav(commandArgs(TRUE)[1])
labelled <- sum(vapply(d, haven::is.labelled, logical(1)))
named <- sum(vapply(d, function(x) !is.null(attr(x, "label")), logical(1)))
cat(nrow(d), labelled, named, "\\n")
"""


@pytest.fixture(scope="module")
def export_app(tmp_path_factory) -> Flask:
    url = f"sqlite:///{tmp_path_factory.mktemp('export-db') / 'trivsel.db'}"
    upgrade(url)
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY},
        instance_path=str(tmp_path_factory.mktemp("export-instance")),
    )
    with get_database(app).session_scope() as session:
        load_demo(session, TEST_SECRET_KEY, design=TINY_DEMO)
    return app


@pytest.fixture(scope="module")
def export_server(export_app: Flask) -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, export_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_an_evaluator_watches_the_export_progress_and_r_reads_the_file(
    browser, export_app, export_server, tmp_path
) -> None:
    if shutil.which("Rscript") is None:
        if os.environ.get("TRIVSEL_TEST_REQUIRE_R"):
            pytest.fail("TRIVSEL_TEST_REQUIRE_R is set but Rscript with haven is missing")
        pytest.skip("needs R with haven")
    context = browser.new_context(base_url=export_server, accept_downloads=True, locale="nb-NO")
    foreign = guard_origin(context, export_server)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto("/login/")
    page.fill("input[name=email]", "evaluator@demo.trivsel.no")
    page.fill("input[name=password]", demo_password())
    page.click("button[type=submit]")
    page.goto("/staff/projects/1/export/")
    page.check("input[name=format][value=sav]")
    page.click("form[action$='/export/'] button[type=submit]")
    page.wait_for_url("**/export/jobs/*")
    assert "venter i kø" in page.text_content("#job-state")
    assert page.get_attribute("#job-progress", "value") == "0"
    page.evaluate("window.samePage = true")

    work_until_ready(page, export_app)
    assert page.evaluate("window.samePage") is True, "the page was reloaded"
    done, total = (int(page.get_attribute("#job-progress", n)) for n in ("value", "max"))
    assert done == total > 0
    assert "ferdig" in page.text_content("#job-state")

    with page.expect_download() as download:
        page.click("#job-download a")
    path = Path(tmp_path / "export.sav")
    download.value.save_as(path)
    context.close()
    assert foreign == []
    read = subprocess.run(  # our own script on our own file
        ["Rscript", "-e", HAVEN_CHECK, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    rows, labelled, named = (int(word) for word in read.stdout.split())
    assert rows == total and labelled > 0 and named > 0
