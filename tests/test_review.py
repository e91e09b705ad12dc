"""review(): the one call every front end makes — settings precedence, baseline, gate, history."""

import json

import pytest

from bumba_magics.findings import Severity
from bumba_magics.review import ReviewError, review
from bumba_magics.settings import SettingsError
from bumba_magics.store import Store

PICKLE = "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n"
YAML = "import yaml\n\ndef read(f):\n    return yaml.load(f)\n"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "cache.py").write_text(PICKLE)
    (tmp_path / "svc" / "conf.py").write_text(YAML)
    return tmp_path / "svc"


def rules(report):
    return sorted({f.rule for f in report.findings})


def test_scan_finds_and_orders_deterministically(project):
    first, second = review("scan", str(project)), review("scan", str(project))
    assert "BMB106" in rules(first)
    assert [f.fingerprint for f in first.findings] == [f.fingerprint for f in second.findings]
    assert first.run.files == 2 and first.run.engine == "offline"


def test_missing_path_is_a_review_error(tmp_path):
    with pytest.raises(ReviewError, match="no such file or folder"):
        review("scan", str(tmp_path / "nope"))


def test_claude_engine_is_refused_clearly(project):
    with pytest.raises(ReviewError, match="Claude engine"):
        review("scan", str(project), overrides={"engine": "claude"})


def test_pyproject_settings_apply_and_user_overrides_win(project):
    (project / "pyproject.toml").write_text('[tool.bumba]\nignore = ["BMB106"]\nfail-on = "high"\n')
    report = review("scan", str(project))
    assert "BMB106" not in rules(report) and report.run.fail_on == Severity.high
    overridden = review("scan", str(project), overrides={"ignore": ["S"], "fail_on": "none"})
    assert "BMB106" in rules(overridden) and overridden.run.fail_on is None


def test_typo_in_pyproject_is_a_clear_error(project):
    (project / "pyproject.toml").write_text('[tool.bumba]\nseverity = "urgent"\n')
    with pytest.raises(SettingsError, match=r"\[tool.bumba\].*severity"):
        review("scan", str(project))


def test_severity_threshold(project):
    report = review("scan", str(project), overrides={"min_severity": Severity.critical})
    assert all(f.severity == Severity.critical for f in report.findings)


def test_gate(project):
    assert review("scan", str(project), overrides={"fail_on": Severity.high}).failed
    assert not review("scan", str(project), overrides={"fail_on": Severity.critical}).failed


def test_checkpoint_gates_on_high_by_default_and_baseline_accepts_known_findings(project):
    assert review("checkpoint", str(project)).failed
    accepted = review("checkpoint", str(project), update_baseline=True)
    assert not accepted.failed and (project / "bumba-baseline.json").is_file()
    assert not review("checkpoint", str(project)).failed  # nothing new since the baseline
    (project / "new.py").write_text(PICKLE.replace("blob", "data"))
    again = review("checkpoint", str(project))
    assert again.failed and {f.location.path for f in again.at_least("high")} == {"new.py"}


def test_broken_baseline_file_is_a_clear_error(project):
    (project / "bumba-baseline.json").write_text("{not json")
    with pytest.raises(ReviewError, match="not a bumba baseline"):
        review("scan", str(project))


def test_runs_are_stored_and_compared(project, store_path):
    first = review("scan", str(project))
    assert first.new_fingerprints is None
    (project / "conf.py").write_text("import yaml\n\ndef read(f):\n    return yaml.safe_load(f)\n")
    second = review("scan", str(project))
    assert second.new_fingerprints == [] and second.fixed_count >= 1
    runs = Store(store_path).list_runs(target=str(project))
    assert [r["id"] for r in runs] == [second.run.id, first.run.id]


def test_report_json_shape(project):
    data = json.loads(review("scan", str(project)).to_json())
    assert set(data) >= {"findings", "summary", "run"}
    finding = data["findings"][0]
    assert set(finding) >= {"rule", "severity", "category", "title", "location", "fingerprint"}
    assert set(finding["location"]) >= {"path", "line", "cell"}


def test_agent_is_recorded_and_a_bad_agent_is_a_clear_error(project, tmp_path):
    report = review("scan", str(project))
    assert report.run.agent == "backend-engineer" and len(report.run.agent_hash) == 64
    bad = tmp_path / "broken.md"
    bad.write_text("---\nname: [unclosed\n---\nbody\n")
    with pytest.raises(ReviewError, match="broken.md"):
        review("scan", str(project), overrides={"agent": str(bad)})
    with pytest.raises(ReviewError, match="backend-engineer"):
        review("scan", str(project), overrides={"agent": "backend-enginer"})
