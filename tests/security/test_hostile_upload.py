"""Hostile CSV files for the school import: refused whole with a 4xx, or imported as text."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import Connection

from tests.security.conftest import World
from tests.security.hostile import ESCAPED_SCRIPT, SCRIPT, TEN_MEGABYTES, Outcome, leaks, refused
from tests.security.hostile_walk import CSRF, Walk

HEADER = "skole;skolekode;arm;trinn;klasse;elever\n"
ROW = "Ny skole;NY1;tiltak;5;5A;20\n"


def _upload(walk: Walk, content: bytes) -> Outcome:
    """The import form posted with `content` as its file (a body made here, in memory)."""
    body = (
        b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n%s\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="klasser.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n%s\r\n--B--\r\n"
    ) % (CSRF.encode(), content)
    url = f"/admin/projects/{walk.world.target.project.id}/import"
    kind = "multipart/form-data; boundary=B"
    return walk.send("admin", "POST", url, data=body, content_type=kind, follow=True)


@pytest.mark.parametrize(
    "content",
    [
        (HEADER + ROW.replace("Ny skole", "Ny\x00skole")).encode(),
        (HEADER + ROW.replace("Ny skole", "Ny\u202eskole")).encode(),
        (HEADER + ROW.replace("5A", "5\x1bA")).encode(),
        (HEADER + ROW.replace("NY1", "' OR 1=1 --")).encode(),
        (HEADER + ROW.replace("Ny skole", "x" * 100_000)).encode(),
        (HEADER + ROW * 2001).encode(),
        HEADER.encode() + b"\xff\xfe\x00\x00" * 1000,
        b"\x00" * 1000,
        b"",
    ],
    ids=[
        "nul",
        "rtl override",
        "escape code",
        "sql as a code",
        "100 kB name",
        "2001 rows",
        "binary",
        "nul only",
        "empty",
    ],
)
def test_a_hostile_csv_file_is_refused_whole(
    app: Flask, connection: Connection, world: World, content: bytes
) -> None:
    outcome = _upload(Walk(app, connection, world, crawl=False), content)

    assert refused(outcome) is None, refused(outcome)


def test_a_csv_file_over_the_cap_is_refused_with_413(
    app: Flask, connection: Connection, world: World
) -> None:
    outcome = _upload(
        Walk(app, connection, world, crawl=False), (HEADER + ROW).encode() * (TEN_MEGABYTES // 30)
    )

    assert outcome.status == 413
    assert not outcome.changed


def test_a_school_named_with_a_script_tag_is_imported_and_shown_escaped(
    app: Flask, connection: Connection, world: World
) -> None:
    outcome = _upload(
        Walk(app, connection, world, crawl=False),
        (HEADER + ROW.replace("Ny skole", SCRIPT)).encode(),
    )

    assert outcome.status == 302 and "school" in outcome.changed
    assert leaks(outcome.followed) is None
    assert ESCAPED_SCRIPT in outcome.followed
