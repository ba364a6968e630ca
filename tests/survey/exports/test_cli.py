"""`trivsel export` writes the file it was asked for and logs who ran it."""

from __future__ import annotations

import pyreadstat
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from survey.cli import main


@pytest.fixture
def runner(tmp_path, monkeypatch) -> CliRunner:
    monkeypatch.setenv("TRIVSEL_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TRIVSEL_SECRET_KEY", "cli-test-secret-key-long-enough-to-be-real")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["db", "upgrade"], ["demo"]):
        assert runner.invoke(main, args, catch_exceptions=False).exit_code == 0
    return runner


def test_the_export_command_writes_a_labelled_stata_file_and_logs_it(
    runner, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal, where the progress bar is drawn
    out = tmp_path / "demo.dta"
    args = ["export", "--project", "1", "--format", "dta", "--out", str(out), "--school-codes"]
    result = runner.invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Responses written" in result.output
    data, meta = pyreadstat.read_dta(out)
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.connect() as connection:
        sent_in_closed_rounds = connection.execute(
            text(
                "SELECT count(*) FROM response JOIN round ON round.id = response.round_id"
                " WHERE round.status = 'closed' AND response.status = 'complete'"
            )
        ).scalar()
    engine.dispose()
    assert len(data) == sent_in_closed_rounds > 2000
    assert "e_score_konflikt" in meta.column_names
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.connect() as connection:
        via = connection.execute(
            text("SELECT details FROM audit_event WHERE action = 'export.created'")
        ).scalar_one()
    engine.dispose()
    assert '"via": "cli:' in via and '"school_codes_only": true' in via


def test_an_unknown_project_is_a_clear_error(runner, tmp_path) -> None:
    args = ["export", "--project", "99", "--format", "csv", "--out", str(tmp_path / "x.csv")]
    result = runner.invoke(main, args)
    assert result.exit_code != 0
    assert "no project with id 99" in result.output
