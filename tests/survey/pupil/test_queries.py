"""How the survey is shown: faces only on smiley scales, the data the tablet gets, languages."""

from __future__ import annotations

import json

from instruments import Scale, ScalePoint
from survey.pupil.queries import language_choices, question, scale_view, survey_data
from tests.survey.pupil.conftest import PUPIL, two_language_instrument


def _scale(kind: str, count: int) -> Scale:
    points = tuple(ScalePoint(value, {"nb": f"p{value}"}) for value in range(1, count + 1))
    return Scale("s", kind, points, {"nb": "Vil ikke svare"})


def test_smiley_scales_get_five_faces_that_differ() -> None:
    view = scale_view(PUPIL, _scale("smileys", 5), "nb")
    assert [choice.icon for choice in view.choices] == [f"face-{n}" for n in range(1, 6)]
    assert view.decline.value == "declined"


def test_a_three_point_smiley_scale_uses_the_outer_and_middle_faces() -> None:
    view = scale_view(PUPIL, _scale("smileys", 3), "nb")
    assert [choice.icon for choice in view.choices] == ["face-1", "face-3", "face-5"]


def test_how_often_is_never_shown_as_a_mood() -> None:
    icons = [choice.icon for choice in scale_view(PUPIL, _scale("frequency", 5), "nb").choices]
    assert icons == [f"often-{n}" for n in range(1, 6)]
    assert scale_view(PUPIL, _scale("agreement", 4), "nb").choices[0].icon is None


def test_the_tablet_gets_every_question_once_in_the_chosen_language_only() -> None:
    data = survey_data(two_language_instrument(), "ar", "token")
    assert data["items"][0]["text"] == "أحب المدرسة."
    assert "Jeg liker skolen." not in json.dumps(data, ensure_ascii=False)


def test_a_question_carries_its_number_and_help() -> None:
    shown = question(two_language_instrument(), "nb", 3)
    assert (shown.number, shown.total, shown.help) == (3, 4, "Tenk på de siste ukene.")
    assert question(two_language_instrument(), "nb", 5) is None


def test_languages_are_named_in_their_own_script() -> None:
    names = [language.native_name for language in language_choices(two_language_instrument())]
    assert names == ["Norsk bokmål", "العربية"]
