"""Each rule of the file format, broken once, names the file, the place and the problem."""

from collections.abc import Callable
from pathlib import Path

import pytest

from instruments import (
    InstrumentError,
    Problem,
    bundled_instrument,
    load_instrument,
    load_instrument_data,
)

Broken = Callable[..., InstrumentError]
ITEM = "demo.v1.yaml: item 'trivsel_liker_skolen'"


def test_sample_file_loads(write_file: Callable[..., Path], sample_yaml: str) -> None:
    instrument = load_instrument(write_file(sample_yaml))

    assert instrument.id == "demo"
    assert [item.id for item in instrument.items] == ["trivsel_liker_skolen", "trivsel_gruer_meg"]
    assert instrument.item("trivsel_liker_skolen").kind == "choice"
    assert instrument.item("trivsel_liker_skolen").reverse is False


def test_unknown_construct_names_file_item_and_construct(problems_after: Broken) -> None:
    error = problems_after(
        "trivsel_liker_skolen\n    construct: trivsel",
        "trivsel_liker_skolen\n    construct: trivsle",
    )

    assert f"{ITEM}: unknown construct 'trivsle'" in str(error)
    assert error.problems[0] == Problem(
        "demo.v1.yaml",
        "trivsel_liker_skolen",
        "unknown construct 'trivsle' (did you mean 'trivsel'?)",
    )


def test_duplicate_item_id_is_reported(problems_after: Broken) -> None:
    error = problems_after("- id: trivsel_gruer_meg", "- id: trivsel_liker_skolen")

    assert f"{ITEM}: duplicate item id (also item #1)" in str(error)


def test_missing_translation_in_item_text_is_reported(problems_after: Broken) -> None:
    error = problems_after("text: {nb: Jeg liker å være på skolen.}", "text: {en: I like school.}")

    assert f"{ITEM}: text: missing translation for 'nb'" in str(error)
    assert f"{ITEM}: text: 'en' is not a declared language (languages: nb)" in str(error)


def test_missing_translation_in_scale_label_is_reported(problems_after: Broken) -> None:
    error = problems_after("languages: [nb]", "languages: [nb, en]")

    message = "demo.v1.yaml: scale 'smileys': points #1 label: missing translation for 'en'"
    assert message in str(error)
    assert "demo.v1.yaml: scale 'smileys': decline: missing translation for 'en'" in str(error)


def test_missing_translation_in_construct_label_is_reported(problems_after: Broken) -> None:
    error = problems_after("label: {nb: Trivsel}", "label: {nn: Trivsel}")

    assert "demo.v1.yaml: construct 'trivsel': label: missing translation for 'nb'" in str(error)


def test_missing_translation_in_title_is_reported(problems_after: Broken) -> None:
    error = problems_after("title: {nb: Prøveskjema}", "title: {en: Sample}")

    assert "demo.v1.yaml: title: missing translation for 'nb'" in str(error)
    assert error.problems[0].item is None


def test_item_with_unknown_scale_is_reported(problems_after: Broken) -> None:
    error = problems_after("scale: smileys\n    reverse", "scale: smiley\n    reverse")

    message = "item 'trivsel_gruer_meg': unknown scale 'smiley' (did you mean 'smileys'?)"
    assert f"demo.v1.yaml: {message}" in str(error)


def test_non_consecutive_point_values_are_reported(problems_after: Broken) -> None:
    error = problems_after("{value: 3,", "{value: 4,")

    message = "scale 'smileys': point values must be 1, 2, 3 ... in order without gaps, got 1, 2, 4"
    assert f"demo.v1.yaml: {message}" in str(error)


def test_duplicate_point_values_are_reported(problems_after: Broken) -> None:
    error = problems_after("{value: 3,", "{value: 2,")

    assert "demo.v1.yaml: scale 'smileys': duplicate point value 2" in str(error)


def test_scale_with_one_point_is_reported(problems_after: Broken) -> None:
    error = problems_after(
        "      - {value: 2, label: {nb: Både og}}\n      - {value: 3, label: {nb: Stemmer helt}}\n",
        "",
    )

    assert "demo.v1.yaml: scale 'smileys': needs at least 2 points, has 1" in str(error)


def test_unknown_scale_kind_is_reported(problems_after: Broken) -> None:
    error = problems_after("kind: smileys", "kind: likert")

    assert "demo.v1.yaml: scale 'smileys': kind: unknown scale kind 'likert'" in str(error)


def test_choice_item_without_scale_is_reported(problems_after: Broken) -> None:
    error = problems_after("    scale: smileys\n    reverse", "    reverse")

    assert "demo.v1.yaml: item 'trivsel_gruer_meg': a choice item needs a scale" in str(error)


def test_unknown_respondent_type_is_reported(problems_after: Broken) -> None:
    error = problems_after("respondent_type: pupil", "respondent_type: teacher")

    message = (
        "respondent_type: unknown respondent type 'teacher' (expected one of pupil, parent, staff)"
    )
    assert f"demo.v1.yaml: {message}" in str(error)


def test_unknown_top_level_key_is_reported(problems_after: Broken) -> None:
    error = problems_after("version: 1\n", "version: 1\ncolour: blue\n")

    assert "demo.v1.yaml: unknown key 'colour'" in str(error)


def test_unknown_item_key_is_reported(problems_after: Broken) -> None:
    error = problems_after("reverse: true", "reverse: true\n    reversed: true")

    assert "demo.v1.yaml: item 'trivsel_gruer_meg': unknown key 'reversed'" in str(error)


def test_reverse_as_a_string_is_a_wrong_type(problems_after: Broken) -> None:
    error = problems_after("reverse: true", 'reverse: "yes"')

    message = "item 'trivsel_gruer_meg': reverse: must be true or false, got 'yes'"
    assert f"demo.v1.yaml: {message}" in str(error)


def test_unquoted_yes_is_text_not_a_boolean(problems_after: Broken) -> None:
    error = problems_after("reverse: true", "reverse: yes")

    assert "reverse: must be true or false, got 'yes'" in str(error)


def test_version_as_a_string_is_a_wrong_type(problems_after: Broken) -> None:
    error = problems_after("version: 1", 'version: "1"')

    assert "demo.v1.yaml: version: must be a whole number, got '1'" in str(error)


def test_every_problem_in_a_file_is_reported(
    problems_of: Broken, edit: Callable[..., str], sample_yaml: str
) -> None:
    text = edit("respondent_type: pupil", "respondent_type: teacher", sample_yaml)
    text = edit("kind: smileys", "kind: likert", text)
    text = edit("reverse: true", 'reverse: "yes"', text)

    error = problems_of(text)

    assert len(error.problems) == 3
    assert len(str(error).splitlines()) == 3


def test_yaml_syntax_error_names_file_and_line(problems_after: Broken) -> None:
    error = problems_after("title: {nb: Prøveskjema}", "title: {nb: Prøveskjema")

    assert str(error).startswith("demo.v1.yaml: line 6,")
    assert "invalid YAML" in str(error)


def test_duplicate_yaml_key_is_reported(problems_after: Broken) -> None:
    error = problems_after("version: 1\n", "version: 1\nversion: 2\n")

    assert str(error).startswith(
        "demo.v1.yaml: line 3, column 1: invalid YAML: found duplicate key"
    )


def test_file_name_must_match_id_and_version(problems_of: Broken, sample_yaml: str) -> None:
    error = problems_of(sample_yaml, name="demo.v2.yaml")

    expected = "demo.v2.yaml: file name must be 'demo.v1.yaml' for id and version in it"
    assert str(error) == expected


def test_text_item_needs_neither_scale_nor_construct(
    write_file: Callable[..., Path], sample_yaml: str
) -> None:
    text = sample_yaml + "  - id: kommentar\n    kind: text\n    text:\n      nb: Noe mer?\n"

    item = load_instrument(write_file(text)).item("kommentar")

    assert (item.kind, item.scale, item.construct) == ("text", None, None)


def test_load_instrument_data_names_the_source() -> None:
    data = bundled_instrument("staff").to_json() | {"respondent_type": "pupils"}

    with pytest.raises(InstrumentError) as caught:
        load_instrument_data(data, "from-admin-upload")

    assert str(caught.value).startswith("from-admin-upload: respondent_type: unknown")


def test_unknown_bundled_instrument_raises_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match=r"no bundled instrument 'teachers' \(bundled: .*staff"):
        bundled_instrument("teachers")


def test_unknown_bundled_version_raises_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="instrument 'parent' has no version 99"):
        bundled_instrument("parent", 99)
