"""The engine registry: an engine another package installs through the ``bumba_magics.engines`` entry points
joins a real ``bumba scan`` when asked for by name (never by ``auto``), is handed the offline findings, and
its own are merged in; an engine that is not configured, unknown or broken is a clear message."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bumba_magics.core.findings import Category, Finding, Location, Severity
from bumba_magics.engines.registry import BUILTIN_ENGINES, ENTRY_POINT_GROUP, get_engine, merge_findings

ENGINE = textwrap.dedent('''
    """A company's own reviewer: it needs ACME_TOKEN, and confirms what the offline analyzers found."""
    import os

    from bumba_magics.core.events import AgentResult
    from bumba_magics.core.findings import Category, Finding, Location, Severity
    from bumba_magics.engines.registry import Engine


    def review(run):
        seen = ", ".join(sorted({f.rule for f in run.offline_findings}))
        finding = Finding(rule="ACME900", title="Pickle from the network: route it through the safe loader",
                          severity=Severity.high, category=Category.security, engine="acme",
                          location=Location(path="pad.py", line=4))
        return AgentResult(model="acme-1", narrative=f"acme saw {seen} in {run.command}", findings=[finding])


    ACME = Engine(name="acme", summary="The company reviewer.",
                  is_configured=lambda settings: bool(os.environ.get("ACME_TOKEN")),
                  missing="the acme engine needs ACME_TOKEN", how_to_enable="export ACME_TOKEN=…", review=review)
''')


def install(folder: Path, entry_points: str, modules: dict[str, str]) -> Path:
    """A distribution as pip leaves it in site-packages: a dist-info folder beside the modules."""
    dist = folder / "acme_engine-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-engine\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{entry_points}")
    for name, text in modules.items():
        (folder / f"{name}.py").write_text(text)
    return folder


def bumba(site: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))
    environment = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "ACME_TOKEN")}
    environment.update(PYTHONPATH=path, BUMBA_STORE=str(cwd / "store.sqlite"), **env)
    return subprocess.run([sys.executable, "-m", "bumba_magics", *args], capture_output=True, text=True,
                          check=False, env=environment, cwd=cwd, timeout=120)


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pad.py").write_text("import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n")
    return folder


@pytest.fixture
def site(tmp_path) -> Path:
    return install(tmp_path / "site", "acme = acme_engine:ACME\nbroken = acme_missing:ENGINE\n",
                   {"acme_engine": ENGINE})


def test_an_installed_engine_reviews_after_the_offline_analyzers_when_named(site, project):
    out = bumba(site, project, "scan", ".", "--engine", "acme", "-f", "json", ACME_TOKEN="t")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["run"]["engines"] == ["offline", "acme"]
    assert report["narrative"] == "acme saw BMB106 in scan"  # it was handed the offline findings
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert by_rule["ACME900"]["engine"] == "acme"
    assert by_rule["BMB106"]["engine"] == "offline"
    assert "could not be loaded" in out.stderr  # the broken entry point beside it: a warning only


def test_auto_never_picks_an_installed_engine(site, project):
    out = bumba(site, project, "scan", ".", "-f", "json", ACME_TOKEN="t")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["run"]["engines"] == ["offline"]


def test_an_engine_that_is_not_configured_or_unknown_is_a_usage_error(site, project):
    out = bumba(site, project, "scan", ".", "--engine", "acme")
    assert out.returncode == 2
    assert "--engine acme: the acme engine needs ACME_TOKEN: export ACME_TOKEN=…" in out.stderr
    out = bumba(site, project, "scan", ".", "--engine", "broken")
    assert out.returncode == 2
    assert "unknown engine 'broken': choose auto, offline, claude, acme" in out.stderr


def test_the_built_in_engine_is_described_without_loading_its_sdk():
    code = ("import sys\nfrom bumba_magics.engines.registry import get_engine\n"
            "engine = get_engine('claude')\nprint(engine.name, 'anthropic' in sys.modules, "
            "'bumba_magics.engines.claude.loop' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["claude", "False", "False"]
    assert list(BUILTIN_ENGINES) == ["claude"] and get_engine("claude").missing.endswith("Anthropic API key")


def test_merge_confirms_a_finding_both_report_and_keeps_one_only_the_engine_found():
    place = Location(path="a.py", line=3)
    offline = [Finding(rule="BMB106", title="pickle", severity=Severity.high, category=Category.security,
                       location=place)]
    added = [Finding(rule="BMB106", title="pickle", severity=Severity.high, category=Category.security,
                     location=place, engine="acme", why="untrusted bytes"),
             Finding(rule="ACME1", title="other", severity=Severity.low, category=Category.security,
                     location=Location(path="a.py", line=9), engine="acme")]
    merged = merge_findings(offline, added, "acme")
    assert [(f.rule, f.engine, f.why) for f in merged] == [("BMB106", "offline+acme", "untrusted bytes"),
                                                          ("ACME1", "acme", None)]
