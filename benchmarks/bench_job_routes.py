"""How long the routes that start heavy work take to answer, now that the work is a job.

A small demo is loaded into a SQLite file; the app runs in-process with the real huey queue
(SqliteHuey in the instance folder) and no worker, so a route's time is its own: validate,
record the job, hand it to the queue, redirect. The goal is under 300 ms for each. As the
reference, in the same run, the export is also written the old way, inside the request's
time (`run_export` directly), which is what the download route cost before. Nothing is
asserted.

    .venv/bin/python benchmarks/bench_job_routes.py
    .venv/bin/python benchmarks/bench_job_routes.py --repeat 30 --pupils 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "benchmark-secret-key-that-is-long-enough"  # noqa: S105 - a throwaway database


def milliseconds(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(times) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def letters_form(
    database: Any, secret: str, project_id: int, user_id: int, count: int
) -> tuple[int, dict[str, Any]]:
    """A batch of staff (or parent) links in the project's first round, as its page posts it."""
    from sqlalchemy import select

    from survey.admin.distribution.operations import make_link_batch
    from survey.models import Round, School, User

    with database.session_scope() as session:
        round_ = session.scalars(
            select(Round).where(Round.project_id == project_id).order_by(Round.id)
        ).first()
        school = session.scalars(select(School).where(School.project_id == project_id)).first()
        kind = "staff" if round_.instrument_for("staff") is not None else "parent"
        group = school.groups[0] if kind == "parent" else None
        user = session.get(User, user_id)
        _batch, tokens = make_link_batch(
            session, user, round_, school, kind, count, secret, group, "nb"
        )
        target = f"{kind}:group:{group.id}" if group else f"{kind}:school:{school.id}"
        return round_.id, {"target": target, "language": "nb", "tokens": tokens}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--pupils", type=int, default=15, help="pupils per class in the demo")
    parser.add_argument("--links", type=int, default=500, help="links in the letters' batch")
    args = parser.parse_args()

    from sqlalchemy import select, update

    from analytics.simulation_design import DEMO_ROUNDS, DemoDesign
    from survey import assets
    from survey.app import create_app
    from survey.db import get_database
    from survey.demo.loader import load_demo
    from survey.exports.package import run_export
    from survey.exports.plan import ExportRequest
    from survey.migrate import upgrade
    from survey.models import BackgroundJob, Project, Response, User

    folder = Path(tempfile.mkdtemp(prefix="trivsel-bench-jobs-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET}, instance_path=str(folder))
    database = get_database(app)
    design = DemoDesign(schools_per_arm=2, rounds=DEMO_ROUNDS[:2], pupils_per_class=args.pupils)
    with database.session_scope() as session:
        load_demo(session, SECRET, design=design)
        project_id = session.scalars(select(Project.id)).first()
        lead = session.scalars(select(User).where(User.role == "project_lead")).first()
        if lead is None:
            lead = session.scalars(select(User).where(User.role == "admin")).first()
        lead.projects = [session.get(Project, project_id)]
        user_id = lead.id
        responses = len(session.scalars(select(Response.id)).all())

    client = app.test_client()
    with client.session_transaction() as browser:
        browser["user_id"] = user_id
        browser["csrf"] = "bench-csrf-token"

    def post(path: str, data: dict[str, str]) -> float:
        began = time.perf_counter()
        reply = client.post(path, data={"csrf_token": "bench-csrf-token", **data})
        took = time.perf_counter() - began
        assert reply.status_code in (302, 303), (path, reply.status_code, reply.text[:300])
        with database.session_scope() as session:  # the worker's part, outside the timing
            session.execute(update(BackgroundJob).values(state="done"))
        return took

    export_url = f"/staff/projects/{project_id}/export/"
    recompute_url = f"/dashboards/project/{project_id}/recompute"
    print(f"demo: {responses} responses; {args.repeat} requests per route\n")
    # As `trivsel serve` does before it forks (survey/server.py): compress the static files
    # once, rather than in the first request. That request also compiles templates and
    # queries, so it is shown on its own.
    assets.prepare(app)
    cold = post(export_url, {"format": "csv"})
    print(f"first request of the process:      {cold * 1000:7.1f} ms (POST export, csv)")
    for fmt in ("csv", "zip"):
        times = [post(export_url, {"format": fmt}) for _ in range(args.repeat)]
        print(f"POST export ({fmt}), queued:        {milliseconds(times)}")
    times = [post(recompute_url, {"next": "/"}) for _ in range(args.repeat)]
    print(f"POST dashboard recompute, queued:  {milliseconds(times)}")
    round_id, letters = letters_form(database, SECRET, project_id, user_id, args.links)
    times = [post(f"/admin/rounds/{round_id}/letters.pdf", letters) for _ in range(args.repeat)]
    print(f"POST letters ({args.links} links), queued: {milliseconds(times)}")

    print("\nreference, the same export written inside the request's time (before):")
    request = ExportRequest(project_id=project_id)
    for fmt in ("csv", "zip"):
        times = []
        for number in range(max(3, args.repeat // 5)):
            with app.test_request_context(), database.session_scope() as session:
                began = time.perf_counter()
                run_export(session, request, fmt, folder / f"reference-{number}.{fmt}")
                times.append(time.perf_counter() - began)
        print(f"export ({fmt}) in the request:      {milliseconds(times)}")


if __name__ == "__main__":
    main()
