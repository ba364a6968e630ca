"""Reads for the dashboards: the ModelResult cache, rounds, invitations, instruments.

Nothing here fits a model or reads an answer. Every figure built from answers, item counts
and response counts included, comes from the snapshot the analysis job stored for the closed
rounds (`survey.analysis.snapshots`); only the response monitor counts live.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboards.catalog import Catalog, catalog_of
from survey.models import (
    AccessCode,
    Group,
    InstrumentVersion,
    ModelResult,
    Round,
    RoundInstrument,
    School,
)
from survey.responses.operations import instrument_of_id

#: Catalogs by the (id, content hash) of the instrument versions they were built from.
_catalogs: LRUCache[tuple[tuple[int, str], ...], Catalog] = LRUCache(maxsize=256)
_catalogs_lock = threading.Lock()


@dataclass(frozen=True)
class RoundInfo:
    id: int
    label: str
    status: str
    opens_at: dt.datetime
    closes_at: dt.datetime

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Cached:
    construct: str
    respondent_type: str
    kind: str
    result: dict[str, Any]


def project_rounds(session: Session, project_id: int) -> list[RoundInfo]:
    rows = session.execute(
        select(Round.id, Round.label, Round.status, Round.opens_at, Round.closes_at)
        .where(Round.project_id == project_id)
        .order_by(Round.opens_at, Round.id)
    )
    return [RoundInfo(*row) for row in rows]


def cached_results(
    session: Session,
    project_id: int,
    kinds: Sequence[str],
    respondent_type: str | None = None,
    construct: str | None = None,
) -> list[Cached]:
    query = select(
        ModelResult.construct, ModelResult.respondent_type, ModelResult.kind, ModelResult.result
    ).where(ModelResult.project_id == project_id, ModelResult.kind.in_(kinds))
    if respondent_type is not None:
        query = query.where(ModelResult.respondent_type == respondent_type)
    if construct is not None:
        query = query.where(ModelResult.construct == construct)
    return [Cached(*row) for row in session.execute(query)]


def invited_counts(
    session: Session, project_id: int, round_ids: Iterable[int]
) -> dict[tuple[int, str], int]:
    """Who could answer, per (round id, respondent type): enrolled pupils in every round;
    parents and staff by the links made for that round (unknown when none were made)."""
    enrolled = session.scalar(
        select(func.coalesce(func.sum(Group.enrolled), 0))
        .join(School, Group.school_id == School.id)
        .where(School.project_id == project_id)
    )
    counts = {(round_id, "pupil"): int(enrolled or 0) for round_id in round_ids}
    links = session.execute(
        select(AccessCode.round_id, AccessCode.respondent_type, func.count())
        .join(Round, AccessCode.round_id == Round.id)
        .where(Round.project_id == project_id, AccessCode.kind == "link")
        .group_by(AccessCode.round_id, AccessCode.respondent_type)
    )
    counts.update({(round_id, kind): int(n) for round_id, kind, n in links})
    return counts


def project_catalog(session: Session, project_id: int) -> Catalog:
    """Construct and item names of the instrument versions the project's rounds ask.

    Frozen versions never change, so the catalog of a set of versions is built once per
    process and then shared: every dashboard page and report asks for it."""
    versions = tuple(
        (version_id, content_hash)
        for version_id, content_hash in session.execute(
            select(InstrumentVersion.id, InstrumentVersion.content_hash)
            .join(RoundInstrument, RoundInstrument.instrument_version_id == InstrumentVersion.id)
            .join(Round, RoundInstrument.round_id == Round.id)
            .where(Round.project_id == project_id)
            .group_by(InstrumentVersion.id, InstrumentVersion.content_hash)
            .order_by(InstrumentVersion.id)
        )
    )
    with _catalogs_lock:
        found = _catalogs.get(versions)
    if found is None:
        found = catalog_of(instrument_of_id(session, *version) for version in versions)
        with _catalogs_lock:
            _catalogs[versions] = found
    return found
