"""The staff navigation: one list of the places every staff page links to.

Every task is at most three clicks from `/staff/`: the menu on every page reaches the
project's set-up, results, goals, report and export, the users, the API keys and the help;
the project page reaches its rounds, and a round page its letters and monitor.

Evaluators and school contacts see goals on the dashboards; the goals page is the leads'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from survey.models import Project, User

LEADS = ("admin", "project_lead")
EVERYONE = ("admin", "project_lead", "evaluator", "school_contact")

#: (endpoint, label, roles) of the links that belong to the project being looked at.
PROJECT_LINKS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("admin.projects.show", _l("Oppsett og runder"), LEADS),
    ("dashboards.overview", _l("Resultater"), EVERYONE),
    ("admin.goals.overview", _l("Mål"), LEADS),
    ("reports.index", _l("Rapport til rektor"), EVERYONE),
    ("exports.form", _l("Eksport"), ("admin", "project_lead", "evaluator")),
)
#: (endpoint, label, roles) of the links every staff page has.
GENERAL_LINKS: tuple[tuple[str, Any, tuple[str, ...]], ...] = (
    ("admin.users.index", _l("Brukere"), LEADS),
    ("admin.tokens.index", _l("API-nøkler"), EVERYONE),
    ("staff.help", _l("Hjelp"), EVERYONE),
)


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    is_current: bool


def _link(endpoint: str, label: Any, **values: Any) -> NavLink | None:
    if endpoint not in current_app.view_functions:
        return None
    try:
        href = url_for(endpoint, **values)
    except BuildError:
        return None
    return NavLink(str(label), href, request.path == href)


def project_links(user: User | None, project: Project | None) -> list[NavLink]:
    if user is None or project is None:
        return []
    links = [
        _link(endpoint, label, project_id=project.id)
        for endpoint, label, roles in PROJECT_LINKS
        if user.role in roles
    ]
    return [link for link in links if link is not None]


def general_links(user: User | None) -> list[NavLink]:
    if user is None:
        return []
    links = [_link(e, label) for e, label, roles in GENERAL_LINKS if user.role in roles]
    return [link for link in links if link is not None]
