"""The one finding model every engine, view and front end shares.

A finding's JSON schema is also the input schema of the agent's ``report_finding`` tool and the source of
SARIF results, so this module imports nothing else of ours.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_serializer


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: critical=4 … info=0."""
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        try:
            return cls(str(value.value if isinstance(value, Severity) else value).lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r}; expected one of {names}") from None

    def at_least(self, other: str | Severity) -> bool:
        return self.rank >= Severity.parse(other).rank


_SEVERITY_RANK = {Severity.critical: 4, Severity.high: 3, Severity.medium: 2, Severity.low: 1, Severity.info: 0}


class Category(str, Enum):
    security = "security"
    secrets = "secrets"
    performance = "performance"
    architecture = "architecture"
    complexity = "complexity"
    hygiene = "hygiene"
    correctness = "correctness"
    documentation = "documentation"
    deployment = "deployment"
    testing = "testing"
    review = "review"  # notes about the review itself: files skipped, cells that do not parse


class Location(BaseModel):
    """Where a finding is: a file and line, or a notebook cell and the line within that cell."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(None, description="File or notebook path, relative to the review root.")
    line: int | None = Field(None, ge=1, description="1-based line (within the cell for notebooks).")
    column: int | None = Field(None, ge=1, description="1-based column.")
    end_line: int | None = Field(None, ge=1)
    cell: int | None = Field(None, ge=1, description="1-based position of the cell in the notebook.")
    cell_id: str | None = Field(None, description="nbformat cell id, when the notebook has one.")
    execution_count: int | None = Field(None, description="The In[n] label of the cell, when it ran.")

    def label(self) -> str:
        """Human form: ``app/db.py:12`` or ``analysis.ipynb cell 3 (In [7]), line 2``."""
        parts = [self.path or "<input>"]
        if self.cell is not None:
            cell = f"cell {self.cell}"
            if self.execution_count is not None:
                cell += f" (In [{self.execution_count}])"
            parts.append(cell)
            if self.line is not None:
                parts.append(f"line {self.line}")
            return " ".join(parts[:1]) + " " + ", ".join(parts[1:])
        if self.line is not None:
            return f"{parts[0]}:{self.line}"
        return parts[0]

    def sort_key(self) -> tuple:
        return (self.path or "", self.cell or 0, self.line or 0, self.column or 0)


class Fix(BaseModel):
    """A suggested change. ``code`` replaces the flagged lines; ``patch`` is a unified diff."""

    model_config = ConfigDict(extra="forbid")

    description: str
    code: str | None = None
    patch: str | None = None


class FlowStep(BaseModel):
    """One step of the path untrusted data takes from its source to the sink (dataflow findings)."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(None, description="File or notebook of this step.")
    line: int | None = Field(None, ge=1, description="1-based line (within the cell for notebooks).")
    column: int | None = Field(None, ge=1)
    cell: int | None = Field(None, ge=1, description="1-based notebook cell, when the step is in a notebook.")
    code: str | None = Field(None, description="The source line of the step; secrets masked.")
    label: str = Field(description="What happens here, e.g. \"request.args['q'] (source)\".")


class Finding(BaseModel):
    """One problem found in one place."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(description="Stable rule id, e.g. BMB101 or the ruff code S608.")
    title: str = Field(description="One line: what is wrong here.")
    severity: Severity
    category: Category
    location: Location
    evidence: str | None = Field(None, description="The offending code or text; secrets always masked.")
    why: str | None = Field(None, description="Why it matters.")
    recommendation: str | None = Field(None, description="What to do instead.")
    fix: Fix | None = None
    engine: str = Field("offline", description="Which engine found it: offline or claude.")
    analyzer: str | None = Field(None, description="Which analyzer inside the engine: ruff, security, …")
    references: list[str] = Field(default_factory=list, description="CWE / OWASP ids or documentation URLs.")
    fingerprint: str | None = Field(None, description="Stable id that survives moved lines.")
    flow: list[FlowStep] | None = Field(
        None, description="Dataflow findings: the steps from the source of the data to the sink, in order."
    )
    also_reported: list[str] | None = Field(
        None, description="Codes of other rules (ours or ruff's) that reported this same bug at a step of its "
                          "path; their findings were merged into this one."
    )

    def sort_key(self) -> tuple:
        return (-self.severity.rank, *self.location.sort_key(), self.rule, self.title)

    @model_serializer(mode="wrap")
    def _without_empty_flow(self, handler):
        # only dataflow findings have a path (and merged codes): every other finding's JSON stays as it was
        # before the fields
        data = handler(self)
        if isinstance(data, dict):
            for name in ("flow", "also_reported"):
                if data.get(name) is None:
                    data.pop(name, None)
        return data


_WS = re.compile(r"\s+")


def _normalise(text: str | None) -> str:
    return _WS.sub(" ", (text or "").strip())


def assign_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """Give each finding a fingerprint built from what it is, not where it is.

    The hash covers the rule, the file (not the cell or line, which move as people edit) and the
    normalised evidence; identical findings in one file are told apart by their order of appearance.
    Findings are returned in their deterministic order.
    """
    ordered = sorted(findings, key=lambda f: (f.location.sort_key(), f.rule, f.title))
    seen: Counter[str] = Counter()
    result = []
    for finding in ordered:
        basis = "\x1f".join(
            [finding.rule, finding.location.path or "", _normalise(finding.evidence) or finding.title]
        )
        occurrence = seen[basis]
        seen[basis] += 1
        digest = hashlib.sha256(f"{basis}\x1f{occurrence}".encode()).hexdigest()[:20]
        result.append(finding if finding.fingerprint else finding.model_copy(update={"fingerprint": digest}))
    return sorted(result, key=Finding.sort_key)


def finding_json_schema() -> dict:
    """The JSON schema of a finding, as the agent's ``report_finding`` tool takes it."""
    return Finding.model_json_schema()
