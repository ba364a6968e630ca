"""Export time and peak memory at 100,000 and 450,000 responses x 40 items.

The data go straight into a SQLite file with bulk inserts (random answers on the pupil
instrument's first 40 items, 2% declined), first 100,000 responses and then up to 450,000.
Each export runs in a fresh process, which reports its own wall time and peak resident memory
(VmHWM), so the figures show whether memory grows with the data. Nothing is asserted.

Two references run in the same run, on the same machine: `read` is the export's database read
alone (the floor of any export), and `pyreadstat` writes the same number of cases and variables
from memory. The databases are kept in a cache folder (~/.cache/trivsel-bench), since building
450,000 responses takes minutes.

Targets (issue 16), 450,000 responses: zip with every format <= 60 s (1,054 s before the work),
sav <= 20 s (196 s before), peak memory <= 400 MB. On 2026-12-04, 2 cores at load 1-2: zip
53.7 s, sav 17.1 s, peak 371 MiB; 100,000 responses: zip 11.0 s, sav 4.1 s; 4,000: zip 0.8 s.

    .venv/bin/python benchmarks/bench_export.py                      # zip and sav, 100k and 450k
    .venv/bin/python benchmarks/bench_export.py --sizes 4000 --formats zip,csv,xlsx,sav,dta
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ITEMS = 40
SCHOOLS = 40
GROUPS_PER_SCHOOL = 8
ROUNDS = 4
BATCH = 20_000
SECRET = "benchmark-secret-key-that-is-long-enough"  # noqa: S105 - a throwaway database


def _app(url: str):
    from survey.app import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING"})


def set_up(url: str) -> dict:
    """The project, its schools, classes and rounds; returns the ids the inserts need."""
    from instruments import bundled_instrument
    from survey.db import get_database
    from survey.migrate import upgrade
    from survey.models import Group, Project, Round, School
    from survey.rounds.operations import freeze_instrument, set_round_instrument

    upgrade(url)
    app = _app(url)
    with app.app_context(), get_database(app).session_scope() as session:
        instrument = bundled_instrument("pupil-5-7")
        items = [item.id for item in instrument.items if item.is_choice][:ITEMS]
        project = Project(name="Benchmark", delete_after_on=dt.date(2030, 1, 1))
        schools = [
            School(
                project=project,
                name=f"Skole {s}",
                code=f"S{s:03}",
                arm=("intervention", "comparison")[s % 2],
            )
            for s in range(SCHOOLS)
        ]
        groups = [
            Group(school=school, grade=5 + g % 3, label=f"{5 + g % 3}{'ABCDEFGH'[g]}", enrolled=25)
            for school in schools
            for g in range(GROUPS_PER_SCHOOL)
        ]
        session.add_all([project, *schools, *groups])
        version = freeze_instrument(session, instrument)
        rounds = []
        for r in range(ROUNDS):
            opens = dt.datetime(2022 + r // 2, 3 if r % 2 else 10, 1, 8, tzinfo=dt.UTC)
            round_ = Round(
                project=project,
                label=f"Runde {r + 1}",
                opens_at=opens,
                closes_at=opens + dt.timedelta(days=21),
            )
            session.add(round_)
            session.flush()
            set_round_instrument(session, round_, version)
            round_.status = "closed"  # an export holds closed rounds only
            rounds.append(round_)
        session.flush()
        return {
            "project": project.id,
            "version": version.id,
            "rounds": [r.id for r in rounds],
            "groups": [(g.school_id, g.id) for g in groups],
            "items": items,
        }


def add_responses(url: str, ids: dict, start: int, stop: int, seed: int) -> None:
    """Responses start..stop-1 with all their answers, in batches of raw inserts."""
    import sqlite3

    rng = np.random.default_rng(seed)
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    groups = ids["groups"]
    for first in range(start, stop, BATCH):
        last = min(first + BATCH, stop)
        picks = rng.integers(0, len(groups), last - first)
        rounds = rng.integers(0, ROUNDS, last - first)
        connection.executemany(
            "INSERT INTO response (id, client_id, round_id, school_id, group_id, respondent_type,"
            " instrument_version_id, language, status, completed_on)"
            " VALUES (?, ?, ?, ?, ?, 'pupil', ?, 'nb', 'complete', ?)",
            (
                (
                    n + 1,
                    f"bench-{n}",
                    ids["rounds"][r],
                    groups[g][0],
                    groups[g][1],
                    ids["version"],
                    "2022-10-05",
                )
                for n, g, r in zip(range(first, last), picks.tolist(), rounds.tolist(), strict=True)
            ),
        )
        values = rng.integers(1, 6, (last - first, ITEMS)).tolist()
        declined = (rng.random((last - first, ITEMS)) < 0.02).tolist()
        connection.executemany(
            "INSERT INTO answer (response_id, item_id, value, text, is_declined)"
            " VALUES (?, ?, ?, NULL, ?)",
            (
                (n + 1, item, None if declined[k][i] else values[k][i], declined[k][i])
                for k, n in enumerate(range(first, last))
                for i, item in enumerate(ids["items"])
            ),
        )
        connection.commit()
    connection.close()


def export_once(url: str, project_id: int, fmt: str, out: str) -> None:
    """In a fresh process: export (or a reference task), then print seconds and peak memory."""
    from survey.db import get_database
    from survey.exports import queries
    from survey.exports.frames import ChunkShaper
    from survey.exports.package import run_export
    from survey.exports.plan import ExportRequest, build_plan

    app = _app(url)
    started = time.perf_counter()
    with app.app_context(), get_database(app).session_scope() as session:
        request = ExportRequest(project_id)
        if fmt == "read":
            # Reference: only the database read every export makes, chunk by chunk.
            columns = ChunkShaper(build_plan(session, request)).item_columns
            chunks = queries.stream_chunks(session, request, columns)
            responses = sum(len(c.responses) for c in chunks)
        elif fmt == "pyreadstat":
            # Reference: pyreadstat writing the same number of cases and variables, all in
            # memory at once, with no database and no labels.
            plan = build_plan(session, request)
            responses = sum(
                1 for _ in session.connection().exec_driver_sql("SELECT id FROM response")
            )
            started = time.perf_counter()
            _write_plain_sav(responses, len(plan.variables), Path(out))
        else:
            responses = run_export(session, request, fmt, Path(out)).responses
    seconds = time.perf_counter() - started
    peak_kib = next(
        int(line.split()[1])
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM")
    )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mib": peak_kib / 1024,
                "responses": responses,
                "bytes": Path(out).stat().st_size if Path(out).exists() else 0,
            }
        )
    )


def _write_plain_sav(rows: int, columns: int, out: Path) -> None:
    import pandas as pd
    import pyreadstat

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.integers(1, 6, (rows, columns)).astype(float),
        columns=[f"v{i}" for i in range(columns)],
    )
    pyreadstat.write_sav(frame, out)


def measure(url: str, project_id: int, fmt: str, folder: Path) -> dict:
    out = folder / f"export.{fmt}"
    run = subprocess.run(  # noqa: S603 - this very script, with our own arguments
        [sys.executable, __file__, "--child", url, str(project_id), fmt, str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    out.unlink(missing_ok=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def cached_database(cache: Path, size: int) -> tuple[str, dict]:
    """A database with `size` responses, built once and kept in `cache` between runs.

    A bigger database starts as a copy of the biggest smaller one in the cache.
    """
    cache.mkdir(parents=True, exist_ok=True)
    shape = f"{ITEMS}x{SCHOOLS}x{GROUPS_PER_SCHOOL}x{ROUNDS}"
    path = cache / f"export-{shape}-{size}.db"
    ids_path = path.with_suffix(".json")
    url = f"sqlite:///{path}"
    if path.exists() and ids_path.exists():
        from survey.migrate import upgrade

        upgrade(url)  # the schema may have moved on since the file was built
        return url, json.loads(ids_path.read_text())
    smaller = sorted(
        (int(p.stem.rsplit("-", 1)[1]), p)
        for p in cache.glob(f"export-{shape}-*.db")
        if p.with_suffix(".json").exists() and int(p.stem.rsplit("-", 1)[1]) < size
    )
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    if smaller:
        done, source = smaller[-1]
        shutil.copyfile(source, partial)
        ids = json.loads(source.with_suffix(".json").read_text())
        from survey.migrate import upgrade

        upgrade(f"sqlite:///{partial}")
    else:
        done = 0
        partial.unlink(missing_ok=True)
        ids = set_up(f"sqlite:///{partial}")
    add_responses(f"sqlite:///{partial}", ids, done, size, seed=size)
    partial.rename(path)
    ids_path.write_text(json.dumps(ids))
    print(f"  (built {size:,} responses in {time.perf_counter() - started:.0f} s, kept in {path})")
    return url, ids


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,450000")
    parser.add_argument("--formats", default="sav,zip")
    parser.add_argument(
        "--references",
        default="read,pyreadstat",
        help="reference tasks measured in the same run (read, pyreadstat; empty for none)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "trivsel-bench",
        help="folder that keeps the benchmark databases between runs",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, project_id, fmt, out = args.child
        export_once(url, int(project_id), fmt, out)
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    formats = args.formats.split(",")
    references = [r for r in args.references.split(",") if r]
    print(
        f"export benchmark: {ITEMS} items per response, {SCHOOLS} schools, {ROUNDS} rounds, SQLite"
    )
    print("references: read = the export's database read alone; pyreadstat = pyreadstat writing")
    print("the same cases x variables from memory. ratio = seconds / read seconds.")
    print(
        f"{'responses':>10} {'answers':>11} {'task':>10} {'seconds':>8} {'ratio':>6} "
        f"{'peak MiB':>9} {'MB out':>8}"
    )
    with tempfile.TemporaryDirectory(prefix="trivsel-bench-export-") as tmp:
        folder = Path(tmp)
        for size in sizes:
            url, ids = cached_database(args.cache, size)
            read_seconds = None
            for task in references + formats:
                figures = measure(url, ids["project"], task, folder)
                if task == "read":
                    read_seconds = figures["seconds"]
                ratio = figures["seconds"] / read_seconds if read_seconds else float("nan")
                print(
                    f"{figures['responses']:>10,} {figures['responses'] * ITEMS:>11,} "
                    f"{task:>10} {figures['seconds']:>8.1f} {ratio:>6.1f} "
                    f"{figures['peak_mib']:>9.0f} {figures['bytes'] / 1e6:>8.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
