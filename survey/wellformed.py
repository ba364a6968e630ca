"""Requests the app can read, checked before any view: the rest get a 4xx and change nothing.

- A body is at most `MAX_CONTENT_LENGTH`, also on a route that never reads it.
- Pages read form bodies and the API reads JSON objects; another kind of body is a 415.
- Text is UTF-8 without control characters (NUL, escape codes, lone surrogates): no person
  types them, PostgreSQL refuses NUL in text, and a stored one breaks exports.
- The API's text holds no bidirectional overrides either (a page form's schema refuses those
  beside the field; see `survey.admin.forms`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NoReturn
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

#: C0 and C1 control characters other than tab, newline and carriage return, and the lone
#: surrogates a JSON `\ud800` escape can make (they cannot be encoded for the database).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: Bidirectional embeddings, overrides and isolates: they make text read other than it is.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def has_unreadable_text(value: str) -> bool:
    return CONTROL_CHARACTERS.search(value) is not None


def has_bidi_controls(value: str) -> bool:
    return BIDI_CONTROLS.search(value) is not None


def has_hidden_controls(value: str) -> bool:
    """Whether text holds any character a form field refuses (control or bidi override)."""
    return has_unreadable_text(value) or has_bidi_controls(value)


def without_hidden_controls(value: str) -> str:
    """The text as a form shows it again: what the person can see of it."""
    return BIDI_CONTROLS.sub("", CONTROL_CHARACTERS.sub("", value))


def hidden_controls_message() -> str:
    return _(
        "Teksten hadde usynlige styretegn, og vi har fjernet dem. Se over teksten og prøv igjen."
    )


def _urlencoded_text(raw: bytes) -> Iterator[str]:
    """Every name and value of a query string or form body, decoded strictly."""
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                yield unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                abort(400)


def _json_strings(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) for every key and string in a parsed JSON document, without recursion
    (a document may be nested as deep as the parser allows)."""
    pending: list[tuple[str, Any]] = [("", document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            yield path or "_schema", value
        elif isinstance(value, dict):
            for key, inner in value.items():
                where = f"{path}.{key}" if path else key
                yield where, key
                pending.append((where, inner))
        elif isinstance(value, list):
            pending += [(f"{path}.{index}", inner) for index, inner in enumerate(value)]


def _unprocessable(messages: dict[str, list[str]]) -> NoReturn:
    """422 in the API's own error shape (as flask-smorest's `abort` makes it)."""
    try:
        abort(422)
    except HTTPException as error:
        error.data = {"messages": {"json": messages}}  # type: ignore[attr-defined]
        raise


def _check_json_body() -> None:
    if request.mimetype != "application/json":
        abort(415)
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past all reason
        abort(400)
    if not isinstance(body, dict):
        _unprocessable({"_schema": ["The body must be a JSON object."]})
    problems = {}
    for where, text in _json_strings(body):
        if has_unreadable_text(text):
            problems[where] = ["Control characters are not allowed."]
        elif has_bidi_controls(text):
            problems[where] = ["Bidirectional control characters are not allowed."]
    if problems:
        _unprocessable(problems)


def _check_form_body() -> None:
    if request.mimetype not in FORM_TYPES:
        abort(415)
    if request.mimetype == "multipart/form-data":
        # werkzeug has put U+FFFD in place of bytes that are not UTF-8; no one types it.
        texts = [text for key, value in request.form.items(multi=True) for text in (key, value)]
        if any("\ufffd" in text for text in texts):
            abort(400)
    else:
        texts = list(_urlencoded_text(request.get_data(cache=True)))
    if any(has_unreadable_text(text) for text in texts):
        abort(400)


def check_request() -> None:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    if any(has_unreadable_text(text) for text in _urlencoded_text(request.query_string)):
        abort(400)
    if request.method not in BODY_METHODS or not request.get_data(cache=True):
        return
    if request.path.startswith("/api/"):
        _check_json_body()
    else:
        _check_form_body()


def init_app(app: Flask) -> None:
    app.before_request(check_request)
