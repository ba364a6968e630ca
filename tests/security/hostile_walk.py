"""A walk over the app's URL map for the hostile-input tests.

Each route is called as a visitor who can reach it: an admin for staff pages and the API, the
pupil's tablet session for pupil routes, a link token's holder for link routes. The fields of
a route come from the post forms of the app's own pages (the API's from its OpenAPI document),
so a new form is covered the day it is added. Every request runs in a savepoint that is rolled
back afterwards, so each one meets the same world and may be checked for what it changed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import Connection, select
from werkzeug.routing import Rule

from instruments import bundled_instrument
from survey import ratelimit
from survey.api import API_KEY
from survey.models import AccessCode, ApiToken
from survey.rounds.codes import class_code_from_seed
from tests.conftest import TEST_SECRET_KEY
from tests.security.conftest import PASSWORD, World, url_values
from tests.security.hostile import (
    Form,
    Outcome,
    Snapshot,
    changed_tables,
    page_forms,
    snapshot,
)
from tests.survey.pupil.conftest import tablet_session, token_of

CSRF = "hostile-csrf-token"
CLIENT_ID = "hostile-walk-client-0001"
PUPIL_ITEM = bundled_instrument("pupil-5-7").items[0].id
SKIPPED = ("static", "dashboards.static", "dashboards.plotly", "api-docs.")

#: Valid values for fields a "new" form leaves empty, so that one hostile field is the only
#: thing wrong with a request and the route's own validation is what answers it.
GOOD_FORM_VALUES = {
    "name": "Hostile walk",
    "description": "A project made by the hostile-input walk.",
    "delete_after_on": "2031-06-01",
    "code": "HW1",
    "arm": "intervention",
    "contact_email": "kontakt@example.no",
    "grade": "5",
    "label": "5Z",
    "enrolled": "20",
    "opens_at": "2031-01-05T08:00",
    "closes_at": "2031-01-25T15:00",
    "construct": "trivsel",
    "target_value": "0.2",
    "count": "2",
}
#: Values a route's page shows that its own validation would refuse.
FIXES = {
    "admin.schools.update": {"code": "HW1"},  # the world's school codes hold an å
}
#: The same for the API's JSON bodies.
GOOD_JSON_VALUES: dict[str, Any] = {
    "name": "Hostile walk",
    "description": "A project made by the hostile-input walk.",
    "min_group_size": 10,
    "languages": ["nb"],
    "delete_after_on": "2031-06-01",
    "is_panel": False,
    "code": "HW1",
    "arm": "intervention",
    "contact_email": "kontakt@example.no",
    "grade": 5,
    "label": "5Z",
    "enrolled": 20,
    "construct": "trivsel",
    "respondent_type": "pupil",
    "target_kind": "change",
    "target_value": 0.2,
    "opens_at": "2031-01-05T08:00:00+01:00",
    "closes_at": "2031-01-25T15:00:00+01:00",
    "instruments": {"pupil": "pupil-5-7:1"},
    "language": "nb",
    "value": 1,
}


def role_for(endpoint: str) -> str:
    """Who can reach a route: the visitor each route is called as."""
    if endpoint.startswith(("pupil.", "pupil_api.")):
        return "pupil"
    if endpoint.startswith("links."):
        return "link"
    if endpoint in ("auth.login", "auth.submit_login") or endpoint.startswith(
        ("printable.", "public.")
    ):
        return "anonymous"
    return "admin"


def _account_fixes(world: World) -> dict[str, dict[str, str]]:
    """What a person types into the account forms (passwords, ticked confirmations)."""
    project, new = str(world.target.project.id), "a new long enough password"
    return {
        "admin.users.invite": {"email": "ny@example.no", "role": "evaluator", "projects": project},
        "admin.users.update": {"role": "evaluator", "projects": project},
        "admin.users.temporary_password": {"password": new},
        "admin.users.remove": {"confirm": "yes"},
        "admin.batches.void": {"confirm": "yes"},
        "auth.request_reset": {"email": world.users["evaluator"].email},
        "staff.change_password": {
            "old_password": PASSWORD,
            "password": new,
            "password_again": new,
        },
    }


class Walk:
    """The app, the world and one browser, with the forms found on the app's pages."""

    def __init__(
        self, app: Flask, connection: Connection, world: World, *, crawl: bool = True
    ) -> None:
        self.app, self.connection, self.world = app, connection, world
        self.client = app.test_client()
        admin = world.users["admin"]
        self.sessions: dict[str, dict[str, Any]] = {
            "admin": {"user_id": admin.id},
            "pupil": {**tablet_session(world.class_code_id), "pupil_lang": "nb"},
            "link": {},
            "anonymous": {},
        }
        self.token_id = connection.scalar(select(ApiToken.id).filter_by(user_id=admin.id))
        seed = connection.scalar(select(AccessCode.code_seed).filter_by(id=world.class_code_id))
        self._good_values = {"target": f"parent:school:{world.target.school.id}"}
        self._fixes = {
            **FIXES,
            "pupil.enter_class_code": {"code": class_code_from_seed(TEST_SECRET_KEY, seed)},
            **_account_fixes(world),
        }
        self.forms: dict[str, Form] = {}
        #: The fields of the pages' get forms (filters): what query strings hold.
        self.query_names: set[str] = set()
        self.requests = 0
        if crawl:
            self._prepare()
        self.baseline: Snapshot = snapshot(connection)

    # -- the routes -------------------------------------------------------------------------

    def rules(self, *methods: str) -> list[tuple[Rule, str]]:
        found = []
        for rule in self.app.url_map.iter_rules():
            if rule.endpoint.startswith(SKIPPED):
                continue
            for method in sorted((rule.methods or set()) & set(methods)):
                found.append((rule, method))
        return sorted(found, key=lambda pair: (pair[0].rule, pair[1]))

    def values(self, rule: Rule, **overrides: object) -> dict[str, object]:
        known = {
            **url_values(self.world.target),
            "client_id": CLIENT_ID,
            "item_id": PUPIL_ITEM,
            "token_id": self.token_id,
            "user_id": self.world.users["evaluator"].id,
        }
        missing = set(rule.arguments) - set(known) - set(overrides)
        assert not missing, f"teach the hostile walk the parameter(s) {missing} of {rule.rule}"
        return {name: overrides.get(name, known.get(name)) for name in rule.arguments}

    def url(self, rule: Rule, **overrides: object) -> str:
        return rule.build(self.values(rule, **overrides), append_unknown=False)[1]

    def forms_of(self, rule: Rule, method: str) -> list[str]:
        """Where the pages' forms post to this route: one path, or one per page it serves."""
        adapter = self.app.url_map.bind("localhost")
        return [path for path in self.forms if adapter.match(path, method)[0] == rule.endpoint]

    def filled(self, rule: Rule, path: str | None = None) -> dict[str, str | list[str]]:
        """What a browser sends from the route's form once a person has filled it in validly:
        the form's own values, with the empty ones filled and a few fixed (see below)."""
        form = self.forms.get(path or self.url(rule))
        values = dict(form.values) if form else {}
        good = {**GOOD_FORM_VALUES, **self._good_values}
        for name in form.names if form else ():
            if not values.get(name) and name in good:
                values[name] = good[name]
        values.update(self._fixes.get(rule.endpoint, {}))
        values["csrf_token"] = CSRF
        return values

    def json_fields(self, rule: Rule, method: str) -> dict[str, Any]:
        """The API body's properties, each with a valid value (empty: the route takes none)."""
        spec = self.app.extensions[API_KEY].spec.to_dict()
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        body = spec["paths"].get(path, {}).get(method.lower(), {}).get("requestBody")
        if body is None:
            return {}
        reference = body["content"]["application/json"]["schema"]["$ref"]
        schema = spec["components"]["schemas"][reference.rsplit("/", 1)[-1]]
        good = {
            **GOOD_JSON_VALUES,
            "class_token": token_of(self.sessions["pupil"]),
        }
        properties = schema.get("properties", {})
        return {name: good[name] for name in properties if name in good}

    # -- requests ---------------------------------------------------------------------------

    def send(
        self, role: str, method: str, url: str, *, follow: bool = False, **kwargs: Any
    ) -> Outcome:
        """One request as `role`, in a savepoint that is rolled back after the checks."""
        with self.scenario():
            return self.open(role, method, url, follow=follow, **kwargs)

    @contextmanager
    def scenario(self) -> Iterator[None]:
        """Requests whose writes are all rolled back at the end."""
        savepoint = self.connection.begin_nested()
        try:
            yield
        finally:
            savepoint.rollback()

    def open(
        self, role: str, method: str, url: str, *, follow: bool = False, **kwargs: Any
    ) -> Outcome:
        """One request as `role`, compared with the world before the walk."""
        ratelimit.init_app(self.app)  # fresh counters: no request is refused for the ones before
        self._restore(role)
        headers = {"X-CSRF-Token": CSRF, **kwargs.pop("headers", {})}
        if url.startswith("/api/v1/") and not url.startswith("/api/v1/pupil/"):
            headers["Authorization"] = f"Bearer {self.world.api_tokens['admin']}"
        page = self.client.open(url, method=method, headers=headers, **kwargs)
        self.requests += 1
        body = page.get_data().decode("utf-8", "replace")
        body = body if page.mimetype == "text/html" or page.status_code >= 500 else ""
        page.close()
        changed = changed_tables(self.baseline, snapshot(self.connection))
        location = page.headers.get("Location", "")
        followed = ""
        if follow and location.startswith("/"):
            after = self.client.get(location)
            followed = after.get_data().decode("utf-8", "replace")
            after.close()
        return Outcome(page.status_code, body, location, changed, followed)

    def _restore(self, role: str) -> None:
        with self.client.session_transaction() as browser_session:
            browser_session.clear()
            browser_session.update({"csrf": CSRF, **self.sessions[role]})
            if role == "pupil":  # the pupil at the tablet has just touched it
                browser_session["pupil_seen_at"] = int(time.time())

    # -- finding the forms ------------------------------------------------------------------

    def _prepare(self) -> None:
        """Open every page a visitor can see and keep its post forms, by where they post."""
        self._restore("admin")
        self.client.get("/api/v1/projects", headers=self._bearer())  # the token's first use
        self._restore("pupil")
        started = self.client.post("/elev/start", headers={"X-CSRF-Token": CSRF})
        assert started.status_code == 302, "the pupil could not start the plain-form survey"
        with self.client.session_transaction() as browser_session:
            self.sessions["pupil"]["pupil_response_id"] = browser_session["pupil_response_id"]
        for rule, _method in self.rules("GET"):
            if rule.rule.startswith("/api/") or rule.endpoint.endswith(("letter", "counts")):
                continue
            self._collect(role_for(rule.endpoint), self.url(rule))
        self._collect_batch_downloads()
        for number in range(2, 20):  # the link's later pages: its free text is on the last
            self._collect("link", f"/s/{self.world.target.link_token}/{number}")

    def pages(self) -> list[tuple[str, str]]:
        """(role, url) of every page a visitor can open, the link's pages included."""
        found = [
            (role_for(rule.endpoint), self.url(rule))
            for rule, _method in self.rules("GET")
            if not rule.rule.startswith("/api/")
        ]
        links = [path for path in self.forms if path.startswith("/s/")]
        return found + [("link", path) for path in links if path not in dict(found).values()]

    def _bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.world.api_tokens['admin']}"}

    def _collect(self, role: str, url: str, method: str = "GET", **kwargs: Any) -> None:
        self._restore(role)
        page = self.client.open(url, method=method, headers={"X-CSRF-Token": CSRF}, **kwargs)
        if page.mimetype == "text/html":
            forms, query_names = page_forms(urlsplit(url).path, page.get_data(as_text=True))
            for form in forms:
                self.forms.setdefault(urlsplit(form.action).path, form)
            self.query_names |= query_names
        page.close()

    def _collect_batch_downloads(self) -> None:
        """The CSV and letter downloads are forms on the page a new link batch answers with."""
        side = self.world.target
        make_links = f"/admin/rounds/{side.round.id}/links"
        target = f"parent:school:{side.school.id}"
        data = {"target": target, "count": "2", "language": "nb", "csrf_token": CSRF}
        self._collect("admin", make_links, "POST", data=data, follow_redirects=True)
