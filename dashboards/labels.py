"""The words the dashboards use for respondent types, arms, goal statuses and directions."""

from __future__ import annotations

from flask_babel import gettext as _

from instruments.reading import ConstructInfo

#: The themes pupils, parents and staff are all asked about.
SHARED_THEMES = ("trivsel", "konflikt", "arbeidsro")
#: Colour-blind safe (Okabe-Ito); comparison is also dashed, so colour is never the only cue.
ARM_COLOURS = {"intervention": "#0072B2", "comparison": "#D55E00"}
ARM_FILLS = {"intervention": "rgba(0,114,178,0.13)", "comparison": "rgba(213,94,0,0.10)"}


def respondent_type_name(kind: str) -> str:
    return {"pupil": _("Elever"), "parent": _("Foresatte"), "staff": _("Ansatte")}.get(kind, kind)


def arm_name(arm: str) -> str:
    names = {
        "intervention": _("Intervensjonsskoler"),
        "comparison": _("Sammenligningsskoler"),
        "all": _("Alle skoler"),
    }
    return names.get(arm, arm)


def goal_status_name(status: str) -> str:
    names = {
        "reached": _("Nådd"),
        "on_track": _("I rute"),
        "not_reached": _("Ikke nådd"),
        "cannot_tell": _("Kan ikke si ennå"),
    }
    return names.get(status, status)


def direction_note(construct: ConstructInfo) -> str:
    """What a higher value means, for the axis: said out loud when higher is worse."""
    if construct.higher_is_better:
        return _("høyere = bedre")
    if construct.id == "konflikt":
        return _("høyere = mer konflikt")
    if construct.id == "krenkelser":
        return _("høyere = flere krenkelser")
    return _("høyere = verre")


def in_sentence(name: str) -> str:
    """A construct name inside a sentence: "Konflikter" -> "konflikter", "SoVei" stays."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name
