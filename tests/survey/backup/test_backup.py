"""Backup and restore: a restored database gives the same export as the one backed up."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from survey.backup.operations import BackupError, restore
from survey.cli import main
from survey.db import make_engine

SECRET = "backup-test-secret-key-long-enough-for-hmac"


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _export_digest(runner: CliRunner, out: Path) -> str:
    """The export's rows, whatever their order and their per-export respondent numbers."""
    _run(runner, "export", "--project", "1", "--format", "csv", "--out", str(out))
    with out.open(newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    assert rows, "the export is empty, so comparing it proves nothing"
    kept = sorted(json.dumps({k: v for k, v in r.items() if k != "response_id"}) for r in rows)
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()


def _fresh_postgres_database() -> tuple[str, object]:
    """A new empty database on the test server, and a function that drops it."""
    base = os.environ["TRIVSEL_TEST_DATABASE_URL"]
    name = f"trivsel_backup_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


BACKENDS = ["sqlite", "postgresql"] if os.environ.get("TRIVSEL_TEST_DATABASE_URL") else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}"
        return
    url, drop = _fresh_postgres_database()
    yield url
    drop()


@pytest.fixture
def runner(database, tmp_path, monkeypatch) -> CliRunner:
    monkeypatch.setenv("TRIVSEL_DATABASE_URL", database)
    monkeypatch.setenv("TRIVSEL_SECRET_KEY", SECRET)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    _run(runner, "db", "upgrade")
    _run(runner, "demo")
    return runner


def test_a_restored_database_gives_the_same_export(runner, database, tmp_path) -> None:
    before = _export_digest(runner, tmp_path / "before.csv")
    _run(runner, "backup", "--out", str(tmp_path / "backup.bin"))
    _run(runner, "create-user", "ny@skole.no", "--role", "admin", "--password", "long-enough-pw")
    engine = make_engine(database)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM answer WHERE id % 2 = 0"))
    engine.dispose()
    _run(runner, "restore", str(tmp_path / "backup.bin"), "--yes")
    assert _export_digest(runner, tmp_path / "after.csv") == before


def test_restoring_from_a_missing_file_changes_nothing(tmp_path) -> None:
    with pytest.raises(BackupError, match="no backup file"):
        restore(f"sqlite:///{tmp_path / 'x.db'}", tmp_path / "missing.db")
