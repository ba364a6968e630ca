"""Reading a frozen instrument: one answer for texts, constructs and keying, for every reader."""

from __future__ import annotations

from instruments import bundled_instrument, instrument_from_json
from instruments.reading import constructs_of, text_in


def test_a_missing_language_falls_back_to_bokmal_then_to_any_text():
    assert text_in({"nb": "Hei", "en": "Hi"}, "en") == "Hi"
    assert text_in({"nb": "Hei", "en": "Hi"}, "so") == "Hei"
    assert text_in({"en": "Hi"}, "so") == "Hi"
    assert text_in({"en": "Hi", "nn": "Hei"}, "so", fallback="nn") == "Hei"
    assert text_in(None, "nb", "konflikt") == "konflikt"


def test_a_frozen_version_reads_as_the_bundled_one_with_reverse_items_flipped():
    bundled = bundled_instrument("pupil-5-7", 1)
    frozen = instrument_from_json(bundled.to_json())
    assert constructs_of(frozen) == constructs_of(bundled)
    trivsel = constructs_of(frozen)["trivsel"]
    item = next(item for item in trivsel.items if item.id == "trivsel_gruer_meg")
    assert item.reverse and not item.high_is_good
    assert (trivsel.scale_min, trivsel.scale_max) == (1, 5)
    assert all(item.id in {i.id for i in frozen.items if i.is_choice} for item in trivsel.items)
