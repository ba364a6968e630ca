"""Coverage of the panel model's 95 % CI for the true within-pupil difference-in-differences.

Each of 200 simulated panels (12 schools, 6 per arm, 2 classes of 12 pupils, 3 rounds, 10 %
of pupil-rounds missing, 5 % of answers without a card code) is fitted with
`fit_trend(..., pupil="card")`; the treated schools gain `effect` per round, so the true DiD
at the last round is 2 x effect. Coverage should lie in 93-97 % (Monte Carlo SE 1.5 points
at 200 panels). Too slow for the test suite (a few minutes); run it by hand:

    .venv/bin/python benchmarks/panel_coverage.py [data sets]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from analytics.simulation_panel import simulate_panel
from analytics.trend import fit_trend

EFFECT = 0.15
ROUNDS = 3


def one(seed: int) -> dict[str, float]:
    frame = simulate_panel(
        seed=seed, schools=12, classes=2, pupils=12, rounds=ROUNDS, effect=EFFECT
    )
    result = fit_trend(frame, arm="treated", treated="1", pupil="card")
    did = result.did(str(ROUNDS - 1))
    truth = EFFECT * (ROUNDS - 1)
    return {
        "error": did["estimate"] - truth,
        "covers": did["ci_low"] <= truth <= did["ci_high"],
        "df": did["df"],
        "se": did["se"],
        "boundary": "pupil" in result.boundary,
        "mde": result.mde,
        "mde_cross_section": result.mde_cross_section,
    }


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    start = time.perf_counter()
    runs = pd.DataFrame([one(100_000 + seed) for seed in range(count)])
    seconds = time.perf_counter() - start
    coverage = 100 * runs["covers"].mean()
    mc_se = 100 * np.sqrt(coverage / 100 * (1 - coverage / 100) / count)
    print(f"panels: {count}, {seconds:.1f} s ({seconds / count:.2f} s a fit)")
    print(f"coverage of the true DiD: {coverage:.1f} % (Monte Carlo SE {mc_se:.1f})")
    print(
        f"bias {runs['error'].mean():+.4f}, empirical SD {runs['error'].std():.4f}, "
        f"mean model SE {runs['se'].mean():.4f}, median df {runs['df'].median():.1f}"
    )
    print(
        f"MDE with the panel {runs['mde'].mean():.3f}, as cross-sections "
        f"{runs['mde_cross_section'].mean():.3f}"
    )


if __name__ == "__main__":
    main()
