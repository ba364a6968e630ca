"""Configuration: defaults, then TRIVSEL_* environment variables, then overrides."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_SECRET_KEY = "dev-not-secret"  # noqa: S105 (the known default that production refuses)

#: The highest LETTERS_MAX_PER_BATCH allowed: one PDF of letters stays a printable file.
MAX_LETTERS = 2000

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": DEFAULT_SECRET_KEY,
    "DATABASE_URL": None,  # None: a SQLite file under the instance folder
    "DATABASE_ECHO": False,
    "TESTING": False,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    # A staff session ends 12 hours after login at the latest (Flask's default is 31 days).
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    # How many proxies in front of the app set X-Forwarded-For (0: the app faces the clients).
    # Rate limits count per client address, so behind a load balancer this must be right.
    "TRUSTED_PROXIES": 0,
    # A tablet keeps its class (and the class token in its page) this long after the code.
    "TABLET_SESSION_HOURS": 12,
    # "Er du fortsatt her?" after this many seconds without a touch; the reset comes after
    # another TABLET_IDLE_GRACE_SECONDS.
    "TABLET_IDLE_SECONDS": 180,
    "TABLET_IDLE_GRACE_SECONDS": 30,
    "LOG_LEVEL": "INFO",
    # Links in letters and mails: "https://trivsel.example.no"; None: the address of the request.
    "PUBLIC_BASE_URL": None,
    # Round reminders to school contacts. With no SMTP host (or in development) mail is logged.
    "MAIL_SMTP_HOST": None,
    "MAIL_SMTP_PORT": 587,
    "MAIL_SMTP_USER": None,
    "MAIL_SMTP_PASSWORD": None,
    "MAIL_SMTP_STARTTLS": True,
    "MAIL_FROM": "trivsel@localhost",
    "REMINDER_DAYS_BEFORE_CLOSE": 3,
    # Durable jobs (survey/jobs): a running job whose worker stops renewing this lease is
    # claimed again; the finished export and letter files are kept this long.
    "JOBS_LEASE_SECONDS": 60,
    "JOBS_FILE_HOURS": 24,
    # Run each job at once in the process that enqueues it (tests; no worker needed).
    "JOBS_IMMEDIATE": False,
    # At most this many letters in one PDF (1 to 2,000); a bigger download is split into
    # several PDFs of at most this many letters each.
    "LETTERS_MAX_PER_BATCH": 500,
    # Who staff ask for help, shown on the help page and in account mails:
    # "Ola Nordmann, oppvekstetaten, ola@kommune.no, 12 34 56 78".
    "SUPPORT_CONTACT": None,
}


#: Settings that no longer do anything, and why; set, they are ignored with a warning.
RETIRED = {
    "RUN_SCHEDULER": "the jobs run in `trivsel worker` only (which `trivsel serve` starts), "
    "so that exactly one scheduler runs",
}


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says why."""


def _parse(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if default is None:
        return value
    if isinstance(default, str):
        return value
    return json.loads(value)


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Read `TRIVSEL_<KEY>` variables for the known keys; unknown ones are an error."""
    values: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith("TRIVSEL_") or name.startswith(("TRIVSEL_TEST_", "TRIVSEL_BENCH_")):
            continue
        key = name.removeprefix("TRIVSEL_")
        if key == "DEMO_PASSWORD":
            continue  # read by the demo loader, not the app
        if key in RETIRED:
            log.warning("%s is ignored: %s", name, RETIRED[key])
            continue
        if key not in DEFAULTS:
            raise ConfigError(
                f"Unknown setting {name}. Known: TRIVSEL_{', TRIVSEL_'.join(DEFAULTS)}"
            )
        try:
            values[key] = _parse(raw, DEFAULTS[key])
        except ValueError as error:
            raise ConfigError(f"{name} cannot be read: {raw!r} ({error}).") from error
    return values


def build_config(
    overrides: Mapping[str, Any] | None,
    instance_path: str,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    config = dict(DEFAULTS)
    config.update(from_environment(os.environ if environ is None else environ))
    for key, value in (overrides or {}).items():
        if key not in DEFAULTS:
            raise ConfigError(f"Unknown setting {key!r}")
        config[key] = value
    if config["DATABASE_URL"] is None:
        config["DATABASE_URL"] = f"sqlite:///{Path(instance_path) / 'trivsel.db'}"
    if isinstance(config["PERMANENT_SESSION_LIFETIME"], int | float):
        config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(
            seconds=config["PERMANENT_SESSION_LIFETIME"]
        )
    if config["PERMANENT_SESSION_LIFETIME"] > dt.timedelta(hours=12):
        raise ConfigError("A session may last at most 12 hours (PERMANENT_SESSION_LIFETIME).")
    _check_letters_cap(config["LETTERS_MAX_PER_BATCH"])
    if config["ENV"] == "production":
        _check_production(config)
        config["SESSION_COOKIE_SECURE"] = True
    return config


def _check_letters_cap(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LETTERS:
        raise ConfigError(
            f"LETTERS_MAX_PER_BATCH must be a whole number from 1 to {MAX_LETTERS}, not {value!r}."
        )


def _check_production(config: Mapping[str, Any]) -> None:
    if config["SECRET_KEY"] == DEFAULT_SECRET_KEY or len(config["SECRET_KEY"]) < 32:
        raise ConfigError(
            "Refusing to run in production with the default or a short secret key: "
            "set TRIVSEL_SECRET_KEY to at least 32 random characters."
        )
    base = config["PUBLIC_BASE_URL"] or ""
    if not base.startswith("https://"):
        raise ConfigError(
            "Refusing to run in production without the public address: set "
            "TRIVSEL_PUBLIC_BASE_URL to the https:// address that letters and mails should print "
            "(for example https://trivsel.example.no)."
        )
