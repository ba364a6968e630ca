"""`trivsel analyze`: on a tidy CSV it gives the Python API's numbers; on a project it stores."""

import json

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from analytics.scoring import ConstructSpec
from analytics.simulation import simulate_demo
from analytics.trend import fit_trend
from survey.analysis.failures import current_failure
from survey.cli import main
from survey.db import make_engine
from survey.demo.loader import load_demo
from survey.models import Project
from tests.analytics.conftest import scored
from tests.conftest import TEST_SECRET_KEY
from tests.survey.analysis.conftest import NOW, SMALL

SPEC = ConstructSpec("konflikt", tuple((f"k{i}", i == 3) for i in range(4)))


@pytest.fixture
def tidy_csv(tmp_path):
    data = scored(simulate_demo({"pupil": [SPEC]}, seed=9), "pupil", [SPEC])
    frame = data.rename(columns={"score": "konflikt", "round": "maaling", "group": "klasse"})
    path = tmp_path / "tidy.csv"
    frame[["konflikt", "maaling", "school", "klasse", "arm"]].to_csv(path, index=False)
    return path, data


def test_analyze_csv_gives_the_same_numbers_as_the_python_api(tidy_csv) -> None:
    path, data = tidy_csv
    args = [
        "analyze",
        "--csv",
        str(path),
        "--outcome",
        "konflikt",
        "--round",
        "maaling",
        "--school",
        "school",
        "--group",
        "klasse",
        "--arm",
        "arm",
        "--json",
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    direct = fit_trend(data).to_dict()
    for table in ("contrasts", "marginal_means", "variance_components", "coefficients"):
        for ours, theirs in zip(printed[table], direct[table], strict=True):
            for key, value in theirs.items():
                assert ours[key] == (
                    pytest.approx(value, abs=1e-9) if isinstance(value, float) else value
                )
    assert printed["loglik"] == pytest.approx(direct["loglik"], abs=1e-9)


def test_analyze_csv_prints_a_summary(tidy_csv) -> None:
    path, _ = tidy_csv
    args = [
        "analyze",
        "--csv",
        str(path),
        "--outcome",
        "konflikt",
        "--round",
        "maaling",
        "--school",
        "school",
        "--arm",
        "arm",
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0
    assert "Forskjell i endring" in result.output and "school:group" not in result.output


def test_analyze_explains_what_it_needs() -> None:
    result = CliRunner().invoke(main, ["analyze"])
    assert result.exit_code != 0 and "--project ID or --csv FILE" in result.output


def test_analyze_csv_explains_a_bad_column(tidy_csv) -> None:
    path, _ = tidy_csv
    args = [
        "analyze",
        "--csv",
        str(path),
        "--outcome",
        "nope",
        "--round",
        "maaling",
        "--school",
        "school",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0 and "missing columns" in result.output


def test_analyze_project_fits_and_stores(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TRIVSEL_DATABASE_URL", url)
    monkeypatch.setenv("TRIVSEL_SECRET_KEY", "cli-test-secret-key-long-enough-to-be-real")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], catch_exceptions=False).exit_code == 0
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        load_demo(session, TEST_SECRET_KEY, seed=5, design=SMALL, now=NOW)
    engine.dispose()
    result = runner.invoke(main, ["analyze", "--project", "1"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "results stored" in result.output and "pupil   konflikt" in result.output
    assert "[full]" in result.output  # each trend line names its model
    again = runner.invoke(main, ["analyze", "--project", "1"], catch_exceptions=False)
    assert "unchanged" in again.output


@pytest.fixture
def empty_database(tmp_path, monkeypatch):
    """A migrated SQLite file with one project and no answers, as the commands see it."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TRIVSEL_DATABASE_URL", url)
    monkeypatch.setenv("TRIVSEL_SECRET_KEY", "cli-test-secret-key-long-enough-to-be-real")
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["db", "upgrade"], catch_exceptions=False).exit_code == 0
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        session.add(Project(name="Første runde", delete_after_on=NOW.date().replace(year=2030)))
    yield engine
    engine.dispose()


def test_a_failed_analysis_prints_one_line_and_exits_non_zero(empty_database, monkeypatch) -> None:
    def broken(session, project_id, force=False):
        raise ValueError("fewer responses than fixed effects")

    monkeypatch.setattr("survey.analysis.operations.analyze_project", broken)
    result = CliRunner().invoke(main, ["analyze", "--project", "1"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: the analysis of project 1 failed: ValueError: fewer responses than fixed effects"
    ]
    with Session(empty_database) as session:
        assert "fewer responses" in current_failure(session, 1).what


def test_an_unknown_project_is_one_line_too(empty_database) -> None:
    result = CliRunner().invoke(main, ["analyze", "--project", "99"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.strip() == "Error: there is no project with id 99"


@pytest.fixture(scope="module")
def panel_csv(tmp_path_factory):
    from analytics.simulation_panel import simulate_panel

    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    simulate_panel(seed=4).to_csv(path, index=False)
    return path


def _panel_args(path, pupil: str) -> list[str]:
    return [
        "analyze", "--csv", str(path), "--outcome", "score", "--round", "round",
        "--school", "school", "--group", "group", "--arm", "treated", "--treated", "1",
        "--pupil", pupil, "--json",
    ]  # fmt: skip


def test_analyze_csv_with_pupil_fits_the_panel_model(panel_csv) -> None:
    result = CliRunner().invoke(main, _panel_args(panel_csv, "card"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["panel_pupils"] > 300 and data["mde"] < data["mde_cross_section"]
    assert "pupil" in {row["component"] for row in data["variance_components"]}


def test_analyze_csv_explains_a_missing_pupil_column(panel_csv) -> None:
    result = CliRunner().invoke(main, _panel_args(panel_csv, "kort"))
    assert result.exit_code != 0 and "missing columns" in result.output
    assert "Traceback" not in result.output


def csv_args(path, *extra: str) -> list[str]:
    return [
        "analyze", "--csv", str(path), "--outcome", "konflikt", "--round", "maaling",
        "--school", "school", "--group", "klasse", "--arm", "arm", *extra,
    ]  # fmt: skip


def test_analyze_csv_with_df_kenward_roger_gives_its_adjusted_intervals(tidy_csv) -> None:
    path, data = tidy_csv
    args = csv_args(path, "--df", "kenward-roger", "--json")
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    direct = fit_trend(data, df_method="kenward_roger").to_dict()
    assert printed["df_method"] == "kenward_roger"
    for ours, theirs in zip(printed["contrasts"], direct["contrasts"], strict=True):
        assert ours["se"] == pytest.approx(theirs["se"], abs=1e-9)
        assert ours["df"] == pytest.approx(theirs["df"], abs=1e-6)


def test_analyze_refuses_an_unknown_df_method_in_one_line(tidy_csv) -> None:
    path, _ = tidy_csv
    result = CliRunner().invoke(main, csv_args(path, "--df", "kenward"))
    assert result.exit_code == 2 and "kenward-roger" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["analyze", "--project", "1", "--df", "kenward-roger"])
    assert result.exit_code == 2 and "--df applies to --csv only" in result.output
