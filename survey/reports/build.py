"""A school report from the snapshot to the PDF's bytes, in the report's language."""

from __future__ import annotations

import logging
import time

from flask_babel import force_locale
from sqlalchemy.orm import Session

from survey.models import Project, Round, School
from survey.reports import reading
from survey.reports.pdf import build_report
from survey.reports.queries import SchoolReport, school_report

log = logging.getLogger(__name__)
REPORT_LANGUAGES = ("nb", "nn")


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
        data = build_report(report, sentences(report))
    log.info(
        "school report for school %s, round %s in %.0f ms",
        school.id,
        round_.id,
        1000 * (time.perf_counter() - started),
    )
    return data
