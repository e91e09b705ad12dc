"""SARIF 2.1.0 export, validated against the OASIS schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import bumba_magics
from bumba_magics.analyzers.base import RULES, Rule
from bumba_magics.findings import Category, Finding, Fix, Location, Severity
from bumba_magics.report import Report, RunInfo
from bumba_magics.views.sarif import FINGERPRINT_KEY, report_to_sarif

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    # This copy of the schema keeps the log's own shape under definitions/Root and puts no constraint at
    # the top level, so validating against the file as it is would accept anything: point at Root.
    rooted = {**schema, "$ref": "#/definitions/Root"}
    return jsonschema.Draft7Validator(rooted, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def assert_valid(validator: jsonschema.Draft7Validator, log: dict) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    json.dumps(log)  # plain JSON, nothing pydantic left in it


def finding(rule: str, severity: str, location: Location, **extra) -> Finding:
    fields = {
        "rule": rule,
        "title": f"{rule} title",
        "severity": Severity(severity),
        "category": Category(extra.pop("category", "security")),
        "location": location,
        "fingerprint": f"fp-{rule}-{location.line}",
    }
    fields.update(extra)
    return Finding(**fields)


def mixed_report(tmp_path: Path) -> Report:
    findings = [
        finding(
            "S608",
            "high",
            Location(path="app/db.py", line=12, column=5, end_line=14),
            why="Input reaches the query.",
            recommendation="Use parameters.",
            evidence='execute(f"select {x}")',
            references=["CWE-89", "https://docs.astral.sh/ruff/rules/hardcoded-sql-expression/"],
            analyzer="ruff",
        ),
        finding("S608", "high", Location(path="app/other db.py", line=3)),
        finding(
            "BMB201",
            "critical",
            Location(path="settings.py", line=1),
            category="secrets",
            evidence="KEY = 'AKIA****'",
            fix=Fix(description="Read it from the environment", code="KEY = os.environ['KEY']"),
        ),
        finding(
            "PERF401",
            "medium",
            Location(path="analysis.ipynb", line=2, column=3, cell=3, cell_id="a1b2", execution_count=7),
            category="performance",
        ),
        finding("BMB900", "low", Location(path="pyproject.toml"), category="deployment"),
        finding("BMB901", "info", Location(path="<cell>", line=4), category="hygiene"),
    ]
    return Report(
        run=RunInfo(command="scan", target="service", root=str(tmp_path), fail_on=Severity.high, files=3),
        findings=findings,
        notes=["skipped vendor/huge.js: too large", "semgrep not installed"],
    )


def results_by_rule(log: dict) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for result in log["runs"][0]["results"]:
        grouped.setdefault(result["ruleId"], []).append(result)
    return grouped


def test_the_validator_rejects_a_broken_log(validator, tmp_path):
    log = report_to_sarif(mixed_report(tmp_path))
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    del log["version"]
    messages = {error.message for error in validator.iter_errors(log)}
    assert messages == {
        "'version' is a required property",
        "'fatal' is not one of ['none', 'note', 'warning', 'error']",
        "0 is less than the minimum of 1",
    }


def test_mixed_report_validates(validator, tmp_path):
    assert_valid(validator, report_to_sarif(mixed_report(tmp_path)))


def test_empty_report_validates_and_has_no_results(validator):
    log = report_to_sarif(Report(run=RunInfo(command="checkpoint", target=".")))
    assert_valid(validator, log)
    run = log["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
    assert run["invocations"][0]["executionSuccessful"] is True
    assert "toolExecutionNotifications" not in run["invocations"][0]
    assert "originalUriBaseIds" not in run  # no root, no base to declare


def test_tool_driver_and_run(tmp_path):
    log = report_to_sarif(mixed_report(tmp_path))
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "bumba" and driver["version"] == bumba_magics.__version__
    assert driver["informationUri"].startswith("https://")
    root_uri = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert root_uri == tmp_path.as_uri() + "/"
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert notes == ["skipped vendor/huge.js: too large", "semgrep not installed"]
    assert run["properties"]["gate"] == {"result": "fail", "failOn": "high"}
    assert run["automationDetails"]["id"] == "bumba/scan/"


def test_levels_follow_severity(tmp_path):
    by_rule = results_by_rule(report_to_sarif(mixed_report(tmp_path)))
    levels = {rule: results[0]["level"] for rule, results in by_rule.items()}
    assert levels == {
        "BMB201": "error",
        "S608": "error",
        "PERF401": "warning",
        "BMB900": "note",
        "BMB901": "note",
    }


def test_fingerprints_and_properties(tmp_path):
    by_rule = results_by_rule(report_to_sarif(mixed_report(tmp_path)))
    first = by_rule["S608"][0]
    assert first["partialFingerprints"] == {FINGERPRINT_KEY: "fp-S608-12"}
    assert first["message"]["text"] == "S608 title"
    assert first["properties"]["severity"] == "high"
    assert first["properties"]["category"] == "security"
    assert first["properties"]["engine"] == "offline"
    assert first["properties"]["evidence"] == 'execute(f"select {x}")'
    secret = by_rule["BMB201"][0]
    assert secret["properties"]["fix"] == {
        "description": "Read it from the environment",
        "code": "KEY = os.environ['KEY']",
    }
    assert "fixes" not in secret


def test_rules_are_described_once_and_indexed(tmp_path, monkeypatch):
    # ruff's rules join the registry when ruff first reports them (in other tests); this test is about
    # descriptors built from the findings themselves
    for code in ("S608", "PERF401"):
        monkeypatch.delitem(RULES._rules, code, raising=False)
    run = report_to_sarif(mixed_report(tmp_path))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert sorted(ids) == ids == sorted(set(ids))
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    sql = rules[ids.index("S608")]
    assert sql["name"] == "hardcoded-sql-expression"  # taken from ruff's docs URL
    assert sql["helpUri"] == "https://docs.astral.sh/ruff/rules/hardcoded-sql-expression/"
    assert sql["shortDescription"]["text"] == "S608 title"
    assert sql["fullDescription"]["text"] == "Input reaches the query."
    assert sql["help"]["text"] == "Use parameters."
    assert "[CWE-89](<https://cwe.mitre.org/data/definitions/89.html>)" in sql["help"]["markdown"]
    assert sql["defaultConfiguration"]["level"] == "error"
    assert sql["properties"]["tags"] == ["security", "CWE-89", "external/cwe/cwe-089"]
    assert sql["properties"]["security-severity"] == "8.0"
    perf = rules[ids.index("PERF401")]
    assert perf["properties"]["tags"] == ["performance"] and "security-severity" not in perf["properties"]


def test_registered_rule_describes_itself(validator, monkeypatch):
    rule = Rule(
        code="BMB101",
        name="sql-string-formatting",
        title="SQL built from formatted strings",
        severity=Severity.high,
        category=Category.security,
        why="Formatting input into SQL lets it change the query.",
        recommendation="Use the driver's parameters.",
        analyzer="security",
        references=("CWE-89",),
    )
    monkeypatch.setitem(RULES._rules, rule.code, rule)
    report = Report(
        run=RunInfo(command="scan", target="x"),
        findings=[finding("BMB101", "medium", Location(path="a.py", line=1), title="specific title")],
    )
    log = report_to_sarif(report)
    assert_valid(validator, log)
    descriptor = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert descriptor["name"] == "sql-string-formatting"
    assert descriptor["shortDescription"]["text"] == "SQL built from formatted strings"
    assert descriptor["defaultConfiguration"]["level"] == "error"  # the rule's severity, not this finding's
    assert log["runs"][0]["results"][0]["level"] == "warning"


def test_file_locations_have_regions_relative_to_srcroot(tmp_path):
    by_rule = results_by_rule(report_to_sarif(mixed_report(tmp_path)))
    physical = by_rule["S608"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "app/db.py", "uriBaseId": "SRCROOT"}
    assert physical["region"] == {"startLine": 12, "startColumn": 5, "endLine": 14}
    spaced = by_rule["S608"][1]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert spaced["uri"] == "app/other%20db.py"


def test_finding_without_line_has_no_region(tmp_path):
    by_rule = results_by_rule(report_to_sarif(mixed_report(tmp_path)))
    physical = by_rule["BMB900"][0]["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "pyproject.toml", "uriBaseId": "SRCROOT"}}


def test_cell_location_names_the_notebook_and_keeps_the_cell_in_properties(tmp_path):
    by_rule = results_by_rule(report_to_sarif(mixed_report(tmp_path)))
    location = by_rule["PERF401"][0]["locations"][0]
    # A line inside a cell is not a line of the .ipynb file, so there is no region to mislead a viewer.
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "analysis.ipynb", "uriBaseId": "SRCROOT"}
    }
    assert location["logicalLocations"] == [
        {"name": "cell 3", "fullyQualifiedName": "analysis.ipynb/cell 3", "kind": "notebookCell"}
    ]
    assert location["properties"] == {
        "cell": 3,
        "cellId": "a1b2",
        "lineInCell": 2,
        "columnInCell": 3,
        "executionCount": 7,
    }


def test_virtual_cell_body_has_only_a_logical_location(tmp_path):
    by_rule = results_by_rule(report_to_sarif(mixed_report(tmp_path)))
    location = by_rule["BMB901"][0]["locations"][0]
    assert "physicalLocation" not in location
    assert location["logicalLocations"] == [{"name": "<cell>", "kind": "notebookCell"}]
    assert location["properties"] == {"lineInCell": 4}


def test_absolute_path_becomes_a_file_uri(validator, tmp_path):
    path = tmp_path / "outside.py"
    report = Report(
        run=RunInfo(command="scan", target=str(path)),
        findings=[finding("S101", "low", Location(path=str(path), line=2), category="correctness")],
    )
    log = report_to_sarif(report)
    assert_valid(validator, log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": path.as_uri()}


def test_report_to_sarif_method_is_the_same_export(tmp_path):
    report = mixed_report(tmp_path)
    assert report.to_sarif() == report_to_sarif(report)


FLASK_SHELL = """\
from flask import Flask, request
import os

app = Flask(__name__)


@app.route('/run')
def run():
    name = request.args['name']
    cmd = "ls " + name
    return {'out': os.popen(cmd).read()}
"""


def test_dataflow_finding_carries_its_path_as_a_code_flow(validator, tmp_path):
    from bumba_magics.analyzers.dataflow import analyze_sources
    from bumba_magics.context.source import Source

    found = analyze_sources([Source(path="app/web.py", text=FLASK_SHELL)]).findings
    shell = next(f for f in found if f.rule == "BMB121")
    report = Report(run=RunInfo(command="scan", target="app", root=str(tmp_path)),
                    findings=[shell, finding("S608", "high", Location(path="app/db.py", line=3))])
    log = report_to_sarif(report)
    assert_valid(validator, log)
    by_rule = results_by_rule(log)
    assert "codeFlows" not in by_rule["S608"][0]  # only dataflow findings have a path
    (flow,) = by_rule["BMB121"][0]["codeFlows"]
    (thread,) = flow["threadFlows"]
    steps = [(s["location"]["physicalLocation"]["artifactLocation"]["uri"],
              s["location"]["physicalLocation"]["region"]["startLine"], s["location"]["message"]["text"])
             for s in thread["locations"]]
    assert steps[0] == ("app/web.py", 9, "name = request.args['name']")  # the source first
    assert ("app/web.py", 10, 'cmd = "ls " + name') in steps
    assert steps[-1] == ("app/web.py", 11, "return {'out': os.popen(cmd).read()}")  # the sink last
    assert [s["executionOrder"] for s in thread["locations"]] == list(range(1, len(steps) + 1))
    assert thread["locations"][-1]["properties"]["step"] == "os.popen(cmd) (sink)"


def test_a_step_in_a_notebook_cell_is_a_logical_location(validator):
    from bumba_magics.findings import FlowStep

    step = FlowStep(path="nb.ipynb", line=2, column=5, cell=3, code="q = input()", label="input() (source)")
    report = Report(run=RunInfo(command="scan", target="nb.ipynb"),
                    findings=[finding("BMB122", "critical", Location(path="nb.ipynb", line=1, cell=4),
                                      flow=[step, step.model_copy(update={"cell": 4, "line": 1,
                                                                          "label": "eval(q) (sink)"})],
                                      also_reported=["S307"])])
    log = report_to_sarif(report)
    assert_valid(validator, log)
    result = log["runs"][0]["results"][0]
    first = result["codeFlows"][0]["threadFlows"][0]["locations"][0]["location"]
    assert "region" not in first["physicalLocation"]  # a line in a cell is not a line of the .ipynb
    assert first["properties"]["cell"] == 3 and first["properties"]["lineInCell"] == 2
    assert result["properties"]["alsoReported"] == ["S307"]
