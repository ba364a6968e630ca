"""Run an export: stream the data once into every file, document it, package it, audit it.

`run_export` writes one format (csv, xlsx, sav, dta) or the zip package with all of them, the
codebooks, a README and the R and Python trend-model scripts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
from flask import current_app
from sqlalchemy.orm import Session

from analytics.csvsafe import defuse_frame
from survey import audit, clock
from survey.exports import codebook, ddi, queries
from survey.exports.aggregates import ScoreAggregates
from survey.exports.frames import ChunkShaper
from survey.exports.longcsv import LongCsvRows
from survey.exports.plan import ExportPlan, ExportRequest, build_plan
from survey.exports.statfiles import StatFileWriter
from survey.exports.statistics import SCORING_SOURCE, SUPPRESSION_SOURCE
from survey.exports.tables import readable, table_columns
from survey.exports.workbook import DataWorkbook
from survey.exports.writers import CsvWriter
from survey.exports.zipstream import BackgroundMember
from survey.models import Project, User

log = logging.getLogger(__name__)

FORMATS = ("zip", "csv", "xlsx", "sav", "dta")
LONG_COLUMNS = [
    "response_id",
    "respondent_type",
    "round",
    "round_label",
    "school",
    "group",
    "variable",
    "item_id",
    "value",
    "is_declined",
]
SCRIPTS = ("trend_model.R", "trend_model.py")
LONG_FILE = "data_long.csv"
XLSX_FILE = "data_wide.xlsx"
MEDIA_TYPES = {
    "zip": "application/zip",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    responses: int
    files: tuple[str, ...]
    created_on: dt.date


class Batch:
    """One chunk in every shape a writer may ask for; each shape is built at most once."""

    def __init__(self, shaper: ChunkShaper, chunk: queries.ExportChunk) -> None:
        self.shaper = shaper
        self.chunk = chunk
        self.responses = chunk.responses

    @cached_property
    def wide(self) -> pd.DataFrame:
        return self.shaper.wide(self.chunk)

    @cached_property
    def table(self) -> pd.DataFrame:
        return readable(self.shaper.plan, self.wide)

    @cached_property
    def long(self) -> pd.DataFrame:
        return self.shaper.long(self.chunk)

    @cached_property
    def free_text(self) -> pd.DataFrame:
        long = self.long
        return long.loc[
            long["text"].notna(), ["response_id", "respondent_type", "variable", "text"]
        ]


Sink = Callable[[Batch], None]
#: Called with (responses written, responses in total) as an export proceeds.
Progress = Callable[[int, int], None]


def export_file_name(project: Project, fmt: str, today: dt.date) -> str:
    return f"trivsel-prosjekt-{project.id}-{today.isoformat()}.{fmt}"


def run_export(
    session: Session,
    request: ExportRequest,
    fmt: str,
    out: Path,
    user: User | None = None,
    via: str = "web",
    progress: Progress | None = None,
    job_id: int | None = None,
) -> ExportResult:
    """Write the export to `out` and record it in the audit log (who, when, what, how).

    `progress`, if given, is called with (responses written, responses in total): once with
    (0, total) before the first row, then after every chunk, ending with (total, total).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    plan = build_plan(session, request)
    out = Path(out)
    if fmt == "zip":
        responses, files = _write_package(session, plan, out, progress)
    else:
        responses = _write_single(session, plan, fmt, out, progress)
        files = [out.name]
    audit.record(
        session,
        "export.created",
        user=user,
        project_id=plan.project.id,
        format=fmt,
        via=via,
        responses=responses,
        files=files,
        **({"job_id": job_id} if job_id is not None else {}),
        **request.describe(),
    )
    log.info("exported project %s as %s: %d responses", plan.project.id, fmt, responses)
    return ExportResult(out, fmt, responses, tuple(files), clock.utcnow().date())


def _stream(
    session: Session,
    plan: ExportPlan,
    sinks: list[Sink],
    progress: Progress | None,
    shaper: ChunkShaper | None = None,
) -> int:
    shaper = shaper or ChunkShaper(plan)
    count = 0
    chunks = queries.stream_chunks(
        session, plan.request, shaper.item_columns, queries.CHUNK_RESPONSES
    )
    for chunk in chunks:
        if progress is not None and count == 0:
            progress(0, chunk.total)
        batch = Batch(shaper, chunk)
        for sink in sinks:
            sink(batch)
        count += len(batch.responses)
        if progress is not None:
            progress(count, chunk.total)
    if progress is not None and count == 0:
        progress(0, 0)
    return count


def _write_single(
    session: Session, plan: ExportPlan, fmt: str, out: Path, progress: Progress | None
) -> int:
    if fmt == "csv":
        writer = CsvWriter(out, table_columns(plan))
        count = _stream(session, plan, [lambda b: writer.write(b.table)], progress)
        writer.close()
        return count
    if fmt in ("sav", "dta"):
        stat = StatFileWriter(out, plan.variables, fmt, plan.project.name)
        count = _stream(session, plan, [lambda b: stat.write(b.wide)], progress)
        stat.close()
        return count
    aggregates = ScoreAggregates(plan)
    book = DataWorkbook(plan, out)
    count = _stream(session, plan, [lambda b: aggregates.add(b.wide), book.add], progress)
    book.close(aggregates.table())
    return count


def _write_package(
    session: Session, plan: ExportPlan, out: Path, progress: Progress | None
) -> tuple[int, list[str]]:
    created_at = clock.utcnow()
    # Level 1 deflates CSV nearly as small as the default at a third of the time.
    with (
        tempfile.TemporaryDirectory(prefix="trivsel-export-") as tmp,
        zipfile.ZipFile(
            out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True
        ) as package,
    ):
        folder = Path(tmp)
        long_columns = LONG_COLUMNS + (["text"] if plan.request.include_free_text else [])
        # The long file goes into the package as it is written (see zipstream); the others
        # are kept in `folder` and added when they are done.
        long_csv = CsvWriter(BackgroundMember(package, LONG_FILE), long_columns)
        try:
            count, book, table = _write_data(session, plan, folder, long_csv, progress)
        finally:
            long_csv.close()
        # Closing the workbook deflates its parts, as adding the other files to the package
        # deflates them: two threads, and zlib lets go of the GIL, so both cores work.
        with ThreadPoolExecutor(1, thread_name_prefix="export-xlsx") as pool:
            closing = pool.submit(book.close, table)
            _write_documents(plan, folder, count, created_at)
            written = sorted(p.name for p in folder.iterdir() if p.name != XLSX_FILE)
            for name in written:
                package.write(folder / name, arcname=name)
            closing.result()
        # The xlsx file is a zip of deflated parts already, so it is stored as it is.
        package.write(folder / XLSX_FILE, arcname=XLSX_FILE, compress_type=zipfile.ZIP_STORED)
    return count, sorted([LONG_FILE, XLSX_FILE, *written])


def _write_data(
    session: Session,
    plan: ExportPlan,
    folder: Path,
    long_csv: CsvWriter,
    progress: Progress | None,
) -> tuple[int, DataWorkbook, pd.DataFrame]:
    """Stream the responses into every data file and the aggregates. Returns their number,
    the workbook, still to be closed, and the aggregate table to close it with."""
    wide_csv = CsvWriter(folder / "data_wide.csv", table_columns(plan))
    shaper = ChunkShaper(plan)
    long_rows = LongCsvRows(shaper, long_csv.columns)
    stats = [
        StatFileWriter(folder / f"data_wide.{kind}", plan.variables, kind, plan.project.name)
        for kind in ("sav", "dta")
    ]
    book = DataWorkbook(plan, folder / XLSX_FILE)
    aggregates = ScoreAggregates(plan)
    sinks: list[Sink] = [
        lambda b: wide_csv.write(b.table),
        lambda b: _write_long(long_csv, long_rows, b),
        *[lambda b, s=s: s.write(b.wide) for s in stats],
        book.add,
        lambda b: aggregates.add(b.wide),
    ]
    count = _stream(session, plan, sinks, progress, shaper)
    for writer in (wide_csv, *stats):
        writer.close()
    table = aggregates.table()
    defuse_frame(table).to_csv(folder / "aggregates.csv", index=False)
    return count, book, table


def _write_long(writer: CsvWriter, long_rows: LongCsvRows, batch: Batch) -> None:
    rendered = long_rows.rows(batch.chunk)
    if rendered is None:
        writer.write(batch.long)
    else:
        writer.write_rows(*rendered)


def _write_documents(plan: ExportPlan, folder: Path, count: int, created_at: dt.datetime) -> None:
    files = {
        "data_wide.csv": "Én rad per besvarelse (CSV, UTF-8).",
        "data_long.csv": "Én rad per besvarelse og spørsmål (CSV, UTF-8).",
        "data_wide.xlsx": "Én rad per besvarelse, med tabeller og variabelliste (Excel).",
        "data_wide.sav": "Én rad per besvarelse, med etiketter (SPSS).",
        "data_wide.dta": "Én rad per besvarelse, med etiketter (Stata 15+).",
        "aggregates.csv": "Gjennomsnittlige skårer per runde, arm og skole, prikket.",
    }
    data = codebook.codebook_data(plan, files, created_at)
    (folder / "codebook.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (folder / "codebook.html").write_text(codebook.codebook_html(data), encoding="utf-8")
    (folder / "codebook_ddi.xml").write_bytes(ddi.codebook_ddi(data, "data_wide.sav", count))
    readme = codebook.render_document(
        "exports/package/README.md",
        codebook=data,
        responses=count,
        scoring_source=SCORING_SOURCE,
        suppression_source=SUPPRESSION_SOURCE,
        free_text=plan.request.include_free_text,
        school_codes_only=plan.request.school_codes_only,
    )
    (folder / "README.md").write_text(readme, encoding="utf-8")
    loader = current_app.jinja_env.loader
    assert loader is not None
    for script in SCRIPTS:
        source, _, _ = loader.get_source(current_app.jinja_env, f"exports/package/{script}")
        (folder / script).write_text(source, encoding="utf-8")
