"""Small groups stay hidden, and the data behind a chart downloads as the page shows it."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import AuditEvent


def _class_url(p, school: str, label: str) -> str:
    school_id, group_id = p.schools[school].id, p.groups[school, label].id
    return f"/dashboards/project/{p.project.id}/school/{school_id}/class/{group_id}"


def test_a_class_with_too_few_answers_shows_no_numbers_even_by_url(
    client, log_in, dashboard_project
) -> None:
    log_in(dashboard_project.users["contact"])
    page = client.get(_class_url(dashboard_project, "S1", "5B"))
    assert page.status_code == 200
    assert "For få svar til å vise" in page.text
    assert 'data-figure="' not in page.text
    assert "Klassens snitt" not in page.text


def test_a_class_with_enough_answers_shows_its_trend(client, log_in, dashboard_project) -> None:
    log_in(dashboard_project.users["lead"])
    page = client.get(_class_url(dashboard_project, "S2", "5A"))
    assert page.status_code == 200
    assert 'data-figure="' in page.text
    assert "For få svar til å vise" not in page.text


def test_a_class_of_another_school_is_not_found_under_this_school(
    client, log_in, dashboard_project
) -> None:
    p = dashboard_project
    log_in(p.users["lead"])
    school_id, group_id = p.schools["S1"].id, p.groups["S2", "5A"].id
    url = f"/dashboards/project/{p.project.id}/school/{school_id}/class/{group_id}"
    assert client.get(url).status_code == 404


def test_chart_data_downloads_as_norwegian_csv_and_is_audited(
    client, log_in, dashboard_project, session
) -> None:
    p = dashboard_project
    log_in(p.users["lead"])
    url = f"/dashboards/project/{p.project.id}/?chart=trend-pupil-konflikt&format=csv"
    page = client.get(url)
    assert page.status_code == 200
    assert page.mimetype == "text/csv"
    lines = page.text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Runde;Svar, intervensjonsskoler;")
    assert len(lines) == 1 + len(p.rounds)
    assert "," in lines[2].split(";")[2]  # a decimal comma
    event = session.scalar(select(AuditEvent).filter_by(action="dashboards.csv_downloaded"))
    assert event.details["chart"] == "trend-pupil-konflikt"


def test_an_unknown_chart_has_no_csv(client, log_in, dashboard_project) -> None:
    log_in(dashboard_project.users["lead"])
    url = f"/dashboards/project/{dashboard_project.project.id}/?chart=nope&format=csv"
    assert client.get(url).status_code == 404


def test_the_school_csv_leaves_hidden_rounds_empty(client, log_in, dashboard_project) -> None:
    p = dashboard_project
    log_in(p.users["contact"])
    url = (
        f"/dashboards/project/{p.project.id}/school/{p.schools['S1'].id}"
        "?respondent_type=staff&chart=school-staff-konflikt&format=csv"
    )
    rows = [line.split(";") for line in client.get(url).text.lstrip("\ufeff").splitlines()[1:]]
    hidden = [row for row in rows if row[-1] == "for få svar"]
    assert hidden and all(cell == "" for row in hidden for cell in row[1:-2])
