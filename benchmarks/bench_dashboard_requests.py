"""Server time of one dashboard GET, in the privacy tests' world, beside a static page's.

tests/privacy/test_release.py reads every dashboard page, with every filter and every chart's
CSV, as three roles, three times over; its time is these requests. This builds the same world
(tests/privacy/world.py: four schools, three rounds, the analysis job run as the worker
would), in one transaction on a SQLite file or on the PostgreSQL database you name, and
requests each page through the app in-process as the project lead. The reference in the same
run is the log-in page: a template with no database read, so it shows what the machine and
Flask cost. Nothing is asserted; nothing is committed.

    .venv/bin/python benchmarks/bench_dashboard_requests.py
    .venv/bin/python benchmarks/bench_dashboard_requests.py --repeat 200 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/trivsel_bench
    .venv/bin/python benchmarks/bench_dashboard_requests.py --profile overview
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pages(world) -> dict[str, str]:
    """The pages measured, by a short name, and the reference."""
    project = world.project.id
    base = f"/dashboards/project/{project}"
    school, group = world.schools["A1"], world.groups[("A1", "5A")]
    return {
        "reference: log-in page": "/login/",
        "overview": f"{base}/",
        "overview, parents": f"{base}/?respondent_type=parent",
        "overview CSV": f"{base}/?chart=trend-pupil-trivsel&format=csv",
        "school": f"{base}/school/{school.id}",
        "school CSV": f"{base}/school/{school.id}?chart=school-pupil-trivsel&format=csv",
        "class": f"{base}/school/{school.id}/class/{group.id}",
        "items": f"{base}/items",
        "items CSV": f"{base}/items?chart=item-trivsel_liker_skolen&format=csv",
        "triangulation": f"{base}/triangulation",
        "monitor": f"{base}/monitor",
    }


def statements(engine, client, path: str) -> int:
    """SQL statements one GET sends: each is a round trip to PostgreSQL."""
    from sqlalchemy import event

    sent = []

    def count(*_args) -> None:
        sent.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get(path).close()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def timed(client, path: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each GET: on a busy machine the CPU time of this process
    is the steadier figure (it leaves out PostgreSQL's own time, though)."""
    for _ in range(3):  # warm: templates compiled, plotly assets read
        reply = client.get(path)
        assert reply.status_code == 200, (path, reply.status_code)
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(path).close()
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() - start_cpu))
    return wall, cpu


def chart_keys(client, path: str) -> list[str]:
    """The chart keys a page links as CSV, to check the ones measured exist."""
    import re

    return re.findall(r"chart=([^&\"]+)&amp;format=csv", client.get(path).text)


def run(url: str, repeat: int, profile: str | None) -> None:
    from sqlalchemy.orm import sessionmaker

    from survey.db import make_engine
    from survey.migrate import upgrade
    from tests.conftest import app_on
    from tests.privacy.world import build_privacy_project

    logging.disable(logging.INFO)  # the world's builder and the job log every step
    upgrade(url)
    engine = make_engine(url)
    connection = engine.connect()
    transaction = connection.begin()
    try:
        app = app_on(url, connection)
        session = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")()
        start = time.perf_counter()
        world = build_privacy_project(app, session)
        session.commit()
        print(f"  world built in {time.perf_counter() - start:.1f} s on {engine.dialect.name}")
        client = app.test_client()
        with client.session_transaction() as browser:
            browser["user_id"] = world.users["lead"].id
        found = pages(world)
        for path in found.values():
            if "format=csv" in path:
                page, key = path.split("?")[0], path.split("chart=")[1].split("&")[0]
                assert key in chart_keys(client, page), (key, chart_keys(client, page))
        if profile is not None:
            path = found[profile]
            timed(client, path, 1)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(repeat):
                client.get(path).close()
            profiler.disable()
            print(f"{profile}: {path}, {repeat} GETs")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            return
        print(
            f"{'page':<26}{'median ms':>10}{'p90 ms':>9}{'CPU ms':>9}{'SQL':>5}"
            f"   ({repeat} GETs each)"
        )
        anonymous = app.test_client()  # the log-in page sends a signed-in reader on
        for name, path in found.items():
            reader = anonymous if name.startswith("reference") else client
            wall, cpu = timed(reader, path, repeat)
            p90 = sorted(wall)[int(0.9 * (len(wall) - 1))]
            print(
                f"{name:<26}{statistics.median(wall):>10.2f}{p90:>9.2f}"
                f"{statistics.median(cpu):>9.2f}{statements(engine, reader, path):>5}"
            )
    finally:
        transaction.rollback()
        connection.close()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--database-url", help="a PostgreSQL test database (default: SQLite)")
    parser.add_argument("--profile", help="profile this page (a name of pages()) instead")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args.repeat, args.profile)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.db", args.repeat, args.profile)


if __name__ == "__main__":
    main()
