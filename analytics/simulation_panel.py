"""Simulated panels: pupils nested in classes in schools, followed over rounds."""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_panel(
    seed: int = 1,
    schools: int = 12,
    classes: int = 2,
    pupils: int = 15,
    rounds: int = 3,
    *,
    pupil_sd: float = 0.5,
    school_sd: float = 0.3,
    class_sd: float = 0.1,
    school_round_sd: float = 0.05,
    residual_sd: float = 0.6,
    effect: float = 0.2,
    missing: float = 0.1,
    no_card: float = 0.05,
) -> pd.DataFrame:
    """One row per pupil and round; `effect` x round is the treated schools' true DiD per
    round. A share `missing` of pupil-rounds is absent, `no_card` of rows lack a card id."""
    rng = np.random.default_rng(seed)
    school = np.repeat(np.arange(schools), classes * pupils)
    group = np.repeat(np.arange(schools * classes), pupils)
    pupil = np.arange(schools * classes * pupils)
    treated = school % 2
    u_school = rng.normal(0, school_sd, schools)[school]
    u_class = rng.normal(0, class_sd, schools * classes)[group]
    u_pupil = rng.normal(0, pupil_sd, len(pupil))
    frames = []
    for r in range(rounds):
        u_round = rng.normal(0, school_round_sd, schools)[school]
        y = 3 + 0.05 * r + effect * r * treated + u_school + u_class + u_pupil + u_round
        y = y + rng.normal(0, residual_sd, len(pupil))
        card = np.where(rng.random(len(pupil)) < no_card, None, pupil.astype(str))
        frames.append(
            pd.DataFrame(
                {
                    "score": y,
                    "round": r,
                    "school": [f"S{s}" for s in school],
                    "group": [f"S{s}-{g}" for s, g in zip(school, group, strict=True)],
                    "treated": treated,
                    "card": card,
                }
            )[rng.random(len(pupil)) >= missing]
        )
    return pd.concat(frames, ignore_index=True)
