"""The mixing pool between a used link and its response. Only flush.

Why: whoever holds the letter list can see, link by link, when each family answered (a used
link says so), and on PostgreSQL every row written in one transaction carries the same `xmin`.
If submitting wrote the response in the transaction that marks the link used, the order of
use, the transaction id or the time would join a family to its answers.

How:
- Submitting (`survey.links.operations.submit_link`) marks the link used and writes the
  answers, sealed, into `link_pool` with a random id, in one transaction: the respondent's
  answers are durable from the moment they see "takk".
- Releasing (`release_full_batches`, by the worker every few minutes) turns the pooled answers
  into `Response` rows in another transaction, only for a batch of at least the project's
  `min_group_size` entries with the same round, school, class and respondent type (every column
  a response carries), in random order, all with the day of release as `completed_on`.
  Closing a round releases everything of the round at once (`release_round`).
- So a response's transaction id is shared by its whole batch, never by a link; its id order
  and its date are random within the batch; and a batch is at least `min_group_size` answers
  that share every other column, so knowing the order of use narrows a family down to its
  batch, no further.

What stays: while answers wait in the pool, an operator watching PostgreSQL live can join a
pool row to its link by `xmin`, and open it with the server's secret key. After release
nothing joins the two.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey.links.sealing import open_pooled, seal_pooled
from survey.models import Answer, PooledLinkResponse, Project, Response, Round

log = logging.getLogger(__name__)

#: The columns a response carries besides its answers: a batch shares all of them.
BATCH_KEY = (
    PooledLinkResponse.round_id,
    PooledLinkResponse.school_id,
    PooledLinkResponse.group_id,
    PooledLinkResponse.respondent_type,
)


def pool_response(
    session: Session,
    secret_key: str,
    where: tuple[int, int, int | None, str],
    language: str,
    answers: dict[str, dict[str, Any]],
) -> None:
    """Put a submitted link's answers in the pool (the caller has checked them)."""
    round_id, school_id, group_id, respondent_type = where
    session.add(
        PooledLinkResponse(
            id=secrets.token_hex(16),
            round_id=round_id,
            school_id=school_id,
            group_id=group_id,
            respondent_type=respondent_type,
            sealed=seal_pooled(secret_key, {"language": language, "answers": answers}),
        )
    )
    session.flush()


def release_full_batches(session: Session, secret_key: str, today) -> int:
    """Release every batch of an open round that has reached its project's min_group_size."""
    counts = session.execute(
        select(*BATCH_KEY, func.count(), Project.min_group_size)
        .join(Round, Round.id == PooledLinkResponse.round_id)
        .join(Project, Project.id == Round.project_id)
        .where(Round.status == "open")
        .group_by(*BATCH_KEY, Project.min_group_size)
    ).all()
    released = 0
    for round_id, school_id, group_id, respondent_type, waiting, smallest in counts:
        if waiting >= smallest:
            key = (round_id, school_id, group_id, respondent_type)
            released += _release(session, secret_key, today, _in_batch(key), minimum=smallest)
    if released:
        log.info("released %d pooled link responses", released)
    return released


def release_round(session: Session, secret_key: str | None, round_id: int, today) -> int:
    """Release everything pooled for the round, whatever the batch sizes (at close)."""
    conditions = [PooledLinkResponse.round_id == round_id]
    if session.scalar(select(func.count()).where(*conditions)) == 0:
        return 0
    if secret_key is None:
        raise ValueError("the secret key is needed to release pooled responses")
    released = _release(session, secret_key, today, conditions, minimum=0)
    log.info("released all %d pooled link responses of round %s", released, round_id)
    return released


def pooled_count(session: Session, round_id: int) -> int:
    return session.scalar(select(func.count()).where(PooledLinkResponse.round_id == round_id))


def _in_batch(key: tuple[int, int, int | None, str]) -> list[Any]:
    round_id, school_id, group_id, respondent_type = key
    group = (
        PooledLinkResponse.group_id.is_(None)
        if group_id is None
        else PooledLinkResponse.group_id == group_id
    )
    return [
        PooledLinkResponse.round_id == round_id,
        PooledLinkResponse.school_id == school_id,
        group,
        PooledLinkResponse.respondent_type == respondent_type,
    ]


def _release(session: Session, secret_key: str, today, conditions: Iterable[Any], minimum: int):
    """Take the rows out of the pool (a second worker finds them gone) and write responses.

    The DELETE ... RETURNING claims the rows: a concurrent release waits on them and then
    finds nothing, so no pooled response is released twice.
    """
    taken = session.execute(
        delete(PooledLinkResponse)
        .where(*conditions)
        .returning(*BATCH_KEY, PooledLinkResponse.sealed)
        .execution_options(synchronize_session=False)
    ).all()
    if len(taken) < minimum:  # another release took part of it first: wait for the next
        raise RuntimeError("a pool batch shrank while it was released")
    rows = list(taken)
    secrets.SystemRandom().shuffle(rows)
    versions = _instrument_versions(session, {row[0] for row in rows})
    for round_id, school_id, group_id, respondent_type, sealed in rows:
        opened = open_pooled(secret_key, sealed)
        response = Response(
            client_id=secrets.token_hex(16),
            round_id=round_id,
            school_id=school_id,
            group_id=group_id,
            respondent_type=respondent_type,
            instrument_version_id=versions[(round_id, respondent_type)],
            language=opened["language"],
            status="complete",
            completed_on=today,
        )
        response.answers = [
            Answer(
                item_id=item_id,
                value=given.get("value"),
                text=given.get("text"),
                is_declined=bool(given.get("declined")),
            )
            for item_id, given in opened["answers"].items()
        ]
        session.add(response)
    session.flush()
    return len(rows)


def _instrument_versions(session: Session, round_ids: set[int]) -> dict[tuple[int, str], int]:
    versions: dict[tuple[int, str], int] = {}
    for round_ in session.scalars(select(Round).where(Round.id.in_(round_ids))):
        for link in round_.instruments:
            versions[(round_.id, link.respondent_type)] = link.instrument_version_id
    return versions
