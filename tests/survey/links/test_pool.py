"""The mixing pool: a submitted link response waits, sealed, until a batch of at least
min_group_size of its round, school, class and respondent type is released at once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from instruments import bundled_instrument
from survey.links import pool
from survey.links.operations import save_draft, submit_link
from survey.links.sealing import new_device_key, open_pooled
from survey.models import AccessCode, Answer, PooledLinkResponse, Response
from survey.rounds import tasks
from survey.rounds.codes import link_token_hash
from survey.scheduler import all_jobs
from tests.conftest import TEST_SECRET_KEY
from tests.round_fixtures import NOW

TODAY = NOW.date()
ITEM = "trivsel_barnet_trives"
STAFF_ITEM = next(i.id for i in bundled_instrument("staff", 1).items if i.is_choice)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _send(session, token: str, value: int) -> None:
    access = session.scalar(
        select(AccessCode).filter_by(code_hash=link_token_hash(TEST_SECRET_KEY, token))
    )
    device = new_device_key()
    item = ITEM if access.respondent_type == "parent" else STAFF_ITEM
    save_draft(session, access, device, TEST_SECRET_KEY, "nb", {item: {"value": value}})
    submit_link(session, TEST_SECRET_KEY, token, device)


def _release(session) -> int:
    return pool.release_full_batches(session, TEST_SECRET_KEY, TODAY)


def test_a_batch_below_min_group_size_waits_sealed(session, make_token, project) -> None:
    for value in range(1, 6):
        _send(session, make_token(), value)
    assert project.min_group_size == 10
    assert _release(session) == 0
    assert (_count(session, Response), _count(session, PooledLinkResponse)) == (0, 5)
    for sealed in session.scalars(select(PooledLinkResponse.sealed)):
        assert ITEM.encode() not in sealed
        assert open_pooled(TEST_SECRET_KEY, sealed)["answers"][ITEM]["value"] in range(1, 6)
        with pytest.raises(ValueError):
            open_pooled("another-secret-key-of-another-installation", sealed)


def test_a_full_batch_is_released_at_once_with_one_date_and_every_answer(
    session, make_token
) -> None:
    sent = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]
    for value in sent:
        _send(session, make_token(), value)
    assert _release(session) == 10
    assert _release(session) == 0  # released once
    assert _count(session, PooledLinkResponse) == 0
    assert set(session.scalars(select(Response.completed_on))) == {TODAY}
    assert sorted(session.scalars(select(Answer.value))) == sorted(sent)


def test_batches_of_two_respondent_types_are_kept_apart(session, make_token) -> None:
    for value in range(1, 6):
        _send(session, make_token("parent"), value)
        _send(session, make_token("staff"), value)
    assert _count(session, PooledLinkResponse) == 10
    assert _release(session) == 0  # ten in the pool, but five of each kind


def test_the_worker_releases_the_pool_on_a_schedule(app, session, make_token) -> None:
    assert "links.release_pool" in {job.id for job in all_jobs()}
    for value in [1, 2, 3, 4, 5] * 2:
        _send(session, make_token(), value)
    tasks.release_link_pool(app)
    assert (_count(session, Response), _count(session, PooledLinkResponse)) == (10, 0)


def test_the_monitor_counts_a_pooled_answer_as_sent_at_once(session, make_token, project) -> None:
    from survey.rounds.counts import round_counts

    access_round = None
    for value in (1, 2, 3):
        token = make_token()
        _send(session, token, value)
        access_round = session.scalar(
            select(AccessCode).filter_by(code_hash=link_token_hash(TEST_SECRET_KEY, token))
        ).round
    assert _count(session, Response) == 0
    counts = round_counts(session, access_round)
    assert sum(school.parents + school.staff for school in counts) == 3
