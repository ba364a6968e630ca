"""The zip package: every file, a README that explains, and only what the user may have."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

from tests.survey.exports.conftest import audit_events, unzip

EXPECTED_FILES = {
    "README.md",
    "aggregates.csv",
    "codebook.html",
    "codebook.json",
    "codebook_ddi.xml",
    "data_long.csv",
    "data_wide.csv",
    "data_wide.dta",
    "data_wide.sav",
    "data_wide.xlsx",
    "trend_model.R",
    "trend_model.py",
}


def test_the_package_holds_data_codebooks_readme_and_scripts(
    small_project, export, tmp_path
) -> None:
    with zipfile.ZipFile(export(small_project, "zip", tmp_path)) as zf:
        assert set(zf.namelist()) == EXPECTED_FILES


def test_long_and_wide_data_hold_the_same_answers(small_project, export, tmp_path) -> None:
    folder = unzip(export(small_project, "zip", tmp_path), tmp_path / "p")
    wide = pd.read_csv(folder / "data_wide.csv")
    long = pd.read_csv(folder / "data_long.csv")
    assert len(wide) == 28
    assert len(long) == 24 * 3 + 4  # pupils answer three items, parents one (no free text)
    liked = long[long["variable"] == "e_trivsel_liker_skolen"].set_index("response_id")["value"]
    assert (wide.set_index("response_id").loc[liked.index, "e_trivsel_liker_skolen"] == liked).all()
    assert long["is_declined"].sum() == 4


def test_the_codebook_documents_question_construct_keying_version_and_rounds(
    small_project, export, tmp_path
) -> None:
    folder = unzip(export(small_project, "zip", tmp_path), tmp_path / "p")
    variables = {
        v["name"]: v for v in json.loads((folder / "codebook.json").read_text())["variables"]
    }
    item = variables["e_trivsel_liker_skolen"]["item"]
    assert item["question"]["nb"] == "Jeg liker å være på skolen."
    assert len(item["question"]) > 1
    assert (item["construct"], item["direction"], item["reverse_keyed"]) == (
        "trivsel",
        "higher_is_better",
        False,
    )
    assert item["rounds"] == ["Høst 2026", "Vår 2027"]
    assert item["instrument_versions"][0].startswith("pupil-5-7 v")


def test_the_readme_explains_design_suppression_scores_and_has_no_free_text(
    small_project, export, tmp_path
) -> None:
    readme = (
        unzip(export(small_project, "zip", tmp_path), tmp_path / "p") / "README.md"
    ).read_text()
    assert "Høst 2026" in readme and "færre enn\n5 respondenter" in readme
    assert "halvparten" in readme or "half" in readme
    assert "Fritekstsvar er ikke med" in readme


def test_free_text_comes_with_a_warning_in_the_readme(small_project, export, tmp_path) -> None:
    folder = unzip(export(small_project, "zip", tmp_path, include_free_text=True), tmp_path / "p")
    assert "Advarsel: fritekst" in (folder / "README.md").read_text()
    texts = pd.read_csv(folder / "data_long.csv")["text"].dropna()
    assert set(texts) == {"Fin skole."}


def test_school_names_can_be_replaced_by_codes(small_project, export, tmp_path) -> None:
    folder = unzip(export(small_project, "zip", tmp_path, school_codes_only=True), tmp_path / "p")
    for name in ("data_wide.csv", "data_long.csv", "aggregates.csv", "codebook.json"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "Åsen skole" not in text and "Bakken skole" not in text, name
    assert set(pd.read_csv(folder / "data_wide.csv")["school"]) == {"S01", "S02"}


def test_aggregates_hide_groups_below_the_minimum_size(small_project, export, tmp_path) -> None:
    folder = unzip(export(small_project, "zip", tmp_path), tmp_path / "p")
    table = pd.read_csv(folder / "aggregates.csv")
    parents = table[table["respondent_type"] == "foresatt"]
    assert parents["suppressed"].all() and parents["mean"].isna().all()  # one parent per school
    pupils = table[(table["respondent_type"] == "elev") & (table["school"] != "(alle)")]
    assert not pupils["suppressed"].any() and (pupils["n"] >= 5).all()


def test_every_export_is_written_to_the_audit_log(small_project, export, session, tmp_path) -> None:
    export(small_project, "csv", tmp_path, respondent_types=("pupil",))
    export(small_project, "sav", tmp_path)
    events = audit_events(session, small_project)
    assert [e.details["format"] for e in events] == ["csv", "sav"]
    assert events[0].details["respondent_types"] == ["pupil"]
    assert events[0].details["responses"] == 24 and events[0].actor == "system"


def test_a_school_name_cannot_run_as_a_formula_in_the_aggregates(
    small_project, session, export, tmp_path
) -> None:
    small_project.schools[0].name = "=1+1"
    session.flush()
    folder = unzip(export(small_project, "zip", tmp_path), tmp_path / "p")
    table = pd.read_csv(folder / "aggregates.csv")
    assert "=1+1" not in set(table["school"])
    assert "'=1+1" in set(table["school"])


def test_progress_counts_the_responses_written_chunk_by_chunk(
    small_project, app, session, tmp_path, monkeypatch
) -> None:
    from survey.exports import queries
    from survey.exports.package import run_export
    from survey.exports.plan import ExportRequest

    monkeypatch.setattr(queries, "CHUNK_RESPONSES", 10)
    seen: list[tuple[int, int]] = []
    with app.app_context():
        run_export(
            session,
            ExportRequest(small_project.id),
            "csv",
            tmp_path / "e.csv",
            progress=lambda *a: seen.append(a),
        )
    assert seen == [(0, 28), (10, 28), (20, 28), (28, 28)]


def test_aggregates_are_the_wide_datas_scores_summed_across_chunks(
    small_project, export, tmp_path, monkeypatch
) -> None:
    """Each shown cell of aggregates.csv is the count, mean and SD of its score in the
    exported wide data, with the sums carried across chunks of five responses."""
    from survey.exports import queries

    monkeypatch.setattr(queries, "CHUNK_RESPONSES", 5)
    folder = unzip(export(small_project, "zip", tmp_path), tmp_path / "p")
    wide = pd.read_csv(folder / "data_wide.csv")
    table = pd.read_csv(folder / "aggregates.csv")
    shown = table[~table["suppressed"].astype(bool) & (table["school"] != "(alle)")]
    assert len(shown) == 4  # pupils: two schools in two rounds
    for row in shown.itertuples():
        cell = wide[
            (wide["respondent_type"] == row.respondent_type)
            & (wide["round"] == row.round)
            & (wide["arm"] == row.arm)
            & (wide["school"] == row.school)
        ][row.variable].dropna()
        assert row.n == len(cell)
        assert row.mean == pytest.approx(cell.mean(), abs=1e-4)
        assert row.sd == pytest.approx(cell.std(ddof=1), abs=1e-4)
