"""Hostile input to every route that writes: refused with a 4xx and nothing changed.

Every POST, PUT, PATCH and DELETE route of the URL map gets bodies no client of ours sends
(10 MB, invalid UTF-8, JSON that is not an object) and, in each of its fields in turn, each
hostile string of `tests.security.hostile`. A free-text field may keep a script tag or an SQL
fragment as plain text, but then the page it leads to must show it escaped. Nothing may give
a 5xx, and no body may hold a stack trace.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Flask
from sqlalchemy import Connection
from werkzeug.routing import Rule

from tests.security.conftest import World
from tests.security.hostile import (
    FREE_TEXT,
    HOSTILE_STRINGS,
    KEPT_AS_TEXT,
    TEN_MEGABYTES,
    Outcome,
    leaks,
    refused,
)
from tests.security.hostile_walk import Walk, role_for

WRITES = ("POST", "PUT", "PATCH", "DELETE")
#: Forms the walk cannot fill in validly: a file upload (see test_hostile_upload), and a login
#: (a successful one is not what this tests).
REFUSED_UNFILLED = {"admin.schools.import_file", "auth.submit_login"}
#: Routes that take no fields at all: a button, not a form.
ACTIONS = {
    "admin.goals.delete",
    # Its form is only on a panel project's class page, and the walk's project is not a panel
    # (tests/survey/panel covers it).
    "admin.panel.card_sheet",
    "admin.rounds.close_now",
    "admin.rounds.open_now",
    "admin.rounds.reopen",  # its form is on a closed round's page; the walk's round is open
    "admin.schools.delete_group",
    "admin.tokens.revoke",
    "admin.users.deactivate",
    "admin.users.reactivate",
    "admin.users.reset_link",
    "api_rounds.close_round",
    "api_rounds.open_round",
    "auth.logout",
    # Its form is only on the page of a live one-time link, which the walk has none of; its
    # fields are passwords, hashed and never shown (tests/survey/accounts covers it).
    "auth.save_password",
    "links.submit",
    "pupil.form_finish",
    "pupil.start_form_survey",
    "pupil.still_here",
}


def _pairs(values: dict[str, object]) -> list[tuple[str, str]]:
    return [
        (name, str(one))
        for name, value in values.items()
        for one in (value if isinstance(value, list) else [value])
    ]


def _body_payloads(walk: Walk, rule: Rule, method: str) -> dict[str, dict[str, object]]:
    """Whole bodies no client of ours sends, each as keyword arguments of `client.open`."""
    pairs = _pairs(walk.filled(rule))
    names = {name for name, _value in pairs if name != "csrf_token"} or {"x"}
    good_json = walk.json_fields(rule, method) or {"name": "x"}
    form_type = "application/x-www-form-urlencoded"
    raw_form = "&".join(f"{quote(name)}={quote(value)}" for name, value in pairs).encode()
    multipart = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (name, value)
        for name, value in [(n.encode(), v.encode()) for n, v in pairs]
        + [(name.encode(), b"\xff\xfe") for name in names]
    )
    json_with = json.dumps(dict.fromkeys(good_json, "\x01")).replace("\\u0001", "%s")
    return {
        "10 MB form": {
            "data": raw_form + b"&x=" + b"a" * TEN_MEGABYTES,
            "content_type": form_type,
        },
        "10 MB JSON": {
            "data": b'{"name": "' + b"a" * TEN_MEGABYTES + b'"}',
            "content_type": "application/json",
        },
        "invalid UTF-8 bytes in form fields": {
            "data": raw_form + b"".join(b"&%s=\xff\xfe" % name.encode() for name in names),
            "content_type": form_type,
        },
        "invalid UTF-8 percent-encoded in form fields": {
            "data": raw_form + b"".join(b"&%s=%%FF%%FE" % name.encode() for name in names),
            "content_type": form_type,
        },
        "invalid UTF-8 in a multipart form": {
            "data": multipart + b"--B--\r\n",
            "content_type": "multipart/form-data; boundary=B",
        },
        "invalid UTF-8 in a JSON body": {
            "data": json_with.encode().replace(b"%s", b"\xff\xfe"),
            "content_type": "application/json",
        },
        "a lone surrogate in a JSON body": {
            "data": json_with.replace("%s", "\\ud800").encode(),
            "content_type": "application/json",
        },
        "JSON nested 100,000 deep": {
            "data": b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
            "content_type": "application/json",
        },
        "a JSON list": {"data": b'[{"name": "x"}]', "content_type": "application/json"},
        "a JSON string": {"data": b'"name"', "content_type": "application/json"},
        "JSON null": {"data": b"null", "content_type": "application/json"},
    }


def test_bodies_no_client_sends_are_refused_by_every_route_that_writes(
    app: Flask, connection: Connection, world: World
) -> None:
    walk = Walk(app, connection, world)
    failures, routes, bodies = [], walk.rules(*WRITES), 0
    for rule, method in routes:
        payloads = _body_payloads(walk, rule, method)
        bodies = len(payloads)
        for name, payload in payloads.items():
            outcome = walk.send(role_for(rule.endpoint), method, walk.url(rule), **payload)
            if (problem := refused(outcome)) is not None:
                failures.append(f"{method} {rule.rule} with {name}: {problem}")
            elif name.startswith("10 MB") and outcome.status != 413:
                failures.append(f"{method} {rule.rule} with {name}: {outcome.status}, not 413")
    print(f"hostile bodies: {len(routes)} routes x {bodies} bodies = {walk.requests} requests")
    assert failures == [], "\n".join(failures)


def _targets(walk: Walk, rule: Rule, method: str) -> list[tuple[str, dict[str, object], list[str]]]:
    """(url, valid values, the fields the hostile strings go into in turn) for each form that
    posts to the route: one, or one per page (the link's pages); the API's JSON body as one."""
    if rule.rule.startswith("/api/"):
        fields = walk.json_fields(rule, method)
        return [(walk.url(rule), fields, sorted(fields))] if fields else []
    targets = []
    for path in walk.forms_of(rule, method):
        names = walk.forms[path].names - {"csrf_token"}
        if names:
            targets.append((path, walk.filled(rule, path), sorted(names)))
    return targets


def _check_kept(outcome: Outcome, field: str, kind: str) -> str | None:
    """A hostile string a route accepted: only plain text in a free-text field, escaped."""
    if field not in FREE_TEXT or kind not in KEPT_AS_TEXT:
        return f"{outcome.status} {outcome.location}: accepted and changed {outcome.changed}"
    return leaks(outcome.body) or leaks(outcome.followed)


def test_hostile_strings_in_every_field_are_refused_or_kept_as_escaped_text(
    app: Flask, connection: Connection, world: World
) -> None:
    walk = Walk(app, connection, world)
    failures, forms, cases, without_fields = [], 0, 0, set()
    routes = walk.rules(*WRITES)
    for rule, method in routes:
        targets = _targets(walk, rule, method)
        without_fields |= set() if targets else {rule.endpoint}
        role, body = role_for(rule.endpoint), "json" if rule.rule.startswith("/api/") else "data"
        for url, values, fields in targets:
            forms += 1
            base = walk.send(role, method, url, **{body: values})
            if (base.status >= 400) != (rule.endpoint in REFUSED_UNFILLED):
                failures.append(f"{method} {url} filled in validly: {base.status}")
            for field in fields:
                for kind, hostile in HOSTILE_STRINGS.items():
                    cases += 1
                    payload = {body: {**values, field: hostile}}
                    outcome = walk.send(role, method, url, follow=True, **payload)
                    if outcome.status < 400 and outcome.changed:
                        problem = _check_kept(outcome, field, kind)
                    else:
                        problem = refused(outcome)
                    if problem is not None:
                        failures.append(f"{method} {url} {field}={kind}: {problem}")
    print(
        f"hostile fields: {forms} forms or JSON bodies of {len(routes) - len(without_fields)}"
        f" routes, fields x {len(HOSTILE_STRINGS)} hostile strings = {cases} cases"
        f" ({walk.requests} requests); {len(without_fields)} routes are buttons without fields"
    )
    assert without_fields == ACTIONS, "a route's form was not found; teach the walk"
    assert failures == [], "\n".join(failures)
