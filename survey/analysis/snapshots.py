"""The released snapshot's counts: item answers and sent responses of closed rounds.

The dashboards show item distributions and response rates beside the models. Counted in a
page request from live rows, they moved with every answer a pupil gave, sent or not (issue
13, finding 1). Here the analysis job counts them once, from the same sent responses of
closed rounds the models are fitted on, and stores them as ModelResult rows of their own
kinds; the dashboards suppress and draw them as they do the models.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.analysis import queries
from survey.models import ModelResult, Response, Round

ITEMS = "items"
RESPONSES = "responses"
#: The construct column of a `responses` row: sent responses are counted per respondent type.
EVERY_CONSTRUCT = "*"
COUNT_COLUMNS = ("round", "school", "arm", "item", "value", "declined", "count")


def item_counts(
    answers: pd.DataFrame, constructs: dict[int, list[queries.ScoredConstruct]]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Answers per round, school (by code), arm, item and value, declined as value None, for
    each construct x respondent type; unsuppressed, as `dashboards.items` takes them."""
    items_of: dict[tuple[str, str], set[str]] = {}
    for (version, kind), _rows in answers.groupby(
        ["instrument_version", "respondent_type"], sort=True
    ):
        for info in constructs.get(int(version), []):
            key = (info.spec.id, str(kind))
            items_of.setdefault(key, set()).update(item for item, _ in info.spec.items)
    out = {}
    for (construct, kind), items in sorted(items_of.items()):
        part = answers[(answers["respondent_type"] == kind) & answers["item"].isin(items)]
        out[(construct, kind, ITEMS)] = {
            "kind": ITEMS,
            "construct": construct,
            "respondent_type": kind,
            "counts": _counted(part),
        }
    return out


def _counted(part: pd.DataFrame) -> list[dict[str, Any]]:
    frame = pd.DataFrame(
        {
            "round": part["round"].astype(str),
            "school": part["school"].astype(str),
            "arm": part["arm"].astype(str),
            "item": part["item"].astype(str),
            "value": part["value"].astype("Int64").fillna(-1),
            "declined": part["declined"].astype(bool),
        }
    )
    grouped = frame.groupby(list(COUNT_COLUMNS[:-1]), sort=True).size()
    return [
        {
            "round": round_label,
            "school": school,
            "arm": arm,
            "item": item,
            "value": None if declined or value < 0 else int(value),
            "declined": bool(declined),
            "count": int(n),
        }
        for (round_label, school, arm, item, value, declined), n in grouped.items()
    ]


def response_counts(session: Session, project_id: int) -> dict[tuple[str, str, str], Any]:
    """Sent responses per closed round, for each respondent type: the n of a response rate."""
    rows = session.execute(
        select(Response.respondent_type, Round.label, func.count())
        .join(Round, Response.round_id == Round.id)
        .where(
            Round.project_id == project_id,
            Round.status == queries.RELEASED_ROUND_STATUS,
            Response.status == queries.COUNTED_RESPONSE_STATUS,
        )
        .group_by(Response.respondent_type, Round.label)
        .order_by(Response.respondent_type, Round.label)
    )
    per_type: dict[str, dict[str, int]] = {}
    for kind, round_label, n in rows:
        per_type.setdefault(str(kind), {})[str(round_label)] = int(n)
    return {
        (EVERY_CONSTRUCT, kind, RESPONSES): {
            "kind": RESPONSES,
            "construct": EVERY_CONSTRUCT,
            "respondent_type": kind,
            "rounds": counts,
        }
        for kind, counts in per_type.items()
    }


def released_item_counts(
    session: Session, project_id: int, respondent_type: str, construct: str
) -> pd.DataFrame:
    """The stored item counts of one construct (columns COUNT_COLUMNS), empty before any
    round has closed; pass them through `dashboards.items.distributions` before showing."""
    stored = session.scalar(
        select(ModelResult.result).where(
            ModelResult.project_id == project_id,
            ModelResult.respondent_type == respondent_type,
            ModelResult.construct == construct,
            ModelResult.kind == ITEMS,
        )
    )
    rows = stored["counts"] if stored else []
    return pd.DataFrame(rows, columns=list(COUNT_COLUMNS))


def released_response_counts(session: Session, project_id: int) -> dict[tuple[str, str], int]:
    """Sent responses per (round label, respondent type), as stored for the closed rounds."""
    stored = session.scalars(
        select(ModelResult.result).where(
            ModelResult.project_id == project_id, ModelResult.kind == RESPONSES
        )
    )
    return {
        (round_label, str(result["respondent_type"])): int(n)
        for result in stored
        for round_label, n in result["rounds"].items()
    }
