"""Versions: a frozen version always loads again, and kept item ids keep their meaning."""

import json
from itertools import pairwise

import pytest

from instruments import (
    InstrumentError,
    bundled_instrument,
    bundled_instruments,
    instrument_from_json,
    load_instrument_data,
    version_problems,
)

#: The hashes the first versions were frozen with in existing databases; they must not move.
FROZEN_FIRST_VERSIONS = {
    "parent": "d06245e9e776bcde5980035fb26eca86356448086a2d2ae971d1350fd13dc8e6",
    "pupil-5-7": "3723a13f8e4d2c2d0b919ae490e49f378d18d04728e86c615a65cd0bc425f664",
    "staff": "4021ae798320a2de6b9891212ec7635a6220ef7e33513f336a7d4cb8156ff914",
}


def _consecutive_pairs():
    versions = bundled_instruments()
    return [(a, b) for a, b in pairwise(versions) if a.id == b.id]


@pytest.mark.parametrize(
    "instrument", bundled_instruments(), ids=lambda found: f"{found.id}.v{found.version}"
)
def test_every_bundled_version_loads_again_from_its_stored_json(instrument) -> None:
    stored = json.loads(json.dumps(instrument.to_json(), ensure_ascii=False))

    rebuilt = instrument_from_json(stored)

    assert rebuilt == instrument
    assert rebuilt.content_hash == instrument.content_hash


@pytest.mark.parametrize("instrument_id", sorted(FROZEN_FIRST_VERSIONS))
def test_first_versions_keep_the_hash_they_were_frozen_with(instrument_id: str) -> None:
    first = bundled_instrument(instrument_id, 1)

    assert first.content_hash == FROZEN_FIRST_VERSIONS[instrument_id]
    assert {"translations", "changelog"}.isdisjoint(first.to_json())


def test_a_first_version_frozen_before_the_second_existed_still_loads() -> None:
    stored = bundled_instrument("pupil-5-7", 1).to_json()
    assert bundled_instrument("pupil-5-7").version >= 2

    rebuilt = instrument_from_json(stored)

    assert (rebuilt.version, rebuilt.content_hash) == (1, FROZEN_FIRST_VERSIONS["pupil-5-7"])
    assert rebuilt.item("trivsel_gruer_meg").reverse


@pytest.mark.parametrize(
    ("older", "newer"), _consecutive_pairs(), ids=lambda found: f"{found.id}.v{found.version}"
)
def test_kept_item_ids_keep_their_meaning(older, newer) -> None:
    assert version_problems(older, newer) == []


def test_a_kept_id_on_a_new_scale_is_a_meaning_change() -> None:
    older, newer = bundled_instrument("pupil-5-7", 1), bundled_instrument("pupil-5-7", 2)
    data = newer.to_json()
    item = next(entry for entry in data["items"] if entry["id"] == "trivsel_gruer_meg_ofte")
    item["id"] = "trivsel_gruer_meg"

    problems = version_problems(older, instrument_from_json(data))

    assert problems == [
        "item 'trivsel_gruer_meg': scale changed from smileys with 5 points "
        "to frequency with 5 points"
    ]


def test_a_changed_text_must_be_listed_as_reworded() -> None:
    older, newer = bundled_instrument("staff", 1), bundled_instrument("staff", 2)
    data = newer.to_json()
    data["items"][0]["text"]["nb"] = "Timene mine starter presis."

    problems = version_problems(older, instrument_from_json(data))

    assert len(problems) == 1
    assert (
        "'arbeidsro_kommer_i_gang': the nb text changed; list it under 'reworded'" in (problems[0])
    )


def test_versions_are_compared_oldest_first() -> None:
    with pytest.raises(ValueError, match="oldest first"):
        version_problems(bundled_instrument("staff", 2), bundled_instrument("staff", 1))


@pytest.mark.parametrize("instrument_id", sorted(FROZEN_FIRST_VERSIONS))
def test_the_latest_version_says_what_changed(instrument_id: str) -> None:
    latest = bundled_instrument(instrument_id)
    change = latest.change_in(latest.version)

    assert change is not None and change.notes
    assert [entry.version for entry in latest.changelog] == list(range(1, latest.version + 1))


def test_a_later_version_without_a_changelog_is_refused() -> None:
    data = bundled_instrument("staff").to_json()
    del data["changelog"]

    with pytest.raises(InstrumentError, match="changelog: missing; every version after"):
        load_instrument_data(data, "staff.v2")


def test_changelog_entries_are_checked_against_the_file() -> None:
    data = bundled_instrument("pupil-5-7", 2).to_json()
    data["changelog"].append({"version": 3, "notes": ["From the future."]})
    data["changelog"][1]["reworded"].append("no_such_item")

    with pytest.raises(InstrumentError) as caught:
        load_instrument_data(data, "pupil-5-7.v2")

    assert "changelog: entry for version 3 is newer than the file (2)" in str(caught.value)
    assert "changelog: reworded item 'no_such_item' is not in this version" in str(caught.value)
