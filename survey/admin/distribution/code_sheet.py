"""The class-code sheet for teachers: one A4 page per class, in the shipped Noto fonts.

Each page names the school and class, shows the code large and in a monospaced font (no
look-alike letters are used, see `survey.rounds.codes`), says how to start the tablets, and
carries a QR code that opens the pupil start page with the code filled in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from survey.admin.distribution.pdf import MARGIN, WIDTH, LetterPdf
from survey.rounds.dates import norway_date


@dataclass(frozen=True)
class ClassCodePage:
    school: str
    group: str
    code: str
    #: The pupil start page with the code filled in (`/?kode=...`).
    start_url: str


def class_code_sheet_pdf(
    pages: list[ClassCodePage],
    round_label: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    start_page: str,
    language: str = "nb",
) -> bytes:
    """One page per class, for the contact teacher who starts the tablets."""
    with force_locale(language):
        title = _("Klassekode for elevundersøkelsen")
        pdf = LetterPdf(language, title)
        window = _(
            "Undersøkelsen «%(round)s» er åpen fra %(start)s til %(end)s.",
            round=round_label,
            start=norway_date(opens_at, language),
            end=norway_date(closes_at, language),
        )
        steps = [
            _("1. Åpne %(address)s i nettleseren på hvert nettbrett.", address=start_page),
            _("2. Skriv klassekoden, eller skann QR-koden med nettbrettet."),
            _("3. Gi nettbrettet til eleven. Eleven svarer alene og trykker «Send» til slutt."),
            _("Nettbrettet husker ingenting til neste elev. Koden er bare for denne klassen."),
        ]
        for page in pages:
            pdf.add_page()
            pdf.small_line(f"Trivsel · {page.school}")
            pdf.text_block(title, size=17, bold=True, after=2)
            pdf.text_block(_("%(school)s, klasse %(group)s", school=page.school, group=page.group))
            pdf.text_block(window, after=6)
            _big_code(pdf, page.code)
            for step in steps:
                pdf.text_block(step, after=2)
            pdf.ln(4)
            pdf.link_box(page.start_url, _("QR-kode med klassekoden:"), [])
        return bytes(pdf.output())


def _big_code(pdf: LetterPdf, code: str) -> None:
    pdf.set_text_shaping(use_shaping_engine=True, direction="ltr", script="latn")
    pdf.set_font("mono", "", 44)
    pdf.set_x(MARGIN)
    pdf.cell(WIDTH, 22, " ".join(code), align="C", border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
