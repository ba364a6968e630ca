"""Every chart's CSV download is the table its page shows: the same columns, the same rows,
the same values (the page rounds to 2 decimals and whole percents, the CSV to 3 and 1).

A CSV request builds only its own chart, not the page around it, so this walks every
dashboard page of the privacy tests' world (small groups hidden, an open round, items,
classes, parents and staff) and holds each download to its page's table.
"""

from __future__ import annotations

import csv
import io
import re

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.privacy.world import CONSTRUCTS, PrivacyProject, build_privacy_project

KINDS = ("pupil", "parent", "staff")


@pytest.fixture
def world(app: Flask, session: Session) -> PrivacyProject:
    return build_privacy_project(app, session)


def _pages(world: PrivacyProject) -> list[str]:
    base = f"/dashboards/project/{world.project.id}"
    pages = [f"{base}/triangulation", f"{base}/monitor"]
    for kind in KINDS:
        pages.append(f"{base}/?respondent_type={kind}")
        pages += [f"{base}/items?respondent_type={kind}&construct={c}" for c in CONSTRUCTS]
        pages += [f"{base}/school/{s.id}?respondent_type={kind}" for s in world.schools.values()]
    school_of = {s.id: s for s in world.schools.values()}
    pages += [
        f"{base}/school/{g.school_id}/class/{g.id}"
        for g in world.groups.values()
        if g.school_id in school_of
    ]
    pages.append(f"{base}/items?respondent_type=pupil&school={world.schools['A1'].id}")
    return pages


def _cards(page: str) -> dict[str, tuple[list[list[str]], str]]:
    """Each chart's table as the page shows it (header first) and its CSV link, by key."""
    found = {}
    for card in lxml.html.fromstring(page).find_class("chart-card"):
        links = [a.get("href") for a in card.iter("a") if "format=csv" in (a.get("href") or "")]
        if not links:
            continue  # a chart with nothing to show has no table and no download
        [table] = card.xpath(".//details//table")
        rows = [[cell.text_content() for cell in tr.xpath("./th|./td")] for tr in table.iter("tr")]
        key = re.search(r"[?&]chart=([^&]+)", links[0])[1]
        found[key] = (rows, links[0])
    return found


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _as_number(text: str) -> float | None:
    plain = text.replace("\u00a0%", "").replace("\u2212", "-").replace("\u00a0", "")
    plain = plain.lstrip("+'").replace(",", ".")
    try:
        return float(plain)
    except ValueError:
        return None


def _same(shown: str, downloaded: str) -> bool:
    if shown == downloaded or (shown == "–" and downloaded == ""):
        return True
    if downloaded == "'" + shown:  # text a spreadsheet would run is defused in the CSV
        return True
    page, data = _as_number(shown), _as_number(downloaded)
    if page is None or data is None:
        return False
    plain = (shown.replace(",", ".").replace("\u00a0", ""), downloaded.replace(",", "."))
    rounding = sum(0.5 * 10 ** -_decimals(text) for text in plain)
    return abs(page - data) <= rounding + 1e-9


def _read_csv(client: FlaskClient, url: str) -> list[list[str]]:
    reply = client.get(url)
    assert reply.status_code == 200 and reply.mimetype == "text/csv", (url, reply.status_code)
    return list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff")), delimiter=";"))


def test_every_chart_csv_is_the_table_its_page_shows(
    client: FlaskClient, world: PrivacyProject
) -> None:
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = world.users["lead"].id
    compared, differences = 0, []
    for url in _pages(world):
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        for key, (shown, link) in _cards(page.text).items():
            downloaded = _read_csv(client, link)
            compared += 1
            if [len(row) for row in shown] != [len(row) for row in downloaded]:
                differences.append(f"{link}: shape {shown} != {downloaded}")
                continue
            for shown_row, downloaded_row in zip(shown, downloaded, strict=True):
                for a, b in zip(shown_row, downloaded_row, strict=True):
                    if not _same(a, b):
                        differences.append(f"{link} ({key}): {a!r} shown, {b!r} in the CSV")
    assert compared > 60, compared
    assert not differences, "\n".join(differences[:20])


def test_a_chart_that_its_page_does_not_show_has_no_csv(
    client: FlaskClient, world: PrivacyProject
) -> None:
    """A class hidden in every round shows no chart, so its CSV is not there either; nor is
    a chart of a construct the filters leave out."""
    with client.session_transaction() as browser_session:
        browser_session["user_id"] = world.users["lead"].id
    base = f"/dashboards/project/{world.project.id}"
    small = world.groups[("A1", "5B")]
    hidden_class = f"{base}/school/{small.school_id}/class/{small.id}"
    assert "class-trivsel" in _cards(client.get(hidden_class).text)  # shown in other rounds
    filtered = f"{base}/?respondent_type=pupil&construct=konflikt"
    assert set(_cards(client.get(filtered).text)) == {"trend-pupil-konflikt"}
    for url in (
        f"{filtered}&chart=trend-pupil-trivsel&format=csv",
        f"{base}/?respondent_type=parent&chart=trend-pupil-trivsel&format=csv",
        f"{base}/items?respondent_type=pupil&construct=konflikt&chart=item-nope&format=csv",
        f"{base}/monitor?chart=monitor-{world.rounds[0].id}&format=csv",  # a closed round
    ):
        assert client.get(url).status_code == 404, url
