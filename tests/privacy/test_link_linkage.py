"""Issue 13, findings 2 and 3: no parent can be traced from their letter to their answers.

The attack: whoever holds the letter list polls every link while parents answer one by one,
so they learn the order in which the links were used. Then they take the evaluator's export
(or, as the operator, the PostgreSQL database) and match the k-th used link to the k-th
response by id, row order, date or transaction id. With the mixing pool, the per-export
random numbering and the shuffled rows, no strategy may match better than chance.

Each parent gives a different pair of answers, so the test knows the truth of every match.
Commits are real (see committed.py): PostgreSQL's `xmin` is only there after a commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import pytest
from flask import Flask
from sqlalchemy import text

from instruments import bundled_instrument
from survey.db import get_database
from survey.exports.package import run_export
from survey.exports.plan import ExportRequest
from survey.exports.variables import item_variable_name
from survey.links.phone_pages import pages_of
from survey.models import Group, Project, Round, School
from survey.rounds import lifecycle
from survey.rounds import tasks as round_tasks
from survey.rounds.codes import link_token_hash
from survey.rounds.operations import create_links
from tests.conftest import TEST_SECRET_KEY
from tests.privacy.committed import committed_app  # noqa: F401 (a fixture)
from tests.round_fixtures import NOW, give_instruments

PARENTS = 20
MIN_GROUP_SIZE = 5
ITEMS = pages_of(bundled_instrument("parent", 1))[0].items[:2]
COLUMNS = [item_variable_name("parent", item.id, item.construct) for item in ITEMS]
#: Random matching of 20 gets 1 right on average; 7 or more has probability below 1e-4.
CHANCE_BOUND = 6
#: In the database, batches are released one after the other, so id order follows the order
#: of use between batches by design; the pool promises only that it is random within a batch.
#: The fixture releases batches of 6, 6, 6 and 2: random order within each matches 4 on
#: average, and 15 or more with probability below 1e-5 (the old code matched all 20).
BATCH_CHANCE_BOUND = 14


def _answers_of(parent: int) -> tuple[int, int]:
    """A pair of scale values no other parent gives (20 of the 25 pairs on a 1-5 scale)."""
    return parent // 5 + 1, parent % 5 + 1


@dataclass
class Letters:
    project_id: int
    round_id: int
    tokens: list[str]


def _letters(app: Flask) -> Letters:
    with get_database(app).session_scope() as session:
        project = Project(
            name="Foresatte",
            min_group_size=MIN_GROUP_SIZE,
            languages=["nb"],
            delete_after_on=NOW.date() + dt.timedelta(days=900),
        )
        school = School(project=project, name="Skole", code="S1", arm="intervention")
        group = Group(school=school, grade=6, label="6A", enrolled=30)
        round_ = Round(
            project=project,
            label="Høst",
            opens_at=NOW - dt.timedelta(hours=1),
            closes_at=NOW + dt.timedelta(days=14),
        )
        session.add_all([group, round_])
        session.flush()
        give_instruments(session, round_, ("parent",))
        lifecycle.open_round(session, round_, TEST_SECRET_KEY, NOW)
        tokens = create_links(
            session, round_, school.id, "parent", PARENTS, TEST_SECRET_KEY, group_id=group.id
        )
        return Letters(project.id, round_.id, tokens)


def _answer(app: Flask, token: str, values: tuple[int, int]) -> None:
    phone = app.test_client()
    with phone.session_transaction() as browser:
        browser["csrf"] = "phone"
    phone.post(f"/s/{token}", data={"csrf_token": "phone", "language": "nb"})
    page = {item.id: str(value) for item, value in zip(ITEMS, values, strict=True)}
    phone.post(f"/s/{token}/1", data={"csrf_token": "phone", **page})
    assert "Takk for svarene" in phone.post(f"/s/{token}/send", data={"csrf_token": "phone"}).text


def _run_job(app: Flask, job_id: str) -> None:
    for job in round_tasks.JOBS:
        if job.id == job_id:
            job.func(app)


def _poll(app: Flask, tokens: list[str]) -> set[str]:
    poller = app.test_client()
    return {t for t in tokens if "allerede brukt" in poller.get(f"/s/{t}").text}


@pytest.fixture
def answered(committed_app: Flask) -> Iterator[tuple[Flask, Letters, list[str]]]:  # noqa: F811
    """Parents answer one by one while the letter holder polls; the worker runs between;
    then the round closes. Yields the links in the order the poller saw them used."""
    app = committed_app
    letters = _letters(app)
    seen: list[str] = []
    for parent, token in enumerate(letters.tokens):
        _answer(app, token, _answers_of(parent))
        seen += sorted(_poll(app, [t for t in letters.tokens if t not in seen]))
        if parent % 3 == 2:
            _run_job(app, "links.release_pool")
    assert seen == letters.tokens  # the poller does learn the order of use
    with app.app_context(), get_database(app).session_scope() as session:
        lifecycle.close_round(session, session.get(Round, letters.round_id), NOW)
    yield app, letters, seen


def _export(app: Flask, project_id: int, path) -> pd.DataFrame:
    with app.app_context(), get_database(app).session_scope() as session:
        run_export(session, ExportRequest(project_id), "csv", path)
    return pd.read_csv(path)


def _matches(guess: list[tuple[int, int]], order: list[str], letters: Letters) -> int:
    truth = {token: _answers_of(n) for n, token in enumerate(letters.tokens)}
    return sum(truth[token] == answers for token, answers in zip(order, guess, strict=True))


def test_the_letter_list_and_the_export_match_no_parent_better_than_chance(answered, tmp_path):
    app, letters, order = answered
    exports = [_export(app, letters.project_id, tmp_path / f"export{n}.csv") for n in range(2)]
    for table in exports:
        assert len(table) == PARENTS
        by_id = table.sort_values("response_id")
        guess = [tuple(int(v) for v in row) for row in by_id[COLUMNS].itertuples(index=False)]
        assert _matches(guess, order, letters) <= CHANCE_BOUND, "the export's ids give it away"
        in_rows = [tuple(int(v) for v in row) for row in table[COLUMNS].itertuples(index=False)]
        assert _matches(in_rows, order, letters) <= CHANCE_BOUND, "the row order gives it away"
        answers_and_scores = [c for c in table.columns if c.startswith("f_")]
        design = table.drop(columns=["response_id", *answers_and_scores])
        assert len(design.drop_duplicates()) == 1, "a column besides the answers tells rows apart"
    first, second = (t.set_index("response_id")[COLUMNS] for t in exports)
    assert not first.equals(second), "two exports number the responses the same way"


def _column(connection, sql: str) -> list:
    return list(connection.execute(text(sql)).scalars())


@pytest.mark.postgres_only
def test_the_database_joins_no_used_link_to_its_response(answered, database_url) -> None:
    """The operator's attack: transaction ids, id order and times of the link and response
    tables, read from PostgreSQL after everything was committed."""
    app, letters, _order = answered
    engine = get_database(app).engine
    if engine.dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    with engine.connect() as connection:
        link_xids = set(_column(connection, "SELECT xmin::text FROM access_code WHERE is_used"))
        response_xids = set(_column(connection, "SELECT xmin::text FROM response"))
        answer_xids = set(_column(connection, "SELECT xmin::text FROM answer"))
        assert len(link_xids) == PARENTS and response_xids and answer_xids
        assert link_xids.isdisjoint(response_xids | answer_xids), "a transaction id joins them"
        by_xid = _column(
            connection,
            "SELECT code_hash FROM access_code WHERE is_used ORDER BY xmin::text::bigint",
        )
        rows = connection.execute(
            text(
                "SELECT r.id, a.item_id, a.value FROM response r JOIN answer a"
                " ON a.response_id = r.id ORDER BY r.id"
            )
        ).all()
        dates = set(_column(connection, "SELECT completed_on FROM response"))
    token_of = {link_token_hash(TEST_SECRET_KEY, t): t for t in letters.tokens}
    order = [token_of[h] for h in by_xid]
    values: dict[int, dict[str, int]] = {}
    for response_id, item_id, value in rows:
        values.setdefault(response_id, {})[item_id] = value
    guess = [tuple(values[r][item.id] for item in ITEMS) for r in sorted(values)]
    assert _matches(guess, order, letters) <= BATCH_CHANCE_BOUND, (
        "id order follows the order of use"
    )
    assert len(dates) == 1, "completion dates tell the responses apart"
