"""The figures of a load phase, and the database's word on whether each answer is stored once."""

from __future__ import annotations

import math
import os
import random
import time
from collections import Counter
from dataclasses import dataclass

import psycopg

from benchmarks.load.stack import psycopg_url
from benchmarks.load.tablet import Pupil


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def settle(database_url: str, seconds: float = 10.0) -> str:
    """After a burst: let PostgreSQL do what autovacuum and the checkpointer would do anyway
    (VACUUM ANALYZE, CHECKPOINT) and pause, so the next phase measures a steady pace rather
    than the aftermath of the one before. Says what it did."""
    started = time.monotonic()
    with psycopg.connect(psycopg_url(database_url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        connection.execute("CHECKPOINT")
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    took = time.monotonic() - started
    return f"settled {took:.0f} s (VACUUM ANALYZE, CHECKPOINT); {load_average()}"


def percentile_ms(seconds: list[float], share: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not seconds:
        return math.nan
    ordered = sorted(seconds)
    return 1000 * ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def answers_of(items: list[tuple[str, bool]], rng: random.Random) -> list[tuple[str, dict]]:
    """A pupil's answers to (item id, may decline): a value 1-5, or 1 in 20 declined."""
    return [
        (
            item,
            {"declined": True}
            if may_decline and rng.random() < 0.05
            else {"value": rng.randint(1, 5)},
        )
        for item, may_decline in items
    ]


@dataclass
class Figures:
    """What the clients saw in one phase."""

    name: str
    seconds: float
    saved: int
    submitted: int
    answer_seconds: list[float]
    errors: Counter
    rejected: Counter
    gave_up: int
    max_queued: int
    server_cpu: float
    client_cpu: float
    stack_traces: int

    @classmethod
    def of(
        cls, name: str, pupils: list[Pupil], started: float, server_cpu: float, client_cpu: float
    ) -> Figures:
        return cls(
            name=name,
            seconds=max(p.finished_at for p in pupils) - started,
            saved=sum(p.saved for p in pupils),
            submitted=sum(p.submitted for p in pupils),
            answer_seconds=[s for p in pupils for s in p.answer_seconds],
            errors=sum((p.errors for p in pupils), Counter()),
            rejected=sum((p.rejected for p in pupils), Counter()),
            gave_up=sum(p.gave_up for p in pupils),
            max_queued=max(p.max_queued for p in pupils),
            server_cpu=server_cpu,
            client_cpu=client_cpu,
            stack_traces=sum(p.stack_traces for p in pupils),
        )

    @property
    def rate(self) -> float:
        return self.saved / self.seconds if self.seconds > 0 else math.nan

    def p_ms(self, share: float) -> float:
        return percentile_ms(self.answer_seconds, share)

    def print(self) -> None:
        latency = "  ".join(
            f"{label} {percentile_ms(self.answer_seconds, share):7.1f} ms"
            for label, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
        )
        errors = ", ".join(f"{n} x {kind}" for kind, n in sorted(self.errors.items())) or "none"
        per_answer = 1000 / self.saved if self.saved else math.nan
        print(
            f"  {self.name}: {self.saved} answers + {self.submitted} submits in "
            f"{self.seconds:.1f} s = {self.rate:.0f} answers/s"
        )
        print(f"    answer latency  {latency}")
        print(
            f"    errors before a retry succeeded: {errors}; refused for good: "
            f"{sum(self.rejected.values())}; gave up: {self.gave_up}; stack traces: "
            f"{self.stack_traces}"
        )
        print(
            f"    CPU per answer: server {self.server_cpu * per_answer:.1f} ms, load client "
            f"{self.client_cpu * per_answer:.1f} ms; {load_average()}"
        )


@dataclass
class Stored:
    """Every answer the clients meant to send, against what the database holds."""

    sent: int
    stored: int
    duplicates: int
    lost: int
    wrong_value: int
    responses_sent: int
    responses_stored: int
    response_duplicates: int
    submits_sent: int
    submits_stored: int

    @property
    def exactly_once(self) -> bool:
        return (
            self.stored == self.sent
            and self.duplicates == self.lost == self.wrong_value == self.response_duplicates == 0
            and self.responses_stored == self.responses_sent
            and self.submits_stored == self.submits_sent
        )

    def print(self, indent: str = "    ") -> None:
        verdict = "exactly once" if self.exactly_once else "NOT exactly once"
        print(
            f"{indent}database: {self.stored}/{self.sent} answers stored, {self.duplicates} "
            f"duplicates, {self.lost} lost, {self.wrong_value} with another value; "
            f"{self.responses_stored}/{self.responses_sent} responses "
            f"({self.response_duplicates} duplicates), {self.submits_stored}/"
            f"{self.submits_sent} submitted: {verdict}"
        )


def verify_stored(database_url: str, pupils: list[Pupil]) -> Stored:
    """Read back every response and answer of these pupils' client ids."""
    expected = {
        (p.client_id, item): (answer.get("value"), bool(answer.get("declined")))
        for p in pupils
        for item, answer in p.answers
    }
    client_ids = [p.client_id for p in pupils]
    with psycopg.connect(psycopg_url(database_url)) as connection:
        responses = connection.execute(
            "SELECT client_id, status FROM response WHERE client_id = ANY(%s)", (client_ids,)
        ).fetchall()
        answers = connection.execute(
            "SELECT r.client_id, a.item_id, a.value, a.is_declined FROM answer a"
            " JOIN response r ON r.id = a.response_id WHERE r.client_id = ANY(%s)",
            (client_ids,),
        ).fetchall()
    copies = Counter((client, item) for client, item, _v, _d in answers)
    found = {(client, item): (value, declined) for client, item, value, declined in answers}
    return Stored(
        sent=len(expected),
        stored=sum(1 for key in expected if key in found),
        duplicates=sum(n - 1 for n in copies.values()),
        lost=sum(1 for key in expected if key not in found),
        wrong_value=sum(1 for key, got in found.items() if expected.get(key, got) != got),
        responses_sent=len(client_ids),
        responses_stored=len({client for client, _status in responses}),
        response_duplicates=len(responses) - len({client for client, _status in responses}),
        submits_sent=sum(p.submit and len(p.answers) > 0 for p in pupils),
        submits_stored=sum(status == "complete" for _client, status in responses),
    )


def wait_until(condition, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False
