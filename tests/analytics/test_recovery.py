"""Parameter recovery on the demo simulator: does the 95 % CI of the difference-in-differences
cover the true effect 95 % of the time, and is the estimate unbiased?

Each of 200 simulated demo evaluations (4 + 4 schools, 4 rounds) carries the five pupil
constructs, whose random effects are drawn independently, so every data set gives five
CIs: 1,000 in all, against five true effects from -0.30 to +0.25. The Monte Carlo standard
error of a 95 % coverage is then 0.7 points, small beside the 93-97 % band. Takes about a
minute: the exact engine fits the demo design in a few hundredths of a second.
"""

import numpy as np
import pandas as pd
import pytest

from analytics.scoring import ConstructSpec
from analytics.simulation import simulate_demo
from analytics.simulation_design import true_effect
from analytics.trend import fit_trend
from tests.analytics.conftest import scored

DATA_SETS = 200
#: Shaped like the bundled pupil instrument: item counts and reverse-keyed items.
PUPIL_CONSTRUCTS = [
    ConstructSpec(name, tuple((f"{name}_{i}", i in reverse) for i in range(size)))
    for name, size, reverse in (
        ("trivsel", 4, (3,)),
        ("venner", 5, (3, 4)),
        ("konflikt", 4, (3,)),
        ("arbeidsro", 4, (0,)),
        ("sett_av_voksne", 4, ()),
    )
]


def did_estimates(seed: int) -> list[dict[str, float]]:
    scores = scored(
        simulate_demo({"pupil": PUPIL_CONSTRUCTS}, seed=seed), "pupil", PUPIL_CONSTRUCTS
    )
    rows = []
    for construct, part in scores.groupby("construct"):
        did = fit_trend(part).did("3")
        truth = true_effect("pupil", str(construct)).did
        rows.append(
            {
                "construct": construct,
                "truth": truth,
                "error": did["estimate"] - truth,
                "covers": did["ci_low"] <= truth <= did["ci_high"],
                "df": did["df"],
            }
        )
    return rows


@pytest.mark.slow
def test_did_ci_covers_the_true_effect_95_percent_of_the_time() -> None:
    runs = pd.DataFrame([row for seed in range(DATA_SETS) for row in did_estimates(10_000 + seed)])
    coverage = 100 * runs["covers"].mean()
    bias = runs["error"].mean()
    per_construct = runs.groupby("construct").agg(
        truth=("truth", "first"),
        bias=("error", "mean"),
        coverage=("covers", "mean"),
        median_df=("df", "median"),
    )
    print(
        f"\n{DATA_SETS} data sets, {len(runs)} CIs: coverage {coverage:.1f} %, "
        f"mean estimate - truth {bias:+.4f}, Monte Carlo SE "
        f"{100 * np.sqrt(0.95 * 0.05 / len(runs)):.1f} points\n{per_construct.round(3)}"
    )
    assert 93.0 <= coverage <= 97.0
    assert abs(bias) < 0.02
