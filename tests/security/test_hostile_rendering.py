"""Free text is kept as typed, script tags included, and every page shows it escaped.

A school may be called `<script>…`: refusing it would not make the app safer, escaping it
does. So every free-text field of every form, and of the API's bodies, is saved with a script
tag in it, and then every page a visitor can open is read for it: escaped on at least one page,
unescaped on none.
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Connection

from tests.security.conftest import World
from tests.security.hostile import ESCAPED_SCRIPT, FREE_TEXT, SCRIPT, leaks
from tests.security.hostile_walk import Walk, role_for

#: Free text no page shows, on purpose: respondents' comments reach only the export.
NEVER_SHOWN = {"kommentar"}
#: Any text is a valid password, but it is kept only as a hash and never shown: nothing to read.
PASSWORDS = {"password"}
#: A new project's description is on its own page, which the walk does not open (the same
#: field through the form, POST /admin/projects/new, is read on the page it leads to).
ON_PAGES_NOT_WALKED = {"/api/v1/projects description"}


def _free_text_fields(walk: Walk) -> list[tuple[str, str, str, str, dict[str, object]]]:
    """(role, method, url, field, valid values) for each free-text field of a form or body."""
    found = []
    for rule, method in walk.rules("POST", "PUT", "PATCH"):
        role = role_for(rule.endpoint)
        if rule.rule.startswith("/api/"):
            values = walk.json_fields(rule, method)
            shown = (FREE_TEXT - PASSWORDS) & set(values)
            found += [(role, method, walk.url(rule), f, values) for f in shown]
            continue
        for path in walk.forms_of(rule, method):
            values = walk.filled(rule, path)
            shown = (FREE_TEXT - PASSWORDS) & walk.forms[path].names
            found += [(role, method, path, f, values) for f in shown]
    return found


def test_a_script_tag_in_free_text_is_kept_and_shown_escaped_on_every_page(
    app: Flask, connection: Connection, world: World
) -> None:
    walk = Walk(app, connection, world)
    failures, fields, pages = [], _free_text_fields(walk), walk.pages()
    for role, method, url, field, values in fields:
        body = "json" if url.startswith("/api/") else "data"
        with walk.scenario():
            saved = walk.open(role, method, url, follow=True, **{body: {**values, field: SCRIPT}})
            if saved.status >= 400 or not saved.changed:
                failures.append(f"{method} {url} {field}: not saved ({saved.status})")
                continue
            shown = ESCAPED_SCRIPT in saved.body + saved.followed
            for page_role, page in pages:
                opened = walk.open(page_role, "GET", page)
                if (problem := leaks(opened.body)) is not None:
                    failures.append(f"{method} {url} {field}, then GET {page}: {problem}")
                shown = shown or ESCAPED_SCRIPT in opened.body
        if not shown and field not in NEVER_SHOWN and f"{url} {field}" not in ON_PAGES_NOT_WALKED:
            failures.append(f"{method} {url} {field}: saved, but shown on no page")
    print(f"free text: {len(fields)} fields saved, each then read on {len(pages)} pages")
    assert failures == [], "\n".join(failures)
