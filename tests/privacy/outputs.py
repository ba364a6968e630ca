"""Every output of the app, read the way a reader would get it, for the privacy tests.

The routes come from the app's own URL map: every GET route is read as the project lead (the
widest view of a project), with every value of its URL parameters from the privacy project,
and a dashboard page also with every choice of its filter form. Each chart's CSV download
linked from a page is read, and so is every format of the data export. A route this module
cannot fill, a download it does not know, or a reply it cannot read fails loudly, naming the
route, until someone decides what that output is.
"""

from __future__ import annotations

import functools
import html
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import openpyxl
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from survey.exports.package import FORMATS
from survey.models import ApiToken, Goal, LinkBatch, User
from tests.privacy.world import CONSTRUCTS, PrivacyProject

#: Endpoints that are not read, and why.
NOT_OUTPUTS = {
    r"^(pupil|pupil_api|links)\.": "respondent flows: they show questions, never results",
    r"^printable\.": "blank questionnaires to print",
    r"^auth\.": "the log-in page",
    r"^(static|dashboards\.static|dashboards\.plotly_\w+)$": "static files",
    r"^exports\.job_(page|status|file)$": "read by `exports`: an export job, its requester's only",
    r"^admin\.batches\.show$": "one batch's links (tokens and letters), made before any answer",
    r"^admin\.letter_jobs\.(page|status|file)$": "a letters job: one batch's links as letters "
    "(PDF), its requester's only, no answers",
}
#: Writes that answer with a file. A write that looks like a download (by its name or its
#: path) must be here, read as an export or declared free of answers.
DOWNLOADS = {
    "exports.download": "read: every format of the data export",
    "admin.distribution.download_csv": "not read: the link tokens just made, no answers",
    "admin.distribution.download_letters": "not read: queues the same links as letters (PDF)",
    "admin.panel.card_sheet": "not read: new card codes and a teacher's page (PDF), no answers",
}
LOOKS_LIKE_A_DOWNLOAD = re.compile(r"download|export|csv|xlsx|zip|pdf", re.IGNORECASE)
#: Replies that are not text, each declared free of answers.
BINARY = {
    "admin.distribution.information_letter": "the information letter, before any answers",
    "admin.distribution.class_code_sheet": "the class codes for teachers (PDF), no answers",
}
#: Files in the export package that hold one row per respondent: the evaluators' raw data,
#: where small groups are present by design. Every other file must suppress.
RESPONDENT_LEVEL = re.compile(
    r"(^|→ )(data_wide\.(csv|sav|dta)|data_long\.csv|data_wide\.xlsx#(data|free_text)"
    r"|export\.(csv|sav|dta)|export\.xlsx#(data|free_text))$"
)
AGGREGATE_FILES = re.compile(
    r"(aggregates\.csv|data_wide\.xlsx#aggregates|export\.xlsx#aggregates)$"
)
DOCUMENTS = re.compile(
    r"(codebook\.(json|html)|codebook_ddi\.xml|README\.md|trend_model\.(R|py)"
    r"|#variables)$"
)


@dataclass(frozen=True)
class Output:
    """One thing a reader receives: a page, a CSV, a JSON reply, or a file of an export."""

    source: str  #: the URL, and for a file of an export "URL → file"
    endpoint: str
    kind: str  #: page, csv, json, text, aggregate, document, respondent_level
    text: str
    view_args: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)

    @property
    def chart(self) -> str | None:
        return self.query.get("chart")


def output_endpoints(app: Flask) -> tuple[list[Rule], list[str]]:
    """The GET rules to read, and the endpoints nobody has decided about yet."""
    rules, undecided = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if any(re.search(pattern, rule.endpoint) for pattern in NOT_OUTPUTS):
            continue
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if "GET" in methods:
            rules.append(rule)
        elif LOOKS_LIKE_A_DOWNLOAD.search(rule.endpoint + rule.rule) and (
            rule.endpoint not in DOWNLOADS
        ):
            undecided.append(f"{rule.endpoint} ({rule.rule}): a download nobody declared")
    return rules, undecided


def _parameter_values(rule: Rule, world: PrivacyProject, session: Session) -> list[dict]:
    known: dict[str, list[Any]] = {
        "project_id": [world.project.id],
        "school_id": [school.id for school in world.schools.values()],
        "group_id": [group.id for group in world.groups.values()],
        "round_id": [round_.id for round_ in world.rounds],
        "goal_id": list(session.scalars(select(Goal.id).filter_by(project_id=world.project.id))),
        "token_id": list(session.scalars(select(ApiToken.id))),
        "user_id": list(session.scalars(select(User.id))),
        "batch_id": list(
            session.scalars(
                select(LinkBatch.id).where(LinkBatch.round_id.in_([r.id for r in world.rounds]))
            )
        ),
    }
    missing = set(rule.arguments) - set(known)
    assert not missing, f"teach tests/privacy/outputs.py the parameter(s) {missing} of {rule.rule}"
    names = sorted(rule.arguments)
    school_of = {group.id: group.school_id for group in world.groups.values()}
    combinations = []
    for values in itertools.product(*(known[name] for name in names)):
        chosen = dict(zip(names, values, strict=True))
        if "school_id" in chosen and school_of.get(chosen.get("group_id")) not in (
            None,
            chosen["school_id"],
        ):
            continue
        combinations.append(chosen)
    return combinations


def _filter_choices(page: str) -> list[dict[str, str]]:
    """Every choice of a dashboard's filter form: respondent type x construct x school."""
    form = re.search(r'<form class="filters".*?</form>', page, re.S)
    if form is None:
        return []
    selects = dict(re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', form[0], re.S))
    options = {name: re.findall(r'<option value="([^"]*)"', body) for name, body in selects.items()}
    if "construct" in options:
        options["construct"] = ["", *CONSTRUCTS]  # the others have no answers to show
    names = sorted(options)
    return [
        {name: value for name, value in zip(names, values, strict=True) if value}
        for values in itertools.product(*(options[name] for name in names))
    ]


class Reader:
    """Reads every output as one user, in the app of the test's transaction."""

    def __init__(
        self, app: Flask, session: Session, world: PrivacyProject, may_be_refused: bool = False
    ) -> None:
        self.app = app
        self.session = session
        self.world = world
        #: A reader with a narrower view than the lead's is refused some routes, by design.
        self.may_be_refused = may_be_refused
        self.problems: list[str] = []
        self.seen: set[str] = set()

    def client_as(self, user_key: str) -> FlaskClient:
        client = self.app.test_client()
        with client.session_transaction() as browser_session:
            browser_session["user_id"] = self.world.users[user_key].id
            browser_session["csrf"] = "privacy-csrf"
        return client

    def every_output(
        self, user_key: str = "lead", only: str | None = None, exports: bool = True
    ) -> list[Output]:
        """Every output; with `only` (a pattern of endpoints), just those routes' and no export."""
        rules, undecided = output_endpoints(self.app)
        self.problems += undecided
        client = self.client_as(user_key)
        outputs: list[Output] = []
        for rule in rules:
            if rule.endpoint in BINARY or (only and not re.search(only, rule.endpoint)):
                continue
            read = []
            for values in _parameter_values(rule, self.world, self.session):
                url = rule.build(values, append_unknown=False)[1]
                read += self._read(client, rule.endpoint, url, values)
            if not read and not self.may_be_refused:
                self.problems.append(f"{rule.endpoint} ({rule.rule}) was never read")
            outputs += read
        if only is None and exports:
            outputs += self.exports(self.client_as("evaluator"))
        return outputs

    def _get(self, client: FlaskClient, url: str) -> Any:
        headers = {}
        if url.startswith("/api/"):
            headers["Authorization"] = f"Bearer {self.world.api_token}"
        reply = client.get(url, headers=headers)
        reply.close()
        return reply

    def _read(
        self, client: FlaskClient, endpoint: str, url: str, values: dict[str, Any]
    ) -> Iterator[Output]:
        reply = self._get(client, url)
        if 300 <= reply.status_code < 400 or reply.status_code == 404:
            return  # not for these parameters (a closed round cannot be edited, ...)
        if reply.status_code == 403 and self.may_be_refused:
            return
        if reply.status_code >= 400:
            self.problems.append(f"GET {url}: {reply.status_code}, so it was not checked")
            return
        kind = _kind(reply.mimetype)
        if kind is None:
            self.problems.append(f"GET {url}: cannot read {reply.mimetype}; declare it in BINARY")
            return
        text = _pdf_text(reply.data) if kind == "pdf" else reply.get_data(as_text=True)
        yield Output(url, endpoint, kind, text, values)
        if kind != "page" or not endpoint.startswith("dashboards."):
            return
        yield from self._chart_downloads(client, endpoint, text, values)
        for choice in _filter_choices(text):
            variant = f"{url}?{urlencode(choice)}"
            page = self._get(client, variant)
            if page.status_code != 200:
                self.problems.append(f"GET {variant}: {page.status_code}, so it was not checked")
                continue
            text = page.get_data(as_text=True)
            yield Output(variant, endpoint, "page", text, values, choice)
            yield from self._chart_downloads(client, endpoint, text, values)

    def _chart_downloads(
        self, client: FlaskClient, endpoint: str, page: str, values: dict[str, Any]
    ) -> Iterator[Output]:
        for link in re.findall(r'href="([^"]*format=csv[^"]*)"', page):
            url = html.unescape(link)
            if url in self.seen:
                continue
            self.seen.add(url)
            reply = self._get(client, url)
            if reply.status_code != 200 or reply.mimetype != "text/csv":
                self.problems.append(f"GET {url}: {reply.status_code} {reply.mimetype}")
                continue
            yield Output(url, endpoint, "csv", reply.get_data(as_text=True), values, _query(url))

    def exports(self, client: FlaskClient, free_text: bool = False) -> list[Output]:
        """Every format of the export of the whole project, unpacked into its files."""
        url = f"/staff/projects/{self.world.project.id}/export/"
        outputs = []
        for fmt in FORMATS:
            form = {"csrf_token": "privacy-csrf", "format": fmt}
            if free_text:
                form["free_text"] = "on"
            reply = client.post(url, data=form)
            reply.close()
            if reply.status_code != 303:
                self.problems.append(f"POST {url} format={fmt}: {reply.status_code}")
                continue
            job = reply.headers["Location"]  # the export is a job: its page, status and file
            page, status = self._get(client, job), client.get(f"{job}/status")
            outputs.append(Output(job, "exports.job_page", "page", page.get_data(as_text=True)))
            outputs.append(Output(f"{job}/status", "exports.job_status", "json", status.text))
            reply = client.get(status.get_json()["download_url"])
            body = reply.get_data()
            reply.close()
            if reply.status_code != 200:
                self.problems.append(f"GET {job}/file: {reply.status_code}")
                continue
            source = f"{url} format={fmt}"
            for name, text in _files(fmt, body):
                outputs.append(
                    Output(f"{source} → {name}", "exports.download", _export_kind(name), text)
                )
        return outputs


def _query(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def _kind(mimetype: str) -> str | None:
    return {
        "text/html": "page",
        "text/csv": "csv",
        "application/json": "json",
        "text/plain": "text",
        "text/css": "text",
        "text/javascript": "text",
        "application/pdf": "pdf",
    }.get(mimetype)


@functools.lru_cache(maxsize=256)
def _pdf_text(body: bytes) -> str:
    """A PDF's words (the school report), compared as text: its bytes carry no answers."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _files(fmt: str, body: bytes) -> Iterator[tuple[str, str]]:
    if fmt == "zip":
        with zipfile.ZipFile(io.BytesIO(body)) as package:
            for name in package.namelist():
                data = package.read(name)
                if name.endswith(".xlsx"):
                    yield from _sheets(name, data)
                else:
                    yield name, data.decode("utf-8", errors="replace")
    elif fmt == "xlsx":
        yield from _sheets("export.xlsx", body)
    else:
        yield f"export.{fmt}", body.decode("utf-8", errors="replace")


def _sheets(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
            yield f"{name}#{sheet.title}", text
    finally:
        book.close()


def _export_kind(name: str) -> str:
    if RESPONDENT_LEVEL.search(name):
        return "respondent_level"
    if AGGREGATE_FILES.search(name):
        return "aggregate"
    if DOCUMENTS.search(name):
        return "document"
    return "unknown"
