"""The analyzer registry: the built-in analyzers it lists are the ones pyproject.toml declares, and an
analyzer another package installs through the ``bumba_magics.analyzers`` entry points takes part in a real
``bumba scan`` and ``bumba explain``; a broken one is a warning, not a failed review."""

import json
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from bumba_magics.analyzers.base import ANALYZERS
from bumba_magics.analyzers.registry import (
    BUILTIN_ANALYZERS,
    ENTRY_POINT_GROUP,
    builtin_entry_point,
    load_analyzers,
)

REPO = Path(__file__).resolve().parents[2]

PLUGIN = textwrap.dedent('''
    """A licence check from another package: importing leftpad (a made-up library under a licence the
    company does not allow)."""
    import ast

    from bumba_magics.analyzers.base import AstGroupAnalyzer, Checks, register_analyzer
    from bumba_magics.core.rules import rule
    from bumba_magics.findings import Category, Severity

    FORBIDDEN_LICENCE = rule(
        "ACME001", "forbidden-licence", "Imports a library under a licence we may not ship", Severity.high,
        category=Category.security, analyzer="licences",
        why="Shipping it would oblige us to publish our own source.",
        recommendation="Use the in-house padding helper.",
        bad="import leftpad", good="import textwrap",
    )
    checks = Checks("licences")


    @checks.on(ast.Import)
    def check_forbidden_import(node, ctx):
        if any(alias.name.split(".")[0] == "leftpad" for alias in node.names):
            yield ctx.finding(FORBIDDEN_LICENCE, node)


    @register_analyzer
    class LicenceAnalyzer(AstGroupAnalyzer):
        name = "licences"
        runs_with = ("security",)
''')


def install(folder: Path, entry_points: str, modules: dict[str, str]) -> Path:
    """A distribution as pip leaves it in site-packages: a dist-info folder beside the modules."""
    dist = folder / "acme_bumba-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-bumba\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry_points}")
    for name, text in modules.items():
        (folder / f"{name}.py").write_text(text)
    return folder


def bumba(site: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "bumba_magics", *args], capture_output=True, text=True,
                          check=False, env=env, timeout=120)


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "pad.py").write_text("import leftpad\n\nprint(leftpad.pad('x', 3))\n")
    return tmp_path / "project"


def test_pyproject_declares_exactly_the_builtin_analyzers():
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert declared == {name: builtin_entry_point(name) for name in BUILTIN_ANALYZERS}


def test_every_builtin_module_registers_the_analyzer_it_is_listed_for():
    loaded = load_analyzers(plugins=False)
    assert loaded.problems == []
    assert set(BUILTIN_ANALYZERS) <= set(ANALYZERS)


def test_an_installed_analyzer_joins_scan_and_explain(tmp_path, project):
    site = install(tmp_path / "site", "licences = acme_licences\n", {"acme_licences": PLUGIN})
    scan = bumba(site, "scan", str(project), "-f", "json", "--no-cache")
    assert scan.returncode == 0, scan.stderr
    report = json.loads(scan.stdout)
    found = [(f["rule"], f["location"]["path"], f["location"]["line"]) for f in report["findings"]]
    assert ("ACME001", "pad.py", 1) in found
    assert "ACME001" not in bumba(tmp_path, "scan", str(project), "-f", "json", "--no-cache").stdout

    explain = bumba(site, "explain", "ACME001")
    assert explain.returncode == 0, explain.stderr
    assert "Imports a library under a licence we may not ship" in explain.stdout
    assert "Use the in-house padding helper." in explain.stdout


def test_the_analyzer_class_may_be_the_entry_point(tmp_path, project):
    site = install(tmp_path / "site", "licences = acme_licences:LicenceAnalyzer\n", {"acme_licences": PLUGIN})
    scan = bumba(site, "scan", str(project), "-f", "json", "--no-cache")
    assert scan.returncode == 0, scan.stderr
    assert "ACME001" in {f["rule"] for f in json.loads(scan.stdout)["findings"]}


@pytest.mark.parametrize("entry, modules, reason", [
    ("licences = acme_missing\n", {}, "ModuleNotFoundError"),
    ("licences = acme_broken\n", {"acme_broken": "raise RuntimeError('half-installed')\n"},
     "RuntimeError: half-installed"),
    ("licences = acme_empty\n", {"acme_empty": "VALUE = 1\n"}, "registered no analyzer named 'licences'"),
    ("security = acme_empty\n", {"acme_empty": "VALUE = 1\n"}, "is a built-in analyzer's name"),
])
def test_a_broken_entry_point_is_a_warning_and_the_review_still_runs(tmp_path, project, entry, modules, reason):
    site = install(tmp_path / "site", entry, modules)
    (project / "cache.py").write_text("import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n")
    scan = bumba(site, "scan", str(project), "-f", "json", "--no-cache")
    assert scan.returncode == 0, scan.stderr
    report = json.loads(scan.stdout)
    assert "BMB106" in {f["rule"] for f in report["findings"]}  # the built-in analyzers ran
    assert "AnalyzerPluginWarning" in scan.stderr and reason in scan.stderr
    assert any(reason in note for note in report["notes"])

    explain = bumba(site, "explain", "BMB106")
    assert explain.returncode == 0, explain.stderr
    assert reason in explain.stderr
