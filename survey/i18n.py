"""Languages: which exist, how they are written, and which one a request speaks.

User-facing text is Norwegian first; other languages come from gettext catalogs in
survey/translations/<code>/LC_MESSAGES/messages.po, compiled to .mo when they change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import Babel

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).parent / "translations"


@dataclass(frozen=True)
class Language:
    code: str
    #: The language's name in its own script, as a pupil looks for it.
    native_name: str
    is_rtl: bool = False

    @property
    def direction(self) -> str:
        return "rtl" if self.is_rtl else "ltr"


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("nb", "Norsk bokmål"),
        Language("nn", "Norsk nynorsk"),
        Language("en", "English"),
        Language("ar", "العربية", is_rtl=True),
        Language("so", "Soomaali"),
        Language("ur", "اردو", is_rtl=True),
        Language("pl", "Polski"),
        Language("ti", "ትግርኛ"),
        Language("uk", "Українська"),
    )
}
DEFAULT_LANGUAGE = "nb"
#: Staff pages are offered in these; respondents may use any of LANGUAGES.
STAFF_LANGUAGES = ("nb", "nn", "en")


def language(code: str | None) -> Language:
    return LANGUAGES.get(code or "", LANGUAGES[DEFAULT_LANGUAGE])


def current_language() -> Language:
    """The language of this request: set by a respondent flow, chosen by the user, or bokmål."""
    code = g.get("lang") or session.get("lang")
    return language(code)


def select_locale() -> str:
    return current_language().code


def remember_chosen_language() -> None:
    """`?lang=nn` on any staff page switches the interface language and remembers it."""
    chosen = request.args.get("lang")
    if chosen in STAFF_LANGUAGES:
        session["lang"] = chosen


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every .po whose .mo is missing or older; return what was compiled."""
    compiled = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        try:
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
        except OSError as error:  # a read-only install ships compiled catalogs
            log.warning("could not compile %s: %s", po_path, error)
            continue
        compiled.append(mo_path)
    return compiled


def init_app(app: Flask) -> None:
    compile_catalogs()
    Babel(
        app,
        default_locale=DEFAULT_LANGUAGE,
        default_translation_directories=str(TRANSLATIONS),
        locale_selector=select_locale,
    )
    app.before_request(remember_chosen_language)

    @app.context_processor
    def language_context() -> dict[str, object]:
        current = current_language()
        return {"lang": current.code, "direction": current.direction, "languages": LANGUAGES}
