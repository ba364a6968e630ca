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

    type    construct                 baseline  intervention  comparison    did
    pupil   trivsel                       3.90         +0.10       +0.02  +0.08
    pupil   venner                        3.80         +0.15       +0.00  +0.15
    pupil   konflikt                      2.60         -0.30       +0.00  -0.30
    pupil   arbeidsro                     3.20         +0.20       +0.00  +0.20
    pupil   sett_av_voksne                3.60         +0.25       +0.00  +0.25
    parent  trivsel                       4.00         +0.05       +0.00  +0.05
    parent  konflikt                      2.40         -0.20       +0.00  -0.20
    parent  arbeidsro                     3.40         +0.10       +0.00  +0.10
    parent  samarbeid_hjem_skole          3.50         +0.15       +0.05  +0.10
    parent  kjennskap_sosialarbeider      2.60         +0.50       +0.00  +0.50
    staff   konflikt                      2.90         -0.35       +0.00  -0.35
    staff   arbeidsro                     3.10         +0.25       +0.00  +0.25
    staff   tid_til_undervisning          3.20         +0.20       +0.00  +0.20
    staff   samarbeid_sosialarbeider      3.00         +0.40       +0.00  +0.40
    staff   rolleklarhet                  3.10         +0.35       +0.05  +0.30

Construct ids follow the bundled instruments; any other construct sits at 3.5 with no change.
Random effects are drawn independently for every respondent type and construct, and a
respondent's constructs are uncorrelated beyond them. Variance components (SDs, ``DemoDesign``):
school 0.15, class within school 0.12 (pupils only), school x round 0.08, respondent 0.6, item
noise 0.6, item offsets 0.15 (centred per construct). A 4-item scale score then has a
respondent-level SD of about 0.69 (sqrt(0.6² + 0.6²/4 + rounding)), giving ICCs of about 0.044
(school), 0.028 (class) and 0.012 (school x round). Baselines keep item means away from the
scale ends, so rounding and clipping move a scale-score change by less than 0.03 (tested;
about 0.02 at most, a 5-7% attenuation of the larger changes).
With 4 schools per arm a change in one arm still has a sampling SD of about 0.075, so the demo
seed shows the effects only roughly; larger designs recover them closely.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.scoring import ConstructSpec
from analytics.simulation_design import (
    DEMO_ROUNDS,
    DEMO_TRUE_EFFECTS,
    RESPONDENT_TYPES,
    DemoDesign,
    RoundSpec,
    TrueEffect,
    school_year_rounds,
    true_effect,
)
from analytics.simulation_sampling import (
    Sample,
    draw_sample,
    make_groups,
    make_schools,
    responses_frame,
    rounds_frame,
)

__all__ = [
    "DEMO_ROUNDS",
    "DEMO_TRUE_EFFECTS",
    "DemoDesign",
    "RoundSpec",
    "SimulatedData",
    "TrueEffect",
    "school_year_rounds",
    "simulate_demo",
    "true_effect",
]


@dataclass(frozen=True)
class SimulatedData:
    """Tidy frames shaped like the survey's export, ready for scoring and trend models."""

    schools: pd.DataFrame  #: school, name, arm, staff (head count, for response rates)
    groups: pd.DataFrame  #: group, school, grade, label, enrolled
    rounds: pd.DataFrame  #: round, label, opens_on, closes_on
    responses: pd.DataFrame  #: response, respondent_type, round, school, group, language, ...
    answers: pd.DataFrame  #: response, item (categorical), value (Int8, NA if declined), declined

    # On pandas 2, group by `item` with observed=True: it is categorical to keep memory small.


def simulate_demo(
    specs: Mapping[str, Sequence[ConstructSpec]],
    design: DemoDesign = DemoDesign(),  # noqa: B008 - frozen, so a shared default is safe
    seed: int = 2021,
) -> SimulatedData:
    """Simulate one evaluation; respondent types missing from `specs` get no responses.

    Each respondent type, and each construct's latent scores, draw from their own seeded
    stream: adding parents leaves the pupils' data unchanged, and adding a construct leaves the
    other constructs' values unchanged (though not which of them are skipped).
    """
    unknown = set(specs) - set(RESPONDENT_TYPES)
    if unknown:
        raise ValueError(f"unknown respondent types: {sorted(unknown)}")
    rng = np.random.default_rng(seed)
    schools = make_schools(design, rng)
    groups = make_groups(schools, design, rng)
    items = list(dict.fromkeys(item for kind in specs for c in specs[kind] for item, _ in c.items))
    samples: list[tuple[str, Sample]] = []
    answer_parts: list[tuple[np.ndarray, ...]] = []
    next_id = 1
    for type_index, kind in enumerate(RESPONDENT_TYPES):
        if kind not in specs:
            continue
        type_rng = np.random.default_rng([seed, type_index])
        sample = draw_sample(kind, schools, groups, design, type_rng)
        blocks = [
            _draw_items(sample, spec, kind, schools, len(groups), design, seed, type_index)
            for spec in specs[kind]
        ]
        values = np.hstack([np.empty((len(sample.round), 0), dtype=np.int8), *blocks])
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
        rounds=rounds_frame(design.rounds),
        responses=responses_frame(samples, schools, groups),
        answers=_answers_frame(answer_parts, items),
    )


def _draw_items(
    sample: Sample,
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


def _answers_frame(parts: list[tuple[np.ndarray, ...]], items: list[str]) -> pd.DataFrame:
    """Compact dtypes, since a benchmark design holds about ten million answer rows."""

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
