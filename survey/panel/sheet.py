"""The card sheet of one class: a page for the teacher in Norwegian, then the cards.

Cards are 85 × 50 mm, ten to an A4 page, with cutting lines; each says in the pupil's language
what it is for and that no name goes on it. The code is set in a monospaced font, left to
right in every language. The sheet names the school and the class, never a pupil. Its codes
are made in the request that returns it and never stored: a lost sheet is replaced by a new
one, whose cards are new pupils to the analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from survey.admin.distribution.pdf import MARGIN, WIDTH, LetterPdf
from survey.panel.cards import printed

CARD_WIDTH, CARD_HEIGHT = 85.0, 50.0
COLUMNS, ROWS = 2, 5
GAP = 4.0


@dataclass(frozen=True)
class CardSheet:
    school: str
    group: str
    #: The language of the cards; the teacher's page is in `teacher_language` (nb or nn).
    language: str
    teacher_language: str
    enrolled: int


def _teacher_page(pdf: LetterPdf, sheet: CardSheet, count: int) -> None:
    with force_locale(sheet.teacher_language):
        title = _("Kort til elevene i %(group)s", group=sheet.group)
        paragraphs = [
            _(
                "Dette prosjektet følger de samme elevene fra runde til runde, uten navn. Hver "
                "elev får ett kort med en kode. Eleven skriver koden på nettbrettet hver gang, "
                "etter klassekoden. Slik kan vi se hvordan det går med de samme elevene over tid, "
                "uten at noen i tjenesten vet hvem de er."
            ),
            _(
                "Skriv aldri navn på kortene, og lag ingen liste over hvilken elev som har "
                "hvilket kort. Del ut kortene tilfeldig, ett til hver elev."
            ),
            _(
                "Ta vare på kortene i klasserommet mellom rundene, for eksempel i en konvolutt "
                "som elevene selv trekker kortet sitt fra. Kodene finnes ikke noe annet sted: "
                "Trivsel lagrer dem ikke, og kan ikke skrive dem ut på nytt."
            ),
            _(
                "Arket har %(count)d kort: ett per elev (%(enrolled)d) og noen i reserve. Mister "
                "en elev kortet sitt, får eleven et reservekort. Da telles eleven som en ny elev "
                "fra og med den runden.",
                count=count,
                enrolled=sheet.enrolled,
            ),
            _(
                "Svarene som knyttes sammen med et kort, er personopplysninger selv om ingen navn "
                "finnes. Informasjonsbrevet til foresatte forteller dette. Når prosjektet "
                "slettes, slettes også nøkkelen som knytter kortene til svarene."
            ),
        ]
        pdf.add_page()
        _norwegian(pdf, f"Trivsel · {sheet.school} · {sheet.group}", 9, after=4)
        _norwegian(pdf, title, 17, bold=True, after=3)
        for paragraph in paragraphs:
            _norwegian(pdf, paragraph, 11.5)


def _norwegian(
    pdf: LetterPdf, text: str, size: float, bold: bool = False, after: float = 3.5
) -> None:
    """A paragraph of the teacher's page: Latin script, left to right, whatever the cards'."""
    pdf._shape("ltr", "latn")
    pdf.set_font("latin", "B" if bold else "", size)
    pdf.set_x(MARGIN)
    pdf.multi_cell(WIDTH, size * 0.3528 * 1.45, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(after)


def _card(pdf: LetterPdf, x: float, y: float, code: str, texts: tuple[str, str, str]) -> None:
    heading, how, no_name = texts
    pdf.set_draw_color(160, 160, 160)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, CARD_WIDTH, CARD_HEIGHT)
    inner = CARD_WIDTH - 8
    align = "R" if pdf.is_rtl else "L"
    pdf.set_xy(x + 4, y + 3)
    pdf._shape()
    pdf.set_font("body", "B", 11)
    height = 11 * 0.3528 * min(pdf.script.leading, 1.6)
    pdf.multi_cell(inner, height, heading, align=align, new_x="LEFT", new_y="NEXT")
    pdf._shape("ltr", "latn")
    pdf.set_font("mono", "", 22)
    pdf.set_x(x + 4)
    pdf.cell(inner, 12, printed(code), align="C", new_x="LEFT", new_y="NEXT")
    pdf._shape()
    size = 9.0 if pdf.script.leading < 2 else 8.0  # Nastaliq stacks high: keep to the card
    pdf.set_font("body", "", size)
    for line in (how, no_name):
        pdf.set_x(x + 4)
        height = size * 0.3528 * pdf.script.leading
        pdf.multi_cell(inner, height, line, align=align, new_x="LEFT", new_y="NEXT")


def card_sheet_pdf(sheet: CardSheet, codes: Sequence[str]) -> bytes:
    """The teacher's page, then the cards, ten to a page."""
    with force_locale(sheet.language):
        texts = (
            _("Trivsel – kortet ditt"),
            _("Skriv denne koden på nettbrettet når det spør etter kortet ditt."),
            _("Ikke skriv navnet ditt på kortet. Legg det tilbake etterpå."),
        )
        pdf = LetterPdf(sheet.language, texts[0])
    _teacher_page(pdf, sheet, len(codes))
    per_page = COLUMNS * ROWS
    left = (210.0 - COLUMNS * CARD_WIDTH - (COLUMNS - 1) * GAP) / 2
    for index, code in enumerate(codes):
        if index % per_page == 0:
            pdf.add_page()
        column, row = index % COLUMNS, (index % per_page) // COLUMNS
        x = left + column * (CARD_WIDTH + GAP)
        y = MARGIN - 5 + row * (CARD_HEIGHT + GAP)
        _card(pdf, x, y, code, texts)
    return bytes(pdf.output())
