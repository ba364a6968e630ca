"""`trivsel backup` and `trivsel restore`."""

from __future__ import annotations

from pathlib import Path

import click

from survey.backup.operations import BackupError, backup, restore


def _database_url() -> str:
    from survey.commands import command_app

    return command_app().config["DATABASE_URL"]


@click.command("backup", help="Write a consistent copy of the whole database to a file.")
@click.option("--out", "target", required=True, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    try:
        made = backup(_database_url(), target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {made}. It holds answers: keep it encrypted.")


@click.command("restore", help="Replace the database's contents with a backup file.")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    if not yes:
        click.confirm("This replaces everything in the database. Go on?", abort=True)
    try:
        restore(_database_url(), source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Database restored from {source}.")
