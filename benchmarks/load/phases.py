"""Building blocks of a load phase, shared by the benchmark and the drills: tablets that have
their class open, pupils on them (all at once, or paced), and running them."""

from __future__ import annotations

import math
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from benchmarks.load.check import Figures, answers_of
from benchmarks.load.stack import Server
from benchmarks.load.tablet import Pupil, Tablet, run_pupils
from instruments import bundled_instrument

INSTRUMENT = bundled_instrument("pupil-5-7")


def survey_items(count: int) -> list[tuple[str, bool]]:
    """The first `count` items of the pupil questionnaire, and whether each may be declined."""
    return [(i.id, INSTRUMENT.scale_of(i).allows_decline) for i in INSTRUMENT.items[:count]]


def open_tablets(port: int, codes: list[str], count: int) -> list[Tablet]:
    """`count` tablets, spread over the classes, each with its class open on the survey page."""
    tablets = [Tablet("127.0.0.1", port) for _ in range(count)]
    with ThreadPoolExecutor(32) as pool:
        opened = [
            pool.submit(tablet.open_class, codes[n % len(codes)], INSTRUMENT.default_language)
            for n, tablet in enumerate(tablets)
        ]
        for future in opened:
            future.result()
    return tablets


def reference_path(client_id: str, item_id: str | None) -> str:
    return f"/ref/{client_id}/{item_id or 'submit'}"


def pupils_on(tablets: list[Tablet], items, rng: random.Random, **options) -> list[Pupil]:
    """A new pupil (a new response id) on each tablet; they start together in a second."""
    start_at = time.monotonic() + 1.0
    return [
        Pupil(tablet, uuid.uuid4().hex, answers_of(items, rng), start_at, **options)
        for tablet in tablets
    ]


def paced_pupils(tablets: list[Tablet], items, rng, rate: float, seconds: float) -> list[Pupil]:
    """Pupil k answers at start + k/rate + j*n/rate: together `rate` answers per second."""
    count = len(tablets)
    per_pupil = min(len(items), max(1, math.ceil(rate * seconds / count)))
    start_at = time.monotonic() + 1.0
    return [
        Pupil(
            tablet,
            uuid.uuid4().hex,
            answers_of(items[:per_pupil], rng),
            start_at + k / rate,
            interval=count / rate,
            submit=per_pupil == len(items),
        )
        for k, tablet in enumerate(tablets)
    ]


def run_phase(name: str, server: Server, pupils: list[Pupil]) -> Figures:
    """Run the pupils to the end; the figures include this process's and the server's CPU."""
    server_before, client_before = server.cpu_seconds(), time.process_time()
    run_pupils(pupils)
    return Figures.of(
        name,
        pupils,
        started=min(p.start_at for p in pupils),
        server_cpu=server.cpu_seconds() - server_before,
        client_cpu=time.process_time() - client_before,
    )


def start_in_background(pupils: list[Pupil]) -> threading.Thread:
    """Run the pupils in a thread, so that a drill can do harm while they answer."""
    runner = threading.Thread(target=run_pupils, args=(pupils,), daemon=True)
    runner.start()
    return runner
