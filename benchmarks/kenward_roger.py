"""Time of Kenward-Roger beside Satterthwaite (and beside the fit itself), in one run.

After one REML fit per design, the SE and df of every reported contrast are computed with
`analytics.lmm_information.satterthwaite` and with `analytics.lmm_kenward_roger.kenward_roger`
(median of five runs each; wall-clock, so a busy machine shows in all columns alike).
Designs: the demo's 4 + 4 schools of pupils, once with 10 answering pupils per class; 100 +
100 schools with 4 classes and 4 rounds; a panel of 100 schools x 2 classes x 40 pupils x 4
rounds with (1 | pupil). On the smallest design the textbook N x N computation (pbkrtest's
vcovAdj algebra) is timed too, as the reference the cell-level form replaces.

    .venv/bin/python benchmarks/kenward_roger.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import pandas as pd

from analytics.lmm_fit import fit_mixed
from analytics.lmm_information import satterthwaite
from analytics.lmm_kenward_roger import kenward_roger
from analytics.scoring import ConstructSpec, score_constructs
from analytics.simulation import simulate_demo
from analytics.simulation_design import DemoDesign
from analytics.simulation_panel import simulate_panel
from analytics.trend_design import prepare_trend

SPEC = ConstructSpec("konflikt", tuple((f"konflikt_{i}", i == 3) for i in range(4)))


def demo_scores(design: DemoDesign, seed: int) -> pd.DataFrame:
    data = simulate_demo({"pupil": [SPEC]}, design, seed=seed)
    responses = data.responses[data.responses["respondent_type"] == "pupil"]
    answers = data.answers.merge(
        responses[["response", "round", "school", "group"]], on="response"
    ).merge(data.schools[["school", "arm"]], on="school")
    return score_constructs(answers, [SPEC])


def median_seconds(call: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def dense_reference(prepared, variances: np.ndarray, row: np.ndarray) -> float:
    """pbkrtest's vcovAdj algebra on N x N matrices: the adjusted variance of one contrast."""
    x = prepared.design.x[prepared.row_cell]
    units = [levels[prepared.row_cell] for levels in prepared.design.term_levels]
    parts = [(unit[:, None] == unit[None, :]).astype(float) for unit in units]
    parts.append(np.eye(len(x)))
    vinv = np.linalg.inv(sum(v * part for v, part in zip(variances, parts, strict=True)))
    vx = vinv @ x
    phi = np.linalg.inv(x.T @ vx)
    half = [part @ vx for part in parts]
    first = [vx.T @ h for h in half]
    proj = vinv - vx @ phi @ vx.T
    pv = [proj @ part for part in parts]
    m = len(parts)
    info = np.array([[np.sum(pv[i] * pv[j].T) / 2 for j in range(m)] for i in range(m)])
    w = np.linalg.inv(info)
    inner = sum(
        w[i, j] * (half[i].T @ vinv @ half[j] - first[i] @ phi @ first[j])
        for i in range(m)
        for j in range(m)
    )
    return float(row @ (phi + 2 * phi @ inner @ phi) @ row)


def main() -> None:
    cases = {
        "demo, 10 pupils per class": (
            demo_scores(DemoDesign(pupils_per_class=11), seed=2000),
            {"arm": "arm", "treated": "intervention"},
        ),
        "demo 4 + 4 schools": (
            demo_scores(DemoDesign(), seed=2000),
            {"arm": "arm", "treated": "intervention"},
        ),
        "100 + 100 schools, 4 classes": (
            demo_scores(DemoDesign(schools_per_arm=100, pupils_per_class=12), seed=3),
            {"arm": "arm", "treated": "intervention"},
        ),
        "panel 100 schools x 80 pupils": (
            simulate_panel(seed=4, schools=100, classes=2, pupils=40, rounds=4),
            {"arm": "treated", "treated": "1", "pupil": "card"},
        ),
    }
    print(f"{'design':<32} {'rows':>7} {'fit s':>8} {'Satt. s':>8} {'KR s':>8} {'KR/Satt.':>9}")
    for name, (frame, columns) in cases.items():
        outcome = "score"
        prepared = prepare_trend(
            frame, outcome, "round", "school", "group", columns["arm"], columns["treated"],
            pupil=columns.get("pupil"),
        )  # fmt: skip
        start = time.perf_counter()
        fit, engine = fit_mixed(prepared.design, second_opinion="pupil" not in columns)
        fitted = time.perf_counter() - start
        rows = np.eye(prepared.design.p)
        design, variances = prepared.design, fit.variances
        satt = median_seconds(partial(satterthwaite, design, variances, rows, engine))
        kr = median_seconds(partial(kenward_roger, design, variances, rows))
        print(
            f"{name:<32} {len(frame):>7} {fitted:>8.3f} {satt:>8.3f} {kr:>8.3f} {kr / satt:>9.2f}"
        )
        if name.startswith("demo,"):
            row = rows[-1]
            start = time.perf_counter()
            reference = dense_reference(prepared, variances, row)
            dense = time.perf_counter() - start
            se, _ = kenward_roger(design, variances, row[None, :])
            agree = abs(se[0] ** 2 / reference - 1)
            print(
                f"{'  textbook N x N reference':<32} {'':>7} {'':>8} {'':>8} {dense:>8.3f} "
                f"{dense / kr:>8.0f}x slower (adjusted variance agrees to {agree:.1e})"
            )


if __name__ == "__main__":
    main()
