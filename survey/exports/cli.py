"""`trivsel export`: the same export as the download page, for an operator on the server."""

from __future__ import annotations

import getpass
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from survey.exports.package import FORMATS
from survey.exports.variables import LABEL_LANGUAGES
from survey.models import RESPONDENT_TYPES


@click.command(help="Export a project's data (the zip package, or one file) and log it.")
@click.option("--project", "project_id", required=True, type=int, help="Project id.")
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--round", "round_ids", multiple=True, type=int, help="Round id (repeatable).")
@click.option(
    "--respondent-type",
    "respondent_types",
    multiple=True,
    type=click.Choice(RESPONDENT_TYPES),
    help="Respondent type (repeatable); all when not given.",
)
@click.option("--school-codes", is_flag=True, help="Replace school names with neutral codes.")
@click.option("--free-text", is_flag=True, help="Include free-text answers (they may hold names).")
@click.option(
    "--labels",
    "label_language",
    type=click.Choice(LABEL_LANGUAGES),
    default="nb",
    show_default=True,
    help="Language of the value labels of respondent type, arm and status.",
)
def export(
    project_id: int,
    fmt: str,
    out: Path,
    round_ids: tuple[int, ...],
    respondent_types: tuple[str, ...],
    school_codes: bool,
    free_text: bool,
    label_language: str,
) -> None:
    from survey.commands import command_app
    from survey.db import get_database
    from survey.exports.package import run_export
    from survey.exports.plan import ExportRequest

    request = ExportRequest(
        project_id=project_id,
        round_ids=round_ids,
        respondent_types=respondent_types,
        school_codes_only=school_codes,
        include_free_text=free_text,
        label_language=label_language,
    )
    app = command_app()
    # rich draws the bar on a terminal and stays quiet when the output is a pipe or a file.
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        rows = bar.add_task("Responses written", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(rows, completed=done, total=total)

        try:
            with app.app_context(), get_database(app).session_scope() as session:
                result = run_export(
                    session,
                    request,
                    fmt,
                    out,
                    via=f"cli:{getpass.getuser()}",
                    progress=progress,
                )
        except LookupError as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"Wrote {result.path} ({result.responses} responses).")
    if free_text:
        click.echo("It holds free text, which may contain names: handle it accordingly.")
