"""The printable questionnaires: every instrument, version and language, public and honest."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from instruments import bundled_instrument, bundled_instruments
from survey.i18n import LANGUAGES

PAGES = [
    (instrument, code) for instrument in bundled_instruments() for code in instrument.languages
]


def _url(instrument, code: str) -> str:
    return f"/skjema/{instrument.id}/v{instrument.version}/{code}"


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("instrument", "code"), PAGES, ids=[f"{i.id}.v{i.version}-{c}" for i, c in PAGES]
)
def test_every_instrument_renders_in_every_language(client, instrument, code) -> None:
    html = _html(client, _url(instrument, code))

    direction = "rtl" if code in {"ar", "ur"} else "ltr"
    assert f'<html lang="{code}" dir="{direction}">' in html
    assert str(escape(instrument.title[code])) in html
    for item in instrument.items:
        assert str(escape(item.text[code])) in html, item.id
        for point in instrument.scale_of(item).points if item.is_choice else ():
            assert str(escape(point.label[code])) in html
    assert html.count('class="question"') == len(instrument.items)


def test_every_page_language_is_one_the_app_knows() -> None:
    assert {code for _, code in PAGES} <= set(LANGUAGES)
    for instrument, code in PAGES:
        assert instrument.translation(code).is_rtl == LANGUAGES[code].is_rtl


def test_a_draft_translation_says_so_and_links_to_the_norwegian(client) -> None:
    html = _html(client, "/skjema/pupil-5-7/v2/so")

    assert 'class="draft-note"' in html
    assert 'href="/skjema/pupil-5-7/v2/nb"' in html


def test_the_norwegian_original_is_not_called_a_draft(client) -> None:
    html = _html(client, "/skjema/pupil-5-7/v2/nb")

    assert 'class="draft-note"' not in html
    assert "Originaltekst" in html
    assert "Utkast, ikke gjennomgått" not in html


def test_page_chrome_speaks_the_page_language(client) -> None:
    nynorsk = _html(client, "/skjema/staff/v2/nn")
    arabic = _html(client, "/skjema/parent/v2/ar")

    assert "Versjon 2" in nynorsk
    assert "Dette er nøyaktig dei spørsmåla" in nynorsk
    assert "الإصدار 2" in arabic


def test_pupil_pages_show_five_faces_and_the_right_to_decline(client) -> None:
    html = _html(client, "/skjema/pupil-5-7/v2/nb")

    for value in range(1, 6):
        assert f'id="face-{value}"' in html
    assert html.count('<use href="#decline">') == len(bundled_instrument("pupil-5-7").items)
    assert "Vil ikke svare" in html


def test_the_index_lists_every_instrument_version_and_language(client) -> None:
    html = _html(client, "/skjema/")

    for instrument, code in PAGES:
        assert f'href="{_url(instrument, code)}"' in html
    assert "Utkast, ikke gjennomgått" in html


def test_a_short_link_goes_to_the_newest_version(client) -> None:
    response = client.get("/skjema/parent/ur")

    assert response.status_code == 302
    newest = bundled_instrument("parent").version
    assert response.headers["Location"].endswith(f"/skjema/parent/v{newest}/ur")


@pytest.mark.parametrize(
    "url",
    [
        "/skjema/teachers/v1/nb",
        "/skjema/pupil-5-7/v9/nb",
        "/skjema/staff/v2/ar",
        "/skjema/pupil-5-7/v1/en",
        "/skjema/pupil-5-7/de",
    ],
)
def test_unknown_instrument_version_or_language_is_not_found(client, url) -> None:
    assert client.get(url).status_code == 404


def test_pages_load_nothing_from_other_origins_and_use_no_inline_style(client) -> None:
    html = _html(client, "/skjema/pupil-5-7/v2/ar")

    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert " style=" not in html
    assert re.search(r'href="/static/printable\.[0-9a-f]{12}\.css"', html)  # versioned name
