"""Fit time and peak memory of the standard trend model at 100,000 and 450,000 pupil responses,
beside lme4 on the same data when R is installed.

    .venv/bin/python benchmarks/trend_fit.py            # both sizes
    TRIVSEL_BENCH_SIZES=100000 .venv/bin/python ...     # one size
    TRIVSEL_BENCH_STATSMODELS=1 ...                     # also statsmodels' MixedLM (slow)

Our time is the whole `fit_trend` call on the scored responses: cells, several optimiser runs,
Satterthwaite df and the result tables. lme4's is `system.time(lmer(...))` inside R, after the
data are read. Peak memory is what Python and numpy allocate during the fit (tracemalloc).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.scoring import ConstructSpec, score_constructs
from analytics.simulation import simulate_demo
from analytics.simulation_design import DemoDesign, school_year_rounds
from analytics.trend import fit_trend

SPEC = ConstructSpec("konflikt", tuple((f"konflikt_{i}", i == 3) for i in range(4)))
#: rows: (schools per arm, grades, classes per grade, rounds); 25 pupils a class, all answer.
DESIGNS = {
    100_000: (125, (5, 6), 2, 4),
    450_000: (250, (5, 6, 7), 2, 6),
}
LME4 = r"""
suppressMessages(library(lme4))
d <- read.csv(commandArgs(TRUE)[1])
d$round <- factor(d$round); d$school <- factor(d$school); d$group <- factor(d$group)
f <- score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round)
invisible(gc(reset = TRUE))
seconds <- system.time(m <- lmer(f, data = d, REML = TRUE))[["elapsed"]]
out <- function(...) cat(..., "\n", sep = "\t")
out("seconds", "fit", sprintf("%.4f", seconds))
out("memory", "max_mb", sprintf("%.1f", sum(gc()[, 6])))
fe <- fixef(m)
for (n in names(fe)) out("fixef", n, sprintf("%.17g", fe[[n]]))
vc <- as.data.frame(VarCorr(m))
for (i in seq_len(nrow(vc))) out("variance", vc$grp[i], sprintf("%.17g", vc$vcov[i]))
out("loglik", "REML", sprintf("%.17g", as.numeric(logLik(m))))
"""


def simulated_scores(rows: int) -> pd.DataFrame:
    per_arm, grades, classes, rounds = DESIGNS[rows]
    design = DemoDesign(
        schools_per_arm=per_arm,
        grades=grades,
        classes_per_grade=classes,
        pupils_per_class=25,
        enrolled_spread=0,
        pupil_response_rate=1.0,
        rounds=school_year_rounds(rounds),
        skip_rate=0.0,  # every pupil answers every item: exactly `rows` scores
        decline_rate=0.0,
    )
    data = simulate_demo({"pupil": [SPEC]}, design, seed=rows)
    answers = data.answers.merge(
        data.responses[["response", "round", "school", "group"]], on="response"
    ).merge(data.schools[["school", "arm"]], on="school")
    scores = score_constructs(answers, [SPEC])
    assert len(scores) == rows, len(scores)
    return scores.dropna(subset=["score"])


def time_ours(scores: pd.DataFrame, repeats: int = 3) -> tuple[float, float, object]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fit_trend(scores)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fit_trend(scores)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return float(np.median(times)), peak, result


def run_lme4(scores: pd.DataFrame) -> dict[str, dict[str, float]] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        data, script = Path(folder) / "data.csv", Path(folder) / "fit.R"
        scores.assign(treated=(scores["arm"] == "intervention").astype(int))[
            ["score", "round", "school", "group", "treated"]
        ].to_csv(data, index=False)
        script.write_text(LME4)
        done = subprocess.run(  # noqa: S603 - our script and our temporary file
            ["Rscript", str(script), str(data)],  # noqa: S607 - Rscript from PATH, like the tests
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        print(f"  lme4 failed: {done.stderr.strip()[:300]}")
        return None
    parsed: dict[str, dict[str, float]] = {}
    for line in done.stdout.splitlines():
        kind, name, value = line.strip("\t").split("\t")[:3]
        parsed.setdefault(kind, {})[name.replace("Residual", "residual")] = float(value)
    return parsed


def time_statsmodels(scores: pd.DataFrame) -> float:
    start = time.perf_counter()
    fit_trend(scores, engine="statsmodels")
    return time.perf_counter() - start


def main() -> None:
    sizes = [int(s) for s in os.environ.get("TRIVSEL_BENCH_SIZES", "100000,450000").split(",")]
    print(
        f"{'rows':>8} {'ours s':>8} {'peak MB':>8} {'lme4 s':>8} {'lme4/ours':>9} "
        f"{'|d fixef|':>9} {'|d var|':>9} {'|d loglik|':>10}"
    )
    for rows in sizes:
        scores = simulated_scores(rows)
        seconds, peak, result = time_ours(scores)
        line = f"{rows:>8} {seconds:>8.2f} {peak:>8.1f}"
        reference = run_lme4(scores)
        if reference is None:
            print(line + "   (R with lme4 not installed: no comparison)")
            continue
        coefficients = result.coefficients.set_index("term")["estimate"]  # type: ignore[attr-defined]
        variances = result.variance_components.set_index("component")["variance"]  # type: ignore[attr-defined]
        fixed = max(abs(coefficients[k] - v) for k, v in reference["fixef"].items())
        components = max(abs(variances[k] - v) for k, v in reference["variance"].items())
        loglik = abs(result.loglik - reference["loglik"]["REML"])  # type: ignore[attr-defined]
        lme4_seconds = reference["seconds"]["fit"]
        print(
            f"{line} {lme4_seconds:>8.2f} {lme4_seconds / seconds:>8.1f}x "
            f"{fixed:>9.1e} {components:>9.1e} {loglik:>10.1e}   "
            f"(R peak memory {reference['memory']['max_mb']:.0f} MB)"
        )
        if os.environ.get("TRIVSEL_BENCH_STATSMODELS"):
            sm = time_statsmodels(scores)
            print(
                f"{'':>8} statsmodels MixedLM, every method: {sm:.1f} s "
                f"({sm / lme4_seconds:.1f}x lme4)"
            )


if __name__ == "__main__":
    main()
