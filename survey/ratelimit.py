"""Throttling of guessable things: staff passwords and class codes.

Counts live in the memory of each web process only. The client is identified by a keyed hash
of its address, which is never written to the database or the logs (DESIGN: no IP addresses).
With several processes each keeps its own count, so the effective limit is at most
processes x limit: still far too few guesses to matter for a 192-bit token, a scrypt password
or a class code from 244 million.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request

EXTENSION_KEY = "trivsel.ratelimits"
MAX_KEYS = 100_000


@dataclass(frozen=True)
class Limit:
    attempts: int
    per_seconds: float


#: Failed logins per account, failed logins per client, wrong class codes per client.
LIMITS = {
    "login-account": Limit(10, 15 * 60),
    "login-client": Limit(30, 15 * 60),
    "class-code-client": Limit(20, 10 * 60),
}


class SlidingWindow:
    """How many times each key was counted in the last `per_seconds`."""

    def __init__(self, limit: Limit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= MAX_KEYS:
                self._forget_stale(now)
            hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.limit.per_seconds:
            hits.popleft()
        return hits

    def _forget_stale(self, now: float) -> None:
        cutoff = now - self.limit.per_seconds
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= cutoff]:
            del self._hits[key]
        if len(self._hits) >= MAX_KEYS:  # still full: forget everything rather than grow
            self._hits.clear()

    def is_blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self._clock())) >= self.limit.attempts

    def count(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._recent(key, now).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


def client_key() -> str:
    """A keyed hash of the client's address: enough to count, useless to anyone who reads it."""
    address = request.remote_addr or "unknown"
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"client:{address}".encode(), hashlib.sha256).hexdigest()[:32]


def window(name: str) -> SlidingWindow:
    return current_app.extensions[EXTENSION_KEY][name]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = {name: SlidingWindow(limit) for name, limit in LIMITS.items()}
