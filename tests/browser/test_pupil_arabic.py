"""The whole flow in Arabic, right to left, with the translated item bank; axe on every screen."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.pupil_flow import (
    TRANSLATED,
    answer_all,
    begin,
    choose,
    choose_value,
    go_next,
    languages_in,
    open_class,
    responses_in,
    start,
    wait_until_saved,
    wait_until_sent,
)

ITEMS = [item.id for item in TRANSLATED.items]
FIRST_OFTEN = next(n for n, item in enumerate(TRANSLATED.items) if item.scale == "frequency")
FIRST_HELP = next(n for n, item in enumerate(TRANSLATED.items) if item.help)


def _check(page, name: str) -> None:
    assert axe_violations(page) == [], name
    screenshot(page, f"pupil-ar-{name}")


def test_a_pupil_answers_the_whole_survey_in_arabic(tablet, seed) -> None:
    code, round_id = open_class(seed, TRANSLATED)
    start(tablet, code, "العربية")
    expect(tablet.locator("html")).to_have_attribute("dir", "rtl")
    _check(tablet, "intro")
    begin(tablet, "ابدأ")
    expect(tablet.locator("#question-text")).to_have_text(TRANSLATED.items[0].text["ar"])
    choose(tablet, "صحيح تمامًا")
    _check(tablet, "question")
    go_next(tablet, "التالي")
    answer_all(tablet, "declined", FIRST_OFTEN - 1, "التالي")
    choose(tablet, "أحيانًا")
    _check(tablet, "question-often")
    go_next(tablet, "التالي")
    answer_all(tablet, "4", len(ITEMS) - FIRST_OFTEN - 1, "التالي")
    _check(tablet, "finish")
    tablet.get_by_role("button", name="أرسل إجاباتك").tap()
    wait_until_sent(tablet, "تم إرسال إجاباتك.")
    _check(tablet, "thanks")
    answers = {
        ITEMS[0]: 5,
        **dict.fromkeys(ITEMS[1:FIRST_OFTEN], "declined"),
        ITEMS[FIRST_OFTEN]: 3,
    }
    assert responses_in(seed, round_id) == [("complete", {**dict.fromkeys(ITEMS, 4), **answers})]
    assert languages_in(seed, round_id) == ["ar"]


def test_the_language_page_names_each_language_in_its_own_script(tablet, seed) -> None:
    code, _round_id = open_class(seed, TRANSLATED)
    tablet.goto(f"/?kode={code}")
    for name, lang in [("العربية", "ar"), ("ትግርኛ", "ti"), ("Українська", "uk")]:
        expect(tablet.get_by_role("button", name=name)).to_have_attribute("lang", lang)
    expect(tablet.get_by_role("button", name="العربية")).to_have_attribute("dir", "rtl")
    assert axe_violations(tablet) == []
    screenshot(tablet, "pupil-nb-language")


def test_help_the_offline_notice_and_the_plain_form_read_right_to_left(tablet, seed) -> None:
    code, _round_id = open_class(seed, TRANSLATED)
    start(tablet, code, "العربية")
    begin(tablet, "ابدأ")
    for _ in range(FIRST_HELP):
        go_next(tablet, "التالي")
    expect(tablet.get_by_text(TRANSLATED.items[FIRST_HELP].help["ar"])).to_be_visible()
    tablet.context.set_offline(True)
    choose_value(tablet, "3")
    expect(tablet.locator("[data-sync-status]")).to_be_visible()
    _check(tablet, "offline-help")
    tablet.context.set_offline(False)
    wait_until_saved(tablet)
    tablet.evaluate("localStorage.clear()")
    tablet.goto("/elev/")
    tablet.evaluate("document.querySelector('form[data-start]').submit()")
    expect(tablet).to_have_url(re.compile(r"/elev/sporsmal/1$"))
    expect(tablet.locator("html")).to_have_attribute("dir", "rtl")
    _check(tablet, "plain-question")
