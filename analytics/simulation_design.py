"""The known truth behind the demo data: constructs, true effects, rounds and the study design.

Kept apart from the simulator so that tests and later statistics can import the truth they
should recover without pulling in the machinery that draws the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

RESPONDENT_TYPES: tuple[str, ...] = ("pupil", "parent", "staff")
ARMS: tuple[str, ...] = ("intervention", "comparison")


@dataclass(frozen=True)
class TrueEffect:
    """The population truth for one construct and respondent type, on the scale-score level.

    The mean moves linearly over the rounds, by the given total from first to last round.
    """

    respondent_type: str
    construct: str
    baseline_mean: float
    intervention_change: float  #: total change first -> last round, intervention arm
    comparison_change: float  #: total change first -> last round, comparison arm

    @property
    def did(self) -> float:
        """The difference-in-differences a trend model should recover."""
        return self.intervention_change - self.comparison_change

    def mean_at(self, arm: str, round_index: int, round_count: int) -> float:
        """The true mean in one arm and round, moving linearly from baseline."""
        change = self.intervention_change if arm == "intervention" else self.comparison_change
        share = round_index / (round_count - 1) if round_count > 1 else 0.0
        return self.baseline_mean + change * share


#: Construct ids follow the bundled instruments in `instruments/data/`. The values mirror the
#: table in the `analytics.simulation` docstring (a test keeps the two in step).
DEMO_TRUE_EFFECTS: tuple[TrueEffect, ...] = (
    TrueEffect("pupil", "trivsel", 3.9, 0.10, 0.02),
    TrueEffect("pupil", "venner", 3.8, 0.15, 0.0),
    TrueEffect("pupil", "konflikt", 2.6, -0.30, 0.0),
    TrueEffect("pupil", "arbeidsro", 3.2, 0.20, 0.0),
    TrueEffect("pupil", "sett_av_voksne", 3.6, 0.25, 0.0),
    TrueEffect("parent", "trivsel", 4.0, 0.05, 0.0),
    TrueEffect("parent", "konflikt", 2.4, -0.20, 0.0),
    TrueEffect("parent", "arbeidsro", 3.4, 0.10, 0.0),
    TrueEffect("parent", "samarbeid_hjem_skole", 3.5, 0.15, 0.05),
    TrueEffect("parent", "kjennskap_sosialarbeider", 2.6, 0.50, 0.0),
    TrueEffect("staff", "konflikt", 2.9, -0.35, 0.0),
    TrueEffect("staff", "arbeidsro", 3.1, 0.25, 0.0),
    TrueEffect("staff", "tid_til_undervisning", 3.2, 0.20, 0.0),
    TrueEffect("staff", "samarbeid_sosialarbeider", 3.0, 0.40, 0.0),
    TrueEffect("staff", "rolleklarhet", 3.1, 0.35, 0.05),
)

#: Constructs without a listed effect sit at this baseline and do not change in either arm.
DEFAULT_BASELINE_MEAN: float = 3.5


def true_effect(
    respondent_type: str,
    construct: str,
    effects: tuple[TrueEffect, ...] = DEMO_TRUE_EFFECTS,
) -> TrueEffect:
    """Look up the truth for a construct; unlisted constructs get baseline 3.5 and no change."""
    for effect in effects:
        if effect.respondent_type == respondent_type and effect.construct == construct:
            return effect
    return TrueEffect(respondent_type, construct, DEFAULT_BASELINE_MEAN, 0.0, 0.0)


@dataclass(frozen=True)
class RoundSpec:
    """A survey window; both dates are inclusive."""

    label: str
    opens_on: date
    closes_on: date


def _three_weeks_from(opens_on: date) -> RoundSpec:
    label = f"{'Høst' if opens_on.month >= 8 else 'Vår'} {opens_on.year}"
    return RoundSpec(label, opens_on, opens_on + timedelta(days=20))


DEMO_ROUNDS: tuple[RoundSpec, ...] = tuple(
    _three_weeks_from(day)
    for day in (date(2021, 10, 18), date(2022, 4, 19), date(2022, 10, 17), date(2023, 4, 17))
)


def school_year_rounds(count: int, first_year: int = 2021) -> tuple[RoundSpec, ...]:
    """Autumn and spring rounds from autumn `first_year`, for designs longer than the demo.

    Autumn rounds open on Monday of ISO week 42 and spring rounds on Monday of ISO week 16.
    """
    opens = [
        date.fromisocalendar(first_year + (i + 1) // 2, 16 if i % 2 else 42, 1)
        for i in range(count)
    ]
    return tuple(_three_weeks_from(day) for day in opens)


@dataclass(frozen=True)
class DemoDesign:
    """The shape of a simulated evaluation and the variance components that generate it.

    The default is the demo project: 4 + 4 schools, grades 5 and 6 with two classes each,
    four rounds. SDs are on the scale-score level (1-5) unless they say item.
    """

    schools_per_arm: int = 4
    grades: tuple[int, ...] = (5, 6)
    classes_per_grade: int = 2
    pupils_per_class: int = 22
    enrolled_spread: int = 3  #: enrolled per class is pupils_per_class ± this, uniformly
    pupil_response_rate: float = 0.88
    rounds: tuple[RoundSpec, ...] = DEMO_ROUNDS
    parent_response_rate: float = 0.4  #: share of enrolled pupils' parents answering a round
    staff_per_school: tuple[int, int] = (10, 14)  #: inclusive range
    staff_response_rate: float = 0.8
    school_sd: float = 0.15
    class_sd: float = 0.12  #: class within school; pupils only
    school_round_sd: float = 0.08
    person_sd: float = 0.6  #: the respondent's own level on the construct
    item_sd: float = 0.6  #: item-specific noise around the respondent's level
    item_offset_sd: float = 0.15  #: fixed item easiness, centred within each construct
    skip_rate: float = 0.04
    decline_rate: float = 0.02
    effects: tuple[TrueEffect, ...] = DEMO_TRUE_EFFECTS

    def __post_init__(self) -> None:
        rates = (self.pupil_response_rate, self.parent_response_rate, self.staff_response_rate)
        if not all(0.0 <= rate <= 1.0 for rate in rates):
            raise ValueError("response rates must lie between 0 and 1")
        if self.skip_rate < 0 or self.decline_rate < 0 or self.skip_rate + self.decline_rate > 1:
            raise ValueError("skip_rate and decline_rate must be non-negative and sum to <= 1")
        if not self.rounds:
            raise ValueError("a design needs at least one round")
        if not 0 <= self.enrolled_spread < self.pupils_per_class:
            raise ValueError("enrolled_spread must be >= 0 and below pupils_per_class")
        low, high = self.staff_per_school
        if not 0 <= low <= high:
            raise ValueError("staff_per_school must be an ordered (low, high) pair")

    @property
    def school_count(self) -> int:
        """Both arms together; the arms are always the same size."""
        return 2 * self.schools_per_arm
