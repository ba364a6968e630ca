"""Hostile input for the security tests: the strings, the bodies, and how to tell harm.

"Harm" is a 5xx, a stack trace in the body, hostile markup echoed unescaped, or a changed
database after input that was refused. `snapshot` reads every table through the test's own
connection, so it sees exactly what the app's (savepoint-bound) sessions wrote.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import Connection, Dialect, select

from survey.models import Base

SCRIPT = '<script>alert("trivsel")</script>'

#: One of each kind of string an attacker or a broken client sends.
HOSTILE_STRINGS: dict[str, str] = {
    "script tag": SCRIPT,
    "sql": "x' OR 1=1; DROP TABLE school; --",
    "right-to-left override": "abc\u202egnp.exe",
    "nul byte": "a\x00b",
    "control characters": "a\x1b[31m\x07b",
    "template": "{{ 7*7 }}${7*7}<%= 7*7 %>",
    "100 kB": "x" * 100_000,
}

#: Fields that hold free text, where a script tag or an SQL fragment is kept as typed...
#: (A password may be any text: it is kept only as a hash, and never shown.)
FREE_TEXT = {
    "name",
    "description",
    "label",
    "text",
    "kommentar",
    "password",
    "letter_sender",
    "letter_contact",
    "data_controller",
}
#: ...these kinds of hostile string, that is: plain text, shown escaped.
KEPT_AS_TEXT = {"script tag", "sql", "template"}
#: How a page shows SCRIPT: escaped by Jinja.
ESCAPED_SCRIPT = "&lt;script&gt;alert("

#: Larger than the app's 256 kB cap on bodies, 40 times over.
TEN_MEGABYTES = 10 * 1024 * 1024

#: What must never reach a client: Python's tracebacks, or the database's own words.
TRACE = re.compile(
    r"Traceback \(most recent call last\)|File \"/[^\"]+\.py\", line \d+"
    r"|sqlalchemy\.exc|psycopg\.|sqlite3\.|IntegrityError|DataError|werkzeug\.exceptions",
)


def leaks(body: str) -> str | None:
    """What is wrong with a response body, if anything: a trace, or unescaped markup."""
    if TRACE.search(body):
        return "a stack trace or database error in the body"
    if "<script>alert(" in body:
        return "the script tag echoed unescaped"
    return None


@dataclass
class Outcome:
    status: int
    #: The body, when it is a page (JSON and files are not rendered by a browser).
    body: str
    location: str
    #: Tables whose rows differ from the world before the request.
    changed: list[str]
    #: The page a redirect leads to, fetched before the savepoint is rolled back.
    followed: str


def refused(outcome: Outcome) -> str | None:
    """What is wrong with the answer to input that must be refused, if anything."""
    if outcome.status >= 500:
        return f"{outcome.status}"
    if not 400 <= outcome.status < 500:
        return f"{outcome.status} {outcome.location} instead of a 4xx"
    return unharmed(outcome)


def unharmed(outcome: Outcome) -> str | None:
    """What is wrong with an answer that may be anything but harm, if anything."""
    if outcome.status >= 500:
        return f"{outcome.status}"
    if outcome.changed:
        return f"{outcome.status} but changed {outcome.changed}"
    return leaks(outcome.body)


Snapshot = dict[str, tuple[int, str]]


def snapshot(connection: Connection) -> Snapshot:
    """Every table's row count and a hash of its rows, read on the test's connection.

    Read as the driver returns them (plain SQL, no ORM types): the walks take thousands of
    snapshots, and a changed value shows in its raw form as well as in its typed one.
    """
    state: Snapshot = {}
    for name, sql in _every_table(connection.dialect):
        rows = connection.exec_driver_sql(sql).fetchall()
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        state[name] = (len(rows), digest)
    return state


@functools.cache
def _every_table(dialect: Dialect) -> tuple[tuple[str, str], ...]:
    """Each table's name and its SELECT in primary-key order, compiled once per dialect."""
    return tuple(
        (
            table.name,
            str(select(table).order_by(*table.primary_key.columns).compile(dialect=dialect)),
        )
        for table in Base.metadata.sorted_tables
    )


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


@dataclass
class Form:
    """A `<form method="post">` as a browser would send it by default."""

    action: str
    #: Field name -> the value a browser sends untouched ("" for an empty field), or the
    #: values of a name that repeats.
    values: dict[str, str | list[str]] = field(default_factory=dict)
    #: Every field name in the form, including unchecked boxes and buttons.
    names: set[str] = field(default_factory=set)
    enctype: str = "application/x-www-form-urlencoded"
    #: Other places a button of the form posts it to (`formaction`).
    other_actions: list[str] = field(default_factory=list)


class FormFinder(HTMLParser):
    """The post forms of a page, with their fields and default values."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self.query_names: set[str] = set()
        self._form: Form | None = None
        self._get_form = False
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form" and attr.get("method", "get").lower() == "post":
            action = attr.get("action") or self.page_path
            enctype = attr.get("enctype") or "application/x-www-form-urlencoded"
            self._form = Form(action.split("#")[0], enctype=enctype)
            self.forms.append(self._form)
        elif tag == "form":
            self._get_form = True
        if self._get_form and attr.get("name"):
            self.query_names.add(attr["name"])
        if self._form is not None and attr.get("formaction"):
            self._form.other_actions.append(attr["formaction"])
        if self._form is None or not attr.get("name"):
            if tag == "option" and self._select is not None:
                self._option(attr)
            return
        name = attr["name"]
        self._form.names.add(name)
        kind = attr.get("type", "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attr:
                self._form.values[name] = attr.get("value", "on")
        elif tag == "button" or (tag == "input" and kind in ("submit", "image")):
            self._form.values.setdefault(name, attr.get("value", ""))  # the first one, pressed
        elif tag == "input" and kind not in ("button", "file"):
            self._add_value(name, attr.get("value", ""))
        elif tag == "select":
            self._select, self._first_option = name, None
        elif tag == "textarea":
            self._textarea = name
            self._form.values[name] = ""

    def _add_value(self, name: str, value: str) -> None:
        assert self._form is not None
        earlier = self._form.values.get(name)
        if earlier is None:
            self._form.values[name] = value
        elif isinstance(earlier, list):
            earlier.append(value)
        else:
            self._form.values[name] = [earlier, value]

    def _option(self, attr: dict[str, str]) -> None:
        assert self._form is not None and self._select is not None
        value = attr.get("value", "")
        if self._first_option is None:
            self._first_option = value
            self._form.values.setdefault(self._select, value)
        if "selected" in attr:
            self._form.values[self._select] = value

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form, self._get_form = None, False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(page_path: str, html: str) -> tuple[list[Form], set[str]]:
    """Each post form of a page, once for its action and once for each `formaction`; and the
    field names of its get forms."""
    finder = FormFinder(page_path)
    finder.feed(html)
    found = []
    for form in finder.forms:
        found.append(form)
        for action in form.other_actions:
            found.append(Form(action, form.values, form.names, form.enctype))
    return found, finder.query_names
