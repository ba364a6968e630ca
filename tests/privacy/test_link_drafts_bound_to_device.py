"""Issue 13, finding 4: a draft is the parent's own. Whoever holds only the link (the school
office, the SMS provider, whoever printed the letters) or the database reads none of it.

The attack: a parent answers every page, free text included, without sending. The token
holder then reads every page of the link, chooses a language and reads them again; the
operator reads every row. The parent's own phone, read the same way, is the control.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from instruments import bundled_instrument
from survey.links.phone_pages import pages_of
from survey.models import LinkDraft

PARENT = bundled_instrument("parent", 1)
PAGES = pages_of(PARENT)
SECRET_TEXT = "Datteren min Ingrid blir plaget i friminuttet"


def _answers_for(page) -> dict[str, str]:
    """The parent's answers: a distinct value per scale item, and the free text."""
    given = {}
    for n, item in enumerate(page.items):
        if item.kind == "text":
            given[item.id] = SECRET_TEXT
        else:
            points = [p.value for p in PARENT.scale_of(item).points]
            given[item.id] = str(points[n % len(points)])
    return given


def _post(client, url: str, data: dict[str, str] | None = None):
    with client.session_transaction() as browser:
        token = browser.setdefault("csrf", "csrf-of-this-browser")
    return client.post(url, data={"csrf_token": token, **(data or {})})


def _every_page(client, token: str) -> str:
    urls = [f"/s/{token}", f"/s/{token}/send"] + [f"/s/{token}/{p.number}" for p in PAGES]
    return "\n".join(client.get(url).text for url in urls)


def _leaks(text: str, given: dict[str, str]) -> list[str]:
    found = [SECRET_TEXT] if SECRET_TEXT in text else []
    found += [
        f"{item}={value}" for item, value in given.items() if f'value="{value}" checked' in text
    ]
    return found


def test_a_link_holder_without_the_device_reads_no_draft_on_any_page(app, make_token, session):
    token = make_token()
    parent = app.test_client()
    _post(parent, f"/s/{token}", {"language": "nb"})
    given: dict[str, str] = {}
    for page in PAGES:
        answers = _answers_for(page)
        given.update(answers)
        _post(parent, f"/s/{token}/{page.number}", answers)
    assert SECRET_TEXT in _every_page(parent, token), "the control: the parent's phone shows it"

    holder = app.test_client()
    assert _leaks(_every_page(holder, token), given) == []
    _post(holder, f"/s/{token}", {"language": "nb"})  # starts afresh on another device
    assert _leaks(_every_page(holder, token), given) == []
    review = holder.get(f"/s/{token}/send").text
    assert f"0 av {len(PARENT.items)}" in review

    stored = json.dumps([repr(row.sealed) for row in session.scalars(select(LinkDraft))])
    assert SECRET_TEXT not in stored and "Ingrid" not in stored, "the operator reads the draft"
    assert SECRET_TEXT in _every_page(parent, token), "the holder's fresh start erased nothing"
