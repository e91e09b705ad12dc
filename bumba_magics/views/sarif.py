"""A Report as SARIF 2.1.0, for GitHub code scanning, VS Code's SARIF viewer and other CI tools.

Notebook cells: SARIF has no notion of a cell, and a region's line is a line of the artifact. A line
within a cell is not a line of the .ipynb file (that is JSON), so a cell finding carries no region — a
consumer would otherwise point at the wrong line. Instead its location names the notebook as the artifact,
adds a logical location ``{"name": "cell 3", "fullyQualifiedName": "nb.ipynb/cell 3", "kind":
"notebookCell"}`` (the spec allows a kind of our own when none of its list fits), and keeps the exact
place in the location's property bag: ``{"cell": 3, "cellId": "…", "lineInCell": 2, "columnInCell": 5,
"executionCount": 7}``. Findings without a path (a ``%%bumba`` cell body, shown as ``<cell>``) get only the
logical location.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..core import __version__
from ..core.findings import Finding, FlowStep, Location, Severity
from ..core.rules import RULES
from .markdown import md_escape, md_reference
from .presentation import sorted_findings

if TYPE_CHECKING:
    from ..core.report import Report

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/bumba_magics/"
FINGERPRINT_KEY = "bumba/v1"

LEVELS = {
    Severity.critical: "error",
    Severity.high: "error",
    Severity.medium: "warning",
    Severity.low: "note",
    Severity.info: "note",
}

# GitHub code scanning ranks security alerts by this number (its documented bands: >9 critical,
# 7–8.9 high, 4–6.9 medium, 0.1–3.9 low).
SECURITY_SEVERITY = {
    Severity.critical: "9.5",
    Severity.high: "8.0",
    Severity.medium: "5.5",
    Severity.low: "2.0",
    Severity.info: "0.5",
}
_SECURITY_CATEGORIES = {"security", "secrets"}

_CWE = re.compile(r"^CWE-(\d+)$", re.IGNORECASE)
_RUFF_DOCS = re.compile(r"^https://docs\.astral\.sh/ruff/rules/([a-z0-9-]+)/?$")


def report_to_sarif(report: Report) -> dict[str, Any]:
    """One SARIF log with one run holding every finding of the report."""
    findings = sorted_findings(report.findings)
    rules, rule_index = _rules(findings)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "bumba",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"bumba/{report.run.command}/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(report)],
        "results": [_result(finding, rule_index[finding.rule]) for finding in findings],
        "properties": _run_properties(report),
    }
    if report.run.root:
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": _directory_uri(report.run.root)}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


# -- rules -------------------------------------------------------------------------------------------------


def _registered_rules() -> dict[str, Any]:
    """The rules registered so far (the analyzers that ran registered theirs)."""
    return {rule.code: rule for rule in RULES}


def _rules(findings: list[Finding]) -> tuple[list[dict], dict[str, int]]:
    first_of: dict[str, Finding] = {}
    for finding in findings:
        first_of.setdefault(finding.rule, finding)
    registered = _registered_rules()
    codes = sorted(first_of)
    descriptors = [_descriptor(first_of[code], registered.get(code)) for code in codes]
    return descriptors, {code: index for index, code in enumerate(codes)}


def _descriptor(finding: Finding, rule: Any | None) -> dict[str, Any]:
    """The reportingDescriptor of a rule: from the registry when it is ours, else from its first finding."""
    title = rule.title if rule else finding.title
    why = rule.why if rule else finding.why
    recommendation = rule.recommendation if rule else finding.recommendation
    severity = rule.severity if rule else finding.severity
    category = (rule.category if rule else finding.category).value
    references = list(rule.references) if rule else list(finding.references)

    descriptor: dict[str, Any] = {"id": finding.rule}
    name = rule.name if rule else _ruff_name(references)
    if name:
        descriptor["name"] = name
    descriptor["shortDescription"] = {"text": title}
    if why:
        descriptor["fullDescription"] = {"text": why}
    if recommendation:
        descriptor["help"] = {"text": recommendation, "markdown": _help_markdown(recommendation, references)}
    help_uri = _help_uri(references)
    if help_uri:
        descriptor["helpUri"] = help_uri
    descriptor["defaultConfiguration"] = {"level": LEVELS[severity]}
    properties: dict[str, Any] = {"tags": _tags(category, references), "severity": severity.value}
    if category in _SECURITY_CATEGORIES:
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    descriptor["properties"] = properties
    return descriptor


def _ruff_name(references: list[str]) -> str | None:
    for reference in references:
        match = _RUFF_DOCS.match(reference)
        if match:
            return match.group(1)
    return None


def _help_uri(references: list[str]) -> str | None:
    urls = [r for r in references if r.lower().startswith(("http://", "https://"))]
    ruff = [u for u in urls if _RUFF_DOCS.match(u)]
    return (ruff or urls or [None])[0]


def _help_markdown(recommendation: str, references: list[str]) -> str:
    links = ", ".join(md_reference(reference) for reference in references)
    return md_escape(recommendation) + (f"\n\nReferences: {links}" if links else "")


def _tags(category: str, references: list[str]) -> list[str]:
    tags = [category]
    for reference in references:
        match = _CWE.match(reference.strip())
        if match:
            number = int(match.group(1))
            # "CWE-89" for people; "external/cwe/cwe-089" is the form GitHub code scanning understands.
            tags += [f"CWE-{number}", f"external/cwe/cwe-{number:03d}"]
    return list(dict.fromkeys(tags))  # the schema wants unique tags


# -- results -----------------------------------------------------------------------------------------------


def _result(finding: Finding, index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.title},
        "locations": _locations(finding.location),
    }
    if finding.flow:
        result["codeFlows"] = [_code_flow(finding.flow)]
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    properties: dict[str, Any] = {
        "severity": finding.severity.value,
        "category": finding.category.value,
        "engine": finding.engine,
    }
    if finding.analyzer:
        properties["analyzer"] = finding.analyzer
    if finding.evidence:
        properties["evidence"] = finding.evidence  # already masked by the analyzers
    if finding.references:
        properties["references"] = list(finding.references)
    if finding.also_reported:
        properties["alsoReported"] = list(finding.also_reported)
    if finding.fix is not None:
        # SARIF fixes need byte-exact replacement regions we do not have; the suggestion travels as data.
        properties["fix"] = finding.fix.model_dump(mode="json", exclude_none=True)
    result["properties"] = properties
    return result


def _code_flow(steps: list[FlowStep]) -> dict[str, Any]:
    """The path of a dataflow finding, source first: one thread flow whose locations are its steps, each
    with the step's code as its message (what GitHub shows along a data-flow path)."""
    locations = []
    for order, step in enumerate(steps, start=1):
        where = _locations(Location(path=step.path, line=step.line, column=step.column, cell=step.cell))
        location: dict[str, Any] = where[0] if where else {}
        location["message"] = {"text": step.code or step.label}
        locations.append({"location": location, "executionOrder": order, "properties": {"step": step.label}})
    return {"message": {"text": f"{steps[0].label} → {steps[-1].label}"}, "threadFlows": [{"locations": locations}]}


def _is_virtual(path: str | None) -> bool:
    return not path or (path.startswith("<") and path.endswith(">"))


def _locations(location: Location) -> list[dict[str, Any]]:
    sarif: dict[str, Any] = {}
    if not _is_virtual(location.path):
        physical: dict[str, Any] = {"artifactLocation": _artifact(location.path or "")}
        if location.cell is None and location.line is not None:
            physical["region"] = _region(location)
        sarif["physicalLocation"] = physical
    if location.cell is not None:
        name = f"cell {location.cell}"
        qualified = f"{location.path}/{name}" if location.path else name
        sarif["logicalLocations"] = [{"name": name, "fullyQualifiedName": qualified, "kind": "notebookCell"}]
        sarif["properties"] = _cell_properties(location)
    elif _is_virtual(location.path) and location.path:
        sarif["logicalLocations"] = [{"name": location.path, "kind": "notebookCell"}]
        if location.line is not None:
            sarif["properties"] = {"lineInCell": location.line}
    return [sarif] if sarif else []


def _region(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": location.line}
    if location.column is not None:
        region["startColumn"] = location.column
    if location.end_line is not None and location.end_line >= (location.line or 1):
        region["endLine"] = location.end_line
    return region


def _cell_properties(location: Location) -> dict[str, Any]:
    properties: dict[str, Any] = {"cell": location.cell}
    if location.cell_id:
        properties["cellId"] = location.cell_id
    if location.line is not None:
        properties["lineInCell"] = location.line
    if location.column is not None:
        properties["columnInCell"] = location.column
    if location.end_line is not None:
        properties["endLineInCell"] = location.end_line
    if location.execution_count is not None:
        properties["executionCount"] = location.execution_count
    return properties


def _artifact(path: str) -> dict[str, Any]:
    """A relative path becomes a URI relative to SRCROOT; an absolute one becomes a file: URI."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    return {"uri": quote(pure.as_posix(), safe="/"), "uriBaseId": "SRCROOT"}


def _directory_uri(root: str) -> str:
    uri = Path(root).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"  # SARIF requires base URIs to end with a slash


# -- the run -----------------------------------------------------------------------------------------------


def _utc(timestamp: str) -> str:
    return timestamp[: -len("+00:00")] + "Z" if timestamp.endswith("+00:00") else timestamp


def _invocation(report: Report) -> dict[str, Any]:
    """The run's invocation: unsuccessful when an analyzer (or the agent) failed, with one error
    notification per failure at the file it failed on; code too large to read is a warning at its file."""
    invocation: dict[str, Any] = {
        "executionSuccessful": not report.failures,
        "startTimeUtc": _utc(report.run.started),
    }
    notifications = [_notification(failure.message(), "error", failure.path, failure.analyzer)
                     for failure in report.failures]
    notifications += [_notification(unread.message(), "warning", unread.path, None)
                      for unread in report.not_reviewed]
    notifications += [{"message": {"text": note}, "level": "note"} for note in report.notes]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _notification(text: str, level: str, path: str | None, analyzer: str | None) -> dict[str, Any]:
    notification: dict[str, Any] = {"message": {"text": text}, "level": level}
    if path:
        notification["locations"] = _locations(Location(path=path))
    if analyzer:
        notification["properties"] = {"analyzer": analyzer}
    return notification


def _run_properties(report: Report) -> dict[str, Any]:
    run = report.run
    properties: dict[str, Any] = {
        "command": run.command,
        "target": run.target,
        "engines": list(run.engines),
        "durationSeconds": run.duration_s,
        "files": run.files,
    }
    for key, value in (
        ("runId", run.id),
        ("model", run.model),
        ("agent", run.agent),
        ("gitCommit", run.git_commit),
    ):
        if value:
            properties[key] = value
    if run.tool_versions:
        properties["toolVersions"] = dict(run.tool_versions)
    gate = report.summary.gate
    if gate is not None and run.fail_on is not None:
        properties["gate"] = {"result": gate, "failOn": run.fail_on.value}
    if report.narrative:
        properties["narrative"] = report.narrative
    return properties
