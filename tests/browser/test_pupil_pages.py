"""Every pupil screen in bokmål: axe-core, text size, touch targets, read-aloud, one cookie."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.pupil_flow import BOKMAAL, answer_all, begin, go_next, open_class, start

#: Too small for a child's finger or eye: (what, size) for every visible control and text.
TOO_SMALL = """() => {
  const controls = 'a, button, label.choice, input:not([type=radio]), textarea';
  const shown = [...document.querySelectorAll(controls + ', p, li, h1, legend, label')]
    .filter(e => e.offsetParent !== null);
  const name = e => e.outerHTML.slice(0, 60);
  const small = shown.filter(e => e.matches(controls))
    .map(e => [name(e), e.getBoundingClientRect()])
    .filter(([, box]) => box.width < 48 || box.height < 48).map(([n, box]) => [n, box.height]);
  const tiny = shown.map(e => [name(e), parseFloat(getComputedStyle(e).fontSize)])
    .filter(([, size]) => size < 20);
  return small.concat(tiny);
}"""
#: A speech engine with one voice, in place of the device's; it records what it was asked to say.
SPEECH = """(() => {
  const voices = [{lang: '%s', name: 'Test', voiceURI: 'test', default: true, localService: true}];
  window.spoken = [];
  Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
    getVoices: () => voices, speak: u => window.spoken.push(u.text), cancel: () => {},
    addEventListener: () => {}}});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})()"""


def _check(page, name: str) -> None:
    assert axe_violations(page) == [], name
    assert page.evaluate(TOO_SMALL) == [], name
    screenshot(page, f"pupil-nb-{name}")


def test_every_screen_in_bokmaal_passes_axe_with_big_text_and_targets(tablet, seed) -> None:
    code, _round_id = open_class(seed)
    tablet.goto("/")
    _check(tablet, "start")
    tablet.get_by_label("Klassekode").fill("feil")
    tablet.get_by_role("button", name="Start").tap()
    expect(tablet.get_by_role("alert")).to_be_visible()
    _check(tablet, "start-error")
    start(tablet, code)
    _check(tablet, "intro")
    begin(tablet)
    _check(tablet, "question")
    answer_all(tablet, "declined", 3)
    expect(tablet.get_by_text(BOKMAAL.items[3].help["nb"])).to_be_visible()
    _check(tablet, "question-help")
    go_next(tablet, "Tilbake")
    _check(tablet, "question-declined")
    answer_all(tablet, "2", len(BOKMAAL.items) - 2)
    expect(tablet.get_by_role("button", name="Send inn svarene")).to_be_visible()
    _check(tablet, "finish")


def test_the_frequency_question_has_its_own_icons_not_faces(tablet, seed) -> None:
    code, _round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    often = next(i for i, item in enumerate(BOKMAAL.items) if item.scale == "frequency")
    for _ in range(often):
        go_next(tablet)
    expect(tablet.locator("use[href='#often-5']")).to_have_count(1)
    expect(tablet.locator("use[href^='#face']")).to_have_count(0)
    _check(tablet, "question-often")


def test_read_aloud_speaks_the_question_and_its_choices(tablet, seed) -> None:
    tablet.add_init_script(SPEECH % "nb-NO")
    code, _round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    tablet.get_by_role("button", name="Les høyt").tap()
    spoken = tablet.evaluate("window.spoken")
    assert spoken[0].startswith(BOKMAAL.items[0].text["nb"])
    assert "Stemmer helt" in spoken[0]


def test_read_aloud_is_hidden_when_the_device_has_no_voice_for_the_language(tablet, seed) -> None:
    tablet.add_init_script(SPEECH % "en-US")
    code, _round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    expect(tablet.get_by_role("button", name="Les høyt")).to_be_hidden()


def test_a_qr_code_with_the_class_code_opens_the_class(tablet, seed) -> None:
    code, _round_id = open_class(seed)
    tablet.goto(f"/?kode={code.lower()}")
    expect(tablet.get_by_text("Klasse 6A")).to_be_visible()


def test_the_tablet_keeps_one_session_cookie_and_nothing_else(tablet, seed) -> None:
    code, _round_id = open_class(seed)
    start(tablet, code)
    begin(tablet)
    answer_all(tablet, "4", len(BOKMAAL.items))
    tablet.get_by_role("button", name="Send inn svarene").tap()
    expect(tablet.get_by_text("Svarene dine er sendt.")).to_be_visible()
    assert [cookie["name"] for cookie in tablet.context.cookies()] == ["session"]
