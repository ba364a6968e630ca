"""Reads for the pupil flow: the class a tablet is set to, and the survey as a page shows it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import Instrument, Item, Scale
from instruments.reading import text_in
from survey.i18n import LANGUAGES, Language
from survey.models import AccessCode, Answer, InstrumentVersion, Round, RoundInstrument
from survey.pupil.class_memory import class_memory
from survey.responses.operations import Respondent, instrument_of, instrument_of_id

ICONS = Path(__file__).resolve().parents[1] / "static" / "pupil" / "icons.svg"


@dataclass(frozen=True)
class PupilClass:
    """The class a tablet is set to, in a round that is open now, with its pupil instrument."""

    access: AccessCode
    instrument: Instrument

    @property
    def label(self) -> str:
        return self.access.group.label if self.access.group else ""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    #: The id of a symbol in icons.svg, or None for a text-only choice.
    icon: str | None


@dataclass(frozen=True)
class ScaleView:
    id: str
    kind: str
    choices: tuple[Choice, ...]
    decline: Choice | None


@dataclass(frozen=True)
class Question:
    number: int
    total: int
    item_id: str
    kind: str
    text: str
    help: str | None
    scale: ScaleView | None


def open_class(session: Session, access_id: int | None) -> PupilClass | None:
    """The class behind a class code id, if its round is open and asks pupils."""
    if access_id is None:
        return None
    access = session.get(AccessCode, access_id)
    if access is None or access.kind != "class_code" or not access.round.is_open:
        return None
    version = access.round.instrument_for("pupil")
    if version is None:
        return None
    return PupilClass(access=access, instrument=instrument_of(version))


@dataclass(frozen=True)
class SavingClass:
    """What a tablet's save needs of its class, as plain values that a worker may remember.

    Nothing here can change while the round is open: a code's round, school and class are fixed,
    and a round's instruments are frozen when it opens. Whether the round is still open is not
    remembered; the save itself asks the database (`upsert_answer`).
    """

    access_id: int
    version_id: int
    instrument: Instrument
    respondent: Respondent


def saving_class(session: Session, access_id: int | None) -> SavingClass | None:
    """The class behind a class code id, read fresh in one query and remembered for the next
    save; None unless its round is open and asks pupils."""
    if access_id is None:
        return None
    row = session.execute(
        select(
            AccessCode.round_id,
            AccessCode.school_id,
            AccessCode.group_id,
            InstrumentVersion.id,
            InstrumentVersion.content_hash,
        )
        .join(Round, Round.id == AccessCode.round_id)
        .join(
            RoundInstrument,
            (RoundInstrument.round_id == Round.id) & (RoundInstrument.respondent_type == "pupil"),
        )
        .join(InstrumentVersion, InstrumentVersion.id == RoundInstrument.instrument_version_id)
        .where(AccessCode.id == access_id, AccessCode.kind == "class_code", Round.status == "open")
    ).one_or_none()
    if row is None:
        class_memory().forget(access_id)
        return None
    round_id, school_id, group_id, version_id, content_hash = row
    found = SavingClass(
        access_id=access_id,
        version_id=version_id,
        instrument=instrument_of_id(session, version_id, content_hash),
        respondent=Respondent(round_id, school_id, group_id, "pupil"),
    )
    class_memory().put(found)
    return found


def language_choices(instrument: Instrument) -> list[Language]:
    """The languages the instrument is written in, each named in its own script."""
    return [LANGUAGES.get(code) or _language_from_babel(code) for code in instrument.languages]


def _language_from_babel(code: str) -> Language:
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        return Language(code, code)
    name = locale.get_display_name(locale) or code
    return Language(code, name[:1].upper() + name[1:], locale.character_order == "right-to-left")


def _icons(scale: Scale) -> list[str | None]:
    count = len(scale.points)
    prefix = {"smileys": "face", "frequency": "often"}.get(scale.kind)
    if prefix is None or count < 2:
        return [None] * count
    return [f"{prefix}-{1 + round(index * 4 / (count - 1))}" for index in range(count)]


def scale_view(instrument: Instrument, scale: Scale, lang: str) -> ScaleView:
    fallback = instrument.default_language
    choices = tuple(
        Choice(str(point.value), text_in(point.label, lang, fallback=fallback), icon)
        for point, icon in zip(scale.points, _icons(scale), strict=True)
    )
    decline = None
    if scale.decline_label is not None:
        decline = Choice(
            "declined", text_in(scale.decline_label, lang, fallback=fallback), "icon-decline"
        )
    return ScaleView(scale.id, scale.kind, choices, decline)


def question(instrument: Instrument, lang: str, number: int) -> Question | None:
    """Question `number` (from 1) as a page shows it, or None past the end."""
    if not 1 <= number <= len(instrument.items):
        return None
    item: Item = instrument.items[number - 1]
    fallback = instrument.default_language
    scale = None
    if item.scale is not None:
        scale = scale_view(instrument, instrument.scales[item.scale], lang)
    return Question(
        number=number,
        total=len(instrument.items),
        item_id=item.id,
        kind=item.kind,
        text=text_in(item.text, lang, fallback=fallback),
        help=text_in(item.help, lang, fallback=fallback) if item.help else None,
        scale=scale,
    )


def survey_data(instrument: Instrument, lang: str, token: str) -> dict[str, Any]:
    """Everything the tablet needs to show every question without asking the server again."""
    fallback = instrument.default_language
    return {
        "instrument": f"{instrument.id}.v{instrument.version}",
        "classToken": token,
        "lang": lang,
        "items": [
            {
                "id": item.id,
                "kind": item.kind,
                "scale": item.scale,
                "text": text_in(item.text, lang, fallback=fallback),
                "help": text_in(item.help, lang, fallback=fallback) if item.help else None,
            }
            for item in instrument.items
        ],
    }


def scale_views(instrument: Instrument, lang: str) -> list[ScaleView]:
    return [scale_view(instrument, scale, lang) for scale in instrument.scales.values()]


def given_answers(session: Session, response_id: int) -> dict[str, Answer]:
    rows = session.scalars(select(Answer).filter_by(response_id=response_id))
    return {answer.item_id: answer for answer in rows}


def form_value(answer: Answer | None) -> str | None:
    """How a stored answer shows in the form: the chosen value, "declined", or None."""
    if answer is None:
        return None
    if answer.is_declined:
        return "declined"
    return answer.text if answer.value is None else str(answer.value)


@cache
def icon_sprite() -> Markup:
    """The SVG symbols, inlined once per page so that no icon needs a request (or a network)."""
    text = ICONS.read_text(encoding="utf-8")
    return Markup(text[text.index("<svg") :])  # noqa: S704 - our own static file
