"""What the load runs against: a fresh PostgreSQL database with the demo, gunicorn serving it,
and for the drills a PostgreSQL cluster of our own that may be restarted."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psutil
import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
TRIVSEL = str(Path(sys.executable).with_name("trivsel"))
REFERENCE = str(Path(__file__).with_name("reference.py"))
DROP = "DROP DATABASE IF EXISTS {} WITH (FORCE)"
#: A log line worth reporting: gunicorn's [ERROR]/[WARNING], a logged ERROR, an exception.
ERROR_LINE = re.compile(r"(\[(ERROR|WARNING)\].*|ERROR .*|^\w+(\.\w+)*(Error|Exception): .*)")
PID = re.compile(r"(?<=pid:)\d+")


def psycopg_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _on_server(server_url: str, *statements: str, name: str) -> None:
    with psycopg.connect(psycopg_url(server_url), autocommit=True, connect_timeout=5) as connection:
        for statement in statements:
            connection.execute(sql.SQL(statement).format(sql.Identifier(name)))


def fresh_database(server_url: str, name: str) -> str:
    """Drop and create the database `name` on the server of `server_url`; its URL."""
    _on_server(server_url, DROP, "CREATE DATABASE {}", name=name)
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    _on_server(server_url, DROP, name=name)


def trivsel_env(database_url: str, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIVSEL_")}
    env.update(TRIVSEL_DATABASE_URL=database_url, TRIVSEL_SECRET_KEY=secret)
    env["TRIVSEL_LOG_LEVEL"] = "WARNING"
    return env


def load_demo(env: dict[str, str], folder: str) -> list[str]:
    """`trivsel db upgrade`, `trivsel demo`; the class codes of the open round."""
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([TRIVSEL, *command], env=env, cwd=folder, check=True, capture_output=True)  # noqa: S603
    listed = subprocess.run(  # noqa: S603 - our own command
        [TRIVSEL, "codes", "--json"],
        env=env,
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    )
    return [found["code"] for found in json.loads(listed.stdout)["class_codes"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """A gunicorn master we started (its workers are its children); output goes to a log."""

    def __init__(self, command: list[str], env: dict[str, str], folder: str, health: str) -> None:
        self.port = free_port()
        self.log_path = Path(folder) / f"server-{self.port}.log"
        command = [part.replace("{port}", str(self.port)) for part in command]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=log)  # noqa: S603
        self.master = psutil.Process(self.process.pid)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{health}", timeout=10):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start; see {self.log_path}")

    def workers(self) -> list[psutil.Process]:
        return self.master.children()

    def cpu_seconds(self) -> float:
        """CPU time of the master and its live workers (a killed worker's time is lost)."""
        total = 0.0
        for process in [self.master, *self.workers()]:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def kill_one_worker(self) -> int:
        victim = self.workers()[0]
        victim.send_signal(signal.SIGKILL)
        return victim.pid

    def log_count(self, text: str) -> int:
        return self.log_path.read_text(errors="replace").count(text)

    def error_lines(self) -> Counter:
        """The log's warnings, errors and exception lines, without times and process ids."""
        found: Counter = Counter()
        for line in self.log_path.read_text(errors="replace").splitlines():
            if "database unavailable" in line:
                found["database unavailable"] += 1
            elif ERROR_LINE.search(line):
                found[PID.sub("<pid>", ERROR_LINE.search(line).group(0))] += 1
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve_trivsel(env: dict[str, str], folder: str, workers: int) -> Server:
    """The service as it is run: `trivsel serve --no-jobs` (gunicorn, 4 threads per worker)."""
    command = [
        TRIVSEL,
        "serve",
        "--no-jobs",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        str(workers),
    ]
    return Server(command, env, folder, "/healthz")


def serve_reference(env: dict[str, str], folder: str, workers: int) -> Server:
    """The minimal insert-one-row endpoint, through the same `survey.server.serve`."""
    command = [sys.executable, REFERENCE, "--port", "{port}", "--workers", str(workers)]
    return Server(command, env, folder, "/ref/health")


class OwnPostgres:
    """A throw-away cluster started with `.ci/start-postgres`, which the drills may restart."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.folder = tempfile.mkdtemp(prefix="trivsel-drill-pg-")
        self.stop_command = ""

    @property
    def server_url(self) -> str:
        return f"postgresql://trivsel@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        script = str(ROOT / ".ci" / "start-postgres")
        started = subprocess.run(  # noqa: S603 - the repository's own script
            [script, self.folder, str(self.port)], check=True, capture_output=True, text=True
        )
        for line in started.stdout.splitlines():
            if line.startswith("export PG_STOP="):
                self.stop_command = shlex.split(line.removeprefix("export PG_STOP="))[0]

    def stop(self) -> None:
        subprocess.run(shlex.split(self.stop_command), check=True, capture_output=True)  # noqa: S603

    def remove(self) -> None:
        if self.stop_command:
            subprocess.run(shlex.split(self.stop_command), check=False, capture_output=True)  # noqa: S603
        shutil.rmtree(self.folder, ignore_errors=True)
