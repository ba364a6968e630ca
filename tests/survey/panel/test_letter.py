"""The information letter of a panel project says the linked answers are personal data."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from survey.admin.distribution.letters import InformationLetter, information_letter_pdf


def _letter_text(app, is_panel: bool, language: str = "nb") -> str:
    letter = InformationLetter(
        language=language,
        school="Nordby skole",
        opens_at=dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC),
        closes_at=dt.datetime(2026, 10, 22, 14, tzinfo=dt.UTC),
        min_group_size=10,
        questionnaire_url="https://trivsel.example.no/sporreskjema/pupil-5-7/1/nb",
        is_panel=is_panel,
    )
    with app.test_request_context():
        pdf = information_letter_pdf(letter)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def test_a_panel_letter_says_personal_data_and_an_anonymous_one_does_not(app) -> None:
    panel, anonymous = _letter_text(app, True), _letter_text(app, False)
    assert "personopplysninger (pseudonyme)" in panel
    assert "slettes også nøkkelen" in panel
    assert "Undersøkelsen er anonym" in anonymous
    assert "Undersøkelsen er anonym" not in panel
    assert "personal data (pseudonymous)" in _letter_text(app, True, "en")
