"""Fit the models of a project and store their results in ModelResult. Only flush.

For each respondent type and construct: the trend model, the suppressed descriptive tables,
reliability per round and the status of its goals, each as one ModelResult row holding the
result's `to_dict()`; beside them the released counts of `snapshots` (item answers, sent
responses). All of it comes from the sent responses of closed rounds (see queries).
A fingerprint of the input data (answers, goals, settings and the analysis version) is stored
with every row, so a recompute on unchanged data is skipped.

Each construct x respondent type, and each kind of result, is computed on its own: the trend
is the model its data carry (see analytics.trend_fallback), and anything that still fails is
stored as a result saying why, in Norwegian, without stopping the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analytics.descriptives import describe
from analytics.goals import GoalStatus, track_goal
from analytics.panel import panel_change
from analytics.reliability import ReliabilityResult, reliability
from analytics.scoring import score_constructs
from analytics.trend import TrendResult
from analytics.trend_fallback import fit_with_fallback
from survey.analysis import queries, snapshots
from survey.clock import utcnow
from survey.models import Goal, ModelResult, Project
from survey.rounds import counts

log = logging.getLogger(__name__)

#: Change this when the analysis changes, so that stored results are recomputed.
#: .4: design checks, goal reasons that name their figure; .5: the ordinal sensitivity model;
#: 12-04.1: a panel's own changes per round hidden together with a hidden arm
ANALYSIS_VERSION = "2026-12-04.1"
KINDS = ("trend", "descriptives", "reliability", "goals", snapshots.ITEMS, snapshots.RESPONSES)
#: Stored for a result that could not be computed; the page shows the reason.
FAILED_REASON = "Dette resultatet kunne ikke beregnes på grunn av en feil i beregningen."


class ProjectNotFoundError(LookupError):
    """There is no project with this id."""


@dataclass(frozen=True)
class AnalysisRun:
    project_id: int
    fingerprint: str
    is_skipped: bool  #: the stored results were already of this data
    stored: int  #: ModelResult rows written


def analyze_project(session: Session, project_id: int, force: bool = False) -> AnalysisRun:
    """Fit every construct x respondent type of a project and store the results."""
    project = session.get(Project, project_id)
    if project is None:
        raise ProjectNotFoundError(f"there is no project with id {project_id}")
    answers = queries.project_answers(session, project_id, panel=project.is_panel)
    goals = queries.project_goals(session, project_id)
    fingerprint = _fingerprint(answers, goals, project.min_group_size)
    if not force and _is_current(session, project_id, fingerprint):
        return AnalysisRun(project_id, fingerprint, True, 0)
    for round_id in queries.closed_round_ids(session, project_id):
        counts.log_over_enrolled_classes(session, round_id, log)
    versions = [int(v) for v in answers["instrument_version"].unique()]
    constructs = queries.instrument_constructs(session, versions)
    planned = queries.round_labels(session, project_id)
    results: dict[tuple[str, str, str], dict[str, Any]] = {}
    directions: dict[tuple[str, str], bool] = {}
    for respondent_type, part in answers.groupby("respondent_type", sort=True):
        try:
            scored, directions_of_type = _scores(part, constructs)
        except Exception:
            log.exception("scoring %s answers of project %s failed", respondent_type, project_id)
            results.update(_unscored(str(respondent_type), part, constructs))
            continue
        directions.update({(str(respondent_type), c): d for c, d in directions_of_type.items()})
        for construct, scores in scored.groupby("construct", sort=True):
            key = (str(construct), str(respondent_type))
            results.update(_analyses(key, scores, part, constructs, project.min_group_size))
            if "pupil" in scores.columns and respondent_type == "pupil":
                higher = directions.get(key[::-1], True)
                results[(*key, "panel")] = _panel(key, scores, higher, project.min_group_size)
    for key, result in _goal_results(goals, results, directions, planned).items():
        results[key] = result
    results.update(snapshots.item_counts(answers, constructs))
    results.update(snapshots.response_counts(session, project_id))
    session.execute(delete(ModelResult).where(ModelResult.project_id == project_id))
    for (construct, respondent_type, kind), result in results.items():
        session.add(
            ModelResult(
                project_id=project_id,
                construct=construct,
                respondent_type=respondent_type,
                kind=kind,
                computed_at=utcnow(),
                data_fingerprint=fingerprint,
                result=result,
            )
        )
    session.flush()
    log.info("analysed project %s: %d results stored", project_id, len(results))
    return AnalysisRun(project_id, fingerprint, False, len(results))


def stored_results(session: Session, project_id: int) -> list[ModelResult]:
    return list(
        session.scalars(
            select(ModelResult)
            .where(ModelResult.project_id == project_id)
            .order_by(ModelResult.respondent_type, ModelResult.construct, ModelResult.kind)
        )
    )


def _scores(
    answers: pd.DataFrame, constructs: dict[int, list[queries.ScoredConstruct]]
) -> tuple[pd.DataFrame, dict[str, bool]]:
    """Scale scores of one respondent type, each response scored by its own version."""
    parts = []
    directions: dict[str, bool] = {}
    for version, rows in answers.groupby("instrument_version", sort=True):
        infos = constructs.get(int(version), [])
        directions.update({info.spec.id: info.higher_is_better for info in infos})
        parts.append(score_constructs(rows, [info.spec for info in infos]))
    return pd.concat(parts, ignore_index=True), directions


def _analyses(
    key: tuple[str, str],
    scores: pd.DataFrame,
    answers: pd.DataFrame,
    constructs: dict[int, list[queries.ScoredConstruct]],
    min_group_size: int,
) -> dict[tuple[str, str, str], dict[str, Any]]:
    construct, respondent_type = key
    group = "group" if respondent_type == "pupil" else None
    labels = {"construct": construct, "respondent_type": respondent_type}
    # Panel mode: `(1 | pupil)` nested in school, from the pupil column (NaN: seen once).
    panel = {"pupil": "pupil"} if "pupil" in scores.columns and group is not None else {}
    computations = {
        "trend": lambda: fit_with_fallback(
            scores, group=group, min_group_size=min_group_size, **labels, **panel
        ).to_dict(),
        "descriptives": lambda: describe(
            scores, group=group, min_group_size=min_group_size, **labels
        ).to_dict(),
        "reliability": lambda: _reliability(construct, answers, constructs, min_group_size),
    }
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for kind, compute in computations.items():
        try:
            out[(*key, kind)] = compute()
        except Exception:
            log.exception("%s of %s/%s failed", kind, respondent_type, construct)
            out[(*key, kind)] = failed_result(kind, construct, respondent_type)
    return out


def _panel(
    key: tuple[str, str], scores: pd.DataFrame, higher_is_better: bool, min_group_size: int
) -> dict[str, Any]:
    construct, respondent_type = key
    try:
        return panel_change(
            scores,
            higher_is_better=higher_is_better,
            construct=construct,
            respondent_type=respondent_type,
            min_group_size=min_group_size,
        ).to_dict()
    except Exception:
        log.exception("panel figures of %s/%s failed", respondent_type, construct)
        return failed_result("panel", construct, respondent_type)


def failed_result(kind: str, construct: str, respondent_type: str) -> dict[str, Any]:
    """What is stored for a result that raised: the kind, and why there is nothing."""
    return {
        "kind": kind,
        "construct": construct,
        "respondent_type": respondent_type,
        "model": "none",
        "reason_nb": FAILED_REASON,
        "error": FAILED_REASON,
    }


def _unscored(
    respondent_type: str,
    answers: pd.DataFrame,
    constructs: dict[int, list[queries.ScoredConstruct]],
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Failed results for every construct of answers that could not be scored."""
    names = {
        info.spec.id
        for version in answers["instrument_version"].unique()
        for info in constructs.get(int(version), [])
    }
    return {
        (name, respondent_type, kind): failed_result(kind, name, respondent_type)
        for name in sorted(names)
        for kind in ("trend", "descriptives", "reliability")
    }


def _reliability(
    construct: str,
    answers: pd.DataFrame,
    constructs: dict[int, list[queries.ScoredConstruct]],
    min_group_size: int,
) -> dict[str, Any]:
    tables = []
    for version, rows in answers.groupby("instrument_version", sort=True):
        specs = [i.spec for i in constructs.get(int(version), []) if i.spec.id == construct]
        if specs:
            tables.append(reliability(rows, specs, min_responses=min_group_size).table)
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return ReliabilityResult(table).to_dict()


def _goal_results(
    goals: list[Goal],
    results: dict[tuple[str, str, str], dict[str, Any]],
    directions: dict[tuple[str, str], bool],
    planned: list[str],
) -> dict[tuple[str, str, str], dict[str, Any]]:
    statuses: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for goal in goals:
        key = (goal.construct, goal.respondent_type)
        spec = queries.goal_spec(goal, directions.get((goal.respondent_type, goal.construct), True))
        trend = results.get((*key, "trend"))
        if trend is None or "error" in trend or trend.get("model") == "descriptives":
            reason = "Det finnes ennå ingen trendmodell for dette målet."
            if trend is not None and trend.get("reason_nb"):
                reason += " " + trend["reason_nb"]
            status = GoalStatus(spec, "cannot_tell", None, None, None, None, None, reason)
        else:
            try:
                status = track_goal(spec, TrendResult.from_dict(trend), planned)
            except Exception:
                log.exception("goal %s of %s/%s failed", goal.id, *key)
                reason = FAILED_REASON
                status = GoalStatus(spec, "cannot_tell", None, None, None, None, None, reason)
        statuses.setdefault((*key, "goals"), []).append(status.to_dict())
    return {key: {"kind": "goals", "goals": value} for key, value in statuses.items()}


def _fingerprint(answers: pd.DataFrame, goals: list[Goal], min_group_size: int) -> str:
    digest = hashlib.sha256()
    digest.update(ANALYSIS_VERSION.encode())
    digest.update(str(min_group_size).encode())
    digest.update(json.dumps(list(answers["round"].cat.categories)).encode())
    hashed = pd.util.hash_pandas_object(answers.astype({"round": str}), index=False)
    digest.update(hashed.to_numpy().tobytes())
    for goal in goals:
        due = goal.due_round.label if goal.due_round is not None else None
        fields = [goal.id, goal.construct, goal.respondent_type, goal.target_kind]
        digest.update(json.dumps([*fields, goal.target_value, due]).encode())
    return digest.hexdigest()


def _is_current(session: Session, project_id: int, fingerprint: str) -> bool:
    stored = session.scalars(
        select(ModelResult.data_fingerprint).where(ModelResult.project_id == project_id)
    ).all()
    return bool(stored) and all(value == fingerprint for value in stored)
