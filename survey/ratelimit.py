"""Throttling of guessable things: staff passwords and class codes.

Counts live in the memory of each web process only. A client is identified by a keyed hash of
its address (as the trusted proxies report it, see `survey.app`), which is never written to
the database or the logs (DESIGN: no IP addresses). With several processes each keeps its own
count, so the effective limit is at most processes x limit: still far too few guesses to matter
for a 192-bit token, a scrypt password or a class code from 244 million.

Nobody is locked out by someone else's mistakes (docs/security.md, "Lock-outs"):

- Class codes: a tablet (its session on its address) that types 10 wrong codes waits; an
  address that sends 200 wrong codes in 10 minutes (a whole school behind one NAT would send
  far fewer) may only enter codes that were entered correctly from it before, so the classes
  already at work go on and nobody elsewhere is touched.
- Logins: each wrong password for an account from one client doubles the wait before that
  client may try that account again (after 3 free tries); a client that fails 30 times in
  15 minutes, over any accounts, waits until the window passes. Nothing counts per account
  alone, so the owner on another client is never held up by an attacker.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, request, session

EXTENSION_KEY = "trivsel.ratelimits"
MAX_KEYS = 100_000
TABLET_SESSION_KEY = "tablet"


@dataclass(frozen=True)
class Limit:
    attempts: int
    per_seconds: float


@dataclass(frozen=True)
class Delay:
    """Tries that cost nothing, then a wait that doubles with each failure, up to `longest`."""

    free: int
    first_seconds: float
    longest_seconds: float
    #: A key with no failure for this long starts again from nothing.
    forget_after_seconds: float


#: Wrong class codes per tablet and per address; failed logins per client; the codes each
#: address entered correctly (remembered for a school day).
LIMITS = {
    "class-code-tablet": Limit(10, 10 * 60),
    "class-code-client": Limit(200, 10 * 60),
    "class-code-known": Limit(1, 12 * 3600),
    "login-client": Limit(30, 15 * 60),
    # Password reset mails: a few asks per client, and one mail per account per 5 minutes, so
    # nobody can flood a mailbox; an attacker can at worst make the owner wait 5 minutes (the
    # link already mailed still works).
    "reset-client": Limit(5, 15 * 60),
    "reset-account": Limit(1, 5 * 60),
}
#: Wrong passwords for one account from one client.
DELAYS = {"login-account-client": Delay(3, 1.0, 15 * 60, 60 * 60)}


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


class Backoff:
    """Per key, the failures so far and when the last one was: how long the key must wait."""

    def __init__(self, delay: Delay, clock: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _current(self, key: str, now: float) -> tuple[int, float]:
        failures, last = self._failures.get(key, (0, now))
        if now - last > self.delay.forget_after_seconds:
            self._failures.pop(key, None)
            return 0, now
        return failures, last

    def wait_seconds(self, key: str) -> float:
        """0 when the key may try now; else how many seconds are left of its wait."""
        with self._lock:
            now = self._clock()
            failures, last = self._current(key, now)
        over = failures - self.delay.free
        if over < 0:
            return 0.0
        wait = min(self.delay.first_seconds * 2**over, self.delay.longest_seconds)
        return max(wait - (now - last), 0.0)

    def fail(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            failures, _last = self._current(key, now)
            if len(self._failures) >= MAX_KEYS:
                self._failures.clear()
            self._failures[key] = (failures + 1, now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def _keyed(text: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """A keyed hash of the client's address: enough to count, useless to anyone who reads it."""
    return _keyed(f"client:{request.remote_addr or 'unknown'}")


def tablet_key() -> str:
    """This browser session on this address (a tablet); its random id lives in the session."""
    return _keyed(f"tablet:{request.remote_addr or 'unknown'}:{session.get(TABLET_SESSION_KEY)}")


def client_and(name: str) -> str:
    """A keyed hash of this client together with `name` (an account, a class code)."""
    return _keyed(f"client:{request.remote_addr or 'unknown'}:{name}")


def account_key(name: str) -> str:
    """A keyed hash of `name` alone (an account), for limits that must hold from any client."""
    return _keyed(f"account:{name}")


def window(name: str) -> SlidingWindow:
    return current_app.extensions[EXTENSION_KEY][name]


def backoff(name: str) -> Backoff:
    return current_app.extensions[EXTENSION_KEY][name]


def init_app(app: Flask) -> None:
    """Fresh counters for `app` (also how a test starts again from nothing)."""
    limits: dict[str, SlidingWindow | Backoff] = {n: SlidingWindow(x) for n, x in LIMITS.items()}
    limits.update({name: Backoff(delay) for name, delay in DELAYS.items()})
    app.extensions[EXTENSION_KEY] = limits
