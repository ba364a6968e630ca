"""The ordinal sensitivity model: its gradient, recovery of a known truth, and R's clmm.

Agreement with `ordinal::clmm` is to 1e-3 on thresholds, coefficients, the school SD and the
log-likelihood, with clmm's nAGQ equal to our number of quadrature nodes, so both compute the
same integral.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from analytics.ordinal import NODES, fit_ordinal
from analytics.ordinal_design import ordinal_outcome, prepare_ordinal
from analytics.ordinal_likelihood import Quadrature, negative_loglik
from tests.analytics.ordinal_data import THRESHOLDS, simulate_answers

CLMM_SCRIPT = r"""
suppressMessages(library(ordinal))
args <- commandArgs(TRUE)
for (path in args[-1]) {
  d <- read.csv(path)
  d$y <- factor(d$score, ordered = TRUE)
  d$round <- factor(d$round)
  d$school <- factor(d$school)
  m <- clmm(y ~ round * treated + (1 | school), data = d, nAGQ = as.integer(args[1]),
            control = clmm.control(gradTol = 1e-8))
  out <- function(...) cat(path, ..., "\n", sep = "\t")
  for (n in names(m$alpha)) out("threshold", n, sprintf("%.17g", m$alpha[[n]]))
  for (n in names(m$beta)) out("beta", n, sprintf("%.17g", m$beta[[n]]))
  se <- tryCatch(sqrt(diag(vcov(m))), error = function(e) NULL)  # not at a boundary
  for (n in names(se)) if (n %in% names(m$beta)) out("se", n, sprintf("%.17g", se[[n]]))
  out("sigma", "school", sprintf("%.17g", as.numeric(m$ST[[1]])))
  out("loglik", "ML", sprintf("%.17g", as.numeric(logLik(m))))
}
"""


@cache
def clmm_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    check = subprocess.run(["Rscript", "-e", "library(ordinal)"], capture_output=True, check=False)
    return check.returncode == 0


def _data_sets():
    balanced = simulate_answers(schools=8, pupils=60, seed=1)
    # four categories, a near-zero school SD, and a school that missed the last round
    thin = simulate_answers(schools=10, pupils=25, sigma=0.05, thresholds=(-1, 0.2, 1.5), seed=3)
    thin = thin[~((thin["school"] == "S07") & (thin["round"] == 3))]
    return {"balanced": balanced, "thin": thin}


def test_agrees_with_r_clmm_on_simulated_answers(tmp_path: Path):
    if not clmm_available():
        if os.environ.get("TRIVSEL_TEST_REQUIRE_R"):
            pytest.fail("TRIVSEL_TEST_REQUIRE_R is set, but Rscript with ordinal is missing")
        pytest.skip("Rscript with the ordinal package is not installed")
    data_sets = _data_sets()
    script = tmp_path / "clmm.R"
    script.write_text(CLMM_SCRIPT)
    paths = []
    for name, frame in data_sets.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
        paths.append(str(tmp_path / f"{name}.csv"))
    done = subprocess.run(
        ["Rscript", str(script), str(NODES), *paths], capture_output=True, text=True, check=True
    )
    reference: dict[str, dict[str, list[tuple[str, float]]]] = {}
    for line in done.stdout.splitlines():
        path, kind, name, value = line.strip("\t").split("\t")[:4]
        reference.setdefault(Path(path).stem, {}).setdefault(kind, []).append((name, float(value)))

    for name, frame in data_sets.items():
        ours, theirs = fit_ordinal(frame), reference[name]
        assert ours.converged
        assert ours.thresholds == pytest.approx([v for _, v in theirs["threshold"]], abs=1e-3)
        for term, value in theirs["beta"]:
            assert ours.beta(term) == pytest.approx(value, abs=1e-3), (name, term)
        ses = ours.coefficients.set_index("term")["se"]
        for term, value in theirs.get("se", []):
            assert ses[term] == pytest.approx(value, abs=1e-3), (name, term)
        assert ours.sigma == pytest.approx(theirs["sigma"][0][1], abs=1e-3)
        assert ours.loglik == pytest.approx(theirs["loglik"][0][1], abs=1e-3)


def test_recovers_known_thresholds_effects_and_school_sd():
    data = simulate_answers(schools=40, pupils=40, did=0.6, sigma=0.6, seed=7)

    result = fit_ordinal(data, nodes=NODES)

    estimates = result.coefficients.set_index("term")
    truth = {"round2": 0.2, "round3": 0.4, "treated": 0.3, "round3:treated": 0.6}
    for term, value in truth.items():
        assert abs(estimates.loc[term, "estimate"] - value) < 2.5 * estimates.loc[term, "se"]
    assert np.allclose(result.thresholds, THRESHOLDS, atol=0.35)
    assert abs(result.sigma - 0.6) < 2.5 * result.sigma_se
    contrast = result.contrast()
    assert contrast is not None and contrast.round == "3"
    assert contrast.ci_low < 0.6 < contrast.ci_high and contrast.p_value < 0.05


def test_the_analytic_gradient_matches_differences_of_the_likelihood():
    prepared = prepare_ordinal(simulate_answers(schools=6, pupils=20, seed=2))
    betas = len(prepared.names)
    params = np.random.default_rng(0).normal(0, 0.5, 4 + betas + 1)
    quadrature = Quadrature(25, prepared.schools)

    def value(at: np.ndarray) -> float:
        return negative_loglik(at, prepared.counts, betas, quadrature)[0]

    _, gradient = negative_loglik(params, prepared.counts, betas, quadrature)
    step = 1e-6
    numeric = [
        (value(params + step * e) - value(params - step * e)) / 2 / step
        for e in np.eye(len(params))
    ]
    assert gradient == pytest.approx(numeric, rel=1e-4, abs=1e-4)
    assert len(prepared.counts.count) <= 6 * 3 * 5  # counts, not rows


def test_short_scales_are_rounded_to_categories_and_long_ones_are_not_fitted():
    single = simulate_answers(schools=2, pupils=5)["score"]
    assert ordinal_outcome(single).equals(single)
    two_items = (single + single.sample(frac=1, random_state=1).to_numpy()) / 2
    assert ordinal_outcome(two_items).nunique() == two_items.nunique()
    continuous = single + np.random.default_rng(1).normal(0, 0.3, len(single))
    assert ordinal_outcome(continuous) is None
    assert set(ordinal_outcome(continuous, short_scale=True).dropna()) <= {0, 1, 2, 3, 4, 5, 6}
