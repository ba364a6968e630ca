"""The import rule of DESIGN.md holds: survey -> dashboards -> analytics, instruments.

The rule lives as import-linter contracts in pyproject.toml (`[tool.importlinter]`), so
`lint-imports` says the same on the command line. import-linter (on grimp) sees every import,
lazy ones inside functions included, and names the chain that breaks a contract.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("analytics", "dashboards", "instruments", "survey")
#: Where each shared constant is defined: once, plus in `analytics` where the rule forbids
#: it to import the one in `instruments`.
DEFINED_IN = {
    "RESPONDENT_TYPES": {"instruments/model.py", "analytics/simulation_design.py"},
    "FORMULA_STARTS": {"analytics/csvsafe.py"},
}
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


def _module_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_each_shared_constant_is_defined_in_one_place():
    found: dict[str, set[str]] = {name: set() for name in DEFINED_IN}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for name in _module_level_names(path) & set(DEFINED_IN):
                found[name].add(path.relative_to(ROOT).as_posix())
    assert found == DEFINED_IN
