"""Answers simulated from the cumulative-link mixed model, with a known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd

THRESHOLDS = (-2.0, -0.7, 0.4, 1.6)


def simulate_answers(
    schools: int = 8,
    pupils: int = 60,
    rounds: int = 3,
    did: float = 0.8,
    sigma: float = 0.7,
    thresholds: tuple[float, ...] = THRESHOLDS,
    seed: int = 1,
) -> pd.DataFrame:
    """One answer 1..K per pupil, school and round; the first half of the schools are treated.

    eta = 0.2 * round + 0.3 * treated + did * treated in the last round + u_school.
    """
    rng = np.random.default_rng(seed)
    cut = np.asarray(thresholds)
    parts = []
    for s in range(schools):
        is_treated = int(s < schools // 2)
        school_effect = rng.normal(0, sigma)
        for r in range(rounds):
            eta = 0.2 * r + 0.3 * is_treated + did * is_treated * (r == rounds - 1)
            latent = rng.logistic(size=pupils) + eta + school_effect
            answer = 1 + (latent[:, None] > cut[None, :]).sum(axis=1)
            parts.append(
                pd.DataFrame(
                    {
                        "score": answer.astype(float),
                        "round": r + 1,
                        "school": f"S{s:02d}",
                        "arm": "intervention" if is_treated else "comparison",
                        "treated": is_treated,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)
