"""The `trivsel` command as `make run` uses it, on a fresh SQLite file."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from survey.cli import main


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    monkeypatch.setenv("TRIVSEL_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TRIVSEL_SECRET_KEY", "cli-test-secret-key-long-enough-to-be-real")
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def _ok(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_set_up_lists_the_open_class_codes_as_json(runner) -> None:
    _ok(runner, "db", "upgrade")
    assert "Admin login" in _ok(runner, "demo", "--if-empty")
    listed = json.loads(_ok(runner, "codes", "--json"))
    assert len(listed["class_codes"]) == 32
    assert {c["round"] for c in listed["class_codes"]} == {"Vår 2023"}
    assert {link["respondent_type"] for link in listed["links"]} == {"parent", "staff"}


def test_set_up_is_idempotent(runner) -> None:
    _ok(runner, "db", "upgrade")
    _ok(runner, "demo", "--if-empty")
    first = _ok(runner, "codes", "--json")
    _ok(runner, "db", "upgrade")
    assert "not loaded again" in _ok(runner, "demo", "--if-empty")
    assert _ok(runner, "codes", "--json") == first


def test_codes_says_so_when_no_round_is_open(runner) -> None:
    _ok(runner, "db", "upgrade")
    assert "No round is open" in _ok(runner, "codes")


def test_create_user_explains_a_bad_request(runner) -> None:
    _ok(runner, "db", "upgrade")
    result = runner.invoke(
        main, ["create-user", "lead@x.no", "--role", "project_lead", "--password", "long-enough-pw"]
    )
    assert result.exit_code != 0
    assert "at least one project" in result.output


def test_create_user_makes_an_admin(runner) -> None:
    _ok(runner, "db", "upgrade")
    assert "Created admin@x.no (admin)" in _ok(
        runner, "create-user", "Admin@X.no", "--role", "admin", "--password", "long-enough-pw"
    )


def test_create_user_reads_a_piped_password_without_a_getpass_warning(tmp_path) -> None:
    """`echo pw | trivsel create-user …` is how scripts make the first admin (issue 17)."""
    import os
    import subprocess
    import sys

    from survey.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'pipe.db'}"
    upgrade(url)
    env = {**os.environ, "TRIVSEL_DATABASE_URL": url, "PYTHONWARNINGS": "default"}
    env["TRIVSEL_SECRET_KEY"] = "cli-test-secret-key-long-enough-to-be-real"
    done = subprocess.run(
        [sys.executable, "-m", "survey.cli", "create-user", "a@x.no", "--role", "admin"],
        input="long-enough-pw\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Created a@x.no (admin)" in done.stdout
    assert "GetPassWarning" not in done.stderr + done.stdout
