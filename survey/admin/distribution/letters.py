"""The words of the letters, in the reader's language: one page per link, and the information
letter about the pupil survey. Made in a request; the tokens are never stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from survey.admin.distribution.pdf import LetterPdf
from survey.rounds.dates import norway_date


@dataclass(frozen=True)
class LinkLetters:
    """What every letter of one batch has in common."""

    language: str
    respondent_type: str
    school: str
    group: str | None
    #: The instrument's title in the letter's language.
    title: str
    closes_at: dt.datetime
    min_group_size: int


def _greeting(batch: LinkLetters) -> str:
    if batch.respondent_type == "staff":
        return _("Til ansatte ved %(school)s", school=batch.school)
    if batch.group:
        return _(
            "Til foresatte til elever i %(group)s ved %(school)s",
            group=batch.group,
            school=batch.school,
        )
    return _("Til foresatte ved %(school)s", school=batch.school)


def _paragraphs(batch: LinkLetters) -> list[str]:
    if batch.respondent_type == "staff":
        why = _(
            "Skolen vil gjerne vite hvordan du opplever arbeidsroen, konfliktene og "
            "samarbeidet rundt elevene. Svarene dine hjelper skolen og prosjektet å gjøre "
            "arbeidet bedre."
        )
    else:
        why = _(
            "Skolen vil gjerne vite hvordan barnet ditt har det på skolen, og hva du mener om "
            "samarbeidet mellom hjem og skole. Svarene dine hjelper skolen å gjøre arbeidet bedre."
        )
    anonymous = _(
        "Svaret ditt er anonymt. Vi spør ikke om navnet ditt, og ingen kan se hva akkurat du "
        "har svart. Resultater vises bare for grupper med minst %(count)d svar.",
        count=batch.min_group_size,
    )
    say_no = _(
        "Det er frivillig å svare. Vil du ikke være med, lar du bare være å bruke lenken. Du "
        "kan også hoppe over spørsmål du ikke vil svare på."
    )
    return [why, anonymous, say_no]


def link_letters_pdf(
    batch: LinkLetters, urls: Sequence[str], progress: Callable[[int], None] | None = None
) -> bytes:
    """One page per link, all in the batch's language; `progress(letters done)` per letter."""
    with force_locale(batch.language):
        pdf = LetterPdf(batch.language, batch.title)
        minutes = 10 if batch.respondent_type == "staff" else 5
        notes = [
            _(
                "Svar innen %(date)s. Det tar omtrent %(minutes)d minutter.",
                date=norway_date(batch.closes_at, batch.language),
                minutes=minutes,
            ),
            _("Lenken er bare til deg og kan brukes én gang."),
        ]
        instruction = _("Skann QR-koden med kameraet på mobilen, eller skriv inn lenken:")
        greeting, paragraphs = _greeting(batch), _paragraphs(batch)

        def words() -> tuple[float, float]:
            pdf.small_line(f"Trivsel · {batch.school}")
            pdf.text_block(batch.title, size=17, bold=True, after=2)
            pdf.text_block(greeting, size=12, after=5)
            for paragraph in paragraphs:
                pdf.text_block(paragraph)
            return pdf.link_words(instruction, notes)

        for done, url in enumerate(urls, 1):
            pdf.add_page()
            # The words are the same on every page: laid out once, then copied.
            top, link_y = pdf.repeated("letter", words)
            pdf.link_code(url, top, link_y)
            if progress is not None:
                progress(done)
        return bytes(pdf.output())


def _responsible(letter: InformationLetter) -> list[str]:
    """Who is responsible for the data, whom to ask, and who sends the letter."""
    lines = []
    if letter.data_controller:
        lines.append(
            _(
                "Behandlingsansvarlig for opplysningene er %(controller)s.",
                controller=letter.data_controller,
            )
        )
    if letter.contact:
        lines.append(_("Har du spørsmål, kan du kontakte %(contact)s.", contact=letter.contact))
    lines.append(_("Med vennlig hilsen %(sender)s", sender=letter.sender or letter.school))
    return lines


@dataclass(frozen=True)
class InformationLetter:
    language: str
    school: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    min_group_size: int
    questionnaire_url: str
    #: Panel mode: the letter says that the rounds of one pupil are linked by a card code.
    is_panel: bool = False
    #: From the project's settings; a letter without them says less, never something wrong.
    sender: str | None = None
    contact: str | None = None
    data_controller: str | None = None


def _privacy(letter: InformationLetter) -> str:
    if letter.is_panel:
        return _(
            "Prosjektet følger de samme elevene over flere runder. Hver elev får et kort med "
            "en kode og uten navn, og skriver koden hver gang. Slik knyttes svarene fra samme "
            "elev sammen, uten at noen i tjenesten vet hvem eleven er. Fordi svarene knyttes "
            "sammen, regnes de som personopplysninger (pseudonyme), ikke som anonyme. Skolen "
            "ser bare resultater for grupper med minst %(count)d elever, og når prosjektet "
            "slettes, slettes også nøkkelen som knytter kortene til svarene.",
            count=letter.min_group_size,
        )
    return _(
        "Undersøkelsen er anonym. Elevene skriver ikke navnet sitt, og ingen svar kan "
        "spores tilbake til ett barn. Skolen ser bare resultater for grupper med minst "
        "%(count)d elever.",
        count=letter.min_group_size,
    )


def information_letter_pdf(letter: InformationLetter) -> bytes:
    """The letter home about the pupil survey: what, when, anonymous, and how to opt out."""
    with force_locale(letter.language):
        title = _("Spørreundersøkelse for elevene om hvordan de har det på skolen")
        pdf = LetterPdf(letter.language, title)
        pdf.add_page()
        pdf.small_line(f"Trivsel · {letter.school}")
        pdf.text_block(title, size=17, bold=True, after=2)
        pdf.text_block(_("Til foresatte ved %(school)s", school=letter.school), size=12, after=5)
        start = norway_date(letter.opens_at, letter.language)
        end = norway_date(letter.closes_at, letter.language)
        pdf.text_block(
            _(
                "Fra %(start)s til %(end)s svarer elevene på en kort spørreundersøkelse om "
                "trivsel, vennskap, konflikter, arbeidsro og voksne på skolen. De svarer på et "
                "nettbrett i skoletiden, og det tar omtrent 15 minutter.",
                start=start,
                end=end,
            )
        )
        pdf.text_block(_privacy(letter))
        pdf.text_block(
            _(
                "Det er frivillig å være med. Vil du ikke at barnet ditt skal svare, sier du fra "
                "til kontaktlæreren innen %(date)s. Barnet kan også hoppe over spørsmål eller "
                "slutte når det vil.",
                date=start,
            )
        )
        pdf.text_block(_("Skolen noterer bare hvor mange elever som ikke er med, ikke hvem."))
        for line in _responsible(letter):
            pdf.text_block(line)
        pdf.link_box(
            letter.questionnaire_url,
            _("Du kan lese spørsmålene på forhånd. Skann QR-koden, eller åpne lenken:"),
            [],
        )
        return bytes(pdf.output())
