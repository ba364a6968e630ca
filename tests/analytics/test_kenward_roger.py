"""Kenward-Roger: the cell-level pieces equal the textbook N x N algebra, and the adjusted SE
and df of the last round's DiD agree with R's pbkrtest and lmerTest (balanced, unbalanced and
boundary fits).

R runs once for all designs (loading lmerTest costs seconds); it skips without R unless
TRIVSEL_TEST_REQUIRE_R is set (CI), in which case it fails.
"""

import os
import shutil
import subprocess
from functools import cache

import numpy as np
import pytest

from analytics.lmm_kenward_roger import adjust, kenward_roger
from analytics.simulation import simulate_demo
from analytics.simulation_design import DemoDesign
from analytics.trend import fit_trend
from analytics.trend_design import prepare_trend
from analytics.trend_fallback import fit_with_fallback
from analytics.trend_result import TrendResult
from tests.analytics.conftest import scored
from tests.analytics.test_lme4_agreement import KONFLIKT, unbalanced
from tests.analytics.test_lmm import normal_design

#: pbkrtest's and lmerTest's SE and df of the last coefficient (the last round's DiD).
KR_SCRIPT = r"""
suppressMessages({library(lme4); library(pbkrtest); library(lmerTest)})
for (path in commandArgs(TRUE)) {
  d <- read.csv(path)
  d$round <- factor(d$round)
  d$school <- factor(d$school)
  m <- lmerTest::lmer(
    score ~ round * treated + (1 | school) + (1 | school:group) + (1 | school:round),
    data = d, REML = TRUE
  )
  L <- matrix(as.numeric(seq_along(fixef(m)) == length(fixef(m))), nrow = 1)
  adjusted <- vcovAdj(as(m, "lmerMod"))
  kr <- contest(m, L, ddf = "Kenward-Roger", joint = FALSE)
  cat(basename(path), names(fixef(m))[length(fixef(m))],
      sprintf("%.17g", sqrt(drop(L %*% as.matrix(adjusted) %*% t(L)))),
      sprintf("%.17g", Lb_ddf(L, as.matrix(vcov(m)), adjusted)),
      sprintf("%.17g", kr[["Std. Error"]]), sprintf("%.17g", kr[["df"]]), "\n", sep = "\t")
}
"""
DESIGNS = {
    "4 + 4 schools with classes": lambda: simulate_demo({"pupil": [KONFLIKT]}, seed=2000),
    "unbalanced classes": lambda: unbalanced(
        simulate_demo({"pupil": [KONFLIKT]}, DemoDesign(classes_per_grade=3), seed=5)
    ),
    # a boundary fit: the information is singular, pbkrtest takes a generalised inverse
    "school x round variance at zero": lambda: simulate_demo(
        {"pupil": [KONFLIKT]}, DemoDesign(school_round_sd=0.0), seed=7
    ),
}
#: Relative agreement with R: the brief's 1e-3; the variances themselves agree to ~1e-6.
TOLERANCE = 1e-3


@cache
def pbkrtest_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    check = ["Rscript", "-e", "library(pbkrtest); library(lmerTest)"]
    return subprocess.run(check, capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="module")
def kenward_roger_in_r(tmp_path_factory) -> dict[str, tuple[float, float, float, float]]:
    """Per design: pbkrtest's SE and df, then lmerTest's (contest, ddf = Kenward-Roger)."""
    if not pbkrtest_available():
        if os.environ.get("TRIVSEL_TEST_REQUIRE_R"):
            pytest.fail("TRIVSEL_TEST_REQUIRE_R is set, but R's pbkrtest or lmerTest is missing")
        pytest.skip("Rscript with pbkrtest and lmerTest is not installed")
    folder = tmp_path_factory.mktemp("kr")
    (folder / "kr.R").write_text(KR_SCRIPT)
    paths = []
    for index, simulate in enumerate(DESIGNS.values()):
        path = folder / f"design{index}.csv"
        frame = scored(simulate(), "pupil", [KONFLIKT])
        frame[["score", "round", "school", "treated", "group"]].to_csv(path, index=False)
        paths.append(str(path))
    done = subprocess.run(
        ["Rscript", str(folder / "kr.R"), *paths], capture_output=True, text=True, check=True
    )
    found = {}
    for line, name in zip(done.stdout.strip().splitlines(), DESIGNS, strict=True):
        numbers = line.strip("\t").split("\t")[2:]
        found[name] = tuple(float(value) for value in numbers)
    return found


@pytest.mark.parametrize("design", list(DESIGNS))
def test_kenward_roger_agrees_with_pbkrtest_and_lmertest(design, kenward_roger_in_r) -> None:
    scores = scored(DESIGNS[design](), "pupil", [KONFLIKT])
    ours = fit_trend(scores, df_method="kenward_roger").contrasts.iloc[-1]
    se_pbkrtest, df_pbkrtest, se_lmertest, df_lmertest = kenward_roger_in_r[design]
    print(
        f"\n{design}: SE ours {ours['se']:.8f}, pbkrtest {se_pbkrtest:.8f} "
        f"(rel {abs(ours['se'] / se_pbkrtest - 1):.1e}); df ours {ours['df']:.6f}, "
        f"pbkrtest {df_pbkrtest:.6f} (rel {abs(ours['df'] / df_pbkrtest - 1):.1e})"
    )
    assert ours["se"] == pytest.approx(se_pbkrtest, rel=TOLERANCE)
    assert ours["df"] == pytest.approx(df_pbkrtest, rel=TOLERANCE)
    assert se_lmertest == pytest.approx(se_pbkrtest, rel=1e-9)
    assert df_lmertest == pytest.approx(df_pbkrtest, rel=1e-9)


def dense_kenward_roger(frame, variances, row):
    """Phi_A and the df of one contrast from the full N x N matrices, as pbkrtest's vcovAdj."""
    prepared = prepare_trend(frame, "score", "round", "school", "group", "treated")
    x = prepared.design.x[prepared.row_cell]
    units = [levels[prepared.row_cell] for levels in prepared.design.term_levels]
    parts = [(unit[:, None] == unit[None, :]).astype(float) for unit in units]
    parts.append(np.eye(len(x)))
    vinv = np.linalg.inv(sum(v * part for v, part in zip(variances, parts, strict=True)))
    phi = np.linalg.inv(x.T @ vinv @ x)
    proj = vinv - vinv @ x @ phi @ x.T @ vinv
    first = [x.T @ vinv @ part @ vinv @ x for part in parts]
    m = len(parts)
    info = np.array(
        [[np.trace(proj @ parts[i] @ proj @ parts[j]) / 2 for j in range(m)] for i in range(m)]
    )
    w = np.linalg.inv(info)
    inner = sum(
        w[i, j] * (x.T @ vinv @ parts[i] @ vinv @ parts[j] @ vinv @ x - first[i] @ phi @ first[j])
        for i in range(m)
        for j in range(m)
    )
    phi_a = phi + 2 * phi @ inner @ phi
    g = np.array([row @ phi @ p_i @ phi @ row for p_i in first])
    return phi_a, 2 * (row @ phi @ row) ** 2 / (g @ w @ g)


@pytest.mark.parametrize("chunk", [2_000_000, 1], ids=["all schools at once", "one by one"])
def test_cell_level_pieces_equal_the_dense_algebra(chunk, monkeypatch) -> None:
    monkeypatch.setattr("analytics.lmm_kenward_roger.CHUNK_ENTRIES", chunk)
    frame = normal_design(seed=3, schools=4, rounds=2)
    frame = frame.sample(frac=0.7, random_state=1)  # unequal cells
    design = prepare_trend(frame, "score", "round", "school", "group", "treated").design
    variances = np.array([0.05, 0.02, 0.03, 0.4])
    row = np.eye(design.p)[-1]
    phi_a, df = dense_kenward_roger(frame, variances, row)
    assert np.allclose(adjust(design, variances).phi_adjusted, phi_a, rtol=1e-9, atol=1e-12)
    se, ours = kenward_roger(design, variances, row[None, :])
    assert se[0] == pytest.approx(np.sqrt(row @ phi_a @ row), rel=1e-9)
    assert ours[0] == pytest.approx(df, rel=1e-9)


@pytest.fixture(scope="module")
def few_schools():
    return normal_design(seed=5, schools=6, rounds=3)


def test_default_stays_satterthwaite_and_kenward_roger_widens_the_interval(few_schools) -> None:
    plain = fit_trend(few_schools, arm="treated", treated=1)
    adjusted = fit_trend(few_schools, arm="treated", treated=1, df_method="kenward_roger")
    assert plain.df_method == "satterthwaite" and "Satterthwaite-df" in plain.summary()
    assert adjusted.df_method == "kenward_roger" and "Kenward-Roger" in adjusted.summary()
    did, did_kr = plain.contrasts.iloc[-1], adjusted.contrasts.iloc[-1]
    assert did_kr["estimate"] == pytest.approx(did["estimate"], abs=1e-12)
    assert did_kr["se"] > did["se"]  # estimated variances add uncertainty
    assert did_kr["df"] == pytest.approx(did["df"], rel=1e-5)  # q = 1: the same df
    assert TrendResult.from_dict(adjusted.to_dict()).df_method == "kenward_roger"


def test_fallback_passes_the_df_method_on_and_refuses_an_unknown_one(few_schools) -> None:
    result = fit_with_fallback(few_schools, arm="treated", treated=1, df_method="kenward_roger")
    assert result.df_method == "kenward_roger"
    with pytest.raises(ValueError, match="df_method"):
        fit_with_fallback(few_schools, arm="treated", treated=1, df_method="kenward")
    with pytest.raises(ValueError, match="df_method"):
        fit_trend(few_schools, arm="treated", treated=1, df_method="kr")
