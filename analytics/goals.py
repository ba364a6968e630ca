"""Goal tracking: where a project stands against each of its goals, and why, in Norwegian.

A goal is a construct and respondent type with a target: a level to reach, or a change from
the first round (signed: -0.25 for konflikt means "down by a quarter point"). It concerns the
intervention schools (all schools when a project has no arms) at its due round. Whether a
value meets the target depends on the construct's direction: for higher_is_worse constructs
such as konflikt, lower is better.

- reached: the due round is measured and its whole 95 % CI meets the target;
- not reached: the due round is measured and its whole CI misses the target;
- on track: the due round lies ahead, and either the whole CI already meets the target, or the
  change so far is clearly (CI excluding zero) in the good direction and, continued at the
  same pace per round, meets the target by the due round;
- cannot tell yet: everything else (the CI straddles the target, too few rounds or responses).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from analytics.reporting import json_number
from analytics.trend_result import TrendResult

STATUSES = ("reached", "on_track", "not_reached", "cannot_tell")
STATUS_LABELS = {
    "reached": "nådd",
    "on_track": "i rute",
    "not_reached": "ikke nådd",
    "cannot_tell": "kan ikke si ennå",
}


@dataclass(frozen=True)
class GoalSpec:
    construct: str
    respondent_type: str
    target_kind: str  #: "level" or "change" (from the first round)
    target_value: float
    due_round: str | None  #: a round label; None means "judge at the latest round"
    higher_is_better: bool = True
    goal_id: int | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        if self.target_kind not in ("level", "change"):
            raise ValueError(f"target_kind must be 'level' or 'change', not {self.target_kind!r}")


@dataclass(frozen=True)
class GoalStatus:
    goal: GoalSpec
    status: str  #: one of STATUSES
    round: str | None  #: the round the estimate is from
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    projected: float | None  #: the estimate carried forward to the due round, when ahead
    reason: str  #: one Norwegian sentence (or two) saying why

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def summary(self) -> str:
        what = "nivå" if self.goal.target_kind == "level" else "endring"
        return (
            f"Mål: {self.goal.construct} ({self.goal.respondent_type}), {what} "
            f"{_number(self.goal.target_value)} innen {self.goal.due_round or 'siste runde'}: "
            f"{self.label.upper()}. {self.reason}"
        )

    def to_dict(self) -> dict[str, Any]:
        data = {k: json_number(v) for k, v in asdict(self).items() if k != "goal"}
        data["goal"] = {k: json_number(v) for k, v in asdict(self.goal).items()}
        data["label"] = self.label
        return data


def track_goal(
    goal: GoalSpec, trend: TrendResult, planned_rounds: Sequence[str] | None = None
) -> GoalStatus:
    """The goal's status from a fitted trend; `planned_rounds` lists every round of the project
    in time order, measured or not, so that a due round ahead can be recognised."""
    planned = [str(r) for r in (planned_rounds or trend.rounds)]
    arm = trend.arms[-1]
    table = trend.marginal_means if goal.target_kind == "level" else trend.changes
    rows = table[(table["arm"] == arm) & table["estimate"].notna()]
    measured = {str(r): row for r, row in zip(rows["round"], rows.itertuples(), strict=True)}
    due = str(goal.due_round) if goal.due_round is not None else None
    what = "nivået" if goal.target_kind == "level" else "endringen fra første runde"
    if arm == "intervention":
        # Named, so it is not read as the difference in change against the comparison schools.
        what += " på tiltaksskolene"
    target = _number(goal.target_value)
    side = "minst" if goal.higher_is_better else "høyst"

    def status(code: str, row: Any, reason: str, projected: float | None = None) -> GoalStatus:
        if row is None:
            return GoalStatus(goal, code, None, None, None, None, projected, reason)
        values = (float(row.estimate), float(row.ci_low), float(row.ci_high))
        return GoalStatus(goal, code, str(row.round), *values, projected, reason)

    if (due is not None and due in trend.rounds) or (due is None and measured):
        judged = due or list(measured)[-1]
        row = measured.get(judged)
        if row is None:
            return status("cannot_tell", None, f"Det er for få svar i {judged} til å vise tallet.")
        said = f"I {judged} er {what} {_estimate(row)}, og målet er {side} {target}."
        if _meets(row.ci_low, goal) and _meets(row.ci_high, goal):
            return status("reached", row, said + " Hele intervallet når målet.")
        if not _meets(row.ci_low, goal) and not _meets(row.ci_high, goal):
            return status("not_reached", row, said + " Hele intervallet ligger utenfor målet.")
        return status(
            "cannot_tell",
            row,
            said + " Intervallet rommer både verdier som når målet og verdier som ikke gjør det.",
        )
    if due is not None and (due not in planned or trend.rounds[0] not in planned):
        return status("cannot_tell", None, f"Runden målet gjelder ({due}) er ikke kjent.")
    if not measured:
        first_only = "Bare første runde er målt, så en endring kan vurderes fra neste runde."
        none_yet = "Det finnes ennå ingen tall å vurdere målet mot."
        return status("cannot_tell", None, first_only if trend.rounds else none_yet)
    latest = list(measured)[-1]
    if due is not None and planned.index(due) <= planned.index(latest):
        return status(
            "cannot_tell", None, f"Det finnes ingen svar fra {due}, runden målet gjelder."
        )
    row = measured[latest]
    said = f"I {latest} er {what} {_estimate(row)}; målet er {side} {target} i {due}."
    if _meets(row.ci_low, goal) and _meets(row.ci_high, goal):
        return status("on_track", row, said + " Hele intervallet når allerede målet.")
    change = trend.changes[(trend.changes["arm"] == arm) & (trend.changes["round"] == latest)]
    if change.empty or change["estimate"].isna().all():
        return status("cannot_tell", row, said + " Det trengs minst to målte runder.")
    base = planned.index(trend.rounds[0])
    ratio = (planned.index(due) - base) / (planned.index(latest) - base)
    projected = (
        float(row.estimate) * ratio
        if goal.target_kind == "change"
        else _baseline(trend, arm) + float(change["estimate"].iloc[0]) * ratio
    )
    good_direction = (
        float(change["ci_low"].iloc[0]) > 0
        if goal.higher_is_better
        else float(change["ci_high"].iloc[0]) < 0
    )
    pace = f" Fortsetter utviklingen i samme takt, ventes {_number(projected)} i {due}"
    if good_direction and _meets(projected, goal):
        return status("on_track", row, said + pace + ", som når målet.", projected)
    reason = pace + (
        ", som ikke når målet." if good_direction else ", men endringen så langt er usikker."
    )
    return status("cannot_tell", row, said + reason, projected)


def _meets(value: float, goal: GoalSpec) -> bool:
    return value >= goal.target_value if goal.higher_is_better else value <= goal.target_value


def _baseline(trend: TrendResult, arm: str) -> float:
    means = trend.marginal_means
    first = means[(means["arm"] == arm) & (means["round"] == trend.rounds[0])]
    return float(first["estimate"].iloc[0]) if not first.empty else math.nan


def _number(value: float) -> str:
    """Norwegian decimals and minus sign, as the dashboards' tables: 0,25 and −0,30."""
    text = f"{abs(value):.2f}".replace(".", ",")
    return "\u2212" + text if value < 0 and text != "0,00" else text


def _estimate(row: Any) -> str:
    return f"{_number(row.estimate)} (95 % KI {_number(row.ci_low)} til {_number(row.ci_high)})"


# What would settle an undecided goal.
#
# What would settle an undecided goal: more schools, or more rounds at the current trend.
#
# A goal "cannot tell yet" when the 95 % CI of its estimate straddles the target. Two things
# can settle it, and both are computed from the fitted model's own standard error (the CI):
#
# - **More schools.** In the trend model the standard error of a round's level or change is
#   dominated by the school-level variances, Var = c / schools (see `analytics.power`), so with
#   the same respondents per school the CI's half-width h shrinks with 1/sqrt(schools). If the
#   estimate stays at its distance d from the target, the CI excludes the target once
#   schools >= schools_now x (h / d)^2 (per arm, with a normal quantile: a slight underestimate
#   for very few schools, which the sentence says with "omtrent").
# - **More rounds.** When the due round lies ahead and the change so far points the good way,
#   the change per round continued in a straight line crosses target +- h (the CI half-width
#   kept as it is) in a round that can be named.
#
# Pure: it takes the `GoalStatus` and `TrendResult` the analysis stored, and returns a small
# frozen dataclass with one Norwegian sentence.

#: Beyond this many schools per arm the answer is "no realistic number settles it".
MAX_SCHOOLS = 500


@dataclass(frozen=True)
class GoalOutlook:
    schools_now: int | None  #: schools in the goal's arm now
    schools_needed: int | None  #: per arm, for the CI to settle the goal at this estimate
    decided_at_round: int | None  #: 1-based number of the round (first round = 1)
    decided_round_label: str | None  #: that round's label, when it is planned
    sentence: str  #: what would settle it, in one Norwegian sentence

    def to_dict(self) -> dict[str, Any]:
        return {key: json_number(value) for key, value in asdict(self).items()}

    def summary(self) -> str:
        return self.sentence


def schools_needed(half_width: float, distance: float, schools_now: int) -> int | None:
    """Schools per arm for a CI of this half-width to exclude a target `distance` away."""
    if schools_now < 1 or not math.isfinite(half_width) or half_width <= 0:
        return None
    if not math.isfinite(distance) or distance <= 0:
        return None
    needed = math.ceil(schools_now * (half_width / distance) ** 2 - 1e-9)
    return max(needed, schools_now) if needed <= MAX_SCHOOLS else None


def rounds_to_decide(
    start: float, per_round: float, half_width: float, target: float, higher_is_better: bool
) -> int | None:
    """Rounds after the first at which start + per_round x k, +- half_width, meets the target.

    None when the trend does not point towards the target.
    """
    good = per_round > 0 if higher_is_better else per_round < 0
    if not good or not math.isfinite(per_round) or not math.isfinite(half_width):
        return None
    edge = target + half_width if higher_is_better else target - half_width
    steps = (edge - start) / per_round
    return max(math.ceil(steps - 1e-9), 1)


def goal_outlook(
    status: GoalStatus, trend: TrendResult, planned_rounds: Sequence[str] | None = None
) -> GoalOutlook | None:
    """What would settle a goal the analysis could not decide; None for a decided goal or one
    without an estimate."""
    if status.status != "cannot_tell" or status.estimate is None:
        return None
    if status.ci_low is None or status.ci_high is None:
        return None
    goal = status.goal
    arm = trend.arms[-1]
    schools_now = int(trend.schools_per_arm.get(arm, 0)) or None
    half_width = (status.ci_high - status.ci_low) / 2
    distance = abs(status.estimate - goal.target_value)
    needed = schools_needed(half_width, distance, schools_now or 0)
    planned = [str(r) for r in (planned_rounds or trend.rounds)]
    at_round, label = _round_at_trend(status, trend, planned, half_width)
    parts = []
    if needed is not None and needed > (schools_now or 0):
        parts.append(
            f"med omtrent {needed} skoler i armen i stedet for {schools_now}, hvis estimatet "
            f"holder seg på {_number(status.estimate)}"
        )
    if at_round is not None:
        when = f"i {label}" if label else f"i runde nummer {at_round}"
        parts.append(f"{when} hvis utviklingen fortsetter i samme takt")
    if not parts:
        sentence = (
            "Estimatet ligger så nær målet at verken flere skoler eller flere runder i samme "
            "takt kan avgjøre det."
        )
    else:
        sentence = "Målet kan avgjøres " + " – eller ".join(parts) + "."
    return GoalOutlook(schools_now, needed, at_round, label, sentence)


def _round_at_trend(
    status: GoalStatus, trend: TrendResult, planned: list[str], half_width: float
) -> tuple[int | None, str | None]:
    goal = status.goal
    arm = trend.arms[-1]
    changes = trend.changes[(trend.changes["arm"] == arm) & trend.changes["estimate"].notna()]
    changes = changes[changes["round"].astype(str) != str(trend.rounds[0])]
    if changes.empty or trend.rounds[0] not in planned:
        return None, None
    latest = changes.iloc[-1]
    base = planned.index(str(trend.rounds[0]))
    if str(latest["round"]) not in planned:
        return None, None
    steps_so_far = planned.index(str(latest["round"])) - base
    if steps_so_far <= 0:
        return None, None
    per_round = float(latest["estimate"]) / steps_so_far
    start = 0.0 if goal.target_kind == "change" else _baseline(trend, arm)
    steps = rounds_to_decide(start, per_round, half_width, goal.target_value, goal.higher_is_better)
    if steps is None or steps <= steps_so_far:
        return None, None
    index = base + steps
    return steps + 1, planned[index] if index < len(planned) else None
