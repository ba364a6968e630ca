"""Projects in the administration: made by project leads, seen only by those who lead them."""

from __future__ import annotations

from sqlalchemy import select

from survey.accounts.operations import create_user
from survey.models import AuditEvent, Project
from tests.round_fixtures import PASSWORD

NEW_PROJECT = {
    "name": "Trygg skolevei",
    "languages": ["nb", "ur"],
    "min_group_size": "8",
    "delete_after_on": "2031-06-30",
}


def test_admin_pages_send_anonymous_visitors_to_login(client, project) -> None:
    page = client.get(f"/admin/projects/{project.id}/")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login/")


def test_a_school_contact_may_not_set_up_projects(session, log_in, school) -> None:
    contact = create_user(session, "kontakt@skole.no", "school_contact", PASSWORD, schools=[school])
    client = log_in(contact)
    assert client.get("/admin/projects/new").status_code == 403


def test_a_lead_who_makes_a_project_leads_it(session, as_lead, post_form, lead) -> None:
    page = post_form("/admin/projects/new", NEW_PROJECT)
    project = session.scalar(select(Project).filter_by(name="Trygg skolevei"))
    assert page.headers["Location"] == f"/admin/projects/{project.id}/"
    session.refresh(lead)
    assert project in lead.projects
    assert project.languages == ["nb", "ur"]


def test_a_project_with_mistakes_comes_back_with_messages_beside_the_fields(as_lead, post_form):
    page = post_form("/admin/projects/new", {**NEW_PROJECT, "min_group_size": "3", "name": ""})
    assert page.status_code == 422
    assert 'id="name-error"' in page.text
    assert "Velg et tall fra 5 til 1000" in page.text
    assert 'value="2031-06-30"' in page.text


def test_a_taken_project_name_is_explained_in_place(as_lead, post_form, project) -> None:
    page = post_form("/admin/projects/new", {**NEW_PROJECT, "name": project.name})
    assert page.status_code == 422
    assert "Det finnes allerede et prosjekt med dette navnet" in page.text


def test_a_lead_cannot_open_someone_elses_project(as_lead, make_project) -> None:
    other = make_project(name="Andres prosjekt")
    assert as_lead.get(f"/admin/projects/{other.id}/").status_code == 404


def test_changing_a_project_is_audited(session, as_lead, post_form, project) -> None:
    post_form(f"/admin/projects/{project.id}/edit", {**NEW_PROJECT, "name": "Nytt navn"})
    event = session.scalar(select(AuditEvent).filter_by(action="project.updated"))
    assert event.details["changes"]["name"] == "Nytt navn"


def test_the_project_page_lists_schools_rounds_and_goals(as_lead, project, group, planned_round):
    page = as_lead.get(f"/admin/projects/{project.id}/")
    assert "Nordby skole" in page.text
    assert "6A" in page.text
    assert "Høst 2026" in page.text


def test_the_staff_home_links_each_project_to_its_admin_page(as_lead, project) -> None:
    page = as_lead.get("/staff/")
    assert f'href="/admin/projects/{project.id}/"' in page.text


def test_the_staff_home_counts_one_school_and_one_round_in_the_singular(
    as_lead, project, planned_round
) -> None:
    page = as_lead.get("/staff/")
    assert "1 skole, 1 runde" in page.text


def test_the_letter_sender_contact_and_data_controller_are_project_settings(
    session, as_lead, post_form, project
) -> None:
    settings = {
        "letter_sender": "Oppvekstetaten i Nordby kommune",
        "letter_contact": "Kari Nordmann, tlf. 400 00 000",
        "data_controller": "Nordby kommune",
    }
    post_form(f"/admin/projects/{project.id}/edit", {**NEW_PROJECT, **settings})
    session.refresh(project)
    assert (project.letter_sender, project.letter_contact, project.data_controller) == tuple(
        settings.values()
    )
