"""One careful sentence under each chart, in plain Norwegian.

The sentences say what changed more where, never why: a difference in change between
intervention and comparison schools is "changed more on the intervention schools", not an
effect of the intervention. Every number in them is formatted by `dashboards.formatting`
exactly as the table under the chart shows it, and an interval that holds zero is said to be
uncertain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from analytics.design_check import agreement
from dashboards.formatting import number, signed
from dashboards.labels import in_sentence, respondent_type_name
from dashboards.reading_ordinal import ordinal_sentence
from dashboards.reading_suppression import hidden_group_part
from dashboards.results import INTERVENTION, Estimate, TrendView
from instruments.reading import ConstructInfo

UP, DOWN, SAME = "up", "down", "same"


def direction(estimate: Estimate, decimals: int = 2) -> str | None:
    """up, down or same (rounds to zero as shown); None when there is no number."""
    if estimate.value is None:
        return None
    shown = round(estimate.value, decimals)
    return SAME if shown == 0 else (UP if shown > 0 else DOWN)


def model_name(model: str) -> str:
    names = {
        "full": _("full modell"),
        "no_school_round": _("modell uten skole × runde"),
        "single_level": _("enklere modell med bare skole"),
        "descriptives": _("bare beskrivende tall"),
    }
    return names.get(model, model)


def model_notes(trend: TrendView) -> tuple[str, ...]:
    """Which model a simpler-than-full result comes from, and why (the stored reason)."""
    if trend.error or trend.model in ("full", "descriptives"):
        return ()
    return (_("Modell: %(model)s. %(reason)s", model=model_name(trend.model), reason=trend.reason),)


def trend_sentence(trend: TrendView, construct: ConstructInfo, name: str, last: str) -> str:
    """How the construct changed from the first round to `last`, intervention vs comparison."""
    if trend.error:
        return _("Modellen kunne ikke beregnes ennå: %(reason)s", reason=trend.error)
    if trend.model == "descriptives":
        return trend.reason or _("Bare beskrivende tall vises, uten usikkerhet.")
    what = in_sentence(name)
    first = trend.rounds[0] if trend.rounds else last
    if last == first or last not in trend.rounds:
        return _("Bare én runde er målt ennå. Endringen kan vurderes fra neste runde.")
    if not trend.has_comparison:
        return _change_only_sentence(trend, what, first, last)
    did = trend.did(last)
    way = direction(did)
    if way is None:
        return _(
            "Det er for få svar til å sammenligne endringen fra %(first)s til %(last)s.",
            first=first,
            last=last,
        )
    numbers = {
        "did": signed(did.value),
        "low": number(did.ci_low),
        "high": number(did.ci_high),
    }
    if way == SAME:
        return _(
            "Fra %(first)s til %(last)s endret %(what)s seg like mye på intervensjonsskolene "
            "som på sammenligningsskolene (forskjell i endring %(did)s poeng, 95 %% KI "
            "%(low)s til %(high)s).",
            first=first,
            last=last,
            what=what,
            **numbers,
        )
    moved = _("mer oppover") if way == UP else _("mer nedover")
    ordinal_agrees = ordinal_sentence(trend, last) is None
    if did.excludes_zero and design_agreement(trend, last) in (None, "agree") and ordinal_agrees:
        good = (way == UP) == construct.higher_is_better
        judged = _("i ønsket retning") if good else _("i motsatt retning av det ønskede")
        return _(
            "Fra %(first)s til %(last)s endret %(what)s seg %(moved)s på intervensjonsskolene "
            "enn på sammenligningsskolene, %(judged)s (forskjell i endring %(did)s poeng, "
            "95 %% KI %(low)s til %(high)s).",
            first=first,
            last=last,
            what=what,
            moved=moved,
            judged=judged,
            **numbers,
        )
    return _(
        "Fra %(first)s til %(last)s endret %(what)s seg %(moved)s på intervensjonsskolene enn "
        "på sammenligningsskolene, men forskjellen er usikker (forskjell i endring %(did)s "
        "poeng, 95 %% KI %(low)s til %(high)s, som rommer null).",
        first=first,
        last=last,
        what=what,
        moved=moved,
        **numbers,
    )


def _change_only_sentence(trend: TrendView, what: str, first: str, last: str) -> str:
    arm = trend.arms[-1] if trend.arms else INTERVENTION
    change = trend.change(last, arm)
    if change.value is None:
        return _(
            "Det er for få svar til å beregne endringen fra %(first)s til %(last)s.",
            first=first,
            last=last,
        )
    return _(
        "Fra %(first)s til %(last)s endret %(what)s seg %(change)s poeng (95 %% KI %(low)s til "
        "%(high)s). Uten sammenligningsskoler vet vi ikke hvordan det hadde gått uten tiltaket.",
        first=first,
        last=last,
        what=what,
        change=signed(change.value),
        low=number(change.ci_low),
        high=number(change.ci_high),
    )


def triangulation_sentence(
    name: str, dids: Mapping[str, Estimate], last: str, min_group_size: int = 10
) -> str:
    """Whether pupils, parents and staff saw the same difference in change by round `last`.

    `dids`: each group's difference in change (intervention minus comparison) at `last`.
    """
    what = in_sentence(name)
    ways = {kind: direction(estimate) for kind, estimate in dids.items()}
    measured = [kind for kind, way in ways.items() if way is not None]
    if len(measured) < 2:
        return _(
            "For få grupper har tall for %(what)s i %(last)s til å sammenligne dem.",
            what=what,
            last=last,
        )
    clear = [kind for kind in measured if dids[kind].excludes_zero]
    moving = {ways[kind] for kind in measured}
    if not clear:
        lead = _(
            "Ingen av gruppene viser en tydelig forskjell i endring for %(what)s fram til %(last)s",
            what=what,
            last=last,
        )
    elif len(moving) == 1 and moving != {SAME}:
        moved = _("mer oppover") if moving == {UP} else _("mer nedover")
        if len(clear) == len(measured):
            lead = _(
                "Alle gruppene ser at %(what)s endret seg %(moved)s på intervensjonsskolene enn "
                "på sammenligningsskolene fram til %(last)s",
                what=what,
                moved=moved,
                last=last,
            )
        else:
            lead = _(
                "Gruppene peker samme vei for %(what)s, %(moved)s på intervensjonsskolene, men "
                "ikke alle forskjellene er tydelige fram til %(last)s",
                what=what,
                moved=moved,
                last=last,
            )
    else:
        lead = _(
            "Gruppene ser ikke samme endring i %(what)s fram til %(last)s", what=what, last=last
        )
    listing = "; ".join(_group_part(kind, dids[kind], min_group_size) for kind in dids)
    return _("%(lead)s: %(listing)s.", lead=lead, listing=listing)


def _group_part(kind: str, estimate: Estimate, min_group_size: int) -> str:
    who = respondent_type_name(kind).lower()
    if estimate.value is None and estimate.suppressed:
        return hidden_group_part(who, min_group_size)
    if estimate.value is None:
        return _("%(who)s: for få svar", who=who)
    if estimate.excludes_zero:
        return _("%(who)s %(did)s poeng, tydelig", who=who, did=signed(estimate.value))
    return _("%(who)s %(did)s poeng, usikker", who=who, did=signed(estimate.value))


def school_sentence(
    name: str, arm: str, estimates: Sequence[tuple[str, float | None, float | None]]
) -> str:
    """The school's model estimate in the latest round it has one, next to its arm's mean.

    `arm`: the arm's name as it reads in a sentence; `estimates`: (round, school estimate,
    arm mean) in round order.
    """
    shown = [e for e in estimates if e[1] is not None and e[2] is not None]
    if not shown:
        return _("Det er for få svar fra skolen til å vise %(what)s.", what=in_sentence(name))
    round_label, estimate, arm_mean = shown[-1]
    return _(
        "I %(round)s er skolens anslag for %(what)s %(estimate)s, mot %(mean)s i snitt på %(arm)s.",
        round=round_label,
        what=in_sentence(name),
        estimate=number(estimate),
        mean=number(arm_mean),
        arm=arm,
    )


def design_agreement(trend: TrendView, last: str) -> str | None:
    """How the model's DiD at `last` and the design-based check relate (None: no check)."""
    check = trend.design.get(last)
    did = trend.did(last)
    if check is None or did.value is None:
        return None
    return agreement(check, did.value, 0.0 if did.excludes_zero else 1.0)


def design_sentence(trend: TrendView, last: str) -> str | None:
    """The design-based check in words, and what to make of it when it disagrees."""
    relation = design_agreement(trend, last)
    if relation is None:
        return None
    check = trend.design[last]
    numbers = {
        "p": number(check.p_randomisation, 3),
        "p_min": number(check.p_min, 3),
        "treated": check.schools_treated,
        "comparison": check.schools_comparison,
    }
    if relation == "unreachable":
        return _(
            "Med %(treated)s intervensjonsskoler og %(comparison)s sammenligningsskoler er den "
            "minste p-verdien en kontroll på skolenivå kan gi %(p_min)s. Derfor kan ingen "
            "forskjell kalles tydelig ennå, uansett hva modellen viser.",
            **numbers,
        )
    if relation == "model_only":
        return _(
            "Modellen finner en forskjell, men kontrollen på skolenivå, som bare bygger på "
            "hvilke skoler som fikk tiltaket, gjør det ikke (p = %(p)s; minste mulige p er "
            "%(p_min)s). Les forskjellen som usikker.",
            **numbers,
        )
    if relation == "design_only":
        return _(
            "Kontrollen på skolenivå finner en forskjell (p = %(p)s), men modellen er usikker. "
            "Les forskjellen som usikker.",
            **numbers,
        )
    if relation == "direction":
        return _(
            "Modellen og kontrollen på skolenivå peker i hver sin retning (p = %(p)s). Les "
            "forskjellen som usikker.",
            **numbers,
        )
    return _(
        "Kontrollen på skolenivå, som bare bygger på hvilke skoler som fikk tiltaket, sier det "
        "samme som modellen (p = %(p)s; minste mulige p med disse skolene er %(p_min)s).",
        **numbers,
    )


def suppression_notes(hidden: Sequence[Any], min_group_size: int) -> list[str]:
    """Why figures are hidden, in words with the threshold: one sentence per reason, naming
    the rounds. `hidden` holds anything with `round` and `hidden` ("primary"/"secondary")."""
    notes = []
    few = [str(d.round) for d in hidden if d.hidden == "primary"]
    derived = [str(d.round) for d in hidden if d.hidden == "secondary"]
    if few:
        notes.append(
            _(
                "%(rounds)s: færre enn %(n)d svar – skjult for å verne elevene.",
                rounds=", ".join(few),
                n=min_group_size,
            )
        )
    if derived:
        notes.append(
            _(
                "%(rounds)s: skjult fordi tallet ellers kunne regnes ut fra totalene – for å "
                "verne elevene.",
                rounds=", ".join(derived),
            )
        )
    return notes
