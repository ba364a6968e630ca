"""Who takes part in a simulated evaluation: schools, classes, rounds and respondents.

Split from `analytics.simulation` so the answer model there reads on its own; everything here
is structure (who answers when), nothing here knows about constructs or effects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.simulation_design import ARMS, DemoDesign, RoundSpec

_NAME_STEMS = (
    "Bjørke", "Furu", "Gran", "Eike", "Lønne", "Rogne", "Selje", "Hassel", "Aspe", "Hegge",
    "Linde", "Stein", "Myr", "Sol", "Berg", "Fjell", "Bekke", "Skog", "Elve", "Kirke",
)  # fmt: skip
_NAME_ENDINGS = ("lia", "haugen", "moen", "dalen", "åsen", "bakken", "vika", "tun", "li", "vollen")


@dataclass(frozen=True)
class Sample:
    """Respondents of one type as parallel arrays, one entry per response."""

    round: np.ndarray
    school: np.ndarray  #: position in the schools frame
    group: np.ndarray  #: position in the groups frame, -1 for parents and staff
    completed_on: np.ndarray  #: datetime64[D]


def make_schools(design: DemoDesign, rng: np.random.Generator) -> pd.DataFrame:
    """Schools S1..Sn with fictional Norwegian names, arms assigned at random, half each."""
    count = design.school_count
    stems = np.repeat(_NAME_STEMS, len(_NAME_ENDINGS))
    endings = np.tile(_NAME_ENDINGS, len(_NAME_STEMS))
    order = rng.permutation(len(stems))
    names = [
        f"{stems[order[i % len(order)]]}{endings[order[i % len(order)]]} skole"
        + (f" {i // len(order) + 1}" if i >= len(order) else "")
        for i in range(count)
    ]
    low, high = design.staff_per_school
    return pd.DataFrame(
        {
            "school": [f"S{i + 1}" for i in range(count)],
            "name": names,
            "arm": rng.permutation(np.repeat(ARMS, design.schools_per_arm)),
            "staff": rng.integers(low, high + 1, size=count),
        }
    )


def make_groups(
    schools: pd.DataFrame, design: DemoDesign, rng: np.random.Generator
) -> pd.DataFrame:
    """Classes per school and grade ("5A", "5B", ...); enrolment is fixed across rounds."""
    letters = [chr(ord("A") + i) for i in range(design.classes_per_grade)]
    labels = [f"{grade}{letter}" for grade in design.grades for letter in letters]
    grades = np.repeat(design.grades, design.classes_per_grade)
    school_ids = np.repeat(schools["school"].to_numpy(), len(labels))
    spread = design.enrolled_spread
    size = design.pupils_per_class
    return pd.DataFrame(
        {
            "group": [f"{s}-{label}" for s in schools["school"] for label in labels],
            "school": school_ids,
            "grade": np.tile(grades, len(schools)).astype(np.int64),
            "label": np.tile(labels, len(schools)),
            "enrolled": rng.integers(size - spread, size + spread + 1, size=len(school_ids)),
        }
    )


def _window(spec: RoundSpec) -> np.ndarray:
    """Every day a round is open, as datetime64[D]."""
    return np.arange(
        np.datetime64(spec.opens_on), np.datetime64(spec.closes_on) + 1, dtype="datetime64[D]"
    )


def draw_sample(
    kind: str,
    schools: pd.DataFrame,
    groups: pd.DataFrame,
    design: DemoDesign,
    rng: np.random.Generator,
) -> Sample:
    """Who answers each round: whole classes on one school day, adults any day of the window."""
    round_count = len(design.rounds)
    if kind == "pupil":
        counts = rng.binomial(
            groups["enrolled"].to_numpy(), design.pupil_response_rate, (round_count, len(groups))
        )
        days = []
        for spec in design.rounds:
            weekdays = _window(spec)[np.is_busday(_window(spec))]
            days.append(weekdays[rng.integers(0, len(weekdays), size=len(groups))])
        flat = counts.ravel()
        group = np.repeat(np.tile(np.arange(len(groups)), round_count), flat)
        school_of_group = pd.Index(schools["school"]).get_indexer(groups["school"])
        return Sample(
            round=np.repeat(np.repeat(np.arange(round_count), len(groups)), flat),
            school=school_of_group[group],
            group=group,
            completed_on=np.repeat(np.concatenate(days), flat),
        )
    if kind == "parent":
        pool = groups.groupby("school", sort=False)["enrolled"].sum().reindex(schools["school"])
        counts = rng.binomial(
            pool.to_numpy(), design.parent_response_rate, (round_count, len(schools))
        )
    else:
        counts = rng.binomial(
            schools["staff"].to_numpy(), design.staff_response_rate, (round_count, len(schools))
        )
    flat = counts.ravel()
    round_index = np.repeat(np.repeat(np.arange(round_count), len(schools)), flat)
    opens = np.array(
        [np.datetime64(spec.opens_on) for spec in design.rounds], dtype="datetime64[D]"
    )
    length = np.array([len(_window(spec)) for spec in design.rounds])
    offset = rng.integers(0, length[round_index])
    return Sample(
        round=round_index,
        school=np.repeat(np.tile(np.arange(len(schools)), round_count), flat),
        group=np.full(len(round_index), -1),
        completed_on=opens[round_index] + offset.astype("timedelta64[D]"),
    )


def responses_frame(
    samples: list[tuple[str, Sample]], schools: pd.DataFrame, groups: pd.DataFrame
) -> pd.DataFrame:
    """One row per response, ids numbered from 1 in the order of `samples`."""

    def joined(field: str, dtype: str) -> np.ndarray:
        parts = [getattr(sample, field) for _, sample in samples]
        return np.concatenate(parts).astype(dtype) if parts else np.array([], dtype=dtype)

    kinds = [kind for kind, _ in samples]
    sizes = [len(sample.round) for _, sample in samples]
    group_ids = np.append(groups["group"].to_numpy(dtype=object), None)
    return pd.DataFrame(
        {
            "response": np.arange(1, sum(sizes) + 1, dtype=np.int32),
            "respondent_type": np.repeat(np.array(kinds, dtype=object), sizes),
            "round": joined("round", "int64"),
            "school": schools["school"].to_numpy(dtype=object)[joined("school", "int64")],
            "group": group_ids[joined("group", "int64")],
            "language": "nb",
            "completed_on": joined("completed_on", "datetime64[D]").astype(object),
        }
    )


def rounds_frame(rounds: tuple[RoundSpec, ...]) -> pd.DataFrame:
    """Rounds numbered from 0, dates as datetime.date like the survey's export."""
    return pd.DataFrame(
        {
            "round": np.arange(len(rounds), dtype=np.int64),
            "label": [spec.label for spec in rounds],
            "opens_on": pd.Series([spec.opens_on for spec in rounds], dtype=object),
            "closes_on": pd.Series([spec.closes_on for spec in rounds], dtype=object),
        }
    )
