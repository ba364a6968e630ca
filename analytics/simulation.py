"""Simulated survey data with a known truth, for the demo project, tests and benchmarks.

The demo is a social-worker evaluation: 4 intervention and 4 comparison schools, grades 5 and
6 with two classes each, four rounds (Høst 2021 to Vår 2023). Pupils are anonymous, so every
round draws new pupil respondents; parents and staff belong to a school, not a class.

Model. For a respondent in school s, class c and round r, each construct has a latent score

    baseline + change[arm] * r / (R - 1) + u_s + u_c + u_sr + e      (scale-score level, 1-5)

and each item answer is latent + item offset + item noise, rounded and clipped to the scale.
Reverse-keyed items are stored flipped (scale_min + scale_max - x), as a respondent would tick
them, so scoring must flip them back. Each item is skipped (no answer row) with probability
``skip_rate`` and declined ("I don't want to answer": value NA) with ``decline_rate``.

True effects (total change from first to last round, linear in between; ``DEMO_TRUE_EFFECTS``):

    type    construct      baseline  intervention  comparison    did
    pupil   trivsel            3.90         +0.10       +0.02  +0.08
    pupil   konflikt           2.60         -0.30       +0.00  -0.30
    pupil   arbeidsro          3.20         +0.20       +0.00  +0.20
    pupil   voksenkontakt      3.70         +0.15       +0.00  +0.15
    pupil   ensomhet           2.20         -0.15       +0.00  -0.15
    parent  trivsel            4.00         +0.05       +0.00  +0.05
    parent  konflikt           2.40         -0.20       +0.00  -0.20
    parent  samarbeid          3.40         +0.25       +0.05  +0.20
    staff   konflikt           2.90         -0.35       +0.00  -0.35
    staff   arbeidsro          3.10         +0.25       +0.00  +0.25
    staff   samarbeid          3.30         +0.30       +0.05  +0.25

Any other construct sits at 3.5 with no change. Random effects are drawn independently for
every respondent type and construct. Variance components (SDs, ``DemoDesign``): school 0.15,
class within school 0.12 (pupils only), school x round 0.08, respondent 0.6, item noise 0.6,
item offsets 0.15 (centred per construct). For a 4-item scale the respondent-level SD is about
0.69 (0.6, plus 0.6 / sqrt(4), plus rounding), giving ICCs of about 0.044 (school), 0.028
(class) and 0.012 (school x round). Baselines keep item means away from the scale ends, so
rounding and clipping shift a scale-score change by less than 0.03 (tested).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.simulation_design import (
    ARMS,
    DEMO_ROUNDS,
    DEMO_TRUE_EFFECTS,
    RESPONDENT_TYPES,
    ConstructSpec,
    DemoDesign,
    RoundSpec,
    TrueEffect,
    school_year_rounds,
    true_effect,
)

__all__ = [
    "DEMO_ROUNDS",
    "DEMO_TRUE_EFFECTS",
    "ConstructSpec",
    "DemoDesign",
    "RoundSpec",
    "SimulatedData",
    "TrueEffect",
    "scale_scores",
    "school_year_rounds",
    "simulate_demo",
    "true_effect",
]

_NAME_STEMS = (
    "Bjørke", "Furu", "Gran", "Eike", "Lønne", "Rogne", "Selje", "Hassel", "Aspe", "Hegge",
    "Linde", "Stein", "Myr", "Sol", "Berg", "Fjell", "Bekke", "Skog", "Elve", "Kirke",
)  # fmt: skip
_NAME_ENDINGS = ("lia", "haugen", "moen", "dalen", "åsen", "bakken", "vika", "tun", "li", "vollen")


@dataclass(frozen=True)
class SimulatedData:
    """Tidy frames shaped like the survey's export, ready for scoring and trend models."""

    schools: pd.DataFrame  #: school, name, arm, staff (head count, for response rates)
    groups: pd.DataFrame  #: group, school, grade, label, enrolled
    rounds: pd.DataFrame  #: round, label, opens_on, closes_on
    responses: pd.DataFrame  #: response, respondent_type, round, school, group, language, ...
    answers: pd.DataFrame  #: response, item (categorical), value (Int8, NA if declined), declined


@dataclass(frozen=True)
class _Sample:
    """Respondents of one type as parallel arrays, one entry per response."""

    round: np.ndarray
    school: np.ndarray  #: position in the schools frame
    group: np.ndarray  #: position in the groups frame, -1 for parents and staff
    completed_on: np.ndarray  #: datetime64[D]


def simulate_demo(
    specs: Mapping[str, Sequence[ConstructSpec]],
    design: DemoDesign = DemoDesign(),  # noqa: B008 - frozen, so a shared default is safe
    seed: int = 2021,
) -> SimulatedData:
    """Simulate one evaluation; respondent types missing from `specs` get no responses.

    Each respondent type and construct draws from its own seeded stream, so adding parents or
    a construct leaves the other types' data unchanged.
    """
    unknown = set(specs) - set(RESPONDENT_TYPES)
    if unknown:
        raise ValueError(f"unknown respondent types: {sorted(unknown)}")
    rng = np.random.default_rng(seed)
    schools = _make_schools(design, rng)
    groups = _make_groups(schools, design, rng)
    items = list(dict.fromkeys(item for kind in specs for c in specs[kind] for item, _ in c.items))
    samples: list[tuple[str, _Sample]] = []
    answer_parts: list[tuple[np.ndarray, ...]] = []
    next_id = 1
    for type_index, kind in enumerate(RESPONDENT_TYPES):
        if kind not in specs:
            continue
        type_rng = np.random.default_rng([seed, type_index])
        sample = _draw_sample(kind, schools, groups, design, type_rng)
        values = np.hstack(
            [
                _draw_items(sample, spec, kind, schools, len(groups), design, seed, type_index)
                for spec in specs[kind]
            ]
        )
        uniform = type_rng.random(values.shape, dtype=np.float32)
        answered = uniform >= design.skip_rate
        declined = uniform < design.skip_rate + design.decline_rate
        rows, cols = np.nonzero(answered)
        columns = [items.index(item) for c in specs[kind] for item, _ in c.items]
        item_codes = np.asarray(columns, dtype=np.int32)[cols]
        answer_parts.append((next_id + rows, item_codes, values[rows, cols], declined[rows, cols]))
        samples.append((kind, sample))
        next_id += len(sample.round)
    return SimulatedData(
        schools=schools,
        groups=groups,
        rounds=_rounds_frame(design.rounds),
        responses=_responses_frame(samples, schools, groups),
        answers=_answers_frame(answer_parts, items),
    )


def scale_scores(
    answers: pd.DataFrame, responses: pd.DataFrame, specs: Sequence[ConstructSpec]
) -> pd.DataFrame:
    """One row per response x construct: the mean of answered items, reverse items flipped back.

    The score is NaN when fewer than half of the construct's items were answered. Pass the
    responses of one respondent type; answers of other responses are ignored.
    """
    item_index = pd.Index([item for spec in specs for item, _ in spec.items])
    construct_of_item = np.repeat(np.arange(len(specs)), [len(spec.items) for spec in specs])
    is_reverse = np.array([reverse for spec in specs for _, reverse in spec.items], dtype=bool)
    low = np.array([spec.scale_min for spec in specs], dtype=float)
    high = np.array([spec.scale_max for spec in specs], dtype=float)
    item_count = np.array([len(spec.items) for spec in specs])

    ids = pd.Index(responses["response"])
    row = ids.get_indexer(answers["response"])
    position = _positions(answers["item"], item_index)
    value = answers["value"].to_numpy(dtype=float, na_value=np.nan)
    keep = (row >= 0) & (position >= 0) & ~answers["declined"].to_numpy(dtype=bool)
    keep &= ~np.isnan(value)
    row, position, value = row[keep], position[keep], value[keep]
    construct = construct_of_item[position]
    flipped = low[construct] + high[construct] - value
    value = np.where(is_reverse[position], flipped, value)

    cells = len(ids) * len(specs)
    key = row * len(specs) + construct
    answered = np.bincount(key, minlength=cells)
    total = np.bincount(key, weights=value, minlength=cells)
    enough = answered * 2 >= np.tile(item_count, len(ids))
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(enough, total / answered, np.nan)

    carried = [
        c for c in ("response", "respondent_type", "round", "school", "group") if c in responses
    ]
    scores = responses[carried].iloc[np.repeat(np.arange(len(ids)), len(specs))]
    return scores.reset_index(drop=True).assign(
        construct=pd.Categorical.from_codes(
            np.tile(np.arange(len(specs)), len(ids)), categories=[spec.id for spec in specs]
        ),
        score=score,
        items_answered=answered,
    )


def _positions(items: pd.Series, index: pd.Index) -> np.ndarray:
    """Positions of `items` in `index` (-1 if absent), via the categories when categorical."""
    if isinstance(items.dtype, pd.CategoricalDtype):
        per_category = np.append(index.get_indexer(items.cat.categories), -1)
        return per_category[items.cat.codes.to_numpy()]
    return index.get_indexer(items)


def _make_schools(design: DemoDesign, rng: np.random.Generator) -> pd.DataFrame:
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


def _make_groups(
    schools: pd.DataFrame, design: DemoDesign, rng: np.random.Generator
) -> pd.DataFrame:
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
    return np.arange(
        np.datetime64(spec.opens_on), np.datetime64(spec.closes_on) + 1, dtype="datetime64[D]"
    )


def _draw_sample(
    kind: str,
    schools: pd.DataFrame,
    groups: pd.DataFrame,
    design: DemoDesign,
    rng: np.random.Generator,
) -> _Sample:
    """Who answers each round: whole classes on one school day, adults any day of the window."""
    round_count = len(design.rounds)
    if kind == "pupil":
        counts = rng.binomial(
            groups["enrolled"].to_numpy(), design.pupil_response_rate, (round_count, len(groups))
        )
        units = np.arange(len(groups))
        days = []
        for spec in design.rounds:
            weekdays = _window(spec)[np.is_busday(_window(spec))]
            days.append(weekdays[rng.integers(0, len(weekdays), size=len(groups))])
        flat = counts.ravel()
        group = np.repeat(np.tile(units, round_count), flat)
        school_of_group = pd.Index(schools["school"]).get_indexer(groups["school"])
        return _Sample(
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
    return _Sample(
        round=round_index,
        school=np.repeat(np.tile(np.arange(len(schools)), round_count), flat),
        group=np.full(len(round_index), -1),
        completed_on=opens[round_index] + offset.astype("timedelta64[D]"),
    )


def _draw_items(
    sample: _Sample,
    spec: ConstructSpec,
    kind: str,
    schools: pd.DataFrame,
    group_count: int,
    design: DemoDesign,
    seed: int,
    type_index: int,
) -> np.ndarray:
    """Stored answers (n x items, int8) for one construct, reverse items already flipped."""
    rng = np.random.default_rng([seed, type_index, zlib.crc32(spec.id.encode())])
    effect = true_effect(kind, spec.id, design.effects)
    round_count = len(design.rounds)
    n = len(sample.round)
    is_intervention = (schools["arm"].to_numpy() == "intervention")[sample.school]
    change = np.where(is_intervention, effect.intervention_change, effect.comparison_change)
    school_effect = rng.normal(0.0, design.school_sd, len(schools))
    school_round_effect = rng.normal(0.0, design.school_round_sd, (len(schools), round_count))
    class_effect = np.append(rng.normal(0.0, design.class_sd, group_count), 0.0)
    latent = (
        effect.baseline_mean
        + change * sample.round / max(round_count - 1, 1)
        + school_effect[sample.school]
        + school_round_effect[sample.school, sample.round]
        + class_effect[sample.group]  # -1 picks the trailing zero for parents and staff
        + rng.normal(0.0, design.person_sd, n)
    )
    offsets = rng.normal(0.0, design.item_offset_sd, len(spec.items))
    raw = (
        latent[:, None]
        + (offsets - offsets.mean())
        + rng.normal(0.0, design.item_sd, (n, len(spec.items)))
    )
    values = np.clip(np.rint(raw), spec.scale_min, spec.scale_max).astype(np.int8)
    reverse = np.array([is_reverse for _, is_reverse in spec.items], dtype=bool)
    values[:, reverse] = spec.scale_min + spec.scale_max - values[:, reverse]
    return values


def _responses_frame(
    samples: list[tuple[str, _Sample]], schools: pd.DataFrame, groups: pd.DataFrame
) -> pd.DataFrame:
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


def _answers_frame(parts: list[tuple[np.ndarray, ...]], items: list[str]) -> pd.DataFrame:
    def joined(position: int, dtype: type) -> np.ndarray:
        return (
            np.concatenate([part[position] for part in parts]).astype(dtype)
            if parts
            else np.array([], dtype=dtype)
        )

    declined = joined(3, np.bool_)
    return pd.DataFrame(
        {
            "response": joined(0, np.int32),
            "item": pd.Categorical.from_codes(joined(1, np.int32), categories=items),
            "value": pd.arrays.IntegerArray(joined(2, np.int8), mask=declined),
            "declined": declined,
        }
    )


def _rounds_frame(rounds: tuple[RoundSpec, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "round": np.arange(len(rounds), dtype=np.int64),
            "label": [spec.label for spec in rounds],
            "opens_on": pd.Series([spec.opens_on for spec in rounds], dtype=object),
            "closes_on": pd.Series([spec.closes_on for spec in rounds], dtype=object),
        }
    )
