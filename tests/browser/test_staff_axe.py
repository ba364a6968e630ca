"""axe-core finds no WCAG 2.1 AA violation on any staff page: every GET page of the app's URL
map that is not a respondent's, opened in Chromium as an admin of a project with an open round.

The pages come from the URL map, so a new staff page is checked the day it is added.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from survey.accounts.operations import create_user
from tests.browser.conftest import axe_violations, guard_origin
from tests.security.conftest import _side, url_values

PASSWORD = "a-long-enough-password"
#: Respondents' pages (checked by the pupil and link tests), files, and the API.
NOT_STAFF = re.compile(r"^(pupil|pupil_api|links|public|static|api-docs|printable)\.|^static$")
NOT_PAGES = re.compile(r"\.(pdf|csv|json|js|css|png|svg)$|/counts$|/vendor/|/static/|^/api/")
LAPTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "nb-NO"}


def _staff_pages(app: Flask, values: dict[str, Any]) -> list[str]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or NOT_STAFF.search(rule.endpoint):
            continue
        if NOT_PAGES.search(rule.rule) or not set(rule.arguments) <= set(values):
            continue
        urls.append(_build(rule, values))
    return urls


def _build(rule: Rule, values: dict[str, Any]) -> str:
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def test_every_staff_page_passes_axe(browser: Any, live_server: str, seed, browser_app) -> None:
    email = f"axe-{uuid.uuid4().hex[:6]}@x.no"
    with seed() as session:
        side = _side(session, f"Axe {uuid.uuid4().hex[:4]}")
        create_user(session, email, "admin", PASSWORD)
        values = {**url_values(side), "token_id": 1}
        lead = create_user(session, f"l-{email}", "project_lead", PASSWORD, projects=[side.project])
        values["user_id"] = lead.id
    context = browser.new_context(base_url=live_server, **LAPTOP)
    foreign = guard_origin(context, live_server)
    page = context.new_page()
    page.set_default_timeout(30_000)  # some pages compute on first visit
    page.goto("/login/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/staff/")
    problems, checked = {}, 0
    for url in _staff_pages(browser_app, values):
        head = page.request.get(url, max_redirects=0)
        if head.status != 200 or "text/html" not in head.headers.get("content-type", ""):
            continue
        page.goto(url)
        checked += 1
        if violations := axe_violations(page):
            problems[url] = violations
    context.close()
    print(f"axe checked {checked} staff pages")
    assert checked > 25
    assert problems == {}
    assert foreign == []
