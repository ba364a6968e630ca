"""The letters as printed: a QR code that scans back to the link, in the reader's script."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from survey.admin.distribution.letters import LinkLetters, link_letters_pdf
from survey.admin.distribution.pdf import LetterPdf
from survey.i18n import LANGUAGES
from tests.survey.admin.letter_download import download_letters

SNAPSHOTS = Path(__file__).parent / "snapshots"
LINK = "https://trivsel.example.no/s/q3Jk8-xLw2pZ0aB7yT4vN9mR1cE6hU_s"
TOKEN_FIELD = re.compile(r'name="tokens" value="([^"]+)"')


def _batch(language: str) -> LinkLetters:
    return LinkLetters(
        language=language,
        respondent_type="parent",
        school="Nordby skole",
        group="6A",
        title="Hvordan har barnet ditt det på skolen?",
        closes_at=dt.datetime(2026, 10, 22, 14, tzinfo=dt.UTC),
        min_group_size=10,
    )


def page_image(pdf: bytes, page: int = 1) -> Image.Image:
    """The page as a printer would print it, at 150 dpi (PDFium, from PyPI: no system tool)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[page - 1].render(scale=150 / 72).to_pil()
    finally:
        document.close()


def scanned(pdf: bytes, page: int = 1) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(page_image(pdf, page))]


def test_the_qr_code_of_each_downloaded_letter_scans_to_its_own_link(
    as_lead, post_form, open_round, group
):
    target = f"parent:group:{group.id}"
    made = post_form(
        f"/admin/rounds/{open_round.id}/links",
        {"target": target, "count": "2", "language": "nb"},
        follow_redirects=True,
    )
    tokens = TOKEN_FIELD.findall(made.text)
    data = {"target": target, "language": "nb", "tokens": tokens}
    pdf = download_letters(as_lead, post_form, open_round.id, data).data
    assert scanned(pdf, 2) == [f"http://localhost/s/{tokens[1]}"]


def test_an_urdu_letter_scans_to_its_link_too(app) -> None:
    with app.test_request_context():
        pdf = link_letters_pdf(_batch("ur"), [LINK])
    assert scanned(pdf) == [LINK]


def test_an_urdu_letter_is_set_in_nastaliq_from_right_to_left(app) -> None:
    with app.test_request_context():
        reader = PdfReader(io.BytesIO(link_letters_pdf(_batch("ur"), [LINK])))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert any("NotoNastaliqUrdu" in name for name in names)


def test_the_bokmal_letter_reads_as_its_snapshot(app) -> None:
    with app.test_request_context():
        text = PdfReader(io.BytesIO(link_letters_pdf(_batch("nb"), [LINK]))).pages[0].extract_text()
    assert text == (SNAPSHOTS / "letter-nb.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_shipped_fonts_have_every_character_of_each_language_s_letter(
    app, monkeypatch, language
) -> None:
    """Each text is set in the current font or its Latin fallback: no character is left
    without a glyph (HarfBuzz would print an empty box, and fpdf2 says nothing)."""
    uncovered: set[str] = set()
    normalize = LetterPdf.normalize_text

    def checked(pdf: LetterPdf, text: str) -> str:
        fonts = (pdf.current_font.cmap, pdf.fonts["latin"].cmap)
        uncovered.update(c for c in text if not c.isspace() and all(ord(c) not in f for f in fonts))
        return normalize(pdf, text)

    monkeypatch.setattr(LetterPdf, "normalize_text", checked)
    with app.test_request_context():
        link_letters_pdf(_batch(language), [LINK])
    assert uncovered == set()


@pytest.mark.parametrize("language", ["nb", "ur"])
def test_every_letter_of_a_batch_has_the_same_words_and_its_own_link_and_code(
    app, language
) -> None:
    """The shared words are laid out once and copied onto later pages: a copied page must
    read as the first one, in its fonts, with only the link and the QR code its own."""
    links = [f"{LINK}{number}" for number in range(3)]
    with app.test_request_context():
        pdf = link_letters_pdf(_batch(language), links)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    first = reader.pages[0].extract_text()
    assert links[0] in first and "Nordby skole" in first
    for number, page in enumerate(reader.pages):
        text = page.extract_text()
        assert text == first.replace(links[0], links[number])
        fonts = page["/Resources"]["/Font"]
        assert len(fonts) == len(reader.pages[0]["/Resources"]["/Font"])
        assert scanned(pdf, number + 1) == [links[number]]
