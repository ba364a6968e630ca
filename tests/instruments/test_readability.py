"""Pupil items are readable by a ten-year-old: LIX at most 30 and at most 12 words."""

import pytest

from instruments import bundled_instrument, lix, readability

MAX_LIX = 30
MAX_WORDS = 12
PUPIL = bundled_instrument("pupil-5-7")
NORWEGIAN = ("nb", "nn")


def _pupil_texts() -> list[tuple[str, str, str]]:
    return [(item.id, code, item.text[code]) for item in PUPIL.items for code in NORWEGIAN]


def test_lix_is_words_per_sentence_plus_percentage_of_long_words() -> None:
    # 8 words, 1 sentence, 2 words longer than six letters: 8 + 25
    assert lix("Jeg liker friminuttet fordi klassen leker sammen ute.") == pytest.approx(33.0)
    assert lix("Jeg liker å være på skolen.") == pytest.approx(6.0)


def test_lix_counts_sentences_and_ignores_punctuation_and_digits() -> None:
    counts = readability("Hei! Er du her? Ja, vi er 25 her.")

    assert (counts.words, counts.sentences, counts.long_words) == (8, 3, 0)
    assert lix("") == 0.0


def test_hyphenated_word_is_one_word_and_its_letters_count() -> None:
    counts = readability("Vi bruker SoVei-modellen.")

    assert (counts.words, counts.long_words) == (3, 1)


@pytest.mark.parametrize(("item_id", "code", "text"), _pupil_texts())
def test_every_norwegian_pupil_item_is_short_and_easy(item_id: str, code: str, text: str) -> None:
    counts = readability(text)

    assert counts.words <= MAX_WORDS, f"{item_id} ({code}) has {counts.words} words: {text}"
    assert counts.lix <= MAX_LIX, f"{item_id} ({code}) has LIX {counts.lix:.1f}: {text}"


def test_print_the_five_hardest_pupil_items() -> None:
    """Shown with `pytest -s` or `-rA`, so a writer sees where the limit is nearest."""
    ranked = sorted(_pupil_texts(), key=lambda entry: lix(entry[2]), reverse=True)

    print("\nThe five hardest pupil items (LIX, words, item, language, text):")
    for item_id, code, text in ranked[:5]:
        counts = readability(text)
        print(f"  {counts.lix:5.1f}  {counts.words:2d}  {item_id} ({code}): {text}")
    assert lix(ranked[0][2]) <= MAX_LIX
