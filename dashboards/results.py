"""The cached analysis results as the dashboards read them: small frozen records.

The ModelResult cache holds each result's `to_dict()` (see survey/analysis). Building pandas
frames for every chart on every request would cost more than the page, so the records are
read as they are: a trend's means, changes and contrasts keyed by round and arm.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analytics.design_check import DesignCheck
from analytics.ordinal_sensitivity import OrdinalSensitivity

INTERVENTION = "intervention"
COMPARISON = "comparison"


@dataclass(frozen=True)
class Estimate:
    """One estimate with its 95 % interval; `value` is None when hidden or not estimable."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False
    se: float | None = None

    @property
    def is_shown(self) -> bool:
        return self.value is not None

    @property
    def excludes_zero(self) -> bool:
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0 or self.ci_high < 0

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Estimate:
        return cls(
            _finite(record.get("estimate")),
            _finite(record.get("ci_low")),
            _finite(record.get("ci_high")),
            bool(record.get("suppressed", False)),
            _finite(record.get("se")),
        )


HIDDEN = Estimate(None, suppressed=True)


@dataclass(frozen=True)
class TrendView:
    """One stored trend model (construct x respondent type), or the reason there is none."""

    construct: str
    respondent_type: str
    rounds: tuple[str, ...] = ()
    arms: tuple[str, ...] = ()
    means: dict[tuple[str, str], Estimate] = field(default_factory=dict)
    changes: dict[tuple[str, str], Estimate] = field(default_factory=dict)
    dids: dict[str, Estimate] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    variances: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    min_group_size: int = 10
    error: str | None = None
    #: the rung of the fallback chain: full, no_school_round, single_level or descriptives
    model: str = "full"
    reason: str = ""  #: why not the full model, in Norwegian (as stored)
    #: the design-based check of each round's DiD (randomisation p, two-stage interval)
    design: dict[str, DesignCheck] = field(default_factory=dict)
    #: panel mode: pupils followed over two or more rounds with `(1 | pupil)`; 0 otherwise
    panel_pupils: int = 0
    #: the ordinal model's DiD beside the linear one (single items and short scales)
    ordinal: OrdinalSensitivity | None = None
    #: the minimum detectable DiD at the last round, and (panel fits) the same answers' MDE
    #: had they come from unlinked pupils; None when not estimable
    mde: float | None = None
    mde_cross_section: float | None = None
    power: float = 0.8

    @property
    def has_comparison(self) -> bool:
        return INTERVENTION in self.arms and COMPARISON in self.arms

    def mean(self, round_label: str, arm: str) -> Estimate:
        return self.means.get((round_label, arm), HIDDEN)

    def change(self, round_label: str, arm: str) -> Estimate:
        if self.rounds and round_label == self.rounds[0]:
            return Estimate(0.0, 0.0, 0.0)
        return self.changes.get((round_label, arm), HIDDEN)

    def did(self, round_label: str) -> Estimate:
        return self.dids.get(round_label, HIDDEN)

    def icc(self, component: str) -> float | None:
        """The share of the total variance that lies in one component (None: not fitted)."""
        total = sum(self.variances.values())
        if component not in self.variances or total <= 0:
            return None
        return self.variances[component] / total

    def responses(self, round_label: str, arm: str | None = None) -> int:
        arms = [arm] if arm else self.arms
        return sum(self.counts.get((round_label, a), 0) for a in arms)


def trend_view(result: Mapping[str, Any]) -> TrendView:
    construct, respondent_type = str(result["construct"]), str(result["respondent_type"])
    if "error" in result:
        reason = str(result.get("reason_nb") or result["error"])
        return TrendView(construct, respondent_type, error=reason, model="none", reason=reason)
    means = {
        (str(r["round"]), str(r["arm"])): Estimate.from_record(r) for r in result["marginal_means"]
    }
    counts = {(str(r["round"]), str(r["arm"])): int(r["responses"] or 0) for r in result["counts"]}
    # A hidden mean's n is hidden too, as in every other suppressed table.
    hidden = {key for key, mean in means.items() if mean.suppressed}
    return TrendView(
        construct=construct,
        respondent_type=respondent_type,
        rounds=tuple(str(r) for r in result["rounds"]),
        arms=tuple(str(a) for a in result["arms"]),
        means=means,
        changes={
            (str(r["round"]), str(r["arm"])): Estimate.from_record(r) for r in result["changes"]
        },
        dids={str(r["round"]): Estimate.from_record(r) for r in result["contrasts"]},
        counts={key: n for key, n in counts.items() if key not in hidden},
        variances={
            str(r["component"]): float(r["variance"] or 0.0) for r in result["variance_components"]
        },
        warnings=tuple(result.get("warnings", ())),
        min_group_size=int(result.get("min_group_size", 10)),
        model=str(result.get("model", "full")),  # results stored before the field: full
        reason=str(result.get("reason_nb", "")),
        design={str(c["round"]): DesignCheck.from_dict(c) for c in result.get("design_checks", ())},
        panel_pupils=int(result.get("panel_pupils", 0) or 0),
        ordinal=OrdinalSensitivity.from_dict(ordinal)
        if (ordinal := result.get("ordinal_sensitivity"))
        else None,
        mde=_finite(result.get("mde")),
        mde_cross_section=_finite(result.get("mde_cross_section")),
        power=float(result.get("power", 0.8) or 0.8),
    )


@dataclass(frozen=True)
class GoalView:
    """A goal and its status as the analysis judged it."""

    construct: str
    respondent_type: str
    target_kind: str  #: "level" or "change"
    target_value: float
    due_round: str | None
    status: str  #: reached, on_track, not_reached, cannot_tell
    reason: str
    description: str | None


def goal_views(result: Mapping[str, Any]) -> list[GoalView]:
    views = []
    for entry in result.get("goals", []):
        goal = entry.get("goal", {})
        if "target_kind" not in goal:
            continue  # no trend model yet: nothing to draw
        views.append(
            GoalView(
                construct=str(goal["construct"]),
                respondent_type=str(goal["respondent_type"]),
                target_kind=str(goal["target_kind"]),
                target_value=float(goal["target_value"]),
                due_round=goal.get("due_round"),
                status=str(entry.get("status", "cannot_tell")),
                reason=str(entry.get("reason", "")),
                description=goal.get("description"),
            )
        )
    return views


def descriptive_rows(
    result: Mapping[str, Any], level: str, rounds: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """The rows of a stored descriptive table at one level (alle, arm, skole, gruppe)."""
    wanted = set(rounds) if rounds is not None else None
    return [
        row
        for row in result.get("table", [])
        if row["level"] == level and (wanted is None or str(row["round"]) in wanted)
    ]


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
