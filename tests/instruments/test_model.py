"""The Instrument model: lookups, answer values, and the frozen JSON the database keeps."""

import dataclasses
import hashlib
import json

import pytest

from instruments import InstrumentError, bundled_instrument, bundled_instruments
from instruments import instrument_from_json as from_json

INSTRUMENT_IDS = ["pupil-5-7", "parent", "staff"]


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_to_json_round_trips_to_an_equal_instrument(instrument_id: str) -> None:
    instrument = bundled_instrument(instrument_id)

    rebuilt = from_json(instrument.to_json())

    assert rebuilt == instrument
    assert rebuilt.content_hash == instrument.content_hash


def test_frozen_json_survives_a_trip_through_json_text() -> None:
    instrument = bundled_instrument("parent")

    stored = json.loads(json.dumps(instrument.to_json(), sort_keys=True))

    assert from_json(stored) == instrument


def test_content_hash_is_sha256_of_the_canonical_json() -> None:
    instrument = bundled_instrument("staff")
    canonical = json.dumps(
        instrument.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )

    assert instrument.content_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_content_hash_changes_when_a_text_changes() -> None:
    instrument = bundled_instrument("pupil-5-7")
    data = instrument.to_json()
    data["items"][0]["text"]["nb"] = "Jeg liker skolen veldig godt."

    assert from_json(data).content_hash != instrument.content_hash


def test_instrument_from_json_rejects_broken_data() -> None:
    data = bundled_instrument("staff").to_json()
    data["items"][0]["scale"] = "missing"

    with pytest.raises(InstrumentError, match="unknown scale 'missing'"):
        from_json(data)


def test_is_valid_value_accepts_only_the_points_of_the_scale() -> None:
    pupil = bundled_instrument("pupil-5-7")

    assert all(pupil.is_valid_value("trivsel_liker_skolen", value) for value in range(1, 6))
    assert not pupil.is_valid_value("trivsel_liker_skolen", 0)
    assert not pupil.is_valid_value("trivsel_liker_skolen", 6)
    assert not pupil.is_valid_value("trivsel_liker_skolen", True)


def test_is_valid_value_is_false_for_free_text_and_unknown_items() -> None:
    parent = bundled_instrument("parent")

    assert not parent.is_valid_value("kommentar", 1)
    assert not parent.is_valid_value("no_such_item", 1)


def test_items_in_keeps_questionnaire_order() -> None:
    pupil = bundled_instrument("pupil-5-7")

    ids = [item.id for item in pupil.items_in("trivsel")]

    assert ids == [item.id for item in pupil.items if item.construct == "trivsel"]
    with pytest.raises(KeyError, match="no construct 'trivsle'"):
        pupil.items_in("trivsle")


def test_item_and_scale_lookups() -> None:
    parent = bundled_instrument("parent")

    scale = parent.scale_of(parent.item("trivsel_barnet_trives"))

    assert (scale.id, scale.min_value, scale.max_value, scale.allows_decline) == (
        "agreement",
        1,
        5,
        True,
    )
    with pytest.raises(ValueError, match="free text"):
        parent.scale_of("kommentar")
    with pytest.raises(KeyError, match="no item 'nope'"):
        parent.item("nope")


def test_construct_direction() -> None:
    pupil = bundled_instrument("pupil-5-7")

    assert pupil.constructs["trivsel"].higher_is_better
    assert not pupil.constructs["konflikt"].higher_is_better


def test_instruments_are_immutable_and_hashable() -> None:
    instrument = bundled_instruments()[0]

    with pytest.raises(TypeError):
        instrument.title["nb"] = "Endret"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        instrument.version = 2  # type: ignore[misc]
    assert hash(instrument) == hash(from_json(instrument.to_json()))
