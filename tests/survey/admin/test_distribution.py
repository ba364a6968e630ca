"""Distribution: link batches shown once, as a CSV and as letters, without storing a token."""

from __future__ import annotations

import csv
import io
import re

from pypdf import PdfReader
from sqlalchemy import func, select

from survey.admin.distribution.schemas import MAX_LINKS
from survey.models import AccessCode, AuditEvent, OptOutCount
from survey.rounds.codes import link_token_hash
from tests.conftest import TEST_SECRET_KEY
from tests.survey.admin.letter_download import download_letters

TOKEN_FIELD = re.compile(r'name="tokens" value="([^"]+)"')


def _make(post_form, round_, target: str, count: str = "", language: str = "nb"):
    data = {"target": target, "count": count, "language": language}
    return post_form(f"/admin/rounds/{round_.id}/links", data, follow_redirects=True)


def _download(post_form, round_, page, kind: str, target: str):
    tokens = TOKEN_FIELD.findall(page.text)
    data = {"target": target, "language": "nb", "tokens": tokens}
    return post_form(f"/admin/rounds/{round_.id}/{kind}", data), tokens


def test_a_class_gets_one_parent_link_per_pupil_by_default(
    session, as_lead, post_form, open_round, group
):
    page = _make(post_form, open_round, f"parent:group:{group.id}")
    assert len(TOKEN_FIELD.findall(page.text)) == group.enrolled
    assert page.headers["Cache-Control"] == "no-store"


def test_tokens_are_stored_only_as_hashes(session, as_lead, post_form, open_round, school):
    page = _make(post_form, open_round, f"staff:school:{school.id}", "3")
    token = TOKEN_FIELD.findall(page.text)[0]
    stored = session.scalar(
        select(AccessCode).filter_by(code_hash=link_token_hash(TEST_SECRET_KEY, token))
    )
    assert stored.respondent_type == "staff"
    assert token not in repr([stored.code_hash, stored.code_seed])


def test_staff_links_need_a_number(as_lead, post_form, open_round, school) -> None:
    page = _make(post_form, open_round, f"staff:school:{school.id}")
    assert page.status_code == 422
    assert 'id="count-error"' in page.text


def test_a_language_the_questionnaire_lacks_is_refused(as_lead, post_form, open_round, school):
    page = _make(post_form, open_round, f"staff:school:{school.id}", "2", language="ur")
    assert page.status_code == 422
    assert 'id="language-error"' in page.text


def test_the_link_csv_has_one_row_per_link(as_lead, post_form, open_round, school) -> None:
    target = f"staff:school:{school.id}"
    made = _make(post_form, open_round, target, "4")
    download, tokens = _download(post_form, open_round, made, "links.csv", target)
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["nr", "skole", "klasse", "gruppe", "språk", "lenke"]
    assert [row[-1] for row in rows[1:]] == [f"http://localhost/s/{t}" for t in tokens]
    assert {row[3] for row in rows[1:]} == {"ansatt"}  # Norwegian, not "staff"


def test_the_letters_have_one_page_per_link(as_lead, post_form, open_round, group) -> None:
    target = f"parent:group:{group.id}"
    made = _make(post_form, open_round, target, "3")
    tokens = TOKEN_FIELD.findall(made.text)
    data = {"target": target, "language": "nb", "tokens": tokens}
    download = download_letters(as_lead, post_form, open_round.id, data)
    assert download.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(download.data)).pages) == 3


def test_a_download_with_a_foreign_token_is_refused(as_lead, post_form, open_round, school) -> None:
    target = f"staff:school:{school.id}"
    data = {"target": target, "language": "nb", "tokens": ["x" * 32]}
    assert post_form(f"/admin/rounds/{open_round.id}/links.csv", data).status_code == 422


def test_downloads_are_audited(session, as_lead, post_form, open_round, school) -> None:
    target = f"staff:school:{school.id}"
    _download(post_form, open_round, _make(post_form, open_round, target, "2"), "links.csv", target)
    event = session.scalar(select(AuditEvent).filter_by(action="links.downloaded"))
    assert (event.details["count"], event.details["format"]) == (2, "csv")


def test_the_information_letter_is_a_pdf_in_the_chosen_language(as_lead, open_round, school):
    page = as_lead.get(
        f"/admin/rounds/{open_round.id}/information-letter.pdf?school={school.id}&language=nn"
    )
    assert page.mimetype == "application/pdf"
    assert "Spørjeundersøking" in PdfReader(io.BytesIO(page.data)).pages[0].extract_text()


def test_opt_outs_are_stored_as_counts_per_class(session, as_lead, post_form, open_round, group):
    post_form(f"/admin/rounds/{open_round.id}/opt-outs", {f"opted_out_{group.id}": "2"})
    stored = session.scalar(select(OptOutCount).filter_by(round_id=open_round.id))
    assert (stored.group_id, stored.opted_out) == (group.id, 2)


def test_a_negative_opt_out_count_is_explained_in_place(
    session, as_lead, post_form, open_round, group
):
    page = post_form(f"/admin/rounds/{open_round.id}/opt-outs", {f"opted_out_{group.id}": "-1"})
    assert page.status_code == 422
    assert f'id="opted_out_{group.id}-error"' in page.text
    assert session.scalar(select(func.count()).select_from(OptOutCount)) == 0


def test_the_distribution_page_shows_the_class_codes(as_lead, open_round, group) -> None:
    page = as_lead.get(f"/admin/rounds/{open_round.id}/distribution")
    assert re.search(r'class="class-code">[A-Z0-9]{6}<', page.text)


def test_a_school_name_cannot_run_as_a_formula_in_the_link_csv(
    session, as_lead, post_form, open_round, school
) -> None:
    school.name = '=HYPERLINK("https://evil.example","Klikk")'
    session.flush()
    target = f"staff:school:{school.id}"
    made = _make(post_form, open_round, target, "1")
    download, _tokens = _download(post_form, open_round, made, "links.csv", target)
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == "'" + school.name


def test_a_download_of_more_links_than_a_batch_holds_is_refused_with_a_message(
    as_lead, post_form, open_round, school
) -> None:
    tokens = [f"{n:032x}" for n in range(MAX_LINKS + 1)]
    data = {"target": f"staff:school:{school.id}", "language": "nb", "tokens": tokens}
    page = post_form(f"/admin/rounds/{open_round.id}/letters.pdf", data)
    assert page.status_code == 422
    assert f"høyst {MAX_LINKS} lenker" in page.text


def test_the_information_letter_names_sender_contact_and_data_controller(
    session, as_lead, open_round, school
):
    open_round.project.letter_sender = "Oppvekstetaten i Nordby kommune"
    open_round.project.letter_contact = "Kari Nordmann, tlf. 400 00 000"
    open_round.project.data_controller = "Nordby kommune"
    session.flush()
    page = as_lead.get(
        f"/admin/rounds/{open_round.id}/information-letter.pdf?school={school.id}&language=nb"
    )
    text = " ".join(PdfReader(io.BytesIO(page.data)).pages[0].extract_text().split())
    assert "Behandlingsansvarlig for opplysningene er Nordby kommune." in text
    assert "kontakte Kari Nordmann, tlf. 400 00 000." in text
    assert "Med vennlig hilsen Oppvekstetaten i Nordby kommune" in text
    assert len(PdfReader(io.BytesIO(page.data)).pages) == 1
