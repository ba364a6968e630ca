"""What an export may hold: sent responses of closed rounds, numbered anew in random order,
with the day coarsened to the week and a rare language written as "annet" (issue 13)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from instruments import bundled_instrument
from survey.models import Group, InstrumentVersion, Round, School
from survey.rounds.operations import freeze_instrument, set_round_instrument
from tests.survey.exports.conftest import PUPIL_ITEMS


def _table(export, project, tmp_path, name: str) -> pd.DataFrame:
    folder = tmp_path / name
    folder.mkdir()
    return pd.read_csv(export(project, "csv", folder))


def _rows(table: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    return [tuple(map(str, row)) for row in table[columns].itertuples(index=False)]


def _first(session, model):
    return session.scalars(select(model).order_by(model.id)).first()


def test_unsent_answers_and_open_rounds_never_reach_an_export(
    session, small_project, make_round, add_response, export, tmp_path
) -> None:
    before = _table(export, small_project, tmp_path, "before")
    closed = _first(session, Round)
    school, group = _first(session, School), _first(session, Group)
    pupil = session.scalar(select(InstrumentVersion).filter_by(respondent_type="pupil"))
    stopped = add_response(closed, school, group, pupil, {PUPIL_ITEMS[0]: 5})
    stopped.status, stopped.completed_on = "partial", None
    opens = dt.datetime(2027, 9, 1, 8, tzinfo=dt.UTC)  # after the others: their codes stay
    still_open = make_round(
        small_project, label="Høst 2027", opens_at=opens, closes_at=opens + dt.timedelta(days=21)
    )
    set_round_instrument(
        session, still_open, freeze_instrument(session, bundled_instrument("pupil-5-7"))
    )
    still_open.status = "open"
    add_response(still_open, school, group, pupil, {PUPIL_ITEMS[0]: 5})
    session.flush()
    after = _table(export, small_project, tmp_path, "after")
    assert len(after) == len(before) == 28
    answers = [c for c in before.columns if c.startswith("e_")]
    key = ["round", "school", "group", "respondent_type", *answers]
    assert sorted(_rows(after, key)) == sorted(_rows(before, key))


def test_each_export_numbers_the_responses_anew_in_random_order(
    small_project, export, tmp_path
) -> None:
    tables = [_table(export, small_project, tmp_path, name) for name in ("first", "second")]
    for table in tables:  # a row's number is its place in this export, nothing more
        assert table["response_id"].tolist() == list(range(1, 29))
    columns = [c for c in tables[0].columns if c not in ("response_id", "completed_on")]
    rows = [_rows(table, columns) for table in tables]
    assert len(set(rows[0])) == 28 and sorted(rows[0]) == sorted(rows[1])
    # 28 distinct rows: the same order twice by chance has probability 1/28!.
    assert rows[0] != rows[1], "two exports list the responses in the same order"


def test_completion_is_exported_as_the_week_not_the_day(
    session, small_project, add_response, export, tmp_path
) -> None:
    round_ = _first(session, Round)
    school, group = _first(session, School), _first(session, Group)
    pupil = session.scalar(select(InstrumentVersion).filter_by(respondent_type="pupil"))
    wednesday = dt.date(2026, 10, 7)
    add_response(round_, school, group, pupil, {PUPIL_ITEMS[0]: 2}, completed_on=wednesday)
    table = _table(export, small_project, tmp_path, "weeks")
    assert set(table["completed_on"]) == {"2026-10-05"}  # the Monday of both weeks' days


def test_a_language_few_answered_in_is_written_as_other(
    session, small_project, export, tmp_path
) -> None:
    """Each round and school has one parent (min_group_size 5) and six pupils, all in nb."""
    table = _table(export, small_project, tmp_path, "languages")
    by_type = table.groupby("respondent_type")["language"].agg(set).to_dict()
    assert by_type == {"elev": {"nb"}, "foresatt": {"annet"}}


def test_an_export_holds_its_own_projects_answers_however_they_are_read(
    session,
    small_project,
    make_project,
    make_school,
    make_group,
    make_round,
    add_response,
    export,
    tmp_path,
    monkeypatch,
) -> None:
    """The answers are read by a join for a project that holds few of the database's
    responses, and by one pass over the whole answer table for one that holds most (picking
    its own out): both ways give each project its own answers and nothing else."""
    from survey.exports import queries

    reads = []
    whole_table = queries._reads_most_answers
    monkeypatch.setattr(
        queries,
        "_reads_most_answers",
        lambda *args: reads.append(whole_table(*args)) or reads[-1],
    )
    before = _table(export, small_project, tmp_path, "before")
    other = make_project(min_group_size=5)
    school = make_school(other, name="Lia skole", code="L01", arm="comparison")
    group = make_group(school, grade=6, label="6A")
    opens = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)
    round_ = make_round(
        other, label="Høst 2026", opens_at=opens, closes_at=opens + dt.timedelta(days=21)
    )
    pupil = freeze_instrument(session, bundled_instrument("pupil-5-7"))
    set_round_instrument(session, round_, pupil)
    for _ in range(40):
        add_response(round_, school, group, pupil, dict.fromkeys(PUPIL_ITEMS, 2))
    round_.status = "closed"
    session.flush()
    after = _table(export, small_project, tmp_path, "after")
    answers = [c for c in before.columns if c.startswith("e_")]
    key = ["round", "school", "group", "respondent_type", *answers]
    assert sorted(_rows(after, key)) == sorted(_rows(before, key))
    theirs = _table(export, other, tmp_path, "theirs")
    assert len(theirs) == 40
    assert set(theirs["school"]) == {"Lia skole"}
    items = [c for c in answers if "_score_" not in c and theirs[c].notna().any()]
    assert len(items) == len(PUPIL_ITEMS) and (theirs[items] == 2).all().all()
    if session.get_bind().dialect.name == "sqlite":
        assert reads == [True, False, True], "both ways of reading were to be exercised"
    else:  # PostgreSQL's planner chooses for itself
        assert reads == [False, False, False]


def test_the_export_order_is_a_uniformly_random_permutation() -> None:
    """Every order of four responses comes out about equally often (chi-square, 23 df): the
    numbering leaks nothing of the database's order."""
    from collections import Counter

    from scipy.stats import chisquare

    from survey.exports.queries import _random_order

    counts = Counter(tuple(_random_order(4).tolist()) for _ in range(24_000))
    assert len(counts) == 24
    assert chisquare(list(counts.values())).pvalue > 1e-4
