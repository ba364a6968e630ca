"""Scale-out on one PostgreSQL: 2 web processes, 2 workers, 50 jobs, one worker killed.

Evaluators ask the two web processes for exports (the form, as in a browser) and the
analysis of the project is asked for several times; mid-way one worker is killed with SIGKILL.
Every job must finish exactly once: done, one audit row per export, one file per export and
no partial file left, though a job the dead worker held was run again by the other.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from analytics.simulation_design import DEMO_ROUNDS, DemoDesign
from survey import assets
from survey.accounts.operations import create_user
from survey.app import create_app
from survey.db import get_database, make_engine
from survey.demo.loader import load_demo
from survey.jobs.queue import enqueue, get_queue
from survey.migrate import upgrade
from survey.models import AuditEvent, BackgroundJob, Project, User
from tests.conftest import POSTGRES_URL, TEST_SECRET_KEY
from tests.reliability.serve_client import CSRF_FIELD, free_port, wait_until_up

pytestmark = [
    pytest.mark.skipif(POSTGRES_URL is None, reason="needs PostgreSQL"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gunicorn runs on Linux"),
]

EXPORTS, ANALYSES = 44, 6
FORMATS = ("csv", "sav", "dta", "xlsx")  # the zip (all of them at once) is the slowest
PASSWORD = "scale-out-password-long-enough"
TINY_DEMO = DemoDesign(schools_per_arm=1, rounds=DEMO_ROUNDS[:2], pupils_per_class=6)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The processes' working folder: their shared instance folder, with the static files
    compressed once here rather than by both web processes at their start."""
    folder = tmp_path_factory.mktemp("scale-out")
    app = create_app({"SECRET_KEY": TEST_SECRET_KEY}, instance_path=str(folder / "instance"))
    assets.prepare(app)
    get_database(app).engine.dispose()
    return folder


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A database of its own on the CI server, with a tiny demo and the evaluators."""
    assert POSTGRES_URL is not None
    own = make_url(POSTGRES_URL)
    name = f"{own.database}_scale_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    server = make_engine(own.set(database="postgres").render_as_string(hide_password=False))
    with server.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    url = own.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": TEST_SECRET_KEY})
    with get_database(app).session_scope() as session:
        load_demo(session, TEST_SECRET_KEY, design=TINY_DEMO)
        project = session.scalars(select(Project)).one()
        first = create_user(session, "forsker0@uni.no", "evaluator", PASSWORD, [project], [])
        for number in range(1, EXPORTS):  # the same password, hashed once
            session.add(
                User(
                    email=f"forsker{number}@uni.no",
                    role="evaluator",
                    password_hash=first.password_hash,
                    projects=[project],
                )
            )
    get_database(app).engine.dispose()
    return url


def _start(command: list[str], folder: Path, url: str, log_name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TRIVSEL_DATABASE_URL": url,
        "TRIVSEL_SECRET_KEY": TEST_SECRET_KEY,
        "TRIVSEL_JOBS_LEASE_SECONDS": "5",
    }
    with (folder / log_name).open("wb") as log:
        return subprocess.Popen(  # our own command, with arguments of our own
            [sys.executable, "-m", "survey.cli", *command],
            cwd=folder,  # the instance folder, with the job files, is shared by all four
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _ask_for_export(base: str, number: int) -> int:
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(f"{base}/login/", timeout=60) as page:
        token = CSRF_FIELD.search(page.read().decode()).group(1)
    form = {"email": f"forsker{number}@uni.no", "password": PASSWORD, "csrf_token": token}
    browser.open(f"{base}/login/", data=urllib.parse.urlencode(form).encode(), timeout=60)
    with browser.open(f"{base}/staff/projects/1/export/", timeout=60) as page:
        token = CSRF_FIELD.search(page.read().decode()).group(1)  # a new session, a new token
    form = {"format": FORMATS[number % len(FORMATS)], "csrf_token": token}
    began = time.monotonic()
    with browser.open(
        f"{base}/staff/projects/1/export/", data=urllib.parse.urlencode(form).encode(), timeout=60
    ) as page:
        assert "/export/jobs/" in page.url, page.url
    return int((time.monotonic() - began) * 1000)


def _job_held_by(log: Path, app, deadline: float) -> int:
    """A job the worker writing `log` has claimed and is running now, once it has done two."""
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace") if log.exists() else ""
        if text.count(" done (attempt ") >= 2:
            claimed = {int(n) for n in re.findall(r"job (\d+) claimed \(attempt", text)}
            finished = {int(n) for n in re.findall(r"job (\d+) done \(attempt", text)}
            running = {job.id for job in _jobs(app) if job.state == "running"}
            if held := (claimed - finished) & running:
                return max(held)  # the latest claimed, the furthest from its end
        time.sleep(0.05)
    raise AssertionError("the first worker never held a job")


def _jobs(app) -> list[BackgroundJob]:
    with get_database(app).session_scope() as session:
        return list(session.scalars(select(BackgroundJob).order_by(BackgroundJob.id)))


def _logs(folder: Path) -> str:
    return "\n".join(
        f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in folder.glob("*.log")
    )


def test_fifty_jobs_finish_exactly_once_though_a_worker_is_killed(database, folder) -> None:
    webs = [free_port(), free_port()]
    processes = []
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": TEST_SECRET_KEY})
    try:
        for number, port in enumerate(webs):
            command = ["serve", "--no-jobs", "--workers", "1", "--port", str(port)]
            processes.append(_start(command, folder, database, f"web{number}.log"))
        for port, process in zip(webs, processes, strict=True):
            wait_until_up(f"http://127.0.0.1:{port}", process)
        with app.app_context(), get_database(app).session_scope() as session:
            for _ in range(ANALYSES):
                enqueue(session, "analysis", project_id=1)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(
                pool.map(
                    lambda n: _ask_for_export(f"http://127.0.0.1:{webs[n % 2]}", n), range(EXPORTS)
                )
            )
        workers = [
            _start(["worker", "--concurrency", "2"], folder, database, f"worker{i}.log")
            for i in range(2)
        ]
        processes += workers
        deadline = time.monotonic() + 240  # hang guards, not timings
        cut_short = _job_held_by(folder / "worker0.log", app, deadline)
        workers[0].send_signal(signal.SIGKILL)  # mid-job: no chance to clean up
        workers[0].wait(timeout=10)
        while not all(job.state in ("done", "failed") for job in _jobs(app)):
            assert time.monotonic() < deadline + 240, Counter(job.state for job in _jobs(app))
            time.sleep(0.5)
        jobs = _jobs(app)
        exports = [job for job in jobs if job.kind == "export"]
        assert [job for job in jobs if job.state != "done"] == []
        assert len(exports) == EXPORTS and sum(job.kind == "analysis" for job in jobs) >= ANALYSES
        assert next(job for job in jobs if job.id == cut_short).attempt > 1
        with get_database(app).session_scope() as session:
            audited = Counter(
                event.details.get("job_id")
                for event in session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "export.created")
                )
            )
            assert session.scalar(select(func.count()).select_from(AuditEvent)) > 0
        assert audited == Counter({job.id: 1 for job in exports})
        stored = sorted(path.name for path in (folder / "instance" / "job-files").iterdir())
        assert stored == sorted(job.file_name for job in exports)
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{_logs(folder)}") from failure
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        get_queue(app).storage.close()  # the connection this process enqueued on
        get_database(app).engine.dispose()
