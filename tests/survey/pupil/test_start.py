"""The way in: a class code (typed loosely or from a QR code), then the pupil's language."""

from __future__ import annotations

from tests.survey.pupil.conftest import two_language_instrument


def test_the_start_page_asks_for_the_class_code(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "Klassekode" in page.text


def test_a_wrong_code_gives_the_form_again_with_a_message(post_form) -> None:
    page = post_form("/", data={"code": "NOSUCH"})
    assert page.status_code == 422
    assert "fant ingen åpen klasse" in page.text
    assert 'value="NOSUCH"' in page.text


def test_a_code_typed_loosely_opens_the_class(post_form, make_pupil_class) -> None:
    _access, code = make_pupil_class()
    page = post_form("/", data={"code": f" {code[:3].lower()}-{code[3:]} "})
    assert page.headers["Location"] == "/elev/"


def test_a_qr_code_link_opens_the_class_without_typing(client, make_pupil_class) -> None:
    _access, code = make_pupil_class()
    assert client.get(f"/?kode={code}").headers["Location"] == "/elev/"


def test_a_code_of_a_closed_round_is_refused(post_form, session, make_pupil_class) -> None:
    access, code = make_pupil_class()
    access.round.status = "closed"
    session.flush()
    assert post_form("/", data={"code": code}).status_code == 422


def test_the_code_form_without_its_csrf_token_is_refused(client) -> None:
    page = client.post("/", data={"code": "ANY"})
    assert page.status_code == 400
    assert "utløpt" in page.text


def test_a_class_in_several_languages_asks_for_one(post_form, client, make_pupil_class) -> None:
    _access, code = make_pupil_class(two_language_instrument())
    assert post_form("/", data={"code": code}).headers["Location"] == "/elev/sprak"
    page = client.get("/elev/sprak")
    assert 'lang="ar" dir="rtl"' in page.text
    assert "العربية" in page.text


def test_the_chosen_language_speaks_on_the_survey_page(tablet, client) -> None:
    tablet(two_language_instrument(), "ar")
    page = client.get("/elev/")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "ابدأ" in page.text
    assert "كيف حالك في المدرسة؟" in page.text


def test_a_language_the_instrument_lacks_is_not_taken(tablet, post_form, client) -> None:
    tablet(two_language_instrument(), "nb")
    page = post_form("/elev/sprak", data={"lang": "pl"})
    assert page.status_code == 422 and 'name="lang"' in page.text  # the choices again
    assert '<html lang="nb"' in client.get("/elev/").text


def test_the_survey_without_a_class_sends_the_pupil_to_the_start(client) -> None:
    assert client.get("/elev/").headers["Location"] == "/elev/sprak"
    assert client.get("/elev/sprak").headers["Location"] == "/"


def test_guessing_class_codes_is_stopped_after_twenty_wrong_tries(post_form) -> None:
    for _ in range(20):
        assert post_form("/", {"code": "WRONG1"}).status_code == 422
    page = post_form("/", {"code": "WRONG2"})
    assert page.status_code == 429
    assert "For mange forsøk" in page.text
