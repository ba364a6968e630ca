"""The card sheet of a class: new cards in a PDF, with no name and no code kept in clear."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import func, select

from survey.models import AuditEvent, PanelMember
from survey.panel import cards

PRINTED = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


def _sheet(client, group, language: str = "nb"):
    with client.session_transaction() as browser_session:
        token = browser_session.setdefault("csrf", "test-csrf-token")
    url = f"/admin/groups/{group.id}/panel-cards.pdf"
    return client.post(url, data={"language": language, "csrf_token": token})


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_sheet_has_a_card_per_pupil_and_spares_all_issued(as_lead, project, group, session):
    project.is_panel = True
    session.flush()
    page = _sheet(as_lead, group)
    assert page.status_code == 200 and page.mimetype == "application/pdf"
    assert page.headers["Cache-Control"] == "no-store"
    text = _text(page.data)
    codes = [code.replace("-", "") for code in PRINTED.findall(text)]
    assert len(codes) == len(set(codes)) == 24  # 20 enrolled and 20 % spares
    assert all(cards.is_well_formed(code) for code in codes)
    assert "Skriv aldri navn på kortene" in text
    assert session.scalar(select(func.count()).select_from(PanelMember)) == 24
    hashes = set(session.scalars(select(PanelMember.code_hash)))
    assert not any(code in h.upper() for code in codes for h in hashes)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "panel.cards_issued"))
    assert "Skriv ut nye kort" in as_lead.get(f"/admin/projects/{project.id}/").text


def test_cards_in_a_pupil_language_say_so_in_it(as_lead, project, group, session):
    project.is_panel = True
    project.languages = ["nb", "nn", "en"]
    session.flush()
    text = _text(_sheet(as_lead, group, "en").data)
    assert "Do not write your name on the card" in text
    assert "Skriv aldri navn på kortene" in text  # the teacher's page stays Norwegian


def test_no_cards_outside_panel_mode_nor_in_a_language_not_offered(
    as_lead,
    project,
    group,
    session,
):
    assert _sheet(as_lead, group).status_code == 404
    project.is_panel = True
    session.flush()
    assert _sheet(as_lead, group, "xx").status_code == 422


def test_panel_mode_is_chosen_before_the_first_round_opens(
    as_lead,
    project,
    make_round,
    post_form,
    session,
):
    make_round(project=project, status="open")
    values = {"name": project.name, "delete_after_on": "2030-12-31", "languages": ["nb", "nn"]}
    page = post_form(f"/admin/projects/{project.id}/edit", {**values, "is_panel": "on"})
    assert page.status_code == 422
    assert "før den første runden åpner" in page.text
    session.refresh(project)
    assert project.is_panel is False
