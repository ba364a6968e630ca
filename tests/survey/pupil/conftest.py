"""Fixtures for the pupil flow: an open round with a class code, and a tablet set to it."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from instruments import Instrument, bundled_instrument, instrument_from_json
from survey.models import AccessCode, Group, Project, Round, School
from survey.pupil.tablet import class_token
from survey.rounds.operations import create_class_codes, freeze_instrument, set_round_instrument
from survey.rounds.queries import open_class_codes
from tests.conftest import TEST_SECRET_KEY

PUPIL = bundled_instrument("pupil-5-7", 1)

#: A small instrument in bokmål and Arabic: faces, how often, a way to decline, free text.
TWO_LANGUAGES = {
    "id": "pupil-test",
    "version": 1,
    "respondent_type": "pupil",
    "languages": ["nb", "ar"],
    "title": {"nb": "Hvordan har du det?", "ar": "كيف حالك في المدرسة؟"},
    "scales": {
        "smileys": {
            "kind": "smileys",
            "points": [
                {"value": v, "label": {"nb": nb, "ar": ar}}
                for v, nb, ar in [
                    (1, "Stemmer ikke", "غير صحيح"),
                    (2, "Stemmer dårlig", "غير صحيح غالبًا"),
                    (3, "Både og", "بين بين"),
                    (4, "Stemmer godt", "صحيح غالبًا"),
                    (5, "Stemmer helt", "صحيح تمامًا"),
                ]
            ],
            "decline": {"nb": "Vil ikke svare", "ar": "لا أريد أن أجيب"},
        },
        "frequency": {
            "kind": "frequency",
            "points": [
                {"value": v, "label": {"nb": nb, "ar": ar}}
                for v, nb, ar in [
                    (1, "Aldri", "أبدًا"),
                    (2, "Sjelden", "نادرًا"),
                    (3, "Noen ganger", "أحيانًا"),
                    (4, "Ofte", "غالبًا"),
                    (5, "Veldig ofte", "دائمًا تقريبًا"),
                ]
            ],
            "decline": {"nb": "Vil ikke svare", "ar": "لا أريد أن أجيب"},
        },
    },
    "constructs": {
        "trivsel": {"label": {"nb": "Trivsel", "ar": "الرفاه"}, "direction": "higher_is_better"}
    },
    "items": [
        {"id": "trivsel_liker", "construct": "trivsel", "scale": "smileys",
         "text": {"nb": "Jeg liker skolen.", "ar": "أحب المدرسة."}},
        {"id": "trivsel_trygg", "construct": "trivsel", "scale": "smileys",
         "text": {"nb": "Jeg er trygg.", "ar": "أشعر بالأمان."}},
        {"id": "trivsel_alene", "construct": "trivsel", "scale": "frequency", "reverse": True,
         "text": {"nb": "Jeg er alene i friminuttet.", "ar": "أكون وحدي في الاستراحة."},
         "help": {"nb": "Tenk på de siste ukene.", "ar": "فكّر في الأسابيع الأخيرة."}},
        {"id": "trivsel_kommentar", "kind": "text",
         "text": {"nb": "Vil du si mer?", "ar": "هل تريد أن تقول المزيد؟"}},
    ],
}  # fmt: skip


def tablet_session(access_id: int, tablet: str = "test-tablet-id") -> dict[str, Any]:
    """What a tablet's session holds once its class code was typed (for hand-made sessions)."""
    return {"class_code_id": access_id, "class_until": int(time.time()) + 3600, "tablet": tablet}


def token_of(values: dict[str, Any]) -> str:
    """The class token the survey page gives a tablet whose session holds `values`."""
    access_id, tablet, until = values["class_code_id"], values["tablet"], values["class_until"]
    return class_token(TEST_SECRET_KEY, access_id, tablet, until)


def client_token(client: FlaskClient) -> str:
    """The class token of the test client's tablet session, as its survey page has it."""
    with client.session_transaction() as browser_session:
        return token_of(dict(browser_session))


def two_language_instrument() -> Instrument:
    """Loaded by the rules for frozen instruments, which need no translation statuses."""
    return instrument_from_json(TWO_LANGUAGES)


def open_class(seed: Callable[[], Any], instrument: Instrument = PUPIL) -> tuple[str, int]:
    """Committed through `seed()` (a session scope): a new project with one open round asking
    `instrument`, for tests with a live server or threads. Returns (class code, round id)."""
    name = f"Nettbrett {uuid.uuid4().hex[:8]}"
    with seed() as session:
        project = Project(name=name, delete_after_on=dt.date(2030, 12, 31))
        school = School(project=project, name="Bakken skole", code=name[-8:], arm="intervention")
        session.add(Group(school=school, grade=6, label="6A", enrolled=20))
        round_ = Round(
            project=project,
            label="Høst",
            opens_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
            closes_at=dt.datetime(2026, 10, 30, tzinfo=dt.UTC),
        )
        session.add(round_)
        session.flush()
        set_round_instrument(session, round_, freeze_instrument(session, instrument))
        round_.status = "open"
        create_class_codes(session, round_, TEST_SECRET_KEY)
        session.flush()
        code = next(c.code for c in open_class_codes(session, TEST_SECRET_KEY) if c.project == name)
        return code, round_.id


@pytest.fixture
def make_pupil_class(session, make_round, make_group) -> Callable[..., tuple[AccessCode, str]]:
    """An open round asking pupils `instrument`, with one class code: (access code, code)."""

    def make(instrument: Instrument = PUPIL, label: str = "5B") -> tuple[AccessCode, str]:
        group = make_group(label=label)
        round_ = make_round(project=group.school.project)
        set_round_instrument(session, round_, freeze_instrument(session, instrument))
        round_.status = "open"
        (access,) = create_class_codes(session, round_, TEST_SECRET_KEY)
        session.flush()
        codes = open_class_codes(session, TEST_SECRET_KEY)
        code = next(c.code for c in codes if c.round == round_.label)
        return access, code

    return make


@pytest.fixture
def tablet(client: FlaskClient, post_form, make_pupil_class) -> Callable[..., AccessCode]:
    """Set the test client up as a tablet: the class code typed, the language chosen."""

    def set_up(instrument: Instrument = PUPIL, lang: str = "nb") -> AccessCode:
        access, code = make_pupil_class(instrument)
        post_form("/", data={"code": code})
        if len(instrument.languages) > 1:
            post_form("/elev/sprak", data={"lang": lang})
        return access

    return set_up


@pytest.fixture
def api_put(client: FlaskClient):
    """PUT or POST JSON as the tablet does, with the CSRF header."""

    def call(url: str, body: dict, method: str = "PUT"):
        with client.session_transaction() as browser_session:
            token = browser_session.setdefault("csrf", "test-csrf-token")
        return client.open(url, method=method, json=body, headers={"X-CSRF-Token": token})

    return call
