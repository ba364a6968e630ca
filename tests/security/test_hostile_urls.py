"""Hostile URLs: path parameters and query strings no link of ours holds, on every route.

A read may answer them with a page or a 4xx as it sees fit; what it may not do is fail (5xx),
show a stack trace, echo markup unescaped, or change the database. Text no browser sends (NUL,
control characters, invalid UTF-8) is refused with a 400 before any view runs.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask
from sqlalchemy import Connection
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from tests.security.conftest import World
from tests.security.hostile import HOSTILE_STRINGS, refused, unharmed
from tests.security.hostile_walk import Walk, role_for

#: Query arguments the app's views read, besides the fields of the pages' get forms.
READ_ARGUMENTS = {"chart", "format", "kode", "lang", "language", "next", "refresh", "school"}
#: No browser sends these in a URL; the app refuses them before any view runs.
UNREADABLE = {"nul byte": "%00", "control characters": "%1B%07", "invalid UTF-8": "%FF%FE"}
TOO_BIG_FOR_AN_ID = [str(2**31), str(2**63), "9" * 30]


def _wrong_values(rule: Rule, name: str) -> list[str]:
    if isinstance(rule._converters[name], NumberConverter):
        return TOO_BIG_FOR_AN_ID
    return list(HOSTILE_STRINGS.values())


def test_hostile_path_parameters_harm_no_route(
    app: Flask, connection: Connection, world: World
) -> None:
    walk = Walk(app, connection, world)
    failures = []
    for rule, method in walk.rules("GET", "POST", "PUT", "PATCH", "DELETE"):
        for name in sorted(rule.arguments):
            for value in _wrong_values(rule, name):
                url = walk.url(rule, **{name: value})
                data = walk.filled(rule) if method != "GET" else None
                outcome = walk.send(role_for(rule.endpoint), method, url, data=data)
                # A page number past the last page goes to the last step, as any would.
                numeric = value in TOO_BIG_FOR_AN_ID
                problem = unharmed(outcome) if method == "GET" or numeric else refused(outcome)
                if problem is not None:
                    failures.append(f"{method} {url[:100]}: {problem}")
    print(f"hostile path parameters: {walk.requests} requests")
    assert failures == [], "\n".join(failures)


def test_hostile_query_strings_harm_no_read(
    app: Flask, connection: Connection, world: World
) -> None:
    walk = Walk(app, connection, world)
    names = sorted(READ_ARGUMENTS | walk.query_names)
    failures, routes = [], walk.rules("GET")
    for rule, _method in routes:
        url = walk.url(rule)
        for kind, value in HOSTILE_STRINGS.items():
            query = "&".join(f"{name}={quote(value)}" for name in names)
            outcome = walk.send(role_for(rule.endpoint), "GET", f"{url}?{query}")
            if (problem := unharmed(outcome)) is not None:
                failures.append(f"GET {url}?…={kind}: {problem}")
        for kind, raw in UNREADABLE.items():
            outcome = walk.send(role_for(rule.endpoint), "GET", f"{url}?{names[0]}=a{raw}b")
            if (problem := refused(outcome)) is not None or outcome.status != 400:
                failures.append(f"GET {url}?…={kind}: {problem or outcome.status}")
    print(
        f"hostile query strings: {len(routes)} routes x {len(names)} arguments,"
        f" {walk.requests} requests"
    )
    assert failures == [], "\n".join(failures)
