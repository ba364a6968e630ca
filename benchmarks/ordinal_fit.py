"""Time of the ordinal sensitivity model beside the linear trend fit it accompanies, and R's
ordinal::clmm on the same answers (timed inside R, without R's start).

One item on 1..5, 4 + 4 schools (and 10 + 10), three rounds, 30 to 3,000 answers per school
and round. The ordinal model runs on counts per school x round x category, so its time should
barely grow with the answers; the ratio column is ordinal / linear. Nothing is asserted.

    .venv/bin/python benchmarks/ordinal_fit.py
    .venv/bin/python benchmarks/ordinal_fit.py --repeat 5 --no-r
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CLMM_TIMED = r"""
suppressMessages(library(ordinal))
args <- commandArgs(TRUE)
d <- read.csv(args[1])
d$y <- factor(d$score, ordered = TRUE)
d$round <- factor(d$round)
d$school <- factor(d$school)
fit <- function() tryCatch(
  clmm(y ~ round * treated + (1 | school), data = d, nAGQ = as.integer(args[2]),
       control = clmm.control(gradTol = 1e-8)),
  error = function(e) NULL  # clmm can fail at its own starting values
)
times <- replicate(as.integer(args[3]), system.time(m <<- fit())[["elapsed"]])
cat(median(times), if (is.null(m)) NaN else as.numeric(logLik(m)), "\n")
"""


def median_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from analytics.ordinal import NODES, fit_ordinal
    from analytics.trend import fit_trend
    from tests.analytics.ordinal_data import simulate_answers

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-r", action="store_true")
    args = parser.parse_args()
    use_r = not args.no_r and shutil.which("Rscript") is not None
    print(f"{'schools':>8} {'answers':>8} {'ordinal s':>10} {'linear s':>9} {'ratio':>6}", end="")
    print(f" {'clmm s':>8} {'loglik ours':>14} {'loglik clmm':>14}" if use_r else "")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "clmm.R"
        script.write_text(CLMM_TIMED)
        for schools, pupils in ((8, 30), (8, 300), (8, 3000), (20, 300)):
            data = simulate_answers(schools=schools, pupils=pupils, seed=schools + pupils)
            fitted = fit_ordinal(data)
            ordinal = median_time(lambda d=data: fit_ordinal(d), args.repeat)
            linear = median_time(
                lambda d=data: fit_trend(d, group=None, min_group_size=5), args.repeat
            )
            line = f"{schools:>8} {len(data):>8} {ordinal:>10.3f} {linear:>9.3f}"
            line += f" {ordinal / linear:>6.2f}"
            if use_r:
                path = Path(folder) / "data.csv"
                data.to_csv(path, index=False)
                command = ["Rscript", str(script), str(path), str(NODES), str(args.repeat)]
                done = subprocess.run(  # noqa: S603 - our own script and data
                    command,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                clmm_time, clmm_loglik = (float(v) for v in done.stdout.split())
                line += f" {clmm_time:>8.3f} {fitted.loglik:>14.4f} {clmm_loglik:>14.4f}"
            print(line)


if __name__ == "__main__":
    main()
