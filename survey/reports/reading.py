"""The report's plain-language reading: a few sentences per group that a principal can act on.

The sentences compare and describe; they never claim a cause. A difference is called a
difference only when it is at least a fifth of a standard deviation of all answers in the
project (a conventional "small" effect); anything smaller is "about the same". Every number
is formatted as the tables print it.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from dashboards.formatting import number, signed
from survey.reports.queries import PRIMARY, Cell, ConstructFigures, Section

#: A difference smaller than this share of the project's standard deviation is "about the same".
SMALL_EFFECT = 0.2
#: Used when the project's standard deviation is hidden: a fifth of a typical SD of 1.
FALLBACK_POINTS = 0.2
SAME, BETTER, WORSE = "same", "better", "worse"


def arm_in_sentence(arm: str) -> str:
    return _("intervensjonsskolene") if arm == "intervention" else _("sammenligningsskolene")


def protected(respondent_type: str) -> str:
    """Whom a hidden figure protects, as the end of «skjult for å verne …»."""
    return {
        "pupil": _("elevene"),
        "parent": _("de foresatte"),
        "staff": _("de ansatte"),
    }.get(respondent_type, _("elevene"))


def hidden_text(cell: Cell, min_group_size: int, respondent_type: str) -> str:
    """Why a figure is not shown, with the threshold, in words."""
    if cell.hidden == PRIMARY:
        return _(
            "Færre enn %(n)d svar – skjult for å verne %(whom)s",
            n=min_group_size,
            whom=protected(respondent_type),
        )
    if cell.hidden == "missing":
        return _("Ikke spurt denne runden")
    return _(
        "Skjult for at et annet skjult tall ikke skal kunne regnes ut – for å verne %(whom)s",
        whom=protected(respondent_type),
    )


def judged(difference: float, figures: ConstructFigures) -> str:
    """same, better or worse: the size and the construct's direction of a difference."""
    sd = figures.everyone[-1].sd
    if abs(difference) < (SMALL_EFFECT * sd if sd else FALLBACK_POINTS):
        return SAME
    return BETTER if (difference > 0) == figures.higher_is_better else WORSE


def summary(
    section: Section, language: str, arm: str, rounds: Sequence[str], min_group_size: int
) -> list[str]:
    """Where the school stands against its arm in the last round, and how it moved since the
    first: the themes grouped as better, worse and about the same, with their numbers."""
    levels: dict[str, list[str]] = {SAME: [], BETTER: [], WORSE: []}
    changes: dict[str, list[str]] = {SAME: [], BETTER: [], WORSE: []}
    hidden: list[tuple[str, Cell]] = []
    for figures in section.constructs:
        name = figures.name(language)
        school, arm_cell = figures.school[-1], figures.arm[-1]
        if not school.is_shown or school.mean is None:
            if school.hidden != "missing":
                hidden.append((name, school))
            continue
        if arm_cell.mean is not None:
            way = judged(school.mean - arm_cell.mean, figures)
            shown = _(
                "%(school)s mot %(arm)s", school=number(school.mean), arm=number(arm_cell.mean)
            )
            levels[way].append(f"{name} ({shown})" if way != SAME else name)
        first, arm_first = figures.school[0], figures.arm[0]
        if len(rounds) > 1 and first.mean is not None:
            change = school.mean - first.mean
            way = judged(change, figures)
            text = signed(change)
            if arm_first.mean is not None and arm_cell.mean is not None:
                text = _(
                    "%(change)s; %(arm_change)s på %(arm)s",
                    change=text,
                    arm_change=signed(arm_cell.mean - arm_first.mean),
                    arm=arm_in_sentence(arm),
                )
            changes[way].append(f"{name} ({text})" if way != SAME else name)
    lines = []
    where = arm_in_sentence(arm)
    if levels[BETTER]:
        lines.append(
            _("Bedre enn snittet på %(arm)s: %(list)s.", arm=where, list=", ".join(levels[BETTER]))
        )
    if levels[WORSE]:
        lines.append(
            _("Svakere enn snittet på %(arm)s: %(list)s.", arm=where, list=", ".join(levels[WORSE]))
        )
    if levels[SAME]:
        lines.append(_("Omtrent som snittet: %(list)s.", list=", ".join(levels[SAME])))
    if len(rounds) > 1:
        first = rounds[0]
        if changes[BETTER]:
            lines.append(
                _(
                    "Endret i ønsket retning siden %(first)s: %(list)s.",
                    first=first,
                    list=", ".join(changes[BETTER]),
                )
            )
        if changes[WORSE]:
            lines.append(
                _(
                    "Endret i motsatt retning av det ønskede siden %(first)s: %(list)s.",
                    first=first,
                    list=", ".join(changes[WORSE]),
                )
            )
        if changes[SAME]:
            lines.append(
                _(
                    "Omtrent uendret siden %(first)s: %(list)s.",
                    first=first,
                    list=", ".join(changes[SAME]),
                )
            )
    for reason in sorted({cell.hidden for _name, cell in hidden}):
        names = [name for name, cell in hidden if cell.hidden == reason]
        cell = next(cell for _name, cell in hidden if cell.hidden == reason)
        lines.append(
            _(
                "Ikke vist: %(list)s. %(why)s.",
                list=", ".join(names),
                why=hidden_text(cell, min_group_size, section.respondent_type),
            )
        )
    return lines
