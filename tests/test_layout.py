"""The package keeps its own rules: no import cycle and no upward import, counting imports inside
functions, checked by bumba's architecture analyzer against ``[tool.bumba] layers`` in pyproject.toml."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SELF_CHECK = ["analyze-technical", "bumba_magics", "--select", "BMB401,BMB402", "--fail-on", "low", "--no-cache",
              "-q", "-f", "json"]


def _self_check(cwd: Path) -> tuple[int, list[dict]]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "BUMBA_STORE": str(cwd / "store.sqlite")}
    out = subprocess.run([sys.executable, "-m", "bumba_magics.cli", *SELF_CHECK], cwd=cwd, capture_output=True,
                         text=True, timeout=300, env=env, check=False)
    return out.returncode, json.loads(out.stdout)["findings"]


def test_bumba_magics_has_no_import_cycle_and_no_upward_import(tmp_path):
    shutil.copytree(REPO / "bumba_magics", tmp_path / "bumba_magics", ignore=shutil.ignore_patterns("labextension"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    status, findings = _self_check(tmp_path)
    assert [(f["rule"], f["title"]) for f in findings] == []
    assert status == 0


def test_a_function_level_import_that_closes_a_cycle_and_points_up_fails_the_self_check(tmp_path):
    shutil.copytree(REPO / "bumba_magics", tmp_path / "bumba_magics", ignore=shutil.ignore_patterns("labextension"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    findings_module = tmp_path / "bumba_magics" / "core" / "findings.py"
    findings_module.write_text(findings_module.read_text() + "\n\ndef _show(report):\n"
                               "    from ..views.mimebundle import static_mimebundle\n\n"
                               "    return static_mimebundle(report)\n")
    status, findings = _self_check(tmp_path)
    assert status == 1
    rules = {(f["rule"], f["location"]["path"]) for f in findings}
    assert ("BMB401", "core/findings.py") in rules  # the cycle, through a function-level import
    assert ("BMB402", "core/findings.py") in rules  # core (the bottom layer) imports a view
