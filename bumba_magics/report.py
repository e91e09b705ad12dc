"""A Report: the findings of one run, with what ran and how, and every way to show or export it.

The exports delegate to ``views``; this module only holds the data and the Jupyter display hook.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from .findings import Finding, Severity


class RunInfo(BaseModel):
    """Enough to know what produced a report, and to reproduce it."""

    id: str | None = None  # the store's run id
    command: str
    target: str  # what was reviewed, as the user named it
    root: str | None = None  # the directory paths are relative to
    engine: str = "offline"
    engines: list[str] = Field(default_factory=lambda: ["offline"])
    agent: str | None = None
    agent_hash: str | None = None
    model: str | None = None
    started: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    duration_s: float = 0.0
    files: int = 0  # how many files / notebooks / cells were reviewed
    tool_versions: dict[str, str] = Field(default_factory=dict)
    git_commit: str | None = None
    fail_on: Severity | None = None
    # a verdict the command decided itself (checkpoint budgets); when set it is the gate, not fail_on
    gate: str | None = None


class Summary(BaseModel):
    total: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    gate: str | None = None  # "pass" / "fail" when a fail_on threshold was given

    @classmethod
    def of(cls, findings: list[Finding], fail_on: Severity | None = None, gate: str | None = None) -> Summary:
        severities = Counter(f.severity.value for f in findings)
        categories = Counter(f.category.value for f in findings)
        verdict, gate = gate, None
        if fail_on is not None:
            gate = "fail" if any(f.severity.at_least(fail_on) for f in findings) else "pass"
        gate = verdict or gate
        return cls(
            total=len(findings),
            by_severity={s.value: severities.get(s.value, 0) for s in Severity},
            by_category=dict(sorted(categories.items())),
            gate=gate,
        )


class Artifact(BaseModel):
    """Something a run produced besides findings: a plot, a generated document, a file it wrote."""

    title: str
    mime: str  # image/png (base64 data), image/svg+xml, text/markdown, text/plain, or application/x-path
    data: str = ""  # the content (base64 for binary types); empty when only ``path`` is given
    path: str | None = None  # where it was written, if it was


class Report(BaseModel):
    """The result of one review. Displayed rich in Jupyter; exports to JSON, SARIF, Markdown, a DataFrame."""

    run: RunInfo
    findings: list[Finding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # skipped files, unavailable tools, engine messages
    narrative: str | None = None  # the agent's prose, when an agent ran
    artifacts: list[Artifact] = Field(default_factory=list)
    metrics: dict[str, Any] = Field(default_factory=dict)  # measured numbers (latency percentiles, timings …)
    # compared with the previous run of the same command on the same target (None: no previous run)
    new_fingerprints: list[str] | None = None
    fixed_count: int | None = None

    @property
    def summary(self) -> Summary:
        return Summary.of(self.findings, self.run.fail_on, self.run.gate)

    @property
    def failed(self) -> bool:
        """True when a ``fail_on`` gate was set and a finding reaches it."""
        return self.summary.gate == "fail"

    def at_least(self, severity: str | Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.at_least(severity)]

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self):  # type: ignore[override]  # iterate findings, as a list of results would
        return iter(self.findings)

    # -- exports ---------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """``{"findings": [...], "summary": {...}, "run": {...}}`` (plus notes and narrative)."""
        data = {
            "findings": [f.model_dump(mode="json") for f in self.findings],
            "summary": self.summary.model_dump(mode="json"),
            "run": self.run.model_dump(mode="json"),
            "notes": list(self.notes),
        }
        if self.narrative:
            data["narrative"] = self.narrative
        if self.artifacts:
            data["artifacts"] = [a.model_dump(mode="json") for a in self.artifacts]
        if self.metrics:
            data["metrics"] = self.metrics
        if self.new_fingerprints is not None:
            data["comparison"] = {"new": self.new_fingerprints, "fixed": self.fixed_count}
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_sarif(self) -> dict[str, Any]:
        from .views.sarif import report_to_sarif

        return report_to_sarif(self)

    def to_markdown(self) -> str:
        from .views.mimebundle import report_to_markdown

        return report_to_markdown(self)

    def to_html(self) -> str:
        from .views.mimebundle import report_to_html

        return report_to_html(self)

    def to_text(self, verbose: bool = False) -> str:
        from .views.mimebundle import report_to_text

        return report_to_text(self, verbose=verbose)

    def to_dataframe(self):
        from .views.dataframe import report_to_dataframe

        return report_to_dataframe(self)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .views.mimebundle import report_mimebundle

        return report_mimebundle(self)

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in self.summary.by_severity.items() if n)
        return f"<Report {self.run.command} {self.run.target!r}: {len(self.findings)} findings ({counts or 'none'})>"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            run=RunInfo.model_validate(data["run"]),
            findings=[Finding.model_validate(f) for f in data.get("findings", [])],
            notes=data.get("notes", []),
            narrative=data.get("narrative"),
            artifacts=[Artifact.model_validate(a) for a in data.get("artifacts", [])],
            metrics=data.get("metrics", {}),
            new_fingerprints=(data.get("comparison") or {}).get("new"),
            fixed_count=(data.get("comparison") or {}).get("fixed"),
        )
