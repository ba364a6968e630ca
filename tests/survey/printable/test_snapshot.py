"""Snapshot of the printed pupil questionnaire in bokmål: any change to what parents see shows.

After an intended change, run with TRIVSEL_UPDATE_SNAPSHOTS=1 and review the diff.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("snapshots") / "pupil-5-7.v2.nb.txt"
SKIPPED_TAGS = {"script", "style", "title", "svg"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skipping += tag in SKIPPED_TAGS

    def handle_endtag(self, tag: str) -> None:
        self._skipping -= tag in SKIPPED_TAGS

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skipping:
            self.lines.append(text)


def _visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.lines) + "\n"


def test_the_printed_pupil_questionnaire_matches_its_snapshot(client) -> None:
    html = client.get("/skjema/pupil-5-7/v2/nb").get_data(as_text=True)
    text = _visible_text(html)

    if os.environ.get("TRIVSEL_UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8")
