"""`trivsel serve`: the web server and the job worker, each in its own child process.

The web server (`trivsel serve --no-jobs`: the gunicorn master and its workers) answers
requests and never runs a job; the worker (`trivsel worker`) runs the clock and the jobs. So
exactly one scheduler runs per `serve`, no model is fitted in a process that forks, and no job
runs in a request worker. This process only starts the two, forwards a stop to both, and
stops the other when one of them ends. On Linux the kernel stops both children if this
process dies, even by SIGKILL.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from types import FrameType
from typing import NoReturn

log = logging.getLogger(__name__)

#: Seconds a child has to stop after SIGTERM before it is killed (gunicorn needs less).
STOP_SECONDS = 20.0
POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def child_commands(host: str, port: int, workers: int) -> dict[str, list[str]]:
    """The two children: the `trivsel` commands an operator runs by hand, told to end with us."""
    child = [sys.executable, "-m", "survey.cli"]
    parent = ["--parent-pid", str(os.getpid())]
    web = [*child, "serve", "--no-jobs", "--host", host, "--port", str(port), *parent]
    return {"web": [*web, "--workers", str(workers)], "worker": [*child, "worker", *parent]}


def serve_with_worker(host: str, port: int, workers: int) -> int:
    """Run the web server and the worker until stopped; the exit code for the command."""
    stop_requested = False

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    children = {  # our own `trivsel` commands, never user input
        name: subprocess.Popen(command)  # noqa: S603
        for name, command in child_commands(host, port, workers).items()
    }
    while not stop_requested and all(child.poll() is None for child in children.values()):
        time.sleep(POLL_SECONDS)
    ended = {name: child.returncode for name, child in children.items() if child.poll() is not None}
    stop_children(children.values())
    if stop_requested:
        return 0
    for name, code in ended.items():
        log.error("the %s process ended (exit code %s), so serve stopped the other", name, code)
    return 1


def stop_children(children: Iterable[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each child still running, then wait; SIGKILL to one that does not stop."""
    running = [child for child in children if child.poll() is None]
    for child in running:
        child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for child in running:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("process %s did not stop in %.0f s; killing it", child.pid, STOP_SECONDS)
            child.kill()
            child.wait()


def exit_with_parent(parent_pid: int) -> None:
    """First thing in a child of `serve`: the kernel sends it SIGTERM when the parent dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        raise SystemExit(f"the parent process {parent_pid} is gone")


def leave_at_once(code: int = 0) -> NoReturn:
    """End this process without finalising the interpreter, which waits for a running job's
    thread and spends seconds unloading pandas, statsmodels and plotly. Nothing is lost: the
    database rolls back an open transaction, and every job is idempotent."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
