"""The letters progress page keeps the project's menu, as every page of a project does (found
by the year walk: the page showed only the general links, so the leader lost the project)."""

from __future__ import annotations

import re

from tests.survey.admin.letter_download import letters_job_url

TOKEN_FIELD = re.compile(r'name="tokens" value="([^"]+)"')


def test_the_letters_progress_page_shows_the_project_menu(
    as_lead, post_form, open_round, group, project
) -> None:
    target = f"parent:group:{group.id}"
    data = {"target": target, "count": "2", "language": "nb"}
    made = post_form(f"/admin/rounds/{open_round.id}/links", data, follow_redirects=True)
    letters = {"target": target, "language": "nb", "tokens": TOKEN_FIELD.findall(made.text)}
    page = as_lead.get(letters_job_url(post_form, open_round.id, letters))
    assert page.status_code == 200
    menu = page.text.split('aria-label="Hovedmeny"', 1)[1].split("</nav>", 1)[0]
    assert f"{project.name}:" in menu
    assert "Oppsett og runder" in menu
