"""A national morning's load: 1,000 pupils answer a 40-item survey with autosave, on gunicorn
and PostgreSQL, beside a minimal insert-one-row endpoint as the reference for this machine.

    .venv/bin/python benchmarks/bench_load.py
    .venv/bin/python benchmarks/bench_load.py --pupils 1000 --items 40 --workers 2 --paced-rate 300

A fresh database (`--database`, dropped before and after) on the PostgreSQL server of
TRIVSEL_BENCH_POSTGRES (default below) gets `trivsel db upgrade` and `trivsel demo`, and
`trivsel serve --no-jobs` serves it. Each pupil is a tablet on loopback, a thread with a
keep-alive connection: it opens its class from a class code (session cookie + CSRF token), then
saves each answer with a PUT and submits, through an outbox that retries like the tablet's
(`benchmarks/load/tablet.py`). Phases:

1. all pupils at once, each sending as soon as its previous call is answered: answers/s;
2. paced: `--paced-rate` answers/s offered for `--paced-seconds` (new pupils on the same
   tablets, each answering every pupils/rate seconds); if the server cannot keep that pace,
   once more at half the throughput of phase 1, where latency is not only queueing;
3. the reference endpoint (`benchmarks/load/reference.py`) as in phase 1.

After each trivsel phase the database is read back: every answer, response and submit must be
stored exactly once. Before each phase the database settles (VACUUM ANALYZE, CHECKPOINT, a
pause), so that no phase pays for the burst before it. Timings are printed, never asserted:
this machine has few cores and may be busy with other work, so the load average and the CPU
per answer are printed beside them.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.load import stack
from benchmarks.load.check import load_average, settle, verify_stored
from benchmarks.load.phases import (
    INSTRUMENT,
    open_tablets,
    paced_pupils,
    pupils_on,
    reference_path,
    run_phase,
    survey_items,
)
from benchmarks.load.tablet import Pupil, Tablet

POSTGRES_DEFAULT = "postgresql://trivsel@127.0.0.1:55432/postgres"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=1000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn workers, 4 threads each (2 is the default of `trivsel serve`)",
    )
    parser.add_argument("--paced-rate", type=float, default=300.0, help="answers per second")
    parser.add_argument("--paced-seconds", type=float, default=30.0)
    parser.add_argument("--database", default=f"trivsel_bench_load_{os.getpid()}")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    server_url = os.environ.get("TRIVSEL_BENCH_POSTGRES", POSTGRES_DEFAULT)
    try:
        database_url = stack.fresh_database(server_url, args.database)
    except Exception as error:
        print(f"Load benchmark skipped: PostgreSQL at {server_url} is not reachable ({error}).")
        return
    try:
        with tempfile.TemporaryDirectory() as folder:
            exactly_once = run(args, database_url, folder)
    finally:
        if not args.keep:
            stack.drop_database(server_url, args.database)
    if not exactly_once:  # a correctness failure, unlike any timing
        sys.exit("FAIL: an answer or a response was lost or stored twice.")


def run(args: argparse.Namespace, database_url: str, folder: str) -> bool:
    """The phases; True when every trivsel phase stored each answer exactly once."""
    rng = random.Random(9)
    items = survey_items(args.items)
    env = stack.trivsel_env(database_url, secrets.token_urlsafe(48))
    codes = stack.load_demo(env, folder)
    print(
        f"{args.pupils} pupils x {len(items)} items ({INSTRUMENT.id}), {len(codes)} classes of "
        f"the demo's open round; gunicorn {args.workers} workers x 4 threads; {load_average()}"
    )
    checks = []

    def phase(name: str, server: stack.Server, pupils: list[Pupil], verify: bool = True):
        figures = run_phase(name, server, pupils)
        figures.print()
        if verify:
            checks.append(verify_stored(database_url, pupils))
            checks[-1].print()
        return figures

    server = stack.serve_trivsel(env, folder, args.workers)
    try:
        started = time.monotonic()
        tablets = open_tablets(server.port, codes, args.pupils)
        print(f"  {len(tablets)} tablets opened their class in {time.monotonic() - started:.1f} s")
        print(f"  {settle(database_url)}")
        full = phase("trivsel, all pupils at once", server, pupils_on(tablets, items, rng))
        print(f"  {settle(database_url)}")
        paced = paced_pupils(tablets, items, rng, args.paced_rate, args.paced_seconds)
        steady = phase(f"trivsel, {args.paced_rate:g} answers/s offered", server, paced)
        calmer = None
        if steady.rate < 0.9 * args.paced_rate:  # beyond this machine: queueing, not latency
            half = round(full.rate / 2)
            paced = paced_pupils(tablets, items, rng, half, args.paced_seconds)
            calmer = phase(f"trivsel, {half} answers/s offered (half of the above)", server, paced)
    finally:
        server.stop()

    print(f"  {settle(database_url)}")
    reference = stack.serve_reference(env, folder, args.workers)
    try:
        tablets = [Tablet("127.0.0.1", reference.port) for _ in range(args.pupils)]
        pupils = pupils_on(tablets, items, rng, path_of=reference_path)
        baseline = phase("reference, one INSERT per request", reference, pupils, verify=False)
    finally:
        reference.stop()

    exactly_once = all(check.exactly_once for check in checks)
    print("Summary:")
    print(
        f"  {full.rate:.0f} answers/s = {full.rate / baseline.rate:.2f} x the reference "
        f"({baseline.rate:.0f}/s; goal >= 0.5); p50 {full.p_ms(0.5):.0f} ms, p95 "
        f"{full.p_ms(0.95):.0f} ms, p99 {full.p_ms(0.99):.0f} ms with all pupils at once; "
        f"{sum(full.errors.values())} errors before a retry succeeded"
    )
    print(
        f"  {args.paced_rate:g} answers/s offered: {steady.rate:.0f} achieved, p99 "
        f"{steady.p_ms(0.99):.0f} ms (goal < 100 ms)"
        + (f"; {calmer.rate:.0f}/s: p99 {calmer.p_ms(0.99):.0f} ms" if calmer else "")
    )
    print(
        f"  stored exactly once: {'yes' if exactly_once else 'NO'} ({len(checks)} phases "
        f"read back); {load_average()}"
    )
    return exactly_once


if __name__ == "__main__":
    main()
