"""Fixtures for the statistics tests: simulated designs with a known truth, and lme4 in R as
the reference. Tests that need R skip without it, unless TRIVSEL_TEST_REQUIRE_R is set (CI),
in which case they fail."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from analytics.scoring import ConstructSpec, score_constructs
from analytics.simulation import SimulatedData

LME4_SCRIPT = r"""
suppressMessages(library(lme4))
args <- commandArgs(TRUE)
d <- read.csv(args[1])
d$round <- factor(d$round)
d$school <- factor(d$school)
f <- if (args[2] == "group") {
  score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round)
} else {
  score ~ round * treated + (1 | school) + (1 | school:round)
}
m <- lmer(f, data = d, REML = TRUE)
out <- function(...) cat(..., "\n", sep = "\t")
fe <- fixef(m)
for (n in names(fe)) out("fixef", n, sprintf("%.17g", fe[[n]]))
vc <- as.data.frame(VarCorr(m))
for (i in seq_len(nrow(vc))) out("variance", vc$grp[i], sprintf("%.17g", vc$vcov[i]))
out("loglik", "REML", sprintf("%.17g", as.numeric(logLik(m))))
"""

#: lme4's names of the variance components, in ours.
LME4_COMPONENTS = {
    "school": "school",
    "school:group": "school:group",
    "school:round": "school:round",
    "Residual": "residual",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: a statistical test over many simulated data sets (runs in make test)"
    )


@cache
def lme4_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    check = subprocess.run(["Rscript", "-e", "library(lme4)"], capture_output=True, check=False)
    return check.returncode == 0


@pytest.fixture
def lme4(tmp_path: Path) -> Callable[[pd.DataFrame, bool], dict[str, dict[str, float]]]:
    """Fit the trend model with lme4; returns {"fixef": ..., "variance": ..., "loglik": ...}.

    The frame needs score, round, school, group and treated (0/1) columns.
    """
    if not lme4_available():
        if os.environ.get("TRIVSEL_TEST_REQUIRE_R"):
            pytest.fail("TRIVSEL_TEST_REQUIRE_R is set, but Rscript with lme4 is missing")
        pytest.skip("Rscript with lme4 is not installed")
    script = tmp_path / "fit.R"
    script.write_text(LME4_SCRIPT)

    def fit(frame: pd.DataFrame, with_group: bool = True) -> dict[str, dict[str, float]]:
        data = tmp_path / "data.csv"
        columns = ["score", "round", "school", "treated", *(["group"] if with_group else [])]
        frame[columns].to_csv(data, index=False)
        done = subprocess.run(
            ["Rscript", str(script), str(data), "group" if with_group else "none"],
            capture_output=True,
            text=True,
            check=True,
        )
        parsed: dict[str, dict[str, float]] = {"fixef": {}, "variance": {}, "loglik": {}}
        for line in done.stdout.splitlines():
            kind, name, value = line.strip("\t").split("\t")[:3]
            if kind == "variance":
                name = LME4_COMPONENTS[name]
            parsed.setdefault(kind, {})[name] = float(value)
        return parsed

    return fit


def scored(data: SimulatedData, respondent_type: str, specs: list[ConstructSpec]) -> pd.DataFrame:
    """Scale scores with round, school, group, arm and a 0/1 `treated`, as the model takes."""
    responses = data.responses[data.responses["respondent_type"] == respondent_type]
    answers = data.answers.merge(
        responses[["response", "round", "school", "group"]], on="response"
    ).merge(data.schools[["school", "arm"]], on="school")
    scores = score_constructs(answers, specs)
    scores["treated"] = (scores["arm"] == "intervention").astype(int)
    return scores
