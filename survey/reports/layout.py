"""The report's page: A4, Noto fonts, a footer on every page, headings, paragraphs, rows."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from fpdf import FPDF

from survey.admin.distribution.pdf import FIXED_DATE, font_file
from survey.reports.queries import SchoolReport

MARGIN = 18.0
WIDTH = 210.0 - 2 * MARGIN
INK = (20, 20, 20)
GREY = (110, 110, 110)
LIGHT = (235, 238, 242)
#: Okabe-Ito, as on the dashboards: the arm in its colour, all schools in grey.
ARM_COLOURS = {"intervention": (0, 114, 178), "comparison": (213, 94, 0)}
LINE = 5.2


class ReportPdf(FPDF):
    def __init__(self, report: SchoolReport) -> None:
        super().__init__(format="A4", unit="mm")
        self.report = report
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_creation_date(FIXED_DATE)
        self.set_creator("Trivsel")
        self.set_lang(report.language)
        self.set_title(_("Rapport til rektor") + f": {report.school}, {report.round}")
        for style, suffix in (("", "Regular"), ("B", "Bold")):
            self.add_font("body", style, font_file(f"NotoSans-{suffix}"))
        # The shipped Noto Sans has no minus sign (U+2212), which Norwegian numbers use.
        self.add_font("signs", "", font_file("NotoSansMono-Regular"))
        self.set_fallback_fonts(["signs"], exact_match=False)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", "", 8)
        self.set_text_color(*GREY)
        left = f"{self.report.school} · {self.report.round}"
        self.cell(WIDTH / 2, 5, left, align="L")
        page = _("Side %(page)s av %(pages)s", page=self.page_no(), pages="{nb}")
        self.cell(WIDTH / 2, 5, page, align="R")
        self.set_text_color(*INK)

    def heading(self, text: str, size: float = 14) -> None:
        if self.get_y() > 297 - MARGIN - 30:
            self.add_page()
        self.ln(2)
        self.set_font("body", "B", size)
        self.multi_cell(WIDTH, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def paragraph(self, text: str, size: float = 10, colour: tuple = INK) -> None:
        self.set_font("body", "", size)
        self.set_text_color(*colour)
        self.multi_cell(WIDTH, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(1.5)

    def bullet(self, text: str) -> None:
        self.set_font("body", "", 10)
        x = self.get_x()
        self.cell(5, 5, "•")
        self.multi_cell(WIDTH - 5, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_x(x)
        self.ln(0.8)


def table_row(
    pdf: ReportPdf,
    cells: Sequence[str],
    widths: Sequence[float],
    aligns: str = "",
    bold: bool = False,
    fill: bool = False,
) -> None:
    """A table row of wrapped cells; `aligns`: L or R per cell (L for any not given)."""
    pdf.set_font("body", "B" if bold else "", 9.5)
    pdf.set_fill_color(*LIGHT)
    pdf.set_draw_color(200, 200, 200)
    lines = max(
        len(pdf.multi_cell(w - 2, LINE, text, dry_run=True, output="LINES"))
        for w, text in zip(widths, cells, strict=True)
    )
    height = lines * LINE + 1.5
    if pdf.get_y() + height > 297 - MARGIN - 6:
        pdf.add_page()
    top, x = pdf.get_y(), MARGIN
    for index, (width, text) in enumerate(zip(widths, cells, strict=True)):
        if fill:
            pdf.rect(x, top, width, height, style="F")
        pdf.set_xy(x + 1, top + 0.75)
        align = aligns[index] if index < len(aligns) else "L"
        pdf.multi_cell(width - 2, LINE, text, align=align)
        x += width
    pdf.line(MARGIN, top + height, MARGIN + sum(widths), top + height)
    pdf.set_xy(MARGIN, top + height)
