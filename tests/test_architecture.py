"""The import rule of DESIGN.md holds: survey -> dashboards -> analytics, instruments.

The rule lives as import-linter contracts in pyproject.toml (`[tool.importlinter]`), so
`lint-imports` says the same on the command line. import-linter (on grimp) sees every import,
lazy ones inside functions included, and names the chain that breaks a contract.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = "import sys; from importlinter.cli import lint_imports_command as lint; sys.exit(lint())"


def test_imports_flow_one_way_and_the_pure_packages_stay_pure():
    run = subprocess.run(
        [sys.executable, "-c", LINT, "pyproject.toml", "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
