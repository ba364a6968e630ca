"""A4 letters with fpdf2: Noto fonts shipped in `fonts/`, HarfBuzz shaping, right-to-left.

Arabic is set in Noto Naskh Arabic and Urdu in Noto Nastaliq Urdu (the script Urdu readers
expect), Tigrinya in Noto Sans Ethiopic, everything else in Noto Sans. Links are set in a
monospaced font, left to right, in every language, so `l`, `1` and `I` can be told apart.

The fonts ship inside the package (SIL Open Font License, `fonts/OFL.txt`): no font on PyPI
sets Urdu in Nastaliq, and a letter must not depend on what the server's system installed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import segno
from fpdf import FPDF

#: fontTools reports every font subset at INFO; one letter is not worth a hundred log lines.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).parent / "fonts"
#: Letters carry a fixed creation date, so the same letters give the same file.
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
MARGIN = 20.0
WIDTH = 210.0 - 2 * MARGIN
QR_SIDE = 46.0


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


#: QR codes use one fixed mask pattern: any mask scans, and segno would otherwise score all
#: eight for every code, which was a third of a letter's time.
QR_MASK = 2
QR_BORDER = 4
T = TypeVar("T")


def font_file(name: str) -> Path:
    return FONTS / f"{name}.ttf"


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
        self.add_font("mono", "", font_file("NotoSansMono-Regular"))
        self.set_fallback_fonts(["latin"], exact_match=False)
        self._broken: dict[tuple[object, ...], list[str]] = {}
        self._repeated: dict[str, tuple[bytes, object, object, dict, float, float]] = {}

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
        height = size * 0.3528 * self.script.leading
        self._lines_at(MARGIN, WIDTH, height, text)
        self.ln(after)

    def _lines_at(self, x: float, width: float, height: float, text: str) -> None:
        """A paragraph at `x`, broken into lines once per batch: every letter of a batch has
        the same words, and breaking shaped text is most of the time a letter takes."""
        align = "R" if self.is_rtl else "L"
        key = (self.font_family, self.font_style, self.font_size_pt, width, text)
        lines = self._broken.get(key)
        if lines is None:
            lines = self.multi_cell(
                width, height, self._spaced(text), align=align, dry_run=True, output="LINES"
            )
            self._broken[key] = lines
        for line in lines:
            self.set_x(x)
            self.cell(width, height, line, align=align, new_x="LMARGIN", new_y="NEXT")

    def small_line(self, text: str) -> None:
        """A grey line of Latin text (the school's name), at the start side of the page."""
        self.set_text_color(90, 90, 90)
        self._shape("ltr", "latn")
        self.set_font("latin", "", 9)
        self.set_x(MARGIN)
        self.multi_cell(WIDTH, 5, text, align="R" if self.is_rtl else "L")
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def repeated(self, key: str, draw: Callable[[], T]) -> T:
        """What `draw` puts on the page, drawn once per document and then copied onto each
        later page as the same content-stream bytes: the text every letter of a batch shares
        is shaped and laid out once. `draw` must not depend on the page it is drawn on."""
        page = self.pages[self.page]
        if key not in self._repeated:
            start = len(page.contents)
            before = {
                kind: set(names)
                for (number, kind), names in self._resource_catalog.resources_per_page.items()
                if number == self.page
            }
            result = draw()
            resources = {
                kind: set(names) - before.get(kind, set())
                for (number, kind), names in self._resource_catalog.resources_per_page.items()
                if number == self.page
            }
            state = self._GraphicsStateMixin__statestack[-1].copy()  # type: ignore[attr-defined]
            content = bytes(page.contents[start:])
            self._repeated[key] = (content, result, state, resources, self.x, self.y)
            return result
        content, result, state, resources, x, y = self._repeated[key]
        page.contents.extend(content)
        for kind, names in resources.items():
            self._resource_catalog.resources_per_page[(self.page, kind)].update(names)
        self._GraphicsStateMixin__statestack[-1] = state.copy()  # type: ignore[attr-defined]
        self.set_xy(x, y)
        return result  # type: ignore[return-value]

    def link_box(self, url: str, instruction: str, notes: list[str]) -> None:
        """The QR code beside the instruction, then the link in full, in a frame."""
        top, link_y = self.link_words(instruction, notes)
        self.link_code(url, top, link_y)

    def link_words(self, instruction: str, notes: list[str]) -> tuple[float, float]:
        """The words of the link box (the same in every letter of a batch); returns the box's
        top and where the link goes."""
        top = self.get_y() + 2
        text_x = MARGIN + 4 if self.is_rtl else MARGIN + QR_SIDE + 10
        text_width = WIDTH - QR_SIDE - 14
        self._shape()
        self.set_font("body", "B", 12)
        self.set_y(top + 6)
        self._lines_at(text_x, text_width, 12 * 0.3528 * self.script.leading, instruction)
        self.set_font("body", "", 10.5)
        for note in notes:
            self.ln(1.5)
            self._lines_at(text_x, text_width, 10.5 * 0.3528 * self.script.leading, note)
        return top, max(self.get_y(), top + QR_SIDE + 6) + 3

    def link_code(self, url: str, top: float, link_y: float) -> None:
        """The QR code, the link in full under it, and the frame round the box."""
        qr_x = MARGIN + WIDTH - QR_SIDE - 4 if self.is_rtl else MARGIN + 4
        self.qr_code(url, qr_x, top + 4, QR_SIDE)
        self._shape("ltr", "latn")
        self.set_font("mono", "", 10.5 if len(url) < 72 else 8.5)
        self.set_xy(MARGIN + 4, link_y)
        self.cell(WIDTH - 8, 7, url, align="C", link=url)
        bottom = link_y + 11
        self.set_draw_color(150, 150, 150)
        self.rect(MARGIN, top, WIDTH, bottom - top)
        self.set_y(bottom + 4)

    def qr_code(self, url: str, x: float, y: float, side: float) -> None:
        """A QR code as filled vector rectangles (one per run of dark modules in a row), with
        a quiet zone of four modules inside `side`."""
        matrix = segno.make(url, error="m", mask=QR_MASK).matrix
        count = len(matrix)
        module = side * self.k / (count + 2 * QR_BORDER)
        left = x * self.k + QR_BORDER * module
        top = (self.h - y) * self.k - QR_BORDER * module
        edges = [round(top - row * module, 3) for row in range(count + 1)]
        columns = [round(left + column * module, 3) for column in range(count + 1)]
        ops = ["q 0 g"]
        for row, modules in enumerate(matrix):
            low, high = edges[row + 1], edges[row]
            column = 0
            while column < count:
                if not modules[column]:
                    column += 1
                    continue
                start = column
                while column < count and modules[column]:
                    column += 1
                width = round(columns[column] - columns[start], 3)
                ops.append(f"{columns[start]} {low} {width} {round(high - low, 3)} re")
        ops.append("f Q")
        self._out(" ".join(ops))
