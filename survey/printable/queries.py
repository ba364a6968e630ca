"""Reads for the printable questionnaires: the bundled instruments, shaped for one page each.

The pages show bundled versions; a round stores the same content under the same id and
version (the survey app refuses anything else), so the page is what respondents see.
"""

from __future__ import annotations

from dataclasses import dataclass

from instruments import Instrument, Item, Scale, Translation, bundled_instruments
from survey.i18n import LANGUAGES, Language, language

#: Scale kinds shown to pupils with a picture above the label, as on the tablet.
PUPIL_ICONS = {"smileys": "face", "frequency": "often"}


@dataclass(frozen=True)
class PrintedChoice:
    label: str
    #: The id of a symbol on the page (face-1 ... often-5, decline), or None for a box.
    icon: str | None


@dataclass(frozen=True)
class PrintedQuestion:
    number: int
    item_id: str
    text: str
    help: str | None
    scale_kind: str | None
    choices: tuple[PrintedChoice, ...]
    decline: PrintedChoice | None

    @property
    def is_text(self) -> bool:
        return self.scale_kind is None


@dataclass(frozen=True)
class Measure:
    """A construct as the page names it, with the numbers of the questions that measure it."""

    label: str
    numbers: str


@dataclass(frozen=True)
class PrintedInstrument:
    instrument: Instrument
    lang: str
    status: Translation
    questions: tuple[PrintedQuestion, ...]
    measures: tuple[Measure, ...]

    @property
    def title(self) -> str:
        return self.instrument.title[self.lang]

    @property
    def intro(self) -> str | None:
        return self.instrument.intro[self.lang] if self.instrument.intro else None

    @property
    def is_original(self) -> bool:
        return self.lang == self.instrument.default_language

    @property
    def other_languages(self) -> list[Language]:
        return [language(code) for code in self.instrument.languages if code != self.lang]


@dataclass(frozen=True)
class LanguageEntry:
    language: Language
    is_original: bool
    reviewed: bool


@dataclass(frozen=True)
class VersionListing:
    """One instrument version on the index page, with the status of each language."""

    instrument: Instrument
    languages: tuple[LanguageEntry, ...]


@dataclass(frozen=True)
class Listing:
    """One instrument on the index page: its newest version first, then the older ones."""

    latest: VersionListing
    older: tuple[VersionListing, ...]

    def title_in(self, code: str) -> str:
        instrument = self.latest.instrument
        return instrument.title.get(code) or instrument.title[instrument.default_language]


def find_instrument(instrument_id: str, version: int | None = None) -> Instrument | None:
    """A bundled instrument version, the latest when ``version`` is None; None if unknown."""
    versions = [found for found in bundled_instruments() if found.id == instrument_id]
    if version is None:
        return versions[-1] if versions else None
    return next((found for found in versions if found.version == version), None)


def listings() -> list[Listing]:
    """Every bundled instrument with all its versions, newest first."""
    by_id: dict[str, list[VersionListing]] = {}
    for instrument in sorted(bundled_instruments(), key=lambda found: -found.version):
        by_id.setdefault(instrument.id, []).append(_version_listing(instrument))
    order = {"pupil": 0, "parent": 1, "staff": 2}
    ordered = sorted(by_id.values(), key=lambda found: order[found[0].instrument.respondent_type])
    return [Listing(versions[0], tuple(versions[1:])) for versions in ordered]


def _version_listing(instrument: Instrument) -> VersionListing:
    return VersionListing(
        instrument,
        tuple(
            LanguageEntry(
                language=LANGUAGES.get(code) or Language(code, code),
                is_original=code == instrument.default_language,
                reviewed=instrument.translation(code).reviewed,
            )
            for code in instrument.languages
        ),
    )


def printable(instrument: Instrument, lang: str) -> PrintedInstrument:
    """The instrument in one of its languages, numbered in questionnaire order."""
    icons = PUPIL_ICONS if instrument.respondent_type == "pupil" else {}
    questions = tuple(
        _question(instrument, item, number, lang, icons)
        for number, item in enumerate(instrument.items, start=1)
    )
    return PrintedInstrument(
        instrument=instrument,
        lang=lang,
        status=instrument.translation(lang),
        questions=questions,
        measures=_measures(instrument, questions, lang),
    )


def _question(
    instrument: Instrument, item: Item, number: int, lang: str, icons: dict[str, str]
) -> PrintedQuestion:
    help_text = item.help[lang] if item.help else None
    if not item.is_choice:
        return PrintedQuestion(number, item.id, item.text[lang], help_text, None, (), None)
    scale = instrument.scale_of(item)
    return PrintedQuestion(
        number=number,
        item_id=item.id,
        text=item.text[lang],
        help=help_text,
        scale_kind=scale.kind,
        choices=_choices(scale, lang, icons.get(scale.kind)),
        decline=_decline(scale, lang, bool(icons)),
    )


def _choices(scale: Scale, lang: str, prefix: str | None) -> tuple[PrintedChoice, ...]:
    return tuple(
        PrintedChoice(point.label[lang], f"{prefix}-{point.value}" if prefix else None)
        for point in scale.points
    )


def _decline(scale: Scale, lang: str, with_icon: bool) -> PrintedChoice | None:
    if scale.decline_label is None:
        return None
    return PrintedChoice(scale.decline_label[lang], "decline" if with_icon else None)


def _measures(
    instrument: Instrument, questions: tuple[PrintedQuestion, ...], lang: str
) -> tuple[Measure, ...]:
    number_of = {question.item_id: question.number for question in questions}
    return tuple(
        Measure(
            construct.label[lang],
            number_ranges([number_of[item.id] for item in instrument.items_in(construct.id)]),
        )
        for construct in instrument.constructs.values()
    )


def number_ranges(numbers: list[int]) -> str:
    """Question numbers as short ranges: [1, 2, 3, 5] -> "1–3, 5"."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)
