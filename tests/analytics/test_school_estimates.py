"""School estimates: shrinkage as the model implies it, checked by hand, by truth and by lme4."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.school_estimates import school_estimates
from tests.analytics.conftest import lme4_available

VARIANCES = {"school": 0.02, "school:round": 0.01, "residual": 0.5}


def _arm_means(rounds: list[str], arm: str = "intervention", mean: float = 3.0) -> pd.DataFrame:
    return pd.DataFrame({"round": rounds, "arm": arm, "estimate": mean, "se": 0.05})


def _school(rounds: list[str], means: list[float], n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"school": "S1", "arm": "intervention", "round": rounds, "n": n, "mean": means}
    )


def test_one_round_is_shrunk_by_the_textbook_factor() -> None:
    result = school_estimates(_arm_means(["R1"]), VARIANCES, _school(["R1"], [3.4], n=20))
    tau = VARIANCES["school"] + VARIANCES["school:round"]
    factor = tau / (tau + VARIANCES["residual"] / 20)
    assert result.table["estimate"].iloc[0] == pytest.approx(3.0 + factor * 0.4)
    assert result.table["weight"].iloc[0] == pytest.approx(factor)


def test_many_answers_follow_the_school_and_few_stay_near_the_arm() -> None:
    rounds = ["R1", "R2"]
    many = school_estimates(_arm_means(rounds), VARIANCES, _school(rounds, [3.5, 3.5], 5000))
    few = school_estimates(_arm_means(rounds), VARIANCES, _school(rounds, [3.5, 3.5], 10))
    assert many.table["estimate"].tolist() == pytest.approx([3.5, 3.5], abs=0.01)
    assert (few.table["estimate"] - 3.0).abs().max() < 0.3  # own mean is 0.5 away


def test_a_hidden_round_gets_no_estimate_and_moves_nothing() -> None:
    rounds = ["R1", "R2"]
    with_hidden = school_estimates(
        _arm_means(rounds), VARIANCES, _school(rounds, [3.4, np.nan], 20)
    )
    alone = school_estimates(_arm_means(["R1"]), VARIANCES, _school(["R1"], [3.4], 20))
    assert np.isnan(with_hidden.table["estimate"].iloc[1])
    assert with_hidden.table["estimate"].iloc[0] == pytest.approx(alone.table["estimate"][0])


def test_estimates_are_closer_to_the_truth_than_raw_school_means() -> None:
    rng = np.random.default_rng(7)
    rounds = [f"R{r}" for r in range(4)]
    truth, rows = [], []
    for s in range(200):
        u = rng.normal(0, np.sqrt(VARIANCES["school"]))
        for r in rounds:
            level = 3.0 + u + rng.normal(0, np.sqrt(VARIANCES["school:round"]))
            n = int(rng.integers(5, 40))
            mean = level + rng.normal(0, np.sqrt(VARIANCES["residual"] / n))
            truth.append(level)
            rows.append({"school": f"S{s:03d}", "arm": "intervention", "round": r})
            rows[-1].update(n=n, mean=mean)
    result = school_estimates(_arm_means(rounds), VARIANCES, pd.DataFrame(rows))
    raw_error = np.mean((result.table["observed"] - truth) ** 2)
    shrunk_error = np.mean((result.table["estimate"] - truth) ** 2)
    assert shrunk_error < 0.5 * raw_error


BLUP_SCRIPT = r"""
suppressMessages(library(lme4))
args <- commandArgs(TRUE)
d <- read.csv(args[1])
d$round <- factor(d$round); d$school <- factor(d$school)
f <- if (args[2] == "group") {
  score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round)
} else score ~ round * treated + (1 | school) + (1 | school:round)
m <- lmer(f, data = d, REML = TRUE)
vc <- as.data.frame(VarCorr(m))
for (i in seq_len(nrow(vc))) {
  cat("variance", vc$grp[i], sprintf("%.17g", vc$vcov[i]), "\n", sep = "\t")
}
cells <- unique(d[, c("school", "round", "treated")])
cells$fixed <- predict(m, newdata = cells, re.form = NA)
re <- ranef(m)
key <- paste(cells$school, cells$round, sep = ":")
cells$blup <- cells$fixed + re$school[as.character(cells$school), 1] + re$`school:round`[key, 1]
write.csv(cells, args[3], row.names = FALSE)
"""


def _lme4_blups(tmp_path: Path, frame: pd.DataFrame, with_group: bool) -> tuple[dict, pd.DataFrame]:
    script, data, out = tmp_path / "blup.R", tmp_path / "d.csv", tmp_path / "blup.csv"
    script.write_text(BLUP_SCRIPT)
    frame.to_csv(data, index=False)
    flag = "group" if with_group else "none"
    done = subprocess.run(
        ["Rscript", str(script), str(data), flag, str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    names = {"Residual": "residual"}
    variances = {
        names.get(line.split("\t")[1], line.split("\t")[1]): float(line.split("\t")[2])
        for line in done.stdout.splitlines()
    }
    return variances, pd.read_csv(out)


def _simulated_pupils(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for s in range(16):
        school_effect, treated = rng.normal(0, 0.25), s % 2
        for g in range(2):
            group_effect = rng.normal(0, 0.15)
            for r in range(3):
                level = 3 + 0.1 * r * treated + school_effect + group_effect + rng.normal(0, 0.1)
                for _ in range(int(rng.integers(3, 25))):
                    score = level + rng.normal(0, 0.7)
                    rows.append((score, f"R{r}", f"S{s:02d}", f"G{g}", treated))
    return pd.DataFrame(rows, columns=["score", "round", "school", "group", "treated"])


@pytest.mark.parametrize(
    ("with_group", "per_class", "tolerance"),
    [(False, False, 1e-5), (True, True, 1e-5), (True, False, 0.05)],
    ids=["no-class-term", "class-cells-exact", "school-means-approximate"],
)
def test_estimates_agree_with_lme4(
    tmp_path: Path, with_group: bool, per_class: bool, tolerance: float
) -> None:
    if not lme4_available():
        pytest.skip("Rscript with lme4 is not installed")
    frame = _simulated_pupils(np.random.default_rng(11))
    variances, reference = _lme4_blups(tmp_path, frame, with_group)
    frame["arm"] = np.where(frame["treated"] == 1, "intervention", "comparison")
    reference["arm"] = np.where(reference["treated"] == 1, "intervention", "comparison")
    arm_means = reference.groupby(["round", "arm"], as_index=False)["fixed"].first()
    arm_means = arm_means.rename(columns={"fixed": "estimate"}).assign(se=0.0)
    keys = ["school", "arm", "round", *(["group"] if per_class else [])]
    means = frame.groupby(keys, as_index=False).agg(
        n=("score", "size"), mean=("score", "mean"), groups=("group", "nunique")
    )
    ours = school_estimates(arm_means, variances, means).table
    both = ours.merge(reference, on=["school", "round"])
    assert len(both) == len(ours) == len(reference)
    assert np.abs(both["estimate"] - both["blup"]).max() < tolerance
