"""`trivsel backup` and `trivsel restore`."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from flask import Flask

from survey.backup.operations import BackupError, backup, restore


def _app() -> Flask:
    from survey.commands import command_app

    return command_app()


@click.command("backup", help="Write a consistent copy of the whole database to a file.")
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    app = _app()
    try:
        made = backup(app.config["DATABASE_URL"], target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    _record(app, made)
    click.echo(f"Backup written to {made}. It holds answers: keep it encrypted.")


def _record(app: Flask, made: Path) -> None:
    """A backup holds every answer, so it goes in the audit log like any data export."""
    from survey import audit
    from survey.db import get_database

    with app.app_context(), get_database(app).session_scope() as session:
        audit.record(
            session,
            "backup.created",
            via=f"cli:{getpass.getuser()}",
            contents="the whole database",
            file=str(made),
            bytes=made.stat().st_size,
        )


@click.command("restore", help="Replace the database's contents with a backup file.")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    if not yes:
        click.confirm("This replaces everything in the database. Go on?", abort=True)
    try:
        restore(_app().config["DATABASE_URL"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Database restored from {source}.")
