"""Coverage when the trend model's assumptions do not hold (issue: honest conclusions from few
schools).

For the 4 + 4 and 10 + 10 school designs, each scenario draws `--sims` projects (default 200)
with NO true difference in change between the arms, fits the trend model and the design-based
check (analytics/design_check.py), and prints, per design × scenario:

- the coverage of the model's 95 % CI for the last round's difference-in-differences;
- the coverage of the two-stage cluster-means 95 % CI (t on schools - 2 df);
- the size of the randomisation test (share of p < 0.05; exact tests stay at or below 5 %).

The truth is zero in every scenario, so a CI "covers" when it holds 0. Scenarios:

    holds        the model's own assumptions: normal scores, equal variances, every random
                 term present (school, class, school x round)
    boundary     as holds, but no true school x round variance: the fitted term sits at zero
    ceiling      1-5 answers to four items, averaged; most pupils near the top of the scale
    unequal      school variance three times as large (SD) in the intervention arm
    attrition    40 % of intervention pupils gone after baseline against 10 % of comparison
    selective    the same attrition, but pupils below their school's mean leave more often

Every scenario but `boundary` has the school x round variance of `holds`.

    .venv/bin/python benchmarks/coverage_misspecified.py --sims 200
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.design_check import design_check
from analytics.trend import fit_trend

SCENARIOS = ("holds", "boundary", "ceiling", "unequal", "attrition", "selective")
DESIGNS = {"4 + 4": 4, "10 + 10": 10}
ROUNDS = ("1", "2", "3")
CLASSES, PUPILS = 2, 15


def simulate(schools_per_arm: int, scenario: str, rng: np.random.Generator) -> pd.DataFrame:
    """Pupils in classes in schools over three rounds; the arms change alike (no effect)."""
    schools = 2 * schools_per_arm
    treated = np.arange(schools) < schools_per_arm
    school_sd = np.where(treated & (scenario == "unequal"), 0.45, 0.15)
    school = rng.normal(0, school_sd)
    school_round_sd = 0.0 if scenario == "boundary" else 0.1
    school_round = rng.normal(0, school_round_sd, (schools, len(ROUNDS)))
    center = 4.2 if scenario == "ceiling" else 3.3
    frames = []
    for s in range(schools):
        for c in range(CLASSES):
            klass = rng.normal(0, 0.1)
            for r, label in enumerate(ROUNDS):
                latent = (
                    center
                    + school[s]
                    + klass
                    + school_round[s, r]
                    + 0.1 * r  # a common trend, the same in both arms
                    + rng.normal(0, 0.6, PUPILS)
                )
                keep = np.ones(PUPILS, bool)
                if r > 0 and scenario in ("attrition", "selective"):
                    leave = 0.4 if treated[s] else 0.1
                    if scenario == "selective":  # the less content leave more often
                        below = latent < np.median(latent)
                        leave = np.where(below, min(1.0, 1.6 * leave), 0.4 * leave)
                    keep = rng.random(PUPILS) >= leave
                if scenario == "ceiling":
                    items = np.clip(
                        np.rint(latent[:, None] + rng.normal(0, 0.5, (PUPILS, 4))), 1, 5
                    )
                    score = items.mean(axis=1)
                else:
                    score = latent
                frames.append(
                    pd.DataFrame(
                        {
                            "school": f"s{s:02}",
                            "group": f"s{s:02}-{c}",
                            "round": label,
                            "arm": "intervention" if treated[s] else "comparison",
                            "score": score[keep],
                        }
                    )
                )
    return pd.concat(frames, ignore_index=True)


def one_run(schools_per_arm: int, scenario: str, rng: np.random.Generator) -> tuple[bool, ...]:
    data = simulate(schools_per_arm, scenario, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit_trend(data, min_group_size=5, min_schools_per_arm=2).did(ROUNDS[-1])
    check = next(c for c in design_check(data, rounds=ROUNDS) if c.round == ROUNDS[-1])
    return (
        bool(model["ci_low"] <= 0 <= model["ci_high"]),
        bool(check.ci_low <= 0 <= check.ci_high),
        bool(check.p_randomisation < 0.05),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sims", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--designs", nargs="*", default=list(DESIGNS))
    parser.add_argument("--scenarios", nargs="*", default=list(SCENARIOS))
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"{args.sims} simulated projects per row; no true effect; 95 % intervals, alpha 0.05")
    print(f"binomial SE of a coverage near 95 %: {100 * math.sqrt(0.05 * 0.95 / args.sims):.1f} pp")
    print()
    header = (
        f"{'design':8} {'scenario':13} {'model CI':>9} {'two-stage CI':>13} {'RI size':>8} {'s':>6}"
    )
    print(header)
    print("-" * len(header))
    for design in args.designs:
        for scenario in args.scenarios:
            started = time.perf_counter()
            hits = np.array([one_run(DESIGNS[design], scenario, rng) for _ in range(args.sims)])
            model, two_stage, size = 100 * hits.mean(axis=0)
            seconds = time.perf_counter() - started
            figures = f"{model:8.1f}% {two_stage:12.1f}% {size:7.1f}% {seconds:6.0f}"
            print(f"{design:8} {scenario:13} {figures}", flush=True)


if __name__ == "__main__":
    main()
