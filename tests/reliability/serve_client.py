"""A small HTTP client for tests against a real server: visitors who log in and load pages."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

#: Seconds one request may take before it counts as a hang.
REQUEST_TIMEOUT = 60.0
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
#: What a staff member opens right after logging in, and the pupils' start page.
PAGES = ("/staff/", "/dashboards/project/1/", "/")


@dataclass(frozen=True)
class Visit:
    statuses: tuple[int, ...]
    failure: str | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    """Until the server answers its health check; fails if the process ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server ended with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer within {timeout:.0f} s")


def visit_as_staff(base: str, email: str, password: str, count: int) -> list[Visit]:
    """`count` visitors at once, each logging in and loading PAGES."""
    ready = threading.Barrier(count)

    def visit(_: int) -> Visit:
        ready.wait()
        return _visit(base, email, password)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(visit, range(count)))


def _visit(base: str, email: str, password: str) -> Visit:
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    statuses: list[int] = []
    try:
        with browser.open(f"{base}/login/", timeout=REQUEST_TIMEOUT) as page:
            statuses.append(page.status)
            token = CSRF_FIELD.search(page.read().decode())
        assert token is not None, "no CSRF token on the login page"
        form = {"email": email, "password": password, "csrf_token": token.group(1)}
        data = urllib.parse.urlencode(form).encode()
        with browser.open(f"{base}/login/", data=data, timeout=REQUEST_TIMEOUT) as page:
            statuses.append(page.status)
            if not page.url.endswith("/staff/"):
                return Visit(tuple(statuses), f"login ended at {page.url}")
        for path in PAGES:
            with browser.open(f"{base}{path}", timeout=REQUEST_TIMEOUT) as page:
                page.read()
                statuses.append(page.status)
    except urllib.error.HTTPError as error:
        return Visit((*statuses, error.code), f"{error.code} from {error.url}")
    except (OSError, AssertionError) as error:  # a timeout is a hang
        return Visit(tuple(statuses), f"{type(error).__name__}: {error}")
    return Visit(tuple(statuses))
