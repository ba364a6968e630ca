"""`trivsel serve` for real: gunicorn and a worker process, started, loaded, stopped.

The drill starts `trivsel serve` on a fresh copy of a small demo (so the start-up analysis
runs and writes while users log in), sends 20 logins and page loads at once, and stops it. It
runs once in `make test`, and 10 times in a row in CI (`CI` set) or with
TRIVSEL_TEST_SERVE_STARTS=N; so do the drills that kill serve and its worker. Every request
has a timeout, so a hung worker fails the test.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select

from analytics.simulation_design import DEMO_ROUNDS, DemoDesign
from survey.app import create_app
from survey.db import get_database
from survey.demo.loader import DEMO_ADMIN_EMAIL, demo_password, load_demo
from survey.migrate import upgrade
from survey.models import Project
from tests.conftest import TEST_SECRET_KEY
from tests.reliability.serve_client import free_port, visit_as_staff, wait_until_up

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="serve runs gunicorn on Linux only"
)

IN_CI = bool(os.environ.get("CI") or os.environ.get("TRIVSEL_TEST_SERVE_STARTS"))
STARTS = int(os.environ.get("TRIVSEL_TEST_SERVE_STARTS") or (10 if IN_CI else 1))
#: Each start costs seconds; `make test` keeps to one, CI runs every drill.
ci_only = pytest.mark.skipif(not IN_CI, reason="a CI drill (CI or TRIVSEL_TEST_SERVE_STARTS)")
VISITORS = 20
SMALL_DEMO = DemoDesign(schools_per_arm=1, rounds=DEMO_ROUNDS[:2], pupils_per_class=12)


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory) -> Path:
    """A SQLite file with a small demo loaded and never analysed; each start gets a copy."""
    path = tmp_path_factory.mktemp("serve") / "demo.db"
    upgrade(f"sqlite:///{path}")
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": TEST_SECRET_KEY})
    with get_database(app).session_scope() as session:
        load_demo(session, TEST_SECRET_KEY, design=SMALL_DEMO)
        assert session.scalar(select(Project.id)) is not None
    get_database(app).engine.dispose()
    return path


class Served:
    """One `trivsel serve` process on a copy of the demo."""

    def __init__(self, demo: Path, folder: Path, **environment: str) -> None:
        folder.mkdir()
        database = folder / "trivsel.db"
        shutil.copyfile(demo, database)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "TRIVSEL_DATABASE_URL": f"sqlite:///{database}",
            "TRIVSEL_SECRET_KEY": TEST_SECRET_KEY,
            **environment,
        }
        command = [sys.executable, "-m", "survey.cli", "serve", "--port", str(self.port)]
        self.log = folder / "serve.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # the starts share instance/ and its static copies
                command, cwd=demo.parent, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.tree = psutil.Process(self.process.pid)

    def children(self) -> dict[str, psutil.Process]:
        """The direct children by role: 'web' (the gunicorn master) and 'worker'."""
        found = {}
        for child in self.tree.children():
            arguments = child.cmdline()
            found["worker" if "worker" in arguments else "web"] = child
        return found

    def everything(self) -> list[psutil.Process]:
        return [self.tree, *self.tree.children(recursive=True)]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, line: str, timeout: float = 120.0) -> None:
        """Until the processes' output holds `line` (the worker may start after the web)."""
        deadline = time.monotonic() + timeout
        while line not in self.output():
            assert time.monotonic() < deadline, f"no {line!r} in {timeout:.0f} s"
            time.sleep(0.2)


def test_serve_answers_twenty_logins_at_once_start_after_start(small_demo, tmp_path) -> None:
    timings = []
    for start in range(STARTS):
        began = time.monotonic()
        served = Served(small_demo, tmp_path / f"start-{start}", TRIVSEL_RUN_SCHEDULER="true")
        wait_until_up(served.base, served.process)
        up = time.monotonic()
        results = visit_as_staff(served.base, DEMO_ADMIN_EMAIL, demo_password(), VISITORS)
        loaded = time.monotonic()
        assert [r for r in results if r.failure] == [], served.output()
        assert sorted(served.children()) == ["web", "worker"]
        # One scheduler in the whole tree, the worker's, though TRIVSEL_RUN_SCHEDULER says yes.
        served.wait_for("worker started with")
        assert served.output().count("worker started with") == 1
        assert served.output().count("scheduled analysis.recompute_models ") == 1
        processes = served.everything()
        served.process.send_signal(signal.SIGTERM)
        assert served.process.wait(timeout=60) == 0, served.output()
        _, alive = psutil.wait_procs(processes, timeout=10)
        assert alive == []
        assert "Traceback" not in served.output()
        timings.append((up - began, loaded - up, time.monotonic() - loaded))
    print_timings(timings)


@ci_only
def test_the_web_server_and_the_worker_end_when_serve_is_killed(small_demo, tmp_path) -> None:
    served = Served(small_demo, tmp_path / "killed")
    wait_until_up(served.base, served.process)
    children = served.everything()[1:]
    served.process.kill()  # no chance to clean up: the kernel tells the children
    served.process.wait(timeout=10)
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == []


@ci_only
def test_serve_stops_the_web_server_when_its_worker_dies(small_demo, tmp_path) -> None:
    served = Served(small_demo, tmp_path / "worker-died")
    wait_until_up(served.base, served.process)
    children = served.everything()[1:]
    served.children()["worker"].kill()
    assert served.process.wait(timeout=60) == 1
    _, alive = psutil.wait_procs(children, timeout=10)
    assert alive == []
    assert "the worker process ended" in served.output()


def print_timings(timings: list[tuple[float, float, float]]) -> None:
    """Shown with `pytest -s`: how long each start, load and stop took."""
    for start, (up, loaded, stopped) in enumerate(timings, 1):
        visits = f"{VISITORS} visitors {loaded:.1f} s"
        print(f"start {start}: up {up:.1f} s, {visits}, stopped {stopped:.1f} s")
    total = sum(sum(timing) for timing in timings)
    print(f"{len(timings)} starts in {total:.1f} s")
