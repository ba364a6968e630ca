"""Pupil tablet benchmark: page weight, and answer-save latency for 200 pupils at once.

    .venv/bin/python benchmarks/bench_pupil.py [--pupils 200] [--workers 4] [--threads 8]
                                               [--think 0]

Page weight: every pupil page with everything it loads (HTML, CSS, JavaScript, icon), each
gzip-compressed as a server would send it; the budget is 100 KB. Latency: a gunicorn server
on SQLite (a temporary file) and on PostgreSQL (TRIVSEL_BENCH_DATABASE_URL, default below;
its public schema is dropped and rebuilt, so point it at a database of its own). All pupils
open the survey, wait for each other, then save every answer and submit: by default as fast as
they can (the worst case), or with --think seconds per question on average (a real class).
Figures are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from instruments import bundled_instrument
from survey.app import create_app
from survey.db import get_database, make_engine
from survey.migrate import upgrade
from survey.models import Group, Project, Round, School
from survey.rounds.operations import create_class_codes, freeze_instrument, set_round_instrument
from survey.rounds.queries import open_class_codes

POSTGRES_DEFAULT = "postgresql://trivsel@127.0.0.1:55432/trivsel_bench"
BUDGET = 100 * 1024
CLASSES = 8
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSETS = re.compile(r'<(?:link|script)[^>]+(?:href|src)="(/[^"]+)"')
INSTRUMENT = bundled_instrument("pupil-5-7")


def seed(url: str, secret: str) -> list[str]:
    """An open round with CLASSES classes asking the bundled pupil instrument; their codes."""
    config = {"DATABASE_URL": url, "SECRET_KEY": secret, "LOG_LEVEL": "WARNING"}
    app = create_app(config, instance_path=tempfile.mkdtemp())
    with get_database(app).session_scope() as session:
        project = Project(name="Benchmark", delete_after_on=dt.date(2030, 12, 31))
        school = School(project=project, name="Benk skole", code="B1", arm="intervention")
        for n in range(CLASSES):
            session.add(Group(school=school, grade=5 + n % 3, label=f"{5 + n % 3}{n}", enrolled=25))
        now = dt.datetime.now(dt.UTC)
        round_ = Round(project=project, label="Benk", opens_at=now, closes_at=now + dt.timedelta(1))
        session.add(round_)
        session.flush()
        set_round_instrument(session, round_, freeze_instrument(session, INSTRUMENT))
        round_.status = "open"
        create_class_codes(session, round_, secret)
        session.flush()
        codes = [found.code for found in open_class_codes(session, secret)]
    get_database(app).engine.dispose()
    return codes


def open_survey(browser: requests.Session, base: str, code: str) -> str:
    """Open a class from its QR link, pick bokmål if asked, return the survey page's HTML."""
    page = browser.get(f"{base}/?kode={code}", timeout=120)
    if page.url.endswith("/elev/sprak"):
        token = CSRF_FIELD.search(page.text).group(1)
        data = {"csrf_token": token, "lang": INSTRUMENT.default_language}
        page = browser.post(f"{base}/elev/sprak", data=data, timeout=120)
    return page.text


def page_weight(base: str, code: str) -> None:
    """Print each pupil page's compressed weight with everything it loads."""
    browser = requests.Session()
    survey = open_survey(browser, base, code)
    browser.post(f"{base}/elev/start", data={"csrf_token": CSRF_FIELD.search(survey).group(1)})
    pages = {
        "start (class code)": "/",
        "language": "/elev/sprak",
        "survey (intro + every question)": "/elev/",
        "question, plain form": "/elev/sporsmal/1",
        "thanks, plain form": "/elev/takk",
    }
    print("Page weight (gzip -6), everything each page loads:")
    for name, path in pages.items():
        html = browser.get(f"{base}{path}", timeout=30).text
        parts = {"html": html.encode()}
        for asset in [*ASSETS.findall(html), "/static/favicon.svg"]:
            parts[asset] = browser.get(f"{base}{asset}", timeout=30).content
        raw = sum(len(body) for body in parts.values())
        packed = sum(len(gzip.compress(body, 6)) for body in parts.values())
        verdict = "within" if packed <= BUDGET else "OVER"
        print(f"  {name:34} {packed / 1024:6.1f} KB compressed ({raw / 1024:6.1f} KB raw), "
              f"{len(parts)} requests, {verdict} the 100 KB budget")  # fmt: skip


class Pupil(threading.Thread):
    def __init__(self, base: str, code: str, ready: threading.Barrier, think: float) -> None:
        super().__init__(daemon=True)
        self.base, self.code, self.ready, self.think = base, code, ready, think
        self.browser = requests.Session()
        self.latencies: list[float] = []
        self.failures: Counter[str] = Counter()

    def run(self) -> None:
        try:
            page = open_survey(self.browser, self.base, self.code)
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            token = re.search(r'"classToken":\s*"([^"]+)"', page).group(1)
        except (requests.RequestException, AttributeError) as error:
            self.failures[f"opening: {type(error).__name__}"] += 1
            self.ready.wait()
            return
        self.ready.wait()
        body = {"class_token": token, "language": INSTRUMENT.default_language}
        url = f"{self.base}/api/v1/pupil/responses/{uuid.uuid4()}"
        for number, item in enumerate(INSTRUMENT.items):
            time.sleep(random.uniform(0, 2 * self.think))
            answer = {"declined": True} if number % 7 == 6 else {"value": 1 + number % 5}
            started = time.perf_counter()
            if self.call("PUT", f"{url}/answers/{item.id}", {**body, **answer}, csrf):
                self.latencies.append(time.perf_counter() - started)
        self.call("POST", f"{url}/submit", body, csrf)

    def call(self, method: str, url: str, body: dict, csrf: str) -> bool:
        """One call, tried again once on a dropped connection, as a browser (and the tablet's
        outbox) would; a closed keep-alive connection is not a failure of the app."""
        for attempt in (1, 2):
            try:
                response = self.browser.request(
                    method, url, json=body, headers={"X-CSRF-Token": csrf}, timeout=120
                )
            except requests.ConnectionError as error:
                if attempt == 2:
                    self.failures[type(error).__name__] += 1
                continue
            except requests.RequestException as error:
                self.failures[type(error).__name__] += 1
                return False
            if response.status_code != 200:
                self.failures[f"HTTP {response.status_code}"] += 1
            return response.status_code == 200
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, secret: str, workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "TRIVSEL_DATABASE_URL": url, "TRIVSEL_SECRET_KEY": secret}
    env["TRIVSEL_LOG_LEVEL"] = "WARNING"
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads",
               str(threads), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
               "--timeout", "300", "survey.app:create_app()"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=tempfile.mkdtemp())  # noqa: S603 - our own app
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base}/healthz", timeout=5).ok:
                return server, base
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("the benchmark server did not start")


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def latency(name: str, url: str, args: argparse.Namespace, weigh: bool = False) -> None:
    secret = secrets.token_urlsafe(48)
    upgrade(url)
    codes = seed(url, secret)
    server, base = serve(url, secret, args.workers, args.threads)
    try:
        if weigh:
            page_weight(base, codes[0])
        ready = threading.Barrier(args.pupils)
        pupils = [Pupil(base, codes[n % len(codes)], ready, args.think) for n in range(args.pupils)]
        started = time.perf_counter()
        for pupil in pupils:
            pupil.start()
        for pupil in pupils:
            pupil.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    times = [t * 1000 for pupil in pupils for t in pupil.latencies]
    failures = sum((pupil.failures for pupil in pupils), Counter())
    print(f"Answer saves on {name}: {args.pupils} pupils at once, {len(times)} saves in "
          f"{elapsed:.1f} s ({len(times) / elapsed:.0f}/s), gunicorn {args.workers} workers x "
          f"{args.threads} threads, think time {args.think:g} s")  # fmt: skip
    print(f"  failed: {dict(failures) or 'none'}")
    print(f"  p50 {percentile(times, 0.50):7.1f} ms   p99 {percentile(times, 0.99):7.1f} ms   "
          f"max {max(times, default=float('nan')):7.1f} ms")  # fmt: skip


def postgres_url(url: str) -> str | None:
    try:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except OperationalError as error:
        print(f"PostgreSQL skipped: {url} is not reachable ({type(error).__name__}).")
        print("  Create it with: createdb -h 127.0.0.1 -p 55432 -U trivsel trivsel_bench")
        return None
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a pupil spends on a question"
    )
    args = parser.parse_args()
    # Taken out of the environment: the app refuses TRIVSEL_* settings it does not know.
    postgres = os.environ.pop("TRIVSEL_BENCH_DATABASE_URL", POSTGRES_DEFAULT)
    print(f"Instrument {INSTRUMENT.id} v{INSTRUMENT.version}: {len(INSTRUMENT.items)} questions")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{Path(folder) / 'bench.db'}"
        latency("SQLite", sqlite, args, weigh=True)
    url = postgres_url(postgres)
    if url is not None:
        latency("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
