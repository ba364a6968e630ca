"""A class added while a round is open gets its class code at once (issue 17: it got none, yet
the monitor counted its pupils in the denominator)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from survey.models import AccessCode, Group

CODE_CELL = re.compile(r'<td>5C</td><td><code class="class-code">([A-Z0-9]{6})</code>')


def _add_class(post_form, school):
    data = {"label": "5C", "grade": "5", "enrolled": "21"}
    return post_form(f"/admin/schools/{school.id}/groups/new", data)


def test_a_class_added_mid_round_gets_its_class_code(
    session, as_lead, post_form, open_round, school
) -> None:
    _add_class(post_form, school)
    added = session.scalar(select(Group).filter_by(label="5C"))
    codes = session.scalars(select(AccessCode).filter_by(group_id=added.id, kind="class_code"))
    assert [code.round_id for code in codes] == [open_round.id]


def test_the_distribution_page_shows_the_new_class_code(
    as_lead, post_form, open_round, school
) -> None:
    _add_class(post_form, school)
    page = as_lead.get(f"/admin/rounds/{open_round.id}/distribution")
    assert CODE_CELL.search(page.text)


def test_a_class_added_before_the_round_opens_waits_for_the_opening(
    session, as_lead, post_form, planned_round, school
) -> None:
    _add_class(post_form, school)
    added = session.scalar(select(Group).filter_by(label="5C"))
    assert session.scalars(select(AccessCode).filter_by(group_id=added.id)).all() == []


def test_a_class_added_by_mistake_mid_round_can_still_be_deleted(
    session, as_lead, post_form, open_round, school
) -> None:
    _add_class(post_form, school)
    added = session.scalar(select(Group).filter_by(label="5C"))
    post_form(f"/admin/groups/{added.id}/delete")
    assert session.scalar(select(Group).filter_by(label="5C")) is None


def test_the_class_code_sheet_has_a_page_per_class_with_its_code(
    as_lead, open_round, group
) -> None:
    page = as_lead.get(f"/admin/rounds/{open_round.id}/distribution")
    code = re.search(r'class="class-code">([A-Z0-9]{6})<', page.text).group(1)
    sheet = as_lead.get(f"/admin/rounds/{open_round.id}/class-codes.pdf")
    assert sheet.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(sheet.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert " ".join(code) in text and "6A" in text


def test_a_planned_round_has_no_class_code_sheet(as_lead, planned_round) -> None:
    assert as_lead.get(f"/admin/rounds/{planned_round.id}/class-codes.pdf").status_code == 404
