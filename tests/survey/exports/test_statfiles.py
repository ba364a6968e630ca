"""SPSS and Stata files read back with the values, labels and missing codes that went in."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pandas as pd
import pyreadstat
import pytest

from survey.exports.variables import DECLINED_CODE
from tests.survey.exports.conftest import unzip

ITEM = "e_trivsel_gleder_meg"
QUESTION = "Jeg gleder meg til å gå på skolen om morgenen."


def _csv(path):
    return pd.read_csv(path)


def test_spss_file_reads_back_with_values_labels_and_the_declared_missing_code(
    small_project, export, tmp_path
) -> None:
    data, meta = pyreadstat.read_sav(export(small_project, "sav", tmp_path), user_missing=True)
    assert len(data) == 28
    assert meta.column_names_to_labels[ITEM] == QUESTION
    assert meta.variable_value_labels[ITEM][DECLINED_CODE] == "Vil ikke svare"
    assert meta.missing_ranges[ITEM] == [{"lo": DECLINED_CODE, "hi": DECLINED_CODE}]
    assert (data[ITEM] == DECLINED_CODE).sum() == 4
    assert set(data["school"].map(meta.variable_value_labels["school"])) == {
        "Åsen skole",
        "Bakken skole",
    }


def test_spss_treats_the_declined_answer_as_missing_not_as_a_number(
    small_project, export, tmp_path
) -> None:
    data, _ = pyreadstat.read_sav(export(small_project, "sav", tmp_path))
    assert data[ITEM].isna().sum() == 4 + 4  # declined pupils, and parents who were not asked
    assert data[ITEM].max() <= 5


def _package(small_project, export, tmp_path):
    """One export's files: each export numbers its respondents anew, in a new random order."""
    return unzip(export(small_project, "zip", tmp_path), tmp_path / "package")


def test_spss_and_csv_hold_the_same_values(small_project, export, tmp_path) -> None:
    package = _package(small_project, export, tmp_path)
    spss, _ = pyreadstat.read_sav(package / "data_wide.sav")
    table = _csv(package / "data_wide.csv")
    for name in ("response_id", "round", "grade", "e_trivsel_liker_skolen", "e_score_trivsel"):
        pd.testing.assert_series_equal(
            spss[name].astype(float), table[name].astype(float), check_names=False
        )
    assert list(spss["completed_on"].astype(str).unique()) == ["2026-10-05"]


def test_stata_file_reads_back_with_values_labels_and_declined_as_extended_missing(
    small_project, export, tmp_path
) -> None:
    data, meta = pyreadstat.read_dta(export(small_project, "dta", tmp_path), user_missing=True)
    assert len(data) == 28
    assert meta.column_names_to_labels[ITEM] == QUESTION
    assert meta.missing_user_values[ITEM] == ["a"]
    assert meta.variable_value_labels[ITEM]["a"] == "Vil ikke svare"
    assert (data[ITEM] == "a").sum() == 4
    assert meta.variable_value_labels["arm"] == {0: "sammenligning", 1: "intervensjon"}


def test_stata_and_spss_agree_on_every_value(small_project, export, tmp_path) -> None:
    package = _package(small_project, export, tmp_path)
    stata, _ = pyreadstat.read_dta(package / "data_wide.dta")
    spss, _ = pyreadstat.read_sav(package / "data_wide.sav")
    pd.testing.assert_frame_equal(
        stata.drop(columns="completed_on"), spss.drop(columns="completed_on"), check_dtype=False
    )
    assert (stata["completed_on"].astype(str) == spss["completed_on"].astype(str)).all()


def _r_with_haven() -> bool:
    if shutil.which("Rscript") is None:
        return False
    found = subprocess.run(["Rscript", "-e", "library(haven)"], capture_output=True, check=False)
    return found.returncode == 0


def test_r_haven_reads_the_spss_file_with_labels_and_missing_values(
    small_project, export, tmp_path
) -> None:
    if not _r_with_haven():
        if os.environ.get("TRIVSEL_TEST_REQUIRE_R"):
            pytest.fail("TRIVSEL_TEST_REQUIRE_R is set but Rscript with haven is missing")
        pytest.skip("Rscript with haven is not installed")
    path = export(small_project, "sav", tmp_path)
    script = (
        f'd <- haven::read_sav("{path}", user_na = TRUE); x <- d${ITEM}; '
        'cat(nrow(d), sum(haven::is_tagged_na(x) | is.na(x)), attr(x, "label"), '
        'names(attr(x, "labels"))[attr(x, "labels") == 99], attr(x, "na_values"), sep = "|")'
    )
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    assert run.stdout.split("|") == ["28", "8", QUESTION, "Vil ikke svare", "99"]


@pytest.mark.parametrize("kind", ["sav", "dta"])
def test_a_project_without_answers_gives_an_empty_readable_file(
    make_project, export, tmp_path, kind
) -> None:
    read = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
    data, meta = read(export(make_project(), kind, tmp_path))
    assert len(data) == 0 and meta.number_rows in (0, None)
    assert "response_id" in meta.column_names


def test_class_labels_name_their_school_and_design_labels_are_norwegian(
    small_project, export, tmp_path
) -> None:
    _data, meta = pyreadstat.read_sav(export(small_project, "sav", tmp_path))
    groups = meta.variable_value_labels["group"]
    assert len(set(groups.values())) == len(groups)  # no two schools' 5A share a label
    assert all(label.split(" ")[-1] in ("5A", "6A", "5B", "6B") for label in groups.values())
    assert meta.variable_value_labels["respondent_type"] == {1: "elev", 2: "foresatt", 3: "ansatt"}
    assert set(meta.variable_value_labels["status"].values()) == {"delvis", "fullført"}


def test_english_value_labels_are_an_option(small_project, export, tmp_path) -> None:
    _data, meta = pyreadstat.read_sav(export(small_project, "sav", tmp_path, label_language="en"))
    assert meta.variable_value_labels["arm"] == {0: "comparison", 1: "intervention"}


def test_variable_names_are_readable_without_hashes(small_project, export, tmp_path) -> None:
    _data, meta = pyreadstat.read_sav(export(small_project, "sav", tmp_path))
    names = meta.column_names
    assert "e_trivsel_har_det_fint_i" in names and "e_score_konflikthaandtering" in names
    assert len(set(names)) == len(names) and max(map(len, names)) <= 28
    assert not [n for n in names if re.search(r"_[0-9a-f]{4}$", n)]
