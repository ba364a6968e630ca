"""How the latest instruments are built: constructs, keying, scales and the right to decline."""

import pytest

from instruments import Instrument, bundled_instrument

LATEST = [bundled_instrument(key) for key in ("pupil-5-7", "parent", "staff")]
PUPIL_CONSTRUCTS = {
    "trivsel",
    "venner",
    "konflikt",
    "konflikthaandtering",
    "arbeidsro",
    "trygghet",
    "sett_av_voksne",
    "krenkelser",
    "kjennskap_sosialarbeider",
}
PARENT_CONSTRUCTS = {
    "trivsel",
    "venner",
    "konflikt",
    "arbeidsro",
    "samarbeid_hjem_skole",
    "kjennskap_sosialarbeider",
    "felles_spraak",
    "deltakelse",
}
SOVEI_WORK_AREAS = {
    "sovei_organisasjon",
    "sovei_veiledning",
    "sovei_elevrettet",
    "sovei_internt_samarbeid",
    "sovei_eksternt_samarbeid",
}
STAFF_CONSTRUCTS = {
    "arbeidsro",
    "konflikt",
    "tid_til_undervisning",
    "samarbeid_sosialarbeider",
    "rolleklarhet",
    "ledelsesstoette",
    *SOVEI_WORK_AREAS,
}
by_id = pytest.mark.parametrize("instrument", LATEST, ids=lambda found: found.id)


def test_each_instrument_measures_what_the_issue_lists() -> None:
    assert set(LATEST[0].constructs) == PUPIL_CONSTRUCTS
    assert set(LATEST[1].constructs) == PARENT_CONSTRUCTS
    assert set(LATEST[2].constructs) == STAFF_CONSTRUCTS


@by_id
def test_every_construct_has_three_to_six_items(instrument: Instrument) -> None:
    for construct_id in instrument.constructs:
        assert 3 <= len(instrument.items_in(construct_id)) <= 6, construct_id


@by_id
def test_every_construct_has_a_reverse_keyed_item_or_says_why_not(instrument: Instrument) -> None:
    for construct in instrument.constructs.values():
        has_reverse = any(item.reverse for item in instrument.items_in(construct.id))
        assert has_reverse != bool(construct.no_reverse_reason), construct.id


@by_id
def test_every_construct_documents_its_direction(instrument: Instrument) -> None:
    for construct in instrument.constructs.values():
        assert construct.higher_is_better != construct.higher_is_worse, construct.id
        assert construct.description, construct.id


def test_conflict_and_bullying_are_higher_is_worse() -> None:
    worse = {
        found.id: {c.id for c in found.constructs.values() if c.higher_is_worse} for found in LATEST
    }

    assert worse == {
        "pupil-5-7": {"konflikt", "krenkelser"},
        "parent": {"konflikt"},
        "staff": {"konflikt"},
    }


@by_id
def test_a_construct_is_scored_on_one_range(instrument: Instrument) -> None:
    """Scale scores average items, so every item of a construct runs over the same values."""
    for construct_id in instrument.constructs:
        ranges = {
            (instrument.scale_of(item).min_value, instrument.scale_of(item).max_value)
            for item in instrument.items_in(construct_id)
        }
        assert len(ranges) == 1, construct_id


def test_a_smiling_face_never_means_agreeing_with_something_bad() -> None:
    pupil = LATEST[0]
    smiley_items = [item for item in pupil.items if pupil.scale_of(item).kind == "smileys"]

    assert len(pupil.scales["smileys"].points) == 5
    for item in smiley_items:
        assert not item.reverse, item.id
        assert pupil.constructs[item.construct].higher_is_better, item.id


@by_id
def test_declining_is_always_possible_and_is_not_a_value(instrument: Instrument) -> None:
    for scale in instrument.scales.values():
        assert scale.allows_decline, scale.id
        labels = {point.label[instrument.default_language] for point in scale.points}
        assert scale.decline_label[instrument.default_language] not in labels
        assert not scale.has_value(0)


@by_id
def test_scale_labels_are_short_in_every_language(instrument: Instrument) -> None:
    """They sit under a face or on a button on a phone; pupils get the shortest."""
    limit = 20 if instrument.respondent_type == "pupil" else 32
    for scale in instrument.scales.values():
        for point in scale.points:
            for code, label in point.label.items():
                assert len(label) <= limit, (scale.id, code, label)


def test_pupils_are_asked_about_the_seed_reports_changes() -> None:
    """Breaks, calm lessons, saying sorry, the way to school and knowing the social worker."""
    pupil = LATEST[0]
    for item_id in (
        "venner_alene_i_friminuttet",
        "arbeidsro_brak_i_timene",
        "konflikthaandtering_sier_unnskyld",
        "trygghet_til_og_fra_skolen",
        "sett_av_voksne_hjelp_ved_krangel",
        "kjennskap_sosialarbeider_vet_hvem",
    ):
        assert pupil.item(item_id).is_choice
