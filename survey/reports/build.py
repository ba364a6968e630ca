"""A school report from the snapshot to the PDF's bytes, in the report's language."""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from cachetools import LRUCache
from flask_babel import force_locale
from sqlalchemy.orm import Session

from survey.models import Project, Round, School
from survey.reports import reading
from survey.reports.pdf import build_report
from survey.reports.queries import SchoolReport, school_report

log = logging.getLogger(__name__)
REPORT_LANGUAGES = ("nb", "nn")
#: Finished reports by their content: drawing one takes about a second, reading the snapshot
#: behind it a twentieth of that, and the figures change only when a round is published. The
#: key is a digest of everything the PDF shows, so a new snapshot can never meet an old PDF.
_DRAWN: LRUCache[str, bytes] = LRUCache(maxsize=64)
_DRAWN_LOCK = threading.Lock()


def report_language(school: School, asked: str | None = None) -> str:
    """The language asked for, else the school's own written Norwegian, else bokmål."""
    if asked in REPORT_LANGUAGES:
        return asked
    return school.language if school.language in REPORT_LANGUAGES else "nb"


def sentences(report: SchoolReport) -> dict[str, list[str]]:
    """The reading per respondent type."""
    return {
        section.respondent_type: reading.summary(
            section, report.language, report.arm, report.rounds, report.min_group_size
        )
        for section in report.sections
    }


def school_report_pdf(
    session: Session, project: Project, school: School, round_: Round, language: str
) -> bytes:
    started = time.perf_counter()
    with force_locale(language):
        report = school_report(session, project, school, round_, language)
        said = sentences(report)
        key = hashlib.sha256(repr((report, sorted(said.items()))).encode()).hexdigest()
        with _DRAWN_LOCK:
            data = _DRAWN.get(key)
        if data is None:
            data = build_report(report, said)
            with _DRAWN_LOCK:
                _DRAWN[key] = data
    log.info(
        "school report for school %s, round %s in %.0f ms",
        school.id,
        round_.id,
        1000 * (time.perf_counter() - started),
    )
    return data
