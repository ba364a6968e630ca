"""Who sees what on the dashboards: the whole project, one school, or nothing at all."""

from __future__ import annotations


def test_dashboards_send_anonymous_visitors_to_login(client, dashboard_project) -> None:
    page = client.get(f"/dashboards/project/{dashboard_project.project.id}/")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login/")


def test_a_project_lead_sees_the_overview_of_their_project(
    client, log_in, dashboard_project
) -> None:
    log_in(dashboard_project.users["lead"])
    page = client.get(f"/dashboards/project/{dashboard_project.project.id}/")
    assert page.status_code == 200
    assert "Konflikter – elever" in page.text
    assert "Sist beregnet: 2. november 2026 kl. 10.30" in page.text


def test_a_lead_of_another_project_gets_not_found(client, log_in, dashboard_project) -> None:
    log_in(dashboard_project.users["other"])
    page = client.get(f"/dashboards/project/{dashboard_project.project.id}/")
    assert page.status_code == 404


def test_a_school_contact_sees_the_project_aggregates(client, log_in, dashboard_project) -> None:
    log_in(dashboard_project.users["contact"])
    page = client.get(f"/dashboards/project/{dashboard_project.project.id}/")
    assert page.status_code == 200
    assert "Konflikter – elever" in page.text


def test_a_school_contact_sees_their_own_school(client, log_in, dashboard_project) -> None:
    p = dashboard_project
    log_in(p.users["contact"])
    page = client.get(f"/dashboards/project/{p.project.id}/school/{p.schools['S1'].id}")
    assert page.status_code == 200
    assert p.schools["S1"].name in page.text


def test_a_school_contact_cannot_open_another_school_by_url(
    client, log_in, dashboard_project
) -> None:
    p = dashboard_project
    log_in(p.users["contact"])
    base, other = f"/dashboards/project/{p.project.id}", p.schools["S2"].id
    for url in (
        f"{base}/school/{other}",
        f"{base}/school/{other}/class/{p.groups['S2', '5A'].id}",
        f"{base}/items?school={other}",
    ):
        assert client.get(url).status_code == 404, url


def test_the_staff_home_links_to_the_results_of_each_project(
    client, log_in, dashboard_project
) -> None:
    log_in(dashboard_project.users["contact"])
    page = client.get("/staff/")
    assert f'href="/dashboards/project/{dashboard_project.project.id}/"' in page.text
