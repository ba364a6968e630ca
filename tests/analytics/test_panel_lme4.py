"""Panel mode agrees with R's lme4 to 1e-3: log-likelihood, variances and fixed effects.

    score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round)
            + (1 | school:pupil)

on two simulated panels (one whose pupil variance is exactly zero, a boundary fit), and on
Tennessee STAR from R's mlmRev: math score, grade K-3 as the round, the teacher as the class,
a small class as the arm (randomised within schools). Variances agree to 1e-3 of the
outcome's variance: 1e-3 itself for the simulated panels (variance near 1); STAR's math
scores have a variance near 2,000, where lme4's own optimum moves by more than 1e-3.
For the CI budget STAR is cut to the 30 schools with the lowest ids (about 9,000 scores);
`benchmarks/trend_fit.py` fits all 80.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.simulation_panel import simulate_panel
from analytics.trend import fit_trend
from tests.analytics.conftest import lme4_available

LME4_PANEL = r"""
suppressMessages(library(lme4))
d <- read.csv(commandArgs(TRUE)[1])
for (v in c("round", "school", "group", "pupil")) d[[v]] <- factor(d[[v]])
f <- score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round) +
  (1 | school:pupil)
m <- lmer(f, data = d, REML = TRUE)
out <- function(...) cat(..., "\n", sep = "\t")
fe <- fixef(m)
for (n in names(fe)) out("fixef", n, sprintf("%.17g", fe[[n]]))
vc <- as.data.frame(VarCorr(m))
for (i in seq_len(nrow(vc))) out("variance", vc$grp[i], sprintf("%.17g", vc$vcov[i]))
out("loglik", "REML", sprintf("%.17g", as.numeric(logLik(m))))
"""
STAR_EXPORT = r"""
suppressMessages(library(mlmRev))
data(star, package = "mlmRev")
d <- star[!is.na(star$math), ]
out <- data.frame(score = d$math, round = as.integer(d$gr) - 1L,
                  school = as.integer(as.character(d$sch)), group = d$tch,
                  treated = as.integer(d$cltype == "small"), pupil = d$id)
write.csv(out, commandArgs(TRUE)[1], row.names = FALSE)
"""
NAMES = {"school:pupil": "pupil", "Residual": "residual"}
STAR_SCHOOLS = 30


def _need_r(package: str) -> None:
    # lme4_available() first: it finds out whether Rscript is there at all.
    if lme4_available():
        check = subprocess.run(
            ["Rscript", "-e", f"library({package})"], capture_output=True, check=False
        )
        if check.returncode == 0:
            return
    if os.environ.get("TRIVSEL_TEST_REQUIRE_R"):
        pytest.fail(f"TRIVSEL_TEST_REQUIRE_R is set, but R's {package} is missing")
    pytest.skip(f"Rscript with {package} is not installed")


def lme4_panel(frame: pd.DataFrame, folder: Path) -> dict[str, dict[str, float]]:
    """lme4's fit; a row without a pupil id is a pupil of its own, as in ours."""
    _need_r("lme4")
    data, script = folder / "panel.csv", folder / "panel.R"
    own = pd.Series([f"row{i}" for i in range(len(frame))], index=frame.index)
    frame.assign(pupil=frame["pupil"].astype(object).where(frame["pupil"].notna(), own)).to_csv(
        data, index=False
    )
    script.write_text(LME4_PANEL)
    done = subprocess.run(
        ["Rscript", str(script), str(data)], capture_output=True, text=True, check=True
    )
    parsed: dict[str, dict[str, float]] = {}
    for line in done.stdout.splitlines():
        kind, name, value = line.strip("\t").split("\t")[:3]
        parsed.setdefault(kind, {})[NAMES.get(name, name)] = float(value)
    return parsed


def assert_agrees(frame: pd.DataFrame, folder: Path, **options) -> None:
    ours = fit_trend(frame, arm="treated", treated="1", pupil="pupil", **options)
    theirs = lme4_panel(frame, folder)
    coefficients = ours.coefficients.set_index("term")["estimate"]
    variances = ours.variance_components.set_index("component")["variance"]
    fixed = max(abs(coefficients[k] - v) for k, v in theirs["fixef"].items())
    # on the outcome's scale: STAR's math scores have a variance near 2,000
    scale = max(1.0, float(frame["score"].var()))
    components = max(abs(variances[k] - v) for k, v in theirs["variance"].items()) / scale
    loglik = abs(ours.loglik - theirs["loglik"]["REML"])
    print(f"\nfixed {fixed:.1e}, variances {components:.1e}, loglik {loglik:.1e}")
    assert set(coefficients.index) == set(theirs["fixef"])
    assert fixed < 1e-3 and components < 1e-3 and loglik < 1e-3
    assert ours.loglik >= theirs["loglik"]["REML"] - 1e-6
    assert ours.is_panel


def test_a_simulated_panel_agrees_with_lme4(tmp_path) -> None:
    frame = simulate_panel(seed=21, schools=10, pupils=12).rename(columns={"card": "pupil"})
    assert_agrees(frame, tmp_path)


def test_a_panel_with_no_pupil_variance_agrees_with_lme4_at_the_boundary(tmp_path) -> None:
    # a true pupil variance of zero is estimated at zero in about half the samples; this is one
    frame = simulate_panel(seed=26, schools=10, pupils=12, pupil_sd=0.0)
    frame = frame.rename(columns={"card": "pupil"})
    ours = fit_trend(frame, arm="treated", treated="1", pupil="pupil")
    assert "pupil" in ours.boundary
    assert_agrees(frame, tmp_path)


@pytest.fixture(scope="module")
def star(tmp_path_factory) -> pd.DataFrame:
    _need_r("mlmRev")
    folder = tmp_path_factory.mktemp("star")
    (folder / "export.R").write_text(STAR_EXPORT)
    subprocess.run(["Rscript", str(folder / "export.R"), str(folder / "star.csv")], check=True)
    return pd.read_csv(folder / "star.csv")


def test_tennessee_star_with_pupils_nested_in_schools_agrees_with_lme4(star, tmp_path) -> None:
    schools = np.sort(star["school"].unique())[:STAR_SCHOOLS]
    part = star[star["school"].isin(schools)]
    assert part["pupil"].duplicated().any()  # pupils followed over grades
    assert_agrees(part, tmp_path, group="group", arm_within_school=True)
