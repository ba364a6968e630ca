"""The gettext catalogs: complete for the staff languages, in step with the code, well-formed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from survey.i18n import LANGUAGES, STAFF_LANGUAGES, TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=code)


def _messages(catalog) -> list:
    return [m for m in catalog if m.id]


def test_every_language_has_a_catalog() -> None:
    for code in LANGUAGES:
        assert _catalog(code) is not None


@pytest.mark.parametrize("code", [c for c in STAFF_LANGUAGES if c != "nb"])
def test_staff_languages_translate_every_message(code: str) -> None:
    missing = [m.id for m in _messages(_catalog(code)) if not m.string or m.fuzzy]
    assert missing == [], f"untranslated in {code}: {missing}"


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_translations_keep_their_placeholders(code: str) -> None:
    for message in _messages(_catalog(code)):
        if message.string and isinstance(message.id, str):
            assert sorted(PLACEHOLDER.findall(message.id)) == sorted(
                PLACEHOLDER.findall(message.string)
            ), message.id


def test_the_catalogs_hold_every_string_in_the_code(tmp_path) -> None:
    """Run `make translations` when this fails, then translate the new strings."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as po:
        in_code = {m.id for m in read_po(po) if m.id}
    for code in LANGUAGES:
        in_catalog = {m.id for m in _messages(_catalog(code))}
        assert in_code <= in_catalog, f"{code} lacks {sorted(map(str, in_code - in_catalog))[:5]}"
