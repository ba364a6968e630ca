"""Letters PDF time for a batch of links, against a reference in the same run.

A batch of parent letters (nb, and Urdu for the right-to-left, Nastaliq path) is made for N
made-up links, in this process, inside an app's request context as the page does. The
reference is fpdf2 itself writing N pages with one line of text and one QR image each: the
floor of any letter. Nothing is asserted.

Target (issue 16): 1,000 links in at most 10 s (68 s before the work; about 3 s after, with the
reference at about 7 s).

    .venv/bin/python benchmarks/bench_letters.py                 # 1,000 links, nb and ur
    .venv/bin/python benchmarks/bench_letters.py --links 100 --languages nb
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "benchmark-secret-key-that-is-long-enough"  # noqa: S105 - no data behind it


def urls(count: int) -> list[str]:
    return [f"https://trivsel.example.no/s/{secrets.token_urlsafe(16)}" for _ in range(count)]


def letters_seconds(language: str, links: list[str]) -> tuple[float, int]:
    from survey.admin.distribution.letters import LinkLetters, link_letters_pdf

    batch = LinkLetters(
        language=language,
        respondent_type="parent",
        school="Nordli skole",
        group="5A",
        title="Spørreundersøkelse for foresatte",
        closes_at=dt.datetime(2026, 12, 20, 22, tzinfo=dt.UTC),
        min_group_size=10,
    )
    started = time.perf_counter()
    pdf = link_letters_pdf(batch, links)
    return time.perf_counter() - started, len(pdf)


def reference_seconds(links: list[str]) -> tuple[float, int]:
    from fpdf import FPDF

    from survey.admin.distribution.pdf import font_file, qr_png

    started = time.perf_counter()
    pdf = FPDF(format="A4", unit="mm")
    pdf.add_font("body", "", font_file("NotoSans-Regular"))
    for url in links:
        pdf.add_page()
        pdf.set_font("body", "", 11)
        pdf.cell(170, 8, "Skann QR-koden med kameraet på mobilen, eller skriv inn lenken:")
        pdf.image(qr_png(url), x=20, y=40, w=46, h=46)
    data = bytes(pdf.output())
    return time.perf_counter() - started, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--languages", default="nb,ur")
    args = parser.parse_args()
    from survey.app import create_app

    app = create_app({"SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING", "DATABASE_URL": "sqlite://"})
    links = urls(args.links)
    print(f"letters benchmark: {args.links:,} links per batch")
    print(f"{'task':>12} {'seconds':>8} {'per link ms':>11} {'ratio':>6} {'MB':>6}")
    with app.test_request_context():
        reference, size = reference_seconds(links)
        rows = [("reference", reference, size)]
        for language in args.languages.split(","):
            seconds, size = letters_seconds(language, links)
            rows.append((f"letters {language}", seconds, size))
    for name, seconds, size in rows:
        print(
            f"{name:>12} {seconds:>8.1f} {seconds / args.links * 1000:>11.1f} "
            f"{seconds / reference:>6.1f} {size / 1e6:>6.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
