"""The panel in words: the same pupils, followed from one round to another.

A round label such as "Høst 2021" reads "høsten 2021" inside a sentence, as Norwegians say
it; a label of another shape is left as the project wrote it.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from dashboards.formatting import count, number, percent, signed
from dashboards.labels import arm_name, in_sentence
from dashboards.results import Estimate, TrendView

#: "Høst 2021", "Haust 2021", "høsten 2021", "Vår 2023", "våren 2023": season and year.
_SEASON = re.compile(r"^\s*(høst|haust|vår)(?:en)?\s+(\d{4})\s*$", re.IGNORECASE)


def round_phrase(label: str) -> str:
    """A round label as it reads after "fra" or "til": "Høst 2021" -> "høsten 2021"."""
    found = _SEASON.match(label)
    if found is None:
        return label
    season, year = found.group(1).lower(), found.group(2)
    if season == "vår":
        return _("våren %(year)s", year=year)
    return _("høsten %(year)s", year=year)


def followed_phrase(first: str, last: str) -> str:
    """«De samme elevene, fulgt fra høsten 2021 til våren 2023»."""
    return _(
        "De samme elevene, fulgt fra %(first)s til %(last)s",
        first=round_phrase(first),
        last=round_phrase(last),
    )


def panel_sentence(trend: TrendView, last: str) -> str | None:
    """Said first where a panel model was fitted: the figures follow the same pupils."""
    if not trend.panel_pupils or not trend.rounds or last == trend.rounds[0]:
        return None
    return followed_phrase(trend.rounds[0], last) + "."


def followed_sentence(pupils: int | None, first: str, last: str, min_group_size: int) -> str:
    """How many pupils answered in both rounds, or that too few did to show them."""
    if pupils is None:
        return _(
            "Færre enn %(n)d elever har svart både %(first)s og %(last)s, så tall for de "
            "samme elevene vises ikke.",
            n=min_group_size,
            first=round_phrase(first),
            last=round_phrase(last),
        )
    return _(
        "%(pupils)s elever har svart både %(first)s og %(last)s, så endringen kan følges hos "
        "hver enkelt av dem.",
        pupils=count(pupils),
        first=round_phrase(first),
        last=round_phrase(last),
    )


def change_sentence(name: str, changes: dict[str, Estimate]) -> str | None:
    """The model's within-pupil change per arm, with its 95 % interval."""
    parts = [
        _(
            "%(arm)s %(change)s poeng (95 %% KI %(low)s til %(high)s)",
            arm=arm_name(arm).lower(),
            change=signed(change.value),
            low=number(change.ci_low),
            high=number(change.ci_high),
        )
        for arm, change in changes.items()
        if change.value is not None
    ]
    if not parts:
        return None
    return _(
        "Endring i %(what)s hos de samme elevene: %(parts)s.",
        what=in_sentence(name),
        parts="; ".join(parts),
    )


def icc_sentence(trend: TrendView) -> str | None:
    """The pupils' ICC: how much of the spread is lasting differences between pupils."""
    icc = trend.icc("pupil")
    if icc is None or not trend.panel_pupils:
        return None
    return _(
        "%(share)s av variasjonen i svarene ligger i varige forskjeller mellom elever (elev-ICC "
        "%(icc)s). Fordi hver elev sammenlignes med seg selv, gjør disse forskjellene ikke "
        "endringen mer usikker.",
        share=percent(icc),
        icc=number(icc),
    )


def mde_sentence(trend: TrendView) -> str | None:
    """The panel's MDE beside the MDE of the same answers as unlinked cross-sections."""
    if trend.mde is None:
        return None
    power = percent(trend.power)
    if trend.mde_cross_section is None or not trend.panel_pupils:
        return _(
            "Minste forskjell i endring som kan påvises (%(power)s styrke): %(mde)s poeng.",
            power=power,
            mde=number(trend.mde),
        )
    return _(
        "Minste forskjell i endring som kan påvises (%(power)s styrke): %(mde)s poeng med de "
        "samme elevene fulgt over tid, mot %(cross)s poeng hvis de samme svarene kom fra "
        "ulike elever hver gang.",
        power=power,
        mde=number(trend.mde),
        cross=number(trend.mde_cross_section),
    )


def hidden_note(min_group_size: int, first: str, last: str) -> str:
    """Why a group's panel figures are hidden, and why the other group's are too."""
    return _(
        "Tall for en gruppe vises bare når minst %(n)d av elevene i den har svart både "
        "%(first)s og %(last)s. Når én gruppe skjules, skjules den andre også, så tallet ikke "
        "kan regnes ut fra tallet for alle elevene.",
        n=min_group_size,
        first=round_phrase(first),
        last=round_phrase(last),
    )
