"""The SPSS file as an evaluator opens it: R's haven, `as_factor`, the value labels."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

#: English words that a Norwegian value label must not be (issue 17: «arm», «status»...).
ENGLISH = {"pupil", "parent", "staff", "comparison", "intervention", "partial", "complete"}
READ = """
library(haven)
data <- read_sav(commandArgs(trailingOnly = TRUE)[1])
cat("levels", nlevels(as_factor(data$group, levels = "labels")), "\\n")
for (name in names(data)) {
  labels <- attr(data[[name]], "labels")
  if (!is.null(labels)) for (label in names(labels)) cat("label", name, label, sep = "\\t", "\\n")
}
"""


def _haven_ready() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(haven)"], capture_output=True, check=False)
    return probe.returncode == 0


def test_haven_reads_one_level_per_class_and_only_norwegian_labels(
    small_project, export, tmp_path
) -> None:
    if not _haven_ready():
        if os.environ.get("TRIVSEL_TEST_REQUIRE_R"):
            pytest.fail("TRIVSEL_TEST_REQUIRE_R is set but Rscript with haven is missing")
        pytest.skip("Rscript with haven is not installed")
    sav = export(small_project, "sav", tmp_path)
    script = tmp_path / "read.R"
    script.write_text(READ, encoding="utf-8")
    out = subprocess.run(
        ["Rscript", str(script), str(sav)], capture_output=True, check=True, text=True
    ).stdout
    classes = sum(len(school.groups) for school in small_project.schools)
    assert f"levels {classes} " in out  # two schools' 5A stay two levels
    labels = [line.split("\t")[2] for line in out.splitlines() if line.startswith("label")]
    assert labels and not {label.strip().lower() for label in labels} & ENGLISH
