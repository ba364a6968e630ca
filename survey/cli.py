"""The `trivsel` command: set up the database, load the demo, serve, run jobs, list codes."""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from flask import Flask

#: Commands of the features, imported only when one is run (or listed): `trivsel analyze
#: --csv` on an evaluator's file then loads pandas and analytics, not Flask, SQLAlchemy and
#: the export writers, and starts in a fraction of the time.
LAZY_COMMANDS = {
    "analyze": "survey.analysis.cli:analyze",
    "export": "survey.exports.cli:export",
    "backup": "survey.backup.cli:backup_command",
    "restore": "survey.backup.cli:restore_command",
}


class LazyGroup(click.Group):
    """A group whose feature commands are imported on first use (click's lazy loading)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module, name = LAZY_COMMANDS[cmd_name].split(":")
            return getattr(importlib.import_module(module), name)
        return super().get_command(ctx, cmd_name)


def _app() -> Flask:
    from survey.commands import command_app

    return command_app()


@click.group(
    cls=LazyGroup,
    help="Trivsel: measuring how pupils, parents and staff experience school life.",
)
def main() -> None:
    pass


@main.group(help="Database commands.")
def db() -> None:
    pass


@db.command("upgrade", help="Bring the database schema up to date (idempotent).")
def db_upgrade() -> None:
    from survey.migrate import upgrade

    app = _app()
    upgrade(app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@main.command(help="Load the demo project (a simulated social-worker evaluation).")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no project.")
@click.option("--seed", type=int, help="Seed of the simulation (default: the demo's own).")
def demo(if_empty: bool, seed: int | None) -> None:
    from sqlalchemy import select

    from survey.db import get_database
    from survey.demo.loader import (
        DEMO_ADMIN_EMAIL,
        DEMO_SEED,
        DemoExistsError,
        demo_password,
        load_demo,
    )
    from survey.models import Project

    app = _app()
    try:
        with app.app_context(), get_database(app).session_scope() as session:
            if if_empty and session.scalar(select(Project.id).limit(1)) is not None:
                click.echo("The database already has a project; the demo was not loaded again.")
            else:
                click.echo(
                    load_demo(
                        session, app.config["SECRET_KEY"], seed=DEMO_SEED if seed is None else seed
                    )
                )
    except DemoExistsError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Admin login: {DEMO_ADMIN_EMAIL} / {demo_password()}")


@main.command(help="Serve the app (gunicorn on Linux), and run the jobs in a worker beside it.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=2, show_default=True)
@click.option("--no-jobs", is_flag=True, help="Serve only; run the jobs with `trivsel worker`.")
@click.option("--parent-pid", type=int, hidden=True, help="End when this process ends.")
def serve(host: str, port: int, workers: int, no_jobs: bool, parent_pid: int | None) -> None:
    from survey.processes import exit_with_parent, serve_with_worker
    from survey.server import serve as run_server

    if not no_jobs:
        click.echo(f"Serving Trivsel on http://{host}:{port}, with a worker process for the jobs")
        sys.exit(serve_with_worker(host, port, workers))
    if parent_pid is not None:
        exit_with_parent(parent_pid)
    else:
        click.echo(f"Serving Trivsel on http://{host}:{port}, without jobs")
    run_server(_app(), host=host, port=port, workers=workers)


@main.command(help="Run the clock and the jobs until stopped (the only job runner).")
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs run at once by this worker.",
)
@click.option("--no-clock", is_flag=True, help="Run jobs only; another worker keeps the clock.")
@click.option("--parent-pid", type=int, hidden=True, help="End when this process ends.")
def worker(concurrency: int, no_clock: bool, parent_pid: int | None) -> None:
    from survey.processes import exit_with_parent, leave_at_once
    from survey.scheduler import run_worker

    if parent_pid is not None:
        exit_with_parent(parent_pid)
    run_worker(_app(), concurrency=concurrency, clock=not no_clock)
    leave_at_once()  # without waiting for a job still running: each is idempotent


@main.command("create-user", help="Create a staff user.")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "project_lead", "school_contact", "evaluator"]),
)
@click.option("--project", "project_ids", multiple=True, type=int, help="Project id (repeatable).")
@click.option("--school", "school_ids", multiple=True, type=int, help="School id (repeatable).")
@click.option(
    "--password",
    help="Asked for (twice, hidden) when not given; piped in, the first line of standard input.",
)
def create_user(
    email: str,
    role: str,
    project_ids: tuple[int, ...],
    school_ids: tuple[int, ...],
    password: str | None,
) -> None:
    from survey.accounts.operations import AccountError
    from survey.accounts.operations import create_user as make_user
    from survey.db import get_database
    from survey.models import Project, School

    if password is None:
        password = _read_password()
    app = _app()
    try:
        with app.app_context(), get_database(app).session_scope() as session:
            projects = [_must_get(session, Project, pid) for pid in project_ids]
            schools = [_must_get(session, School, sid) for sid in school_ids]
            user = make_user(session, email, role, password, projects, schools)
            click.echo(f"Created {user.email} ({user.role}).")
    except AccountError as error:
        raise click.ClickException(str(error)) from error


def _read_password() -> str:
    """From the terminal, hidden and confirmed; from a pipe, its first line. (click's password
    prompt on a pipe falls back to getpass, which warns that the input may be echoed.)"""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException("No password given: pipe one in, or use --password.")
    return line.rstrip("\r\n")


def _must_get(session, model, ident):
    row = session.get(model, ident)
    if row is None:
        raise click.ClickException(f"There is no {model.__name__.lower()} with id {ident}.")
    return row


@main.command(help="List the class codes and link counts of the open rounds.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def codes(as_json: bool) -> None:
    from survey.db import get_database
    from survey.rounds.queries import open_class_codes, open_link_counts

    app = _app()
    with app.app_context(), get_database(app).session_scope() as session:
        class_codes = open_class_codes(session, app.config["SECRET_KEY"])
        links = open_link_counts(session)
    if as_json:
        json.dump(
            {"class_codes": [asdict(c) for c in class_codes], "links": [asdict(c) for c in links]},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        click.echo()
        return
    if not class_codes and not links:
        click.echo("No round is open.")
        return
    click.echo("Class codes of the open rounds:")
    for c in class_codes:
        click.echo(f"  {c.code}  {c.school:<24} {c.group:<6} ({c.round}, {c.project})")
    if links:
        click.echo("Links of the open rounds (made / used):")
        for link in links:
            counts = f"{link.made:>4} / {link.used:<4}"
            click.echo(f"  {link.school:<24} {link.respondent_type:<7} {counts} ({link.round})")


if __name__ == "__main__":
    main()
