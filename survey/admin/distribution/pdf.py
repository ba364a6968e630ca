"""A4 letters with fpdf2: the system's Noto fonts, HarfBuzz shaping, right-to-left where needed.

Arabic is set in Noto Naskh Arabic and Urdu in Noto Nastaliq Urdu (the script Urdu readers
expect), Tigrinya in Noto Sans Ethiopic, everything else in Noto Sans. Links are set in a
monospaced font, left to right, in every language, so `l`, `1` and `I` can be told apart.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF

#: fontTools reports every font subset at INFO; one letter is not worth a hundred log lines.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"))
#: Letters carry a fixed creation date, so the same letters give the same file.
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
MARGIN = 20.0
WIDTH = 210.0 - 2 * MARGIN


@dataclass(frozen=True)
class Script:
    font: str
    direction: str
    script: str
    #: Line height as a multiple of the font size (Nastaliq stacks high).
    leading: float = 1.45


SCRIPTS = {
    "ar": Script("NotoNaskhArabic", "rtl", "arab", 1.75),
    "ur": Script("NotoNastaliqUrdu", "rtl", "arab", 2.1),
    "ti": Script("NotoSansEthiopic", "ltr", "ethi", 1.6),
    "uk": Script("NotoSans", "ltr", "cyrl"),
}
LATIN = Script("NotoSans", "ltr", "latn")
#: A space between two Latin letters, e.g. in a school's name inside Urdu text.
LATIN_SPACE = re.compile(r"(?<=[0-9A-Za-zÀ-ɏ]) (?=[0-9A-Za-zÀ-ɏ])")


def font_file(name: str) -> Path:
    for directory in FONT_DIRS:
        path = directory / f"{name}.ttf"
        if path.exists():
            return path
    raise FileNotFoundError(f"font {name}.ttf not found in {', '.join(map(str, FONT_DIRS))}")


def qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    buffer.seek(0)
    return buffer


class LetterPdf(FPDF):
    """A pad of one-page letters in one language."""

    def __init__(self, language: str, title: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.language = language
        self.script = SCRIPTS.get(language, LATIN)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.set_creation_date(FIXED_DATE)
        self.set_title(title)
        self.set_creator("Trivsel")
        self.set_lang(language)
        for style, suffix in (("", "Regular"), ("B", "Bold")):
            self.add_font("body", style, font_file(f"{self.script.font}-{suffix}"))
            self.add_font("latin", style, font_file(f"NotoSans-{suffix}"))
        try:
            self.add_font("mono", "", font_file("DejaVuSansMono"))
        except FileNotFoundError:
            self.add_font("mono", "", font_file("NotoSans-Regular"))
        self.set_fallback_fonts(["latin"], exact_match=False)

    @property
    def is_rtl(self) -> bool:
        return self.script.direction == "rtl"

    def _spaced(self, text: str) -> str:
        """Nastaliq's space is half as wide as a Latin one; Latin words keep a Latin space
        (U+2005, which only the Latin fallback font has)."""
        return LATIN_SPACE.sub("\u2005", text) if self.is_rtl else text

    def _shape(self, direction: str | None = None, script: str | None = None) -> None:
        self.set_text_shaping(
            use_shaping_engine=True,
            direction=direction or self.script.direction,
            script=script or self.script.script,
            language=self.language,
        )

    def text_block(
        self, text: str, size: float = 11.5, bold: bool = False, after: float = 3.5
    ) -> None:
        """A paragraph across the page, aligned to the start of the language's lines."""
        self._shape()
        self.set_font("body", "B" if bold else "", size)
        self.set_x(MARGIN)
        height = size * 0.3528 * self.script.leading
        self.multi_cell(WIDTH, height, self._spaced(text), align="R" if self.is_rtl else "L")
        self.ln(after)

    def small_line(self, text: str) -> None:
        """A grey line of Latin text (the school's name), at the start side of the page."""
        self.set_text_color(90, 90, 90)
        self._shape("ltr", "latn")
        self.set_font("latin", "", 9)
        self.set_x(MARGIN)
        self.multi_cell(WIDTH, 5, text, align="R" if self.is_rtl else "L")
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def link_box(self, url: str, instruction: str, notes: list[str]) -> None:
        """The QR code beside the instruction, then the link in full, in a frame."""
        top = self.get_y() + 2
        side = 46.0
        self.set_draw_color(150, 150, 150)
        qr_x = MARGIN + WIDTH - side - 4 if self.is_rtl else MARGIN + 4
        self.image(qr_png(url), x=qr_x, y=top + 4, w=side, h=side)
        text_x = MARGIN + 4 if self.is_rtl else MARGIN + side + 10
        text_width = WIDTH - side - 14
        self._shape()
        self.set_font("body", "B", 12)
        self.set_xy(text_x, top + 6)
        align = "R" if self.is_rtl else "L"
        height = 12 * 0.3528 * self.script.leading
        self.multi_cell(text_width, height, self._spaced(instruction), align=align)
        self.set_font("body", "", 10.5)
        for note in notes:
            self.set_x(text_x)
            self.ln(1.5)
            self.set_x(text_x)
            note_height = 10.5 * 0.3528 * self.script.leading
            self.multi_cell(text_width, note_height, self._spaced(note), align=align)
        link_y = max(self.get_y(), top + side + 6) + 3
        self._shape("ltr", "latn")
        self.set_font("mono", "", 10.5 if len(url) < 72 else 8.5)
        self.set_xy(MARGIN + 4, link_y)
        self.cell(WIDTH - 8, 7, url, align="C", link=url)
        bottom = link_y + 11
        self.rect(MARGIN, top, WIDTH, bottom - top)
        self.set_y(bottom + 4)
