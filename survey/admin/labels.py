"""Names of the closed sets of values, in the reader's language (asked for per request)."""

from __future__ import annotations

from flask_babel import gettext as _

from survey.i18n import LANGUAGES


def respondent_types() -> dict[str, str]:
    return {"pupil": _("Elever"), "parent": _("Foresatte"), "staff": _("Ansatte")}


def arms() -> dict[str, str]:
    return {"intervention": _("Tiltak"), "comparison": _("Sammenligning")}


def round_statuses() -> dict[str, str]:
    return {"planned": _("Planlagt"), "open": _("Åpen"), "closed": _("Lukket")}


def target_kinds() -> dict[str, str]:
    return {"level": _("Nå et nivå"), "change": _("Endring fra første runde")}


def all_labels() -> dict[str, dict[str, str]]:
    return {
        "respondent_type_labels": respondent_types(),
        "arm_labels": arms(),
        "status_labels": round_statuses(),
        "target_kind_labels": target_kinds(),
    }


def language_option(code: str) -> tuple[str, str]:
    """(code, the language's own name) for a select."""
    return code, LANGUAGES[code].native_name if code in LANGUAGES else code
