"""`trivsel analyze`: fit the models of a project and store them, or fit any tidy CSV."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

#: `--df` as a user types it, and the analytics name of the method.
DF_METHODS = {"satterthwaite": "satterthwaite", "kenward-roger": "kenward_roger"}


@click.command(help="Fit the trend models: of a project (stored), or of a tidy CSV file.")
@click.option("--project", "project_id", type=int, help="Fit and store every model of a project.")
@click.option("--force", is_flag=True, help="Refit even when the data have not changed.")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--outcome", help="CSV: the score column.")
@click.option("--round", "round_column", help="CSV: the round column (numbers are ordered).")
@click.option(
    "--round-order",
    help="CSV: round labels in time order, comma-separated (else numeric or alphabetical).",
)
@click.option("--school", help="CSV: the school column.")
@click.option("--group", help="CSV: the class column; leave out for parents and staff.")
@click.option("--arm", help="CSV: the arm column (two values, constant within a school).")
@click.option("--treated", default="intervention", show_default=True, help="CSV: treated arm.")
@click.option("--pupil", help="CSV: the panel id column; adds (1 | pupil) nested in school.")
@click.option(
    "--arm-within-school",
    is_flag=True,
    help="CSV: the arm may vary inside a school (classes, not schools, were assigned).",
)
@click.option("--min-group-size", default=10, show_default=True, type=click.IntRange(min=5))
@click.option(
    "--df",
    "df_method",
    type=click.Choice(sorted(DF_METHODS)),
    default="satterthwaite",
    show_default=True,
    help="CSV: degrees of freedom of the intervals; kenward-roger also adjusts the SEs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def analyze(
    project_id: int | None,
    force: bool,
    csv_path: str | None,
    outcome: str | None,
    round_column: str | None,
    round_order: str | None,
    school: str | None,
    group: str | None,
    arm: str | None,
    treated: str,
    pupil: str | None,
    arm_within_school: bool,
    min_group_size: int,
    df_method: str,
    as_json: bool,
) -> None:
    if (project_id is None) == (csv_path is None):
        raise click.UsageError("Give either --project ID or --csv FILE.")
    if csv_path is not None:
        if not (outcome and round_column and school):
            raise click.UsageError("--csv needs --outcome, --round and --school.")
        order = [label.strip() for label in round_order.split(",")] if round_order else None
        _analyze_csv(
            csv_path,
            outcome,
            (round_column, order),
            school,
            group,
            arm,
            treated,
            min_group_size,
            as_json,
            pupil=pupil,
            arm_within_school=arm_within_school,
            df_method=DF_METHODS[df_method],
        )
        return
    if df_method != "satterthwaite":
        raise click.UsageError("--df applies to --csv only; a project's models use its defaults.")
    assert project_id is not None
    _analyze_project(project_id, force, as_json)


def _analyze_csv(
    path: str,
    outcome: str,
    rounds: tuple[str, list[str] | None],
    school: str,
    group: str | None,
    arm: str | None,
    treated: str,
    min_group_size: int,
    as_json: bool,
    pupil: str | None = None,
    arm_within_school: bool = False,
    df_method: str = "satterthwaite",
) -> None:
    import pandas as pd

    from analytics.trend_fallback import fit_with_fallback

    frame = pd.read_csv(path)
    round_column, order = rounds
    if order is not None and round_column in frame.columns:
        unknown = set(frame[round_column].dropna().astype(str)) - set(order)
        if unknown:
            raise click.ClickException(f"rounds missing from --round-order: {sorted(unknown)}")
        labels = frame[round_column].astype(str)
        frame[round_column] = pd.Categorical(labels, categories=order, ordered=True)
    try:
        result = fit_with_fallback(
            frame,
            outcome=outcome,
            round=round_column,
            school=school,
            group=group,
            arm=arm,
            treated=treated,
            min_group_size=min_group_size,
            pupil=pupil,
            arm_within_school=arm_within_school,
            df_method=df_method,
        )
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    except Exception as error:  # a clear line, never a traceback
        # Imported here: it loads the database models, a third of a CSV fit's whole time.
        from survey.analysis.failures import describe_error

        raise click.ClickException(f"the analysis failed: {describe_error(error)}") from error
    if as_json:
        _dump(result.to_dict())
    else:
        click.echo(result.summary())


def _analyze_project(project_id: int, force: bool, as_json: bool) -> None:
    from survey.analysis.failures import describe_error, record_success
    from survey.analysis.operations import ProjectNotFoundError, analyze_project, stored_results
    from survey.analysis.tasks import record_failure
    from survey.commands import command_app

    try:
        app = command_app()
        from survey.db import get_database

        database = get_database(app)
        with app.app_context():
            try:
                with database.session_scope() as session:
                    run = analyze_project(session, project_id, force=force)
                    record_success(session, project_id)
            except ProjectNotFoundError:
                raise
            except Exception as error:
                record_failure(database, project_id, error)
                raise
            with database.session_scope() as session:
                _report(project_id, run, stored_results(session, project_id), as_json)
    except ProjectNotFoundError as error:
        raise click.ClickException(str(error)) from error
    except Exception as error:  # a clear line, never a traceback
        message = f"the analysis of project {project_id} failed: {describe_error(error)}"
        raise click.ClickException(message) from error


def _report(project_id: int, run: Any, results: list[Any], as_json: bool) -> None:
    if as_json:
        _dump(
            [
                {
                    "construct": r.construct,
                    "respondent_type": r.respondent_type,
                    "kind": r.kind,
                    "result": r.result,
                }
                for r in results
            ]
        )
        return
    state = "unchanged, kept" if run.is_skipped else f"fitted, {run.stored} results stored"
    click.echo(f"Project {project_id}: {state}.")
    for row in results:
        if row.kind == "trend":
            click.echo(_trend_line(row.construct, row.respondent_type, row.result))


def _trend_line(construct: str, respondent_type: str, result: dict[str, Any]) -> str:
    lead = f"  {respondent_type:<7} {construct:<26}"
    if "error" in result:
        return f"{lead} {result['error']}"
    model = result.get("model", "full")
    why = f" [{model}] {result['reason_nb']}" if result.get("reason_nb") else f" [{model}]"
    contrasts = [c for c in result["contrasts"] if c["estimate"] is not None]
    last = contrasts[-1] if contrasts else None
    if last is None:
        return f"{lead} no difference-in-differences{why}"
    interval = f"[{last['ci_low']:+.3f}, {last['ci_high']:+.3f}]"
    return f"{lead} DiD {last['round']}: {last['estimate']:+.3f} {interval}{why}"


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    click.echo()
