"""The letters as printed: a QR code that scans back to the link, in the reader's script."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from survey.admin.distribution.letters import LinkLetters, link_letters_pdf

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
    """The page as poppler prints it, at 150 dpi."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "letters.pdf", Path(folder) / "page"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-f",
                str(page),
                "-l",
                str(page),
                "-png",
                "-singlefile",
                source,
                target,
            ],
            check=True,
        )
        return Image.open(target.with_suffix(".png")).copy()


def scanned(pdf: bytes, page: int = 1) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(page_image(pdf, page))]


def test_the_qr_code_of_each_downloaded_letter_scans_to_its_own_link(
    as_lead, post_form, open_round, group
):
    target = f"parent:group:{group.id}"
    made = post_form(
        f"/admin/rounds/{open_round.id}/links", {"target": target, "count": "2", "language": "nb"}
    )
    tokens = TOKEN_FIELD.findall(made.text)
    data = {"target": target, "language": "nb", "tokens": tokens}
    pdf = post_form(f"/admin/rounds/{open_round.id}/letters.pdf", data).data
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
