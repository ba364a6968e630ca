"""The link CSV, and what a batch of letters needs to know about its round."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence

from flask import current_app, request, url_for

from analytics.csvsafe import defuse_cell
from instruments.reading import text_in
from survey.admin.distribution.letters import LinkLetters
from survey.models import Group, Round, School
from survey.responses.operations import instrument_of


def link_url(token: str | None, path: str | None = None) -> str:
    """The full address of a link (or of `path`), on PUBLIC_BASE_URL when it is set."""
    path = path or url_for("links.start", token=token)
    base = current_app.config["PUBLIC_BASE_URL"] or request.url_root
    return base.rstrip("/") + path


#: The respondent type as the school's staff say it, in the link CSV's «gruppe» column.
GROUP_WORDS = {"pupil": "elev", "parent": "foresatt", "staff": "ansatt"}


def link_csv(
    school: School, group: Group | None, respondent_type: str, language: str, tokens: Sequence[str]
) -> str:
    """One row per link, for the school's own SMS or e-mail system; `;` and a BOM for Excel."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["nr", "skole", "klasse", "gruppe", "språk", "lenke"])
    for number, token in enumerate(tokens, start=1):
        row = [
            number,
            school.name,
            group.label if group else "",
            GROUP_WORDS.get(respondent_type, respondent_type),
            language,
            link_url(token),
        ]
        writer.writerow([defuse_cell(cell) for cell in row])
    return buffer.getvalue()


def batch_of(
    round_: Round, school: School, group: Group | None, respondent_type: str, language: str
) -> LinkLetters:
    version = round_.instrument_for(respondent_type)
    assert version is not None
    instrument = instrument_of(version)
    return LinkLetters(
        language=language,
        respondent_type=respondent_type,
        school=school.name,
        group=group.label if group else None,
        title=text_in(instrument.title, language, fallback=instrument.default_language),
        closes_at=round_.closes_at,
        min_group_size=round_.project.min_group_size,
    )


def safe_name(name: str) -> str:
    """A download file name with nothing a browser could misread."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name)


def letters_zip(name: str, parts: Sequence[bytes]) -> bytes:
    """Several letter PDFs of one download in a zip: `brev-...-1-av-3.pdf` and so on."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, pdf in enumerate(parts, 1):
            archive.writestr(f"{name}-{number}-av-{len(parts)}.pdf", pdf)
    return buffer.getvalue()
