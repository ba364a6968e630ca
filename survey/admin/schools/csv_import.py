"""Import schools and classes from a spreadsheet saved as CSV: all rows, or none.

One row per class. Columns (Norwegian or English headings, any order, `;` or `,`):
skole, skolekode, arm (tiltak/sammenligning), kontakt, trinn, klasse, elever. A school is made
the first time its code appears; later rows with the same code add classes to it. A class
that already exists (same school and name) gets the grade and head-count of the file.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey import audit
from survey.admin.forms import load_form
from survey.admin.schools.operations import create_group, create_school, update_group
from survey.admin.schools.schemas import ImportRow
from survey.models import Group, Project, School, User

log = logging.getLogger(__name__)

MAX_ROWS = 2000
HEADINGS = {
    "skole": "school_name",
    "skolenavn": "school_name",
    "school": "school_name",
    "skolekode": "school_code",
    "kode": "school_code",
    "school_code": "school_code",
    "code": "school_code",
    "arm": "arm",
    "gruppe": "arm",
    "kontakt": "contact_email",
    "e-post": "contact_email",
    "contact": "contact_email",
    "trinn": "grade",
    "grade": "grade",
    "klasse": "label",
    "class": "label",
    "label": "label",
    "elever": "enrolled",
    "antall elever": "enrolled",
    "enrolled": "enrolled",
}


@dataclass
class ImportResult:
    schools_created: int = 0
    groups_created: int = 0
    groups_updated: int = 0
    #: "line n: message" for every problem; empty when the import went through.
    problems: list[str] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM, as Excel saves it), else Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_rows(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str], dict[str, str]]:
    """(line number, row by field name) for each data row, problems with the headings, and
    the heading the file uses for each field."""
    sample = text[:4096]
    delimiter = max(";,\t", key=sample.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        return [], [_("Filen er tom.")], {}
    names = [HEADINGS.get(cell.strip().lower()) for cell in header]
    unknown = [cell for cell, name in zip(header, names, strict=True) if name is None and cell]
    missing = {"school_code", "grade", "label", "enrolled"} - set(filter(None, names))
    problems = []
    if unknown:
        problems.append(_("Ukjente kolonner: %(columns)s.", columns=", ".join(unknown)))
    if missing:
        labels = {"school_code": "skolekode", "grade": "trinn", "label": "klasse"}
        wanted = ", ".join(sorted(labels.get(name, "elever") for name in missing))
        problems.append(_("Filen mangler kolonnene: %(columns)s.", columns=wanted))
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append((line, {name: cell for name, cell in zip(names, cells, strict=False) if name}))
    headings = {name: cell.strip() for cell, name in zip(header, names, strict=True) if name}
    return rows, problems, headings


def import_classes(session: Session, user: User, project: Project, raw: bytes) -> ImportResult:
    """Check every row, then write them all; with any problem, write nothing."""
    rows, problems, headings = read_rows(decode(raw))
    result = ImportResult(problems=problems)
    if len(rows) > MAX_ROWS:
        result.problems.append(_("Filen har mer enn %(rows)d rader.", rows=MAX_ROWS))
    if result.problems:
        return result
    if not rows:
        result.problems.append(_("Filen har ingen klasser."))
        return result
    schools = {school.code: school for school in project.schools}
    checked = []
    for line, row in rows:
        data, errors, _raw = load_form(ImportRow(), row)
        if data is None:
            for name, messages in errors.items():
                column = headings.get(name, name)
                result.problems.append(_line(line, column, " ".join(messages)))
            continue
        if data["school_code"] not in schools and not (data["school_name"] and data["arm"]):
            result.problems.append(
                _line(line, headings.get("school_code", ""), _("En ny skole trenger navn og arm."))
            )
            continue
        checked.append(data)
    if not result.problems:
        _write(session, user, project, schools, checked, result)
    return result


def _line(line: int, name: str, message: str) -> str:
    return _("Linje %(line)d (%(column)s): %(message)s", line=line, column=name, message=message)


def _write(
    session: Session,
    user: User,
    project: Project,
    schools: dict[str, School],
    rows: list[dict[str, Any]],
    result: ImportResult,
) -> None:
    for data in rows:
        school = schools.get(data["school_code"])
        if school is None:
            school = create_school(
                session,
                user,
                project,
                name=data["school_name"],
                code=data["school_code"],
                arm=data["arm"],
                contact_email=data["contact_email"],
            )
            schools[school.code] = school
            result.schools_created += 1
        fields = {"grade": data["grade"], "label": data["label"], "enrolled": data["enrolled"]}
        group = session.scalar(
            select(Group).where(Group.school_id == school.id, Group.label == data["label"])
        )
        if group is None:
            create_group(session, user, school, **fields)
            result.groups_created += 1
        else:
            update_group(session, user, group, **fields)
            result.groups_updated += 1
    audit.record(
        session,
        "schools.imported",
        user=user,
        project_id=project.id,
        schools_created=result.schools_created,
        groups_created=result.groups_created,
        groups_updated=result.groups_updated,
    )
    log.info("imported %d classes into project %s", len(rows), project.id)
