"""Fit time of the trend model beside lme4 and beside this repository's previous engine, in
one run: cross-sections of 100,000 and 450,000 pupil responses, a simulated panel of 500
schools x 150 pupils x 6 rounds (10 % of pupil-rounds missing: 405,000 rows), and Tennessee
STAR from R's mlmRev (24,613 math scores of 11,598 pupils in 80 schools, grades K-3).

    .venv/bin/python benchmarks/trend_fit.py                  # everything
    TRIVSEL_BENCH_CASES=star,panel .venv/bin/python ...       # some cases
    TRIVSEL_BENCH_CASES=startup ...       # only the start of each process, without data
    TRIVSEL_BENCH_REFERENCE=<commit> ...                      # the engine to compare with

Cross-sections: `fit_trend` in a fresh Python process on the same CSV, median of three fits,
for this tree and for the reference commit's `analytics/` (git archive into a temporary
folder; default PREVIOUS_ENGINE, the engine before the Schur elimination); lme4's time is
`system.time(lmer(...))` in R.
Panel and STAR: whole processes, `trivsel analyze --csv ... --pupil` against `Rscript` with
one default `lmer` fit (library loading and CSV reading included on both sides). Each time
is wall-clock and CPU (user + system of the child), since the machine may be shared: the
ratio of CPU times is the steadier one.

STAR: outcome `math`; round = grade (K = 0 ... 3), pupil = `id`, class = teacher (`tch`), arm
= a small class (`cltype == "small"`), which was randomised within schools, hence
`--arm-within-school`. lme4: math ~ grade * small + (1|sch) + (1|sch:tch) + (1|sch:grade)
+ (1|sch:id).
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import pandas as pd

from analytics.scoring import ConstructSpec, score_constructs
from analytics.simulation import simulate_demo
from analytics.simulation_design import DemoDesign, school_year_rounds
from analytics.simulation_panel import simulate_panel

ROOT = Path(__file__).resolve().parents[1]
#: The last commit with the padded per-school engine (before the Schur elimination).
PREVIOUS_ENGINE = "adeeb6edb491eedba24ad07d309be522ac7f17d0"
SPEC = ConstructSpec("konflikt", tuple((f"konflikt_{i}", i == 3) for i in range(4)))
#: rows: (schools per arm, grades, classes per grade, rounds); 25 pupils a class, all answer.
DESIGNS = {
    100_000: (125, (5, 6), 2, 4),
    450_000: (250, (5, 6, 7), 2, 6),
}
FIT_IN_PYTHON = """
import sys, time
import numpy as np, pandas as pd
from analytics.trend import fit_trend
d = pd.read_csv(sys.argv[1])
times, cpu = [], []
for _ in range(3):
    start, start_cpu = time.perf_counter(), time.process_time()
    r = fit_trend(d)
    times.append(time.perf_counter() - start)
    cpu.append(time.process_time() - start_cpu)
print(np.median(times), r.loglik, np.median(cpu))
"""
LME4_CROSS = r"""
suppressMessages(library(lme4))
d <- read.csv(commandArgs(TRUE)[1])
d$round <- factor(d$round); d$school <- factor(d$school); d$group <- factor(d$group)
f <- score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round)
seconds <- system.time(m <- lmer(f, data = d, REML = TRUE))[["elapsed"]]
cat(seconds, sprintf("%.17g", as.numeric(logLik(m))), "\n")
"""
LME4_PANEL = r"""
suppressMessages(library(lme4))
d <- read.csv(commandArgs(TRUE)[1])
for (v in c("round", "school", "group", "pupil")) d[[v]] <- factor(d[[v]])
m <- lmer(score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round) +
  (1 | school:pupil), data = d)
cat(sprintf("%.17g", as.numeric(logLik(m))), "\n")
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


def cross_section(rows: int) -> pd.DataFrame:
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
    scores = score_constructs(answers, [SPEC]).dropna(subset=["score"])
    scores["treated"] = (scores["arm"] == "intervention").astype(int)
    return scores[["score", "round", "school", "group", "arm", "treated"]]


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the child) and stdout of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own commands
        command, capture_output=True, text=True, check=False, env=env
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")
    return wall, cpu, done.stdout


def python_with(path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(path)}


def reference_tree(folder: Path) -> Path:
    """The reference commit's analytics package, unpacked for a subprocess to import."""
    commit = os.environ.get("TRIVSEL_BENCH_REFERENCE", PREVIOUS_ENGINE)
    target = folder / "reference"
    target.mkdir()
    archive = subprocess.run(  # noqa: S603 - a commit id from git or the operator
        ["git", "archive", commit, "analytics"],  # noqa: S607 - git from PATH
        capture_output=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    print(f"reference engine: {commit[:10]}")
    return target


def row(case: str, ours: tuple[float, float], reference: str, lme4: tuple[float, float]) -> str:
    wall, cpu = ours
    return (
        f"{case:<34} {wall:>8.2f} {cpu:>8.2f} {reference:>10} {lme4[0]:>8.2f} {lme4[1]:>8.2f} "
        f"{wall / lme4[0]:>9.2f} {cpu / lme4[1]:>8.2f}"
    )


def main() -> None:
    default = "startup,100000,450000,panel,star"
    cases = os.environ.get("TRIVSEL_BENCH_CASES", default).split(",")
    has_r = shutil.which("Rscript") is not None
    if not has_r:
        print("Rscript is not installed: no lme4 to compare with")
        return
    print(
        f"{'case':<34} {'ours s':>8} {'cpu s':>8} {'previous':>10} {'lme4 s':>8} {'cpu s':>8} "
        f"{'ours/lme4':>9} {'cpu':>8}"
    )
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        reference = reference_tree(folder)
        fit = folder / "fit.py"
        fit.write_text(FIT_IN_PYTHON)
        for script, text in (("cross.R", LME4_CROSS), ("panel.R", LME4_PANEL)):
            (folder / script).write_text(text)
        for case in cases:
            data = folder / f"{case}.csv"
            if case == "startup":  # what a whole process costs before any data are read
                trivsel = str(Path(sys.executable).with_name("trivsel"))
                ours = timed([trivsel, "analyze", "--help"])
                r = timed(["Rscript", "-e", "suppressMessages(library(lme4))"])
                print(row("startup: trivsel / library(lme4)", ours[:2], "", r[:2]))
                continue
            if case in ("100000", "450000"):
                cross_section(int(case)).to_csv(data, index=False)
                ours = timed([sys.executable, str(fit), str(data)], python_with(ROOT))
                before = timed([sys.executable, str(fit), str(data)], python_with(reference))
                r = timed(["Rscript", str(folder / "cross.R"), str(data)])
                ours_fit, before_fit = float(ours[2].split()[0]), float(before[2].split()[0])
                lme4_fit = float(r[2].split()[0])
                gap = abs(float(ours[2].split()[1]) - float(r[2].split()[1]))
                ours_cpu, before_cpu = float(ours[2].split()[2]), float(before[2].split()[2])
                print(
                    f"{case + ' cross-section (fit only)':<34} {ours_fit:>8.2f} {ours_cpu:>8.2f} "
                    f"{before_fit:>9.2f}s {lme4_fit:>8.2f} {'':>8} {ours_fit / lme4_fit:>9.3f}"
                    f"   previous/ours {before_fit / ours_fit:.2f} "
                    f"(cpu {before_cpu:.2f} s: {before_cpu / ours_cpu:.2f}), "
                    f"|d loglik| vs lme4 {gap:.1e}"
                )
                continue
            if case == "panel":
                frame = simulate_panel(
                    seed=450, schools=500, classes=6, pupils=25, rounds=6, missing=0.1,
                    no_card=0.0,
                )  # fmt: skip
                frame.rename(columns={"card": "pupil"}).to_csv(data, index=False)
                label = f"panel {len(frame):,} rows (process)"
                extra = ["--arm", "treated", "--treated", "1"]
            else:
                (folder / "star.R").write_text(STAR_EXPORT)
                timed(["Rscript", str(folder / "star.R"), str(data)])
                label = "STAR 24,613 rows (process)"
                extra = ["--arm", "treated", "--treated", "1", "--arm-within-school"]
            command = [
                str(Path(sys.executable).with_name("trivsel")), "analyze", "--csv", str(data),
                "--outcome", "score", "--round", "round", "--school", "school",
                "--group", "group", "--pupil", "pupil", "--json", *extra,
            ]  # fmt: skip
            ours = timed(command)
            r = timed(["Rscript", str(folder / "panel.R"), str(data)])
            loglik = json.loads(ours[2])["loglik"]
            print(
                row(label, ours[:2], "", r[:2])
                + f"   |d loglik| {abs(loglik - float(r[2].split()[0])):.1e}"
            )


if __name__ == "__main__":
    main()
