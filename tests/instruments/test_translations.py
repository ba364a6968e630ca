"""Every declared language is complete, its status is stated honestly, and RTL is marked."""

from collections.abc import Callable
from pathlib import Path

import pytest

from instruments import (
    InstrumentError,
    bundled_instrument,
    instrument_from_json,
    load_instrument,
    load_instrument_data,
)
from instruments.loader import DATA_DIR

REQUIRED_LANGUAGES = {
    "pupil-5-7": ["nb", "nn", "en", "ar", "so", "pl", "uk", "ti"],
    "parent": ["nb", "nn", "en", "ar", "so", "ur", "pl", "ti", "uk"],
    "staff": ["nb", "nn", "en"],
}
LATEST = [bundled_instrument(key) for key in REQUIRED_LANGUAGES]
by_id = pytest.mark.parametrize("instrument", LATEST, ids=lambda found: found.id)


@by_id
def test_latest_versions_are_written_in_the_required_languages(instrument) -> None:
    assert list(instrument.languages) == REQUIRED_LANGUAGES[instrument.id]


@by_id
def test_every_text_exists_in_every_language(instrument) -> None:
    texts = [instrument.title, instrument.intro]
    texts += [construct.label for construct in instrument.constructs.values()]
    for scale in instrument.scales.values():
        texts += [point.label for point in scale.points] + [scale.decline_label]
    for item in instrument.items:
        texts += [item.text] + ([item.help] if item.help else [])
    for text in texts:
        assert set(text) == set(instrument.languages)
        assert all(value.strip() for value in text.values())


@by_id
def test_only_bokmal_is_reviewed_and_every_draft_says_so(instrument) -> None:
    for code in instrument.languages:
        status = instrument.translation(code)
        assert status.reviewed is (code == "nb"), code
        if code != "nb":
            assert "draft, needs a native speaker" in status.note.lower(), code


@by_id
def test_arabic_and_urdu_are_marked_right_to_left(instrument) -> None:
    rtl = {code for code in instrument.languages if instrument.translation(code).is_rtl}

    assert rtl == {"ar", "ur"} & set(instrument.languages)


def test_a_missing_translation_fails_the_bundled_file(
    write_file: Callable[..., Path],
) -> None:
    text = (DATA_DIR / "pupil-5-7.v2.yaml").read_text(encoding="utf-8")
    broken = text.replace("      ti: ኣብ ቤት ትምህርቲ ምህላው እፈቱ እየ።\n", "", 1)
    assert broken != text

    with pytest.raises(InstrumentError) as caught:
        load_instrument(write_file(broken, name="pupil-5-7.v2.yaml"))

    message = "item 'trivsel_liker_skolen': text: missing translation for 'ti'"
    assert message in str(caught.value)


def test_a_multilingual_file_without_status_is_refused() -> None:
    data = bundled_instrument("parent").to_json()
    del data["translations"]

    with pytest.raises(InstrumentError, match="translations: missing; a file in more than one"):
        load_instrument_data(data, "parent.v2")


def test_a_language_without_status_is_refused() -> None:
    data = bundled_instrument("parent").to_json()
    del data["translations"]["so"]

    with pytest.raises(InstrumentError, match="translations: no status for 'so'"):
        load_instrument_data(data, "parent.v2")


def test_a_status_must_say_whether_it_was_reviewed(problems_after) -> None:
    error = problems_after("languages: [nb]", "languages: [nb]\ntranslations: {nb: {}}")

    assert "translations nb: missing required key 'reviewed'" in str(error)


def test_right_to_left_must_be_marked(write_file: Callable[..., Path]) -> None:
    data = bundled_instrument("parent").to_json()
    data["translations"]["ur"]["direction"] = "ltr"

    with pytest.raises(InstrumentError, match="'ur' is written rtl; mark it direction: rtl"):
        load_instrument_data(data, "parent.v2")


def test_translation_status_is_frozen_with_the_version() -> None:
    parent = bundled_instrument("parent")

    rebuilt = instrument_from_json(parent.to_json())

    assert rebuilt.translation("so") == parent.translation("so")
    assert not rebuilt.translation("so").reviewed
    with pytest.raises(KeyError, match="not written in 'de'"):
        parent.translation("de")


def test_a_version_without_status_counts_its_own_language_as_the_original() -> None:
    first = bundled_instrument("pupil-5-7", 1)

    assert first.translations == {}
    assert first.translation("nb").reviewed
    assert first.to_json().keys() == bundled_instrument("staff", 1).to_json().keys()
    assert "translations" not in first.to_json()


def test_the_parent_free_text_hint_says_you_need_not_answer() -> None:
    hint = bundled_instrument("parent").item("kommentar").help
    assert hint["nb"].startswith("Du trenger ikke svare.")
    assert "må ikke svare" not in hint["nb"]


def test_a_support_message_must_be_in_every_language_of_the_instrument() -> None:
    data = bundled_instrument("pupil-5-7").to_json()
    del data["constructs"]["krenkelser"]["support"]["ar"]
    with pytest.raises(InstrumentError, match="support"):
        instrument_from_json(data)
