"""The app factory's configuration: defaults, environment, overrides, and refusals."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from click.testing import CliRunner

from survey.app import create_app
from survey.cli import main
from survey.config import DEFAULT_SECRET_KEY, ConfigError, build_config
from survey.db import get_database

PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": "x" * 40,
    "PUBLIC_BASE_URL": "https://trivsel.example.no",
}


def test_environment_variables_override_defaults(tmp_path) -> None:
    config = build_config(None, str(tmp_path), {"TRIVSEL_LOG_LEVEL": "DEBUG"})
    assert config["LOG_LEVEL"] == "DEBUG"


def test_overrides_win_over_the_environment(tmp_path) -> None:
    config = build_config({"LOG_LEVEL": "ERROR"}, str(tmp_path), {"TRIVSEL_LOG_LEVEL": "DEBUG"})
    assert config["LOG_LEVEL"] == "ERROR"


def test_boolean_settings_are_parsed_from_text(tmp_path) -> None:
    assert build_config(None, str(tmp_path), {"TRIVSEL_DATABASE_ECHO": "yes"})["DATABASE_ECHO"]
    assert not build_config(None, str(tmp_path), {"TRIVSEL_DATABASE_ECHO": "0"})["DATABASE_ECHO"]


def test_the_retired_run_scheduler_setting_is_ignored_with_a_warning(tmp_path, caplog) -> None:
    config = build_config(None, str(tmp_path), {"TRIVSEL_RUN_SCHEDULER": "true"})
    assert "RUN_SCHEDULER" not in config
    assert "TRIVSEL_RUN_SCHEDULER is ignored" in caplog.text


def test_an_unknown_environment_variable_is_refused(tmp_path) -> None:
    with pytest.raises(ConfigError, match="TRIVSEL_DATABSE_URL"):
        build_config(None, str(tmp_path), {"TRIVSEL_DATABSE_URL": "sqlite://"})


def test_an_unknown_override_is_refused(tmp_path) -> None:
    with pytest.raises(ConfigError, match="NO_SUCH_KEY"):
        build_config({"NO_SUCH_KEY": 1}, str(tmp_path), {})


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path) -> None:
    config = build_config(None, str(tmp_path), {})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'trivsel.db'}"


@pytest.mark.parametrize("secret", [DEFAULT_SECRET_KEY, "short"])
def test_production_refuses_a_default_or_short_secret(tmp_path, secret) -> None:
    with pytest.raises(ConfigError, match="secret key"):
        create_app({**PRODUCTION, "SECRET_KEY": secret}, instance_path=str(tmp_path))


def test_production_with_a_real_secret_uses_secure_cookies(tmp_path) -> None:
    app = create_app(PRODUCTION, instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_test_and_benchmark_variables_are_not_settings(tmp_path) -> None:
    environ = {"TRIVSEL_TEST_DATABASE_URL": "x", "TRIVSEL_BENCH_POSTGRES": "y"}
    assert build_config(None, str(tmp_path), environ)["LOG_LEVEL"] == "INFO"


@pytest.mark.parametrize("base", [None, "", "http://10.0.0.5:8000"])
def test_production_refuses_to_start_without_its_public_https_address(tmp_path, base) -> None:
    with pytest.raises(ConfigError, match="TRIVSEL_PUBLIC_BASE_URL"):
        create_app({**PRODUCTION, "PUBLIC_BASE_URL": base}, instance_path=str(tmp_path))


def test_the_trivsel_command_says_why_production_cannot_start(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TRIVSEL_ENV", "production")
    monkeypatch.setenv("TRIVSEL_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("TRIVSEL_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "TRIVSEL_PUBLIC_BASE_URL" in result.output
    assert "Traceback" not in result.output


def test_a_session_lasts_twelve_hours_at_most(tmp_path) -> None:
    config = build_config(None, str(tmp_path), {})
    assert config["PERMANENT_SESSION_LIFETIME"] <= dt.timedelta(hours=12)
    with pytest.raises(ConfigError, match="12 hours"):
        build_config({"PERMANENT_SESSION_LIFETIME": 31 * 86400}, str(tmp_path), {})


def test_production_tells_browsers_to_use_https_only(tmp_path) -> None:
    production = create_app(PRODUCTION, instance_path=str(tmp_path))
    page = production.test_client().get("/")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    development = create_app({"SECRET_KEY": "x" * 40}, instance_path=str(tmp_path))
    assert "Strict-Transport-Security" not in development.test_client().get("/").headers


def test_no_app_runs_the_jobs_whatever_the_environment_says(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TRIVSEL_RUN_SCHEDULER", "true")
    before = set(threading.enumerate())
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}"}, str(tmp_path))
    get_database(app).engine.dispose()
    assert [thread.name for thread in set(threading.enumerate()) - before] == []
