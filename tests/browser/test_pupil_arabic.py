"""The whole flow in Arabic, right to left, checked by axe-core on every screen.

It uses a test instrument with Arabic text (tests/survey/pupil/conftest.py) until the
translated pupil item bank is in main; the flow works for any language an instrument declares.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.pupil_flow import (
    arabic_instrument,
    begin,
    choose,
    go_next,
    open_class,
    responses_in,
    start,
    wait_until_sent,
)


def _check(page, name: str) -> None:
    assert axe_violations(page) == [], name
    screenshot(page, f"pupil-ar-{name}")


def test_a_pupil_answers_the_whole_survey_in_arabic(tablet, seed) -> None:
    code, round_id = open_class(seed, arabic_instrument())
    start(tablet, code, "العربية")
    expect(tablet.locator("html")).to_have_attribute("dir", "rtl")
    _check(tablet, "intro")
    begin(tablet, "ابدأ")
    choose(tablet, "صحيح تمامًا")
    _check(tablet, "question")
    go_next(tablet, "التالي")
    choose(tablet, "لا أريد أن أجيب")
    go_next(tablet, "التالي")
    choose(tablet, "أحيانًا")
    _check(tablet, "question-often")
    go_next(tablet, "التالي")
    tablet.get_by_role("textbox").fill("المدرسة جميلة")
    _check(tablet, "question-text")
    go_next(tablet, "التالي")
    _check(tablet, "finish")
    tablet.get_by_role("button", name="إرسال الإجابات").tap()
    wait_until_sent(tablet, "تم إرسال إجاباتك.")
    _check(tablet, "thanks")
    answers = {"trivsel_liker": 5, "trivsel_trygg": "declined", "trivsel_alene": 3}
    answers["trivsel_kommentar"] = "المدرسة جميلة"
    assert responses_in(seed, round_id) == [("complete", answers)]


def test_the_language_page_names_each_language_in_its_own_script(tablet, seed) -> None:
    code, _round_id = open_class(seed, arabic_instrument())
    tablet.goto(f"/?kode={code}")
    arabic = tablet.get_by_role("button", name="العربية")
    expect(arabic).to_have_attribute("lang", "ar")
    expect(arabic).to_have_attribute("dir", "rtl")
    assert axe_violations(tablet) == []
    screenshot(tablet, "pupil-nb-language")
