"""A shared school tablet on loopback: a keep-alive connection, the class session, the outbox.

`Pupil.run` sends as `survey/static/pupil/store.js` does. Each answer goes into an outbox that
is sent one call at a time. A call that fails for want of network, or gets a status the server
may answer differently later (5xx, 503, 400), stays at the head of the outbox. It is retried
after 1, 2, 4 ... 30 s (plus up to 0.5 s of jitter) with the same response id and item, so a
retry stores nothing twice. 2xx, 404, 405, 413 and 422 are final, as on the tablet.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
import urllib.parse
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: gunicorn closes a keep-alive connection idle for 2 s; a browser would open a new one.
IDLE_RECONNECT_SECONDS = 1.5
FINAL_FAILURES = frozenset({404, 405, 413, 422})
FIRST_DELAY, MAX_DELAY, JITTER = 1.0, 30.0, 0.5
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
CLASS_TOKEN = re.compile(r'"classToken":\s*"([^"]+)"')

#: The path of one call: (response client id, item id, or None for the submit) -> URL path.
PathOf = Callable[[str, str | None], str]


def trivsel_path(client_id: str, item_id: str | None) -> str:
    base = f"/api/v1/pupil/responses/{client_id}"
    return f"{base}/submit" if item_id is None else f"{base}/answers/{item_id}"


class Tablet:
    """One tablet: its connection, the class session cookie and the CSRF token of the page."""

    def __init__(self, host: str, port: int, timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.connection: http.client.HTTPConnection | None = None
        self.idle_since = 0.0
        self.cookie = self.csrf = self.class_token = ""

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(
        self, method: str, path: str, body: bytes | None = None, kind: str = "application/json"
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One HTTP exchange; raises OSError or HTTPException when the connection fails."""
        idle = time.monotonic() - self.idle_since
        if self.connection is not None and idle > IDLE_RECONNECT_SECONDS:
            self.close()
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Content-Type": kind} if body is not None else {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        try:
            self.connection.request(method, path, body=body, headers=headers)
            reply = self.connection.getresponse()
            data = reply.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        self.idle_since = time.monotonic()
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            if cookie.startswith("session="):
                self.cookie = cookie.split(";", 1)[0]
        if reply.will_close:
            self.close()
        return reply.status, reply.headers, data

    def _follow(self, method: str, path: str, body: bytes | None = None) -> tuple[str, str]:
        kind = "application/x-www-form-urlencoded"
        for _ in range(5):
            status, headers, data = self.request(method, path, body, kind)
            if status not in (301, 302, 303):
                if status != 200:
                    raise RuntimeError(f"{method} {path} answered {status}")
                return path, data.decode()
            method, body = "GET", None
            path = urllib.parse.urlsplit(headers["Location"]).path
        raise RuntimeError("too many redirects")

    def open_class(self, code: str, language: str) -> None:
        """Type the class code (as its QR link does), choose the language, open the survey."""
        path, page = self._follow("GET", f"/?kode={code}")
        if path.endswith("/elev/sprak"):
            form = {"csrf_token": CSRF_FIELD.search(page).group(1), "lang": language}
            path, page = self._follow("POST", path, urllib.parse.urlencode(form).encode())
        self.csrf = CSRF_META.search(page).group(1)
        self.class_token = CLASS_TOKEN.search(page).group(1)


@dataclass
class Call:
    path: str
    body: bytes
    item_id: str | None  # None: the submit


@dataclass
class Pupil:
    """One pupil on a tablet: answers `answers` in order, one every `interval` s, then submits."""

    tablet: Tablet
    client_id: str
    answers: list[tuple[str, dict]]
    start_at: float
    interval: float = 0.0
    submit: bool = True
    path_of: PathOf = trivsel_path
    language: str = "nb"
    give_up_after: float = 600.0
    answer_seconds: list[float] = field(default_factory=list)
    submit_seconds: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    saved: int = 0
    submitted: bool = False
    gave_up: bool = False
    max_queued: int = 0
    stack_traces: int = 0
    finished_at: float = 0.0
    outbox: deque = field(default_factory=deque)

    def _call(self, item_id: str | None, answer: dict) -> Call:
        body = {"class_token": self.tablet.class_token, "language": self.language, **answer}
        return Call(self.path_of(self.client_id, item_id), json.dumps(body).encode(), item_id)

    def run(self) -> None:
        questions = deque(self.answers)
        due, failures, retry_at, failing_since = self.start_at, 0, 0.0, 0.0
        time.sleep(max(0.0, self.start_at - time.monotonic()))
        while questions or self.outbox:
            now = time.monotonic()
            while questions and due <= now:
                self.outbox.append(self._call(*questions.popleft()))
                if not questions and self.submit:
                    self.outbox.append(self._call(None, {}))
                due += self.interval
            self.max_queued = max(self.max_queued, len(self.outbox))
            if self.outbox and now >= retry_at:
                if self._send(self.outbox[0]):
                    self.outbox.popleft()
                    failures = 0
                    continue
                failures += 1
                failing_since = failing_since if failures > 1 else now
                if now - failing_since > self.give_up_after:
                    self.gave_up = True
                    break
                delay = min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - 1))
                retry_at = now + delay + random.uniform(0, JITTER)
                continue
            wake = min(due if questions else retry_at, retry_at if self.outbox else due)
            time.sleep(max(0.0, wake - time.monotonic()))
        self.finished_at = time.monotonic()

    def _send(self, call: Call) -> bool:
        """Send one call; True when it is final (saved, or refused for good)."""
        method = "POST" if call.item_id is None else "PUT"
        started = time.perf_counter()
        try:
            status, _headers, data = self.tablet.request(method, call.path, call.body)
        except (OSError, http.client.HTTPException):
            self.errors["connection"] += 1
            return False
        seconds = time.perf_counter() - started
        if 200 <= status < 300:
            if call.item_id is None:
                self.submit_seconds.append(seconds)
                self.submitted = True
            else:
                self.answer_seconds.append(seconds)
                self.saved += 1
            return True
        self.stack_traces += b"Traceback" in data
        if status in FINAL_FAILURES:
            self.rejected[status] += 1
            return True
        self.errors[str(status)] += 1
        return False


def run_pupils(pupils: list[Pupil]) -> None:
    """Each pupil in a thread of its own (a small stack: there may be thousands)."""
    threading.stack_size(512 * 1024)
    threads = [threading.Thread(target=pupil.run, daemon=True) for pupil in pupils]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
