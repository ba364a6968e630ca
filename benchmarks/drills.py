"""Fault drills: nothing lost, nothing stored twice, when a worker dies or PostgreSQL restarts.

    .venv/bin/python benchmarks/drills.py
    .venv/bin/python benchmarks/drills.py --pupils 200 --items 40 --outage 5 --port 55470

A PostgreSQL cluster of our own (`.ci/start-postgres`, port `--port`, removed afterwards; the
shared server is never touched) gets the demo, and `trivsel serve --no-jobs` serves it. Pupils
answer on tablets whose outbox retries like the real one (`benchmarks/load/tablet.py`). When
`--at` of the answers are stored, one harm is done:

(a) one gunicorn worker gets SIGKILL; the tablets it served retry on another connection;
(b) PostgreSQL is stopped (fast) and started again after `--outage` seconds; meanwhile the
    tablets get 503 "try again", keep their answers queued, and send them when it is back.

Then the database is read back. A drill passes when every answer and every response is stored
exactly once (0 duplicates, 0 lost) and, in (b), the clients got 503 and never a 500. Prints
PASS or FAIL with figures and exits 1 on a FAIL; skips (exit 0) without the PostgreSQL binaries.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.load import stack
from benchmarks.load.check import Figures, load_average, verify_stored, wait_until
from benchmarks.load.phases import open_tablets, pupils_on, start_in_background, survey_items
from benchmarks.load.tablet import Pupil, Tablet


class Sampler(threading.Thread):
    """Every 0.1 s: (time, answers stored as the clients know it, calls queued on the tablets)."""

    def __init__(self, pupils: list[Pupil]) -> None:
        super().__init__(daemon=True)
        self.pupils, self.samples, self.done = pupils, [], threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            queued = sum(len(p.outbox) for p in self.pupils)
            self.samples.append((time.monotonic(), sum(p.saved for p in self.pupils), queued))

    def at(self, moment: float) -> tuple[float, int, int]:
        return min(self.samples, key=lambda sample: abs(sample[0] - moment))


def harm_mid_load(name: str, pupils: list[Pupil], at: float, harm) -> tuple[Figures, list[str]]:
    """Run the pupils and do `harm` when `at` of the answers are saved; figures and notes."""
    total = sum(len(p.answers) for p in pupils)
    sampler = Sampler(pupils)
    runner = start_in_background(pupils)
    sampler.start()
    wait_until(lambda: sum(p.saved for p in pupils) >= at * total, timeout=900)
    notes = harm(sampler)  # does the harm, returns what to say once the load is over
    runner.join()
    sampler.done.set()
    sampler.join()
    return Figures.of(name, pupils, min(p.start_at for p in pupils), 0.0, 0.0), notes()


def kill_a_worker(server: stack.Server, workers: int):
    def harm(sampler: Sampler):
        saved = sampler.samples[-1][1]
        killed_at = time.monotonic()
        pid = server.kill_one_worker()
        replaced = wait_until(
            lambda: len([w for w in server.workers() if w.pid != pid]) == workers, timeout=60
        )
        respawn = time.monotonic() - killed_at
        return lambda: [
            f"SIGKILL to worker {pid} after {saved} answers; "
            + (f"{workers} workers again {respawn:.1f} s later" if replaced else "NOT replaced")
        ]

    return harm


def restart_postgres(own: stack.OwnPostgres, outage: float):
    def harm(sampler: Sampler):
        stopping = time.monotonic()
        own.stop()
        stopped = time.monotonic()
        time.sleep(outage)
        own.start()
        back = time.monotonic()

        def notes() -> list[str]:
            before, after = sampler.at(stopping), sampler.at(back)
            down = [sample for sample in sampler.samples if stopped < sample[0] < back]
            peak = max((queued for _t, _saved, queued in down), default=0)
            while_down = down[-1][1] - down[0][1] if down else 0
            resumed = next((t for t, n, _q in sampler.samples if t > back and n > after[1]), back)
            return [
                f"PostgreSQL stopped after {before[1]} answers (the stop took "
                f"{stopped - stopping:.1f} s) and was back {back - stopped:.1f} s later",
                f"calls queued on the tablets: {before[2]} at the stop, up to {peak} while it was "
                f"down, {after[2]} when it was back; answers stored while down: {while_down}",
                f"the queues drained: answers were stored again {resumed - back:.1f} s after it "
                f"was back, the last tablet was empty {sampler.samples[-1][0] - back:.1f} s after",
            ]

        return notes

    return harm


@dataclass
class Stage:
    """What every drill shares: tablets with their class open, the items, the database."""

    tablets: list[Tablet]
    items: list[tuple[str, bool]]
    rng: random.Random
    database_url: str
    at: float


def drill(name: str, stage: Stage, harm, needs_503: bool = False) -> bool:
    pupils = pupils_on(stage.tablets, stage.items, stage.rng)
    figures, notes = harm_mid_load(name, pupils, stage.at, harm)
    stored = verify_stored(stage.database_url, pupils)
    errors = ", ".join(f"{n} x {k}" for k, n in sorted(figures.errors.items())) or "none"
    saw_503 = figures.errors["503"] > 0
    ok = (
        stored.exactly_once
        and not figures.gave_up
        and not figures.rejected
        and figures.stack_traces == 0
        and figures.errors["500"] == 0
        and (saw_503 or not needs_503)
    )
    print(f"Drill {name}: {'PASS' if ok else 'FAIL'}")
    for note in notes:
        print(f"  {note}")
    print(
        f"  answers sent {stored.sent}, stored {stored.stored}, duplicates {stored.duplicates}, "
        f"lost {stored.lost}; responses {stored.responses_stored}/{stored.responses_sent} "
        f"({stored.response_duplicates} duplicates), submitted {stored.submits_stored}/"
        f"{stored.submits_sent}"
    )
    print(
        f"  errors seen by clients before a retry succeeded: {errors}; refused for good: "
        f"{sum(figures.rejected.values())}; gave up: {figures.gave_up}; stack traces in "
        f"replies: {figures.stack_traces}"
    )
    print(
        f"  {figures.saved} answers in {figures.seconds:.1f} s ({figures.rate:.0f}/s), "
        f"p99 {figures.p_ms(0.99):.0f} ms; {load_average()}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=200)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=55470, help="of our own PostgreSQL cluster")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds PostgreSQL is down")
    parser.add_argument("--at", type=float, default=0.3, help="share of answers before the harm")
    args = parser.parse_args()
    own = stack.OwnPostgres(args.port)
    try:
        own.start()
    except Exception as error:  # no binaries, no postgres user, port taken: nothing to drill on
        print(f"Fault drills skipped: could not start PostgreSQL on port {args.port} ({error}).")
        own.remove()
        return
    try:
        with tempfile.TemporaryDirectory() as folder:
            passed = run(args, own, folder)
    finally:
        own.remove()
    print(f"Fault drills: {'PASS' if passed else 'FAIL'}")
    sys.exit(0 if passed else 1)


def run(args: argparse.Namespace, own: stack.OwnPostgres, folder: str) -> bool:
    database_url = stack.fresh_database(own.server_url, "trivsel_drill")
    env = stack.trivsel_env(database_url, secrets.token_urlsafe(48))
    codes = stack.load_demo(env, folder)
    print(
        f"{args.pupils} pupils x {args.items} items, gunicorn {args.workers} workers x 4 "
        f"threads, PostgreSQL of our own on port {args.port}; {load_average()}"
    )
    server = stack.serve_trivsel(env, folder, args.workers)
    try:
        tablets = open_tablets(server.port, codes, args.pupils)
        stage = Stage(tablets, survey_items(args.items), random.Random(10), database_url, args.at)
        results = [
            drill("(a) SIGKILL one gunicorn worker", stage, kill_a_worker(server, args.workers)),
            drill("(b) restart PostgreSQL", stage, restart_postgres(own, args.outage), True),
        ]
        errors = server.error_lines()
        print(
            f"Server log: {errors.pop('database unavailable', 0)} 'database unavailable' "
            f"warnings; {server.log_count('Traceback')} stack traces"
        )
        for line, count in errors.most_common(5):
            print(f"  {count} x {line}")
    finally:
        server.stop()
    return all(results)


if __name__ == "__main__":
    main()
