"""A pupil on a shared tablet: completing, skipping and changing, reloading, the next pupil."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.pupil_flow import (
    BOKMAAL,
    answer_all,
    begin,
    choose,
    go_next,
    open_class,
    question_text,
    responses_in,
    small_instrument,
    start,
    stored_state,
    wait_until_saved,
    wait_until_sent,
)

ITEMS = [item.id for item in BOKMAAL.items]


def _send(page) -> None:
    page.get_by_role("button", name="Send inn svarene").tap()
    wait_until_sent(page)


def test_a_pupil_completes_the_survey(tablet, seed) -> None:
    code, round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    answer_all(tablet, "4", len(ITEMS))
    _send(tablet)
    ((status, answers),) = responses_in(seed, round_id)
    assert (status, answers) == ("complete", dict.fromkeys(ITEMS, 4))


def test_a_pupil_skips_declines_and_changes_answers(tablet, seed) -> None:
    code, round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    choose(tablet, "Stemmer godt")
    go_next(tablet)
    go_next(tablet)  # skipped
    choose(tablet, "Vil ikke svare")
    go_next(tablet, "Tilbake")
    go_next(tablet, "Tilbake")
    expect(tablet.get_by_role("radio", name="Stemmer godt")).to_be_checked()
    choose(tablet, "Stemmer helt")
    expect(tablet.locator("input:checked")).to_have_count(1)
    wait_until_saved(tablet)
    assert responses_in(seed, round_id) == [("partial", {ITEMS[0]: 5, ITEMS[2]: "declined"})]


def test_a_reload_in_the_middle_resumes_where_the_pupil_was(tablet, seed) -> None:
    code, _round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    for label in ("Stemmer ikke", "Både og", "Stemmer helt"):
        choose(tablet, label)
        go_next(tablet)
    fourth = question_text(tablet)
    tablet.reload()
    expect(tablet.locator("#question-text")).to_have_text(fourth)
    expect(tablet.get_by_text("Spørsmål 4 av")).to_be_visible()
    go_next(tablet, "Tilbake")
    expect(tablet.get_by_role("radio", name="Stemmer helt")).to_be_checked()


def test_the_next_pupil_finds_nothing_of_the_one_before(tablet, seed) -> None:
    code, round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    answer_all(tablet, "2", len(ITEMS))
    _send(tablet)
    screenshot(tablet, "pupil-nb-thanks")
    tablet.get_by_role("link", name="Neste elev").tap()
    expect(tablet.locator("form[data-start]")).to_be_visible()
    assert stored_state(tablet) is None
    begin(tablet)
    expect(tablet.locator("input:checked")).to_have_count(0)
    answer_all(tablet, "5", len(ITEMS))
    _send(tablet)
    assert responses_in(seed, round_id) == [
        ("complete", dict.fromkeys(ITEMS, 2)),
        ("complete", dict.fromkeys(ITEMS, 5)),
    ]


def test_a_double_tapped_send_gives_one_response(tablet, seed) -> None:
    code, round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    answer_all(tablet, "3", len(ITEMS))
    box = tablet.get_by_role("button", name="Send inn svarene").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    tablet.touchscreen.tap(x, y)
    tablet.touchscreen.tap(x, y)
    wait_until_sent(tablet)
    assert responses_in(seed, round_id) == [("complete", dict.fromkeys(ITEMS, 3))]


def test_a_free_text_answer_is_sent_with_the_others(tablet, seed) -> None:
    code, round_id = open_class(seed, small_instrument())
    start(tablet, code, "Norsk bokmål")
    begin(tablet)
    answer_all(tablet, "3", 3)
    tablet.get_by_role("textbox", name="Vil du si mer?").fill("Fint i friminuttet")
    screenshot(tablet, "pupil-nb-question-text")
    go_next(tablet)
    _send(tablet)
    answers = {"trivsel_liker": 3, "trivsel_trygg": 3, "trivsel_alene": 3}
    answers["trivsel_kommentar"] = "Fint i friminuttet"
    assert responses_in(seed, round_id) == [("complete", answers)]


def test_characters_no_pupil_can_see_are_taken_out_of_free_text(tablet, seed) -> None:
    """A pasted right-to-left override would make the server refuse the answer for good."""
    code, round_id = open_class(seed, small_instrument())
    start(tablet, code, "Norsk bokmål")
    begin(tablet)
    answer_all(tablet, "3", 3)
    box = tablet.get_by_role("textbox", name="Vil du si mer?")
    box.fill("Fint \u202ei\u2066 friminuttet\x07")
    go_next(tablet)
    _send(tablet)
    [(status, answers)] = responses_in(seed, round_id)
    assert (status, answers["trivsel_kommentar"]) == ("complete", "Fint i friminuttet")
