"""Hidden figures explained in words, with the threshold (issue 17).

Wherever a dashboard hides a group's figure, the page says so in a sentence naming the rounds,
the group and the threshold («færre enn 10 svar – skjult for å verne elevene»), never only an
empty chart frame or a short axis label. Pure presentation: the callers pass what is hidden.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _


def hidden_cell(min_group_size: int) -> str:
    """The note in a table row whose figure is hidden."""
    return _("færre enn %(n)d svar – skjult", n=min_group_size)


def hidden_rounds_note(rounds: Sequence[str], who: str, min_group_size: int) -> str | None:
    """One sentence for a group (an arm, a school) hidden in some rounds; None if in none."""
    if not rounds:
        return None
    return _(
        "%(rounds)s, %(who)s: færre enn %(n)d svar – skjult for å verne elevene.",
        rounds=", ".join(rounds),
        who=who,
        n=min_group_size,
    )


def school_hidden_sentence(what: str, min_group_size: int) -> str:
    """The sentence in place of a school chart with nothing to show."""
    return _(
        "Skolen har færre enn %(n)d svar om %(what)s i de valgte rundene – tallene er skjult "
        "for å verne elevene.",
        n=min_group_size,
        what=what,
    )


def hidden_group_part(who: str, min_group_size: int) -> str:
    """A respondent group without a figure in a sentence that lists the groups."""
    return _("%(who)s: færre enn %(n)d svar – skjult", who=who, n=min_group_size)
