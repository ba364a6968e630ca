"""The XLSX writer's block path writes the very XML of xlsxwriter's cell-by-cell path."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from survey.exports import writers
from tests.survey.exports.test_safety import HOSTILE

FRAME = pd.DataFrame(
    {
        "id": pd.array([1, 2, None, 4, 5], dtype="Int64"),
        "score": [1.5, np.nan, np.inf, 2 / 3, -0.0],
        "label": ["Skole A", None, "=SUM(A1)", "  space &<> \x01 \x00 _x0041_ \u202e", "Ærlig"],
        "mixed": pd.Series([1, "x", None, 2.5, "@a"], dtype=object),
        "empty": ["", "a", " b", "c\n", HOSTILE["long"]],
    }
)


def _sheet_xml(path, monkeypatch, block: bool, max_rows: int) -> list[str]:
    with monkeypatch.context() as patch:
        patch.setattr(writers, "XLSX_MAX_ROWS", max_rows)
        if not block:
            patch.setattr(writers.XlsxSheet, "_write_block", lambda self, frame: False)
        book = writers.XlsxBook(path)
        sheet = book.sheet("data", list(FRAME.columns))
        sheet.write(FRAME)
        sheet.write(FRAME.iloc[:3])
        sheet.write(FRAME.iloc[:0])
        sheet.write(pd.concat([FRAME] * 8, ignore_index=True))  # few values: rendered once
        book.close()
    with zipfile.ZipFile(path) as package:
        names = sorted(n for n in package.namelist() if n.startswith("xl/worksheets/sheet"))
        return [package.read(name).decode() for name in names]


@pytest.mark.parametrize("max_rows", [writers.XLSX_MAX_ROWS, 4])
def test_block_path_writes_what_xlsxwriter_writes_cell_by_cell(
    tmp_path, monkeypatch, max_rows
) -> None:
    block = _sheet_xml(tmp_path / "block.xlsx", monkeypatch, True, max_rows)
    cells = _sheet_xml(tmp_path / "cells.xlsx", monkeypatch, False, max_rows)
    assert len(block) == (1 if max_rows > 100 else 16)  # 48 rows, 3 a sheet after the header
    assert block == cells


def _csv(path, frame, block: bool, monkeypatch) -> bytes:
    with monkeypatch.context() as patch:
        if not block:
            patch.setattr(writers, "csv_rows", lambda frame, text: None)
        writer = writers.CsvWriter(path, list(frame.columns))
        writer.write(frame)
        writer.write(frame.iloc[:2])
        writer.write(frame.iloc[:0])
        writer.close()
    return path.read_bytes()


CSV_FRAME = FRAME.assign(
    text=[HOSTILE["hyperlink"], 'sier "hei", og\\r\\nså', None, HOSTILE["rtl_override"], "-1"],
    small=[1e-7, 1e20, 0.1 + 0.2, np.nan, 3.0],
    count=np.arange(5),
)


@pytest.mark.parametrize("rows", [5, 3, 1])
def test_csv_block_path_writes_what_pandas_writes(tmp_path, monkeypatch, rows) -> None:
    frame = CSV_FRAME.iloc[:rows]
    block = _csv(tmp_path / "block.csv", frame, True, monkeypatch)
    cells = _csv(tmp_path / "cells.csv", frame, False, monkeypatch)
    assert block == cells
    assert writers.csv_rows(frame, str) is not None


def test_csv_block_path_joins_many_rows_of_few_values(tmp_path, monkeypatch) -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "id": np.arange(5000),
            "label": rng.choice(["A", "B,C", None], 5000),
            **{f"q{i}": pd.array(rng.integers(1, 6, 5000), dtype="Int64") for i in range(8)},
        }
    )
    block = _csv(tmp_path / "block.csv", frame, True, monkeypatch)
    cells = _csv(tmp_path / "cells.csv", frame, False, monkeypatch)
    assert block == cells


def test_long_rows_from_the_matrix_are_the_long_frame_written_as_csv(
    app, session, small_project, tmp_path
) -> None:
    """The long file's fast path (`longcsv`) writes exactly what writing `ChunkShaper.long`'s
    frame writes: hostile names, parents without a class, declined answers."""
    from sqlalchemy import select

    from survey.exports.frames import ChunkShaper
    from survey.exports.longcsv import LongCsvRows
    from survey.exports.package import LONG_COLUMNS
    from survey.exports.plan import ExportRequest, build_plan
    from survey.exports.queries import stream_chunks
    from survey.models import Group, School

    school = session.scalars(select(School).order_by(School.id)).first()
    school.name = '=HYPERLINK("x"), "Skole" \u202e'
    group = session.scalars(select(Group).filter_by(school_id=school.id)).first()
    group.label = "5A, 5B"
    session.flush()
    with app.app_context():
        plan = build_plan(session, ExportRequest(small_project.id))
        shaper = ChunkShaper(plan)
        fast = writers.CsvWriter(tmp_path / "fast.csv", LONG_COLUMNS)
        frames = writers.CsvWriter(tmp_path / "frames.csv", LONG_COLUMNS)
        long_rows = LongCsvRows(shaper, LONG_COLUMNS)
        for chunk in stream_chunks(session, plan.request, shaper.item_columns, size=7):
            rendered = long_rows.rows(chunk)
            assert rendered is not None
            fast.write_rows(*rendered)
            frames.write(shaper.long(chunk))
        fast.close()
        frames.close()
    written = (tmp_path / "fast.csv").read_bytes()
    assert written == (tmp_path / "frames.csv").read_bytes()
    assert fast.rows == frames.rows == 76
    assert written.count(b",,1\r\n") == 4  # the declined answers: no value, declined
    assert b'"\'=HYPERLINK(""x""), ""Skole"" <U+202E>"' in written
    assert b' 5A, 5B",e_' in written  # the class, quoted for its comma
