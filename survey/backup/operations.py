"""Backup and restore: SQLite through its online backup API, PostgreSQL through pg_dump.

A backup holds respondents' answers, so it is as sensitive as the database itself: store it
encrypted, and delete it with the project data on the delete-after date.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

log = logging.getLogger(__name__)


class BackupError(RuntimeError):
    """The backup or restore could not be made; the message says why."""


def backup(database_url: str, target: Path) -> Path:
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url), target)
    elif url.get_backend_name() == "postgresql":
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", *_pg_args(url)],
            url,
        )
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")
    log.info("backed up the database to %s (%d bytes)", target, target.stat().st_size)
    return target


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup's."""
    if not source.is_file():
        raise BackupError(f"there is no backup file {source}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, _sqlite_path(url))
    elif url.get_backend_name() == "postgresql":
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *_pg_args(url, flag="--dbname="),
                str(source),
            ],
            url,
        )
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")
    log.info("restored the database from %s", source)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy even while the app writes (WAL), via SQLite's backup API."""
    if not source.is_file():
        raise BackupError(f"there is no SQLite database at {source}")
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    sqlite3.connect(target).close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
        if not candidates:
            raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
        found = str(candidates[-1])
    return found


def _pg_args(url: URL, flag: str = "--dbname=") -> list[str]:
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return [f"{flag}{plain}"]


def _run(command: list[str], url: URL) -> None:
    env = None
    if url.password:
        import os

        env = {**os.environ, "PGPASSWORD": str(url.password)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:500]}")
