"""The way in: a class code (typed loosely or from a QR code), then the pupil's language."""

from __future__ import annotations

from survey.app import create_app
from survey.db import EXTENSION_KEY as DATABASE
from survey.ratelimit import LIMITS
from tests.survey.pupil.conftest import two_language_instrument

SCHOOL, LOAD_BALANCER = "192.0.2.10", "10.0.0.2"


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


def test_a_tablet_that_types_ten_wrong_codes_waits(post_form) -> None:
    for _ in range(10):
        assert post_form("/", {"code": "WRONG1"}).status_code == 422
    page = post_form("/", {"code": "WRONG2"})
    assert page.status_code == 429
    assert "For mange forsøk" in page.text


def _new_tablet(app, address: str = SCHOOL, **headers: str):
    """A browser of its own (a fresh session) at `address`; returns a code-typing function."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    with browser.session_transaction() as browser_session:
        browser_session["csrf"] = "csrf"

    def type_code(code: str) -> int:
        form = {"code": code, "csrf_token": "csrf"}
        return browser.post("/", data=form, headers=headers).status_code

    return type_code


def test_one_address_guessing_does_not_lock_a_class_at_it_out(app, make_pupil_class) -> None:
    _access, code = make_pupil_class()
    for _ in range(44):  # a pupil at the school, a fresh session for every wrong code
        assert _new_tablet(app)("WRONG1") == 422
    assert _new_tablet(app)(code) == 302


def test_an_address_that_guesses_on_keeps_only_the_codes_it_already_uses(
    app, make_pupil_class
) -> None:
    _access, in_use = make_pupil_class(label="5A")
    _other, new = make_pupil_class(label="5B")
    assert _new_tablet(app)(in_use) == 302
    for _ in range(LIMITS["class-code-client"].attempts):
        _new_tablet(app)("WRONG1")
    assert _new_tablet(app)("WRONG2") == 429
    assert _new_tablet(app)(in_use) == 302, "the class already at work goes on"
    assert _new_tablet(app)(new) == 429, "a blocked address learns no new code"
    assert _new_tablet(app, "198.51.100.9")(new) == 302, "nobody elsewhere is touched"


def test_behind_a_trusted_proxy_each_client_is_counted_apart(make_pupil_class, app) -> None:
    settings = {key: app.config[key] for key in ("TESTING", "DATABASE_URL", "SECRET_KEY")}
    proxied = create_app({**settings, "TRUSTED_PROXIES": 1}, instance_path=app.instance_path)
    proxied.extensions[DATABASE] = app.extensions[DATABASE]  # the test's transaction
    _access, code = make_pupil_class()
    for _ in range(LIMITS["class-code-client"].attempts):
        _new_tablet(proxied, LOAD_BALANCER, X_Forwarded_For="203.0.113.5")("WRONG1")
    assert _new_tablet(proxied, LOAD_BALANCER, X_Forwarded_For="203.0.113.5")(code) == 429
    assert _new_tablet(proxied, LOAD_BALANCER, X_Forwarded_For="198.51.100.7")(code) == 302
