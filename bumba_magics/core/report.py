"""A Report: the findings of one run, with what ran and how, and every way to show or export it.

The exports are rendered by the views, looked up by name in ``core.formats`` (the core does not import
the views); this module only holds the data and the Jupyter display hook.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from .findings import Finding, Severity
from .formats import render


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


class AnalyzerFailure(BaseModel):
    """An analyzer (or the agent) that stopped with an error: what it would have found there is unknown."""

    analyzer: str  # ruff, security, … ; "claude" for the agent
    path: str | None = None  # the file it failed on; None when it failed on the whole run
    error: str

    def message(self) -> str:
        if self.analyzer == "claude":
            return f"the Claude engine stopped: {self.error}"
        return f"analyzer {self.analyzer} failed" + (f" on {self.path}" if self.path else "") + f": {self.error}"


class NotReviewed(BaseModel):
    """Code the review never read (too large), with the reason and how to include it."""

    path: str
    reason: str

    def message(self) -> str:
        return f"{self.path} was not reviewed: {self.reason}"


class Summary(BaseModel):
    total: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    gate: str | None = None  # "pass" / "fail" when a fail_on threshold was given
    # an analyzer failed or code was not read: a gate fails, since it cannot vouch for what it did not see
    incomplete: bool = False

    @classmethod
    def of(cls, findings: list[Finding], fail_on: Severity | None = None, gate: str | None = None,
           incomplete: bool = False) -> Summary:
        severities = Counter(f.severity.value for f in findings)
        categories = Counter(f.category.value for f in findings)
        verdict, gate = gate, None
        if fail_on is not None:
            gate = "fail" if incomplete or any(f.severity.at_least(fail_on) for f in findings) else "pass"
        gate = verdict or gate
        return cls(
            total=len(findings),
            by_severity={s.value: severities.get(s.value, 0) for s in Severity},
            by_category=dict(sorted(categories.items())),
            gate="fail" if gate and incomplete else gate,
            incomplete=incomplete,
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
    failures: list[AnalyzerFailure] = Field(default_factory=list)  # analyzers (or the agent) that crashed
    not_reviewed: list[NotReviewed] = Field(default_factory=list)  # code left out for its size
    narrative: str | None = None  # the agent's prose, when an agent ran
    artifacts: list[Artifact] = Field(default_factory=list)
    metrics: dict[str, Any] = Field(default_factory=dict)  # measured numbers (latency percentiles, timings …)
    # compared with the previous run of the same command on the same target (None: no previous run)
    new_fingerprints: list[str] | None = None
    fixed_count: int | None = None

    @property
    def summary(self) -> Summary:
        return Summary.of(self.findings, self.run.fail_on, self.run.gate, self.incomplete)

    @property
    def incomplete(self) -> bool:
        """True when part of the code was not looked at: an analyzer failed, or a file was too large."""
        return bool(self.failures or self.not_reviewed)

    def incomplete_summary(self) -> str:
        """``2 analyzer failures, 1 file not reviewed`` (empty when the review is complete)."""
        parts = []
        if self.failures:
            parts.append(f"{len(self.failures)} analyzer failure{'s' if len(self.failures) > 1 else ''}")
        if self.not_reviewed:
            parts.append(f"{len(self.not_reviewed)} file{'s' if len(self.not_reviewed) > 1 else ''} not reviewed")
        return ", ".join(parts)

    def incomplete_reasons(self) -> list[str]:
        """One sentence per failure or unread file. Analyzers that failed on the same file for the same
        reason (every AST analyzer, when the parser gives up on a file) share one sentence."""
        grouped: dict[tuple, list[str]] = {}
        for failure in self.failures:
            grouped.setdefault((failure.path, failure.error), []).append(failure.analyzer)
        sentences = []
        for (path, error), analyzers in grouped.items():
            if len(analyzers) == 1:
                sentences.append(AnalyzerFailure(analyzer=analyzers[0], path=path, error=error).message())
            else:
                where = f" on {path}" if path else ""
                sentences.append(f"analyzers {', '.join(analyzers)} failed{where}: {error}")
        return sentences + [n.message() for n in self.not_reviewed]

    @property
    def failed(self) -> bool:
        """True when a gate was set (``fail_on`` or a checkpoint verdict) and a finding reaches it or the
        review is incomplete."""
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
            "failures": [f.model_dump(mode="json") for f in self.failures],
            "not_reviewed": [n.model_dump(mode="json") for n in self.not_reviewed],
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
        return render(self, "sarif")

    def to_markdown(self) -> str:
        return render(self, "markdown")

    def to_html(self) -> str:
        return render(self, "html")

    def to_text(self, verbose: bool = False) -> str:
        return render(self, "text", verbose=verbose)

    def to_dataframe(self):
        return render(self, "dataframe")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return render(self, "mimebundle")

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in self.summary.by_severity.items() if n)
        return f"<Report {self.run.command} {self.run.target!r}: {len(self.findings)} findings ({counts or 'none'})>"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            run=RunInfo.model_validate(data["run"]),
            findings=[Finding.model_validate(f) for f in data.get("findings", [])],
            notes=data.get("notes", []),
            failures=[AnalyzerFailure.model_validate(f) for f in data.get("failures", [])],
            not_reviewed=[NotReviewed.model_validate(n) for n in data.get("not_reviewed", [])],
            narrative=data.get("narrative"),
            artifacts=[Artifact.model_validate(a) for a in data.get("artifacts", [])],
            metrics=data.get("metrics", {}),
            new_fingerprints=(data.get("comparison") or {}).get("new"),
            fixed_count=(data.get("comparison") or {}).get("fixed"),
        )
