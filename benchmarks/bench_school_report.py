"""Server time for a school report (PDF) of the demo project, beside an information letter.

The demo is loaded into a throwaway SQLite database and analysed as the job does; then, for
one school and the last closed round, the report is built in a request context: its snapshot
read, and the PDF with its charts. The reference in the same run is the one-page information
letter of the same school, the PDF the service already makes in a request. A report above
~300 ms is heavy work for a request and a candidate for the job queue. Nothing is asserted.

    .venv/bin/python benchmarks/bench_school_report.py
    .venv/bin/python benchmarks/bench_school_report.py --repeat 10
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "benchmark-secret-key-that-is-long-enough"  # noqa: S105 - a throwaway database


def timed(what, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        what()
        times.append(1000 * (time.perf_counter() - started))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import select

    from survey.admin.distribution.letters import InformationLetter, information_letter_pdf
    from survey.analysis.operations import analyze_project
    from survey.app import create_app
    from survey.db import db_session, get_database
    from survey.demo.loader import load_demo
    from survey.migrate import upgrade
    from survey.models import Project, School
    from survey.reports.build import school_report_pdf
    from survey.reports.queries import report_rounds, school_report

    folder = Path(tempfile.mkdtemp(prefix="trivsel-bench-report-"))
    url = f"sqlite:///{folder / 'trivsel.db'}"
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    database = get_database(app)
    started = time.perf_counter()
    with app.app_context(), database.session_scope() as session:
        load_demo(session, SECRET)
    with app.app_context(), database.session_scope() as session:
        project_id = session.scalar(select(Project.id))
        analyze_project(session, project_id)
    print(f"demo loaded and analysed in {time.perf_counter() - started:.0f} s")

    with app.test_request_context():
        session = db_session()
        project = session.get(Project, project_id)
        school = session.scalar(select(School).where(School.project_id == project_id))
        round_ = report_rounds(session, project_id)[-1]
        letter = InformationLetter(
            "nb", school.name, round_.opens_at, round_.closes_at, 10, "https://example.no/q"
        )
        school_report_pdf(session, project, school, round_, "nb")  # fonts and caches warm
        read = timed(lambda: school_report(session, project, school, round_, "nb"), args.repeat)
        report = timed(
            lambda: school_report_pdf(session, project, school, round_, "nb"), args.repeat
        )
        reference = timed(lambda: information_letter_pdf(letter), args.repeat)
        pages = school_report_pdf(session, project, school, round_, "nb").count(b"/Type /Page\n")
        print(f"school report of {school.name}, {round_.label}: {pages} pages")
    for name, times in (
        ("snapshot read", read),
        ("report, read + PDF", report),
        ("reference: information letter PDF", reference),
    ):
        print(f"  {name:36} median {statistics.median(times):7.0f} ms  (n={len(times)})")
    ratio = statistics.median(report) / statistics.median(reference)
    print(f"  report / information letter: {ratio:.1f}x")


if __name__ == "__main__":
    main()
