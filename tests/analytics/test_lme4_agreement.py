"""The trend model agrees with R's lme4 on the demo data and on harder designs.

Fixed effects, variance components and the REML log-likelihood must agree to 1e-3. The
log-likelihood is compared too, not only `converged`: an optimiser can stop short.
"""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analytics.scoring import ConstructSpec
from analytics.simulation import SimulatedData, simulate_demo
from analytics.simulation_design import DemoDesign
from analytics.trend import fit_trend
from tests.analytics.conftest import scored

KONFLIKT = ConstructSpec("konflikt", tuple((f"konflikt_{i}", i == 3) for i in range(4)))
FORELDRE = ConstructSpec("konflikt", tuple((f"f_konflikt_{i}", False) for i in range(3)))
DEMO_SEED = 2000  # survey.demo.loader.DEMO_SEED; analytics tests do not import survey


def unbalanced(data: SimulatedData) -> SimulatedData:
    """Classes of 3 to 30 answering pupils; a few classes miss a round."""
    rng = np.random.default_rng(11)
    responses = data.responses
    keep_share = rng.uniform(0.15, 1.0, len(data.groups))
    share = pd.Series(keep_share, index=data.groups["group"]).reindex(responses["group"])
    keep = rng.random(len(responses)) < share.to_numpy()
    missing_round = responses["group"].isin(data.groups["group"].iloc[::7]) & (
        responses["round"] == 1
    )
    return replace(data, responses=responses[keep & ~missing_round.to_numpy()])


def school_missing_a_round(data: SimulatedData) -> SimulatedData:
    responses = data.responses
    gone = ((responses["school"] == "S2") & (responses["round"] == 2)) | (
        (responses["school"] == "S7") & (responses["round"] == 0)
    )
    return replace(data, responses=responses[~gone])


DESIGNS = {
    "demo pupils": (lambda: simulate_demo({"pupil": [KONFLIKT]}, seed=DEMO_SEED), "pupil"),
    "demo parents": (lambda: simulate_demo({"parent": [FORELDRE]}, seed=DEMO_SEED), "parent"),
    "unbalanced classes": (
        lambda: unbalanced(
            simulate_demo({"pupil": [KONFLIKT]}, DemoDesign(classes_per_grade=3), seed=5)
        ),
        "pupil",
    ),
    "a school missing a round": (
        lambda: school_missing_a_round(simulate_demo({"pupil": [KONFLIKT]}, seed=6)),
        "pupil",
    ),
    "near-zero school x round variance": (
        lambda: simulate_demo({"pupil": [KONFLIKT]}, DemoDesign(school_round_sd=0.0), seed=7),
        "pupil",
    ),
}


@pytest.mark.parametrize("design", list(DESIGNS))
def test_trend_model_agrees_with_lme4(design, lme4) -> None:
    simulate, respondent_type = DESIGNS[design]
    scores = scored(
        simulate(), respondent_type, [KONFLIKT if respondent_type == "pupil" else FORELDRE]
    )
    with_group = respondent_type == "pupil"
    ours = fit_trend(scores, group="group" if with_group else None)
    theirs = lme4(scores, with_group)
    coefficients = ours.coefficients.set_index("term")["estimate"]
    fixed = max(abs(coefficients[name] - value) for name, value in theirs["fixef"].items())
    variances = ours.variance_components.set_index("component")["variance"]
    components = max(abs(variances[name] - value) for name, value in theirs["variance"].items())
    loglik = abs(ours.loglik - theirs["loglik"]["REML"])
    print(
        f"\n{design}: max |diff| fixed {fixed:.2e}, variances {components:.2e}, "
        f"REML loglik {loglik:.2e} (lme4 {theirs['loglik']['REML']:.4f}), boundary {ours.boundary}"
    )
    assert set(coefficients.index) == set(theirs["fixef"])
    assert fixed < 1e-3 and components < 1e-3 and loglik < 1e-3
    assert ours.loglik >= theirs["loglik"]["REML"] - 1e-6
