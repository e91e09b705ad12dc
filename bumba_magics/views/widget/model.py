"""What the findings widget shows and does, without any widget: filters, sorting, paging, actions, triage.

The ipywidgets view (``view.py``) only draws this model and forwards clicks to it, so everything here is
testable with plain Python and a real store. One model belongs to one view: two reviews in the same
notebook never share state.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...context.confine import Refused, confine_for_writing
from ...core.findings import Finding, Severity, assign_fingerprints
from ...core.suppressions import (
    SuppressionError,
    add_to_baseline,
    baseline_path_for_writing,
    write_inline_ignore,
)
from ..dataframe import COLUMNS, finding_row

if TYPE_CHECKING:
    from ...core.report import Report
    from ...store import Store

SORTS = ("severity", "location", "rule")
STATUSES = ("open", "all", "new", "reviewed", "suppressed")  # "open": everything not suppressed
EXPORT_FORMATS = {"sarif": ".sarif", "csv": ".csv", "markdown": ".md"}
PAGE_SIZES = (25, 50, 100)

_SORT_KEYS: dict[str, Callable[[Finding], tuple]] = {
    "severity": Finding.sort_key,
    "location": lambda f: (*f.location.sort_key(), -f.severity.rank, f.rule, f.title),
    "rule": lambda f: (f.rule, -f.severity.rank, *f.location.sort_key(), f.title),
}


class ActionError(RuntimeError):
    """An action that cannot be done for this finding (no fix, not a file, unparsable result …)."""


@dataclass(frozen=True)
class Filters:
    """What the user has narrowed the list to. ``None`` means "any"."""

    severities: frozenset[str] = frozenset(s.value for s in Severity)
    category: str | None = None
    rule: str | None = None
    place: str | None = None  # a path, or "path::cell N" for one notebook cell
    text: str = ""
    status: str = "open"


@dataclass
class Triage:
    state: str  # reviewed | suppressed
    reason: str | None = None


@dataclass
class ActionResult:
    message: str
    path: Path | None = None
    backup: Path | None = None


def place_key(finding: Finding) -> str:
    """The file/cell facet a finding belongs to (the most specific one: its cell, for notebooks)."""
    path = finding.location.path or "<input>"
    return f"{path}::cell {finding.location.cell}" if finding.location.cell is not None else path


def place_label(key: str) -> str:
    return key.replace("::", " ")


@dataclass
class FindingsModel:
    """A report's findings as the widget presents them."""

    report: Report
    store: Store | None = None  # triage history (reviewed, new since last run); None: none is kept
    configured_baseline: str | None = None  # the project's [tool.bumba] baseline, given by the front end
    page_size: int = 25
    filters: Filters = field(default_factory=Filters)
    sort: str = "severity"
    page: int = 0
    on_store_error: Callable[[Exception], None] | None = None

    def __post_init__(self) -> None:
        self.findings: list[Finding] = list(self.report.findings)
        self.narrative: str = self.report.narrative or ""
        self.compared = self.report.new_fingerprints is not None
        self.new: set[str] = set(self.report.new_fingerprints or ())
        self.triage: dict[str, Triage] = {}
        if self.store is not None:
            try:
                stored = self.store.triage(self.report.run.root, self.report.run.target)
            except Exception as error:  # noqa: BLE001 — a broken store must not hide the findings
                self._store_failed(error)
            else:
                self.triage = {fp: Triage(state, reason) for fp, (state, reason) in stored.items()}
        self._haystacks: dict[int, str] = {}
        self._visible: list[Finding] | None = None

    # -- reading ---------------------------------------------------------------------------------------
    def status_of(self, finding: Finding) -> str | None:
        """``suppressed`` / ``reviewed`` (from triage), else ``new`` (since the previous run), else None."""
        entry = self.triage.get(finding.fingerprint or "")
        if entry is not None:
            return entry.state
        if finding.fingerprint in self.new:
            return "new"
        return None

    def is_new(self, finding: Finding) -> bool:
        return finding.fingerprint in self.new

    def _haystack(self, finding: Finding) -> str:
        key = id(finding)
        text = self._haystacks.get(key)
        if text is None:
            parts = (finding.rule, finding.title, finding.location.label(), finding.evidence or "",
                     finding.category.value, finding.severity.value, finding.why or "",
                     finding.recommendation or "")
            text = self._haystacks[key] = "\n".join(parts).casefold()
        return text

    def _matches(self, finding: Finding, terms: list[str]) -> bool:
        f = self.filters
        if finding.severity.value not in f.severities:
            return False
        if f.category is not None and finding.category.value != f.category:
            return False
        if f.rule is not None and finding.rule != f.rule:
            return False
        if f.place is not None:
            key = place_key(finding)
            if key != f.place and (finding.location.path or "<input>") != f.place:
                return False
        if f.status != "all":
            status = self.status_of(finding)
            if f.status == "open" and status == "suppressed":
                return False
            if f.status == "new" and not (self.is_new(finding) and status != "suppressed"):
                return False
            if f.status in ("reviewed", "suppressed") and status != f.status:
                return False
        if terms:
            haystack = self._haystack(finding)
            return all(term in haystack for term in terms)
        return True

    def visible(self) -> list[Finding]:
        """The findings the filters let through, in the chosen order (cached until something changes)."""
        if self._visible is None:
            terms = self.filters.text.casefold().split()
            chosen = [finding for finding in self.findings if self._matches(finding, terms)]
            chosen.sort(key=_SORT_KEYS[self.sort])
            self._visible = chosen
        return self._visible

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.visible()) // self.page_size))

    def page_items(self) -> list[Finding]:
        start = self.page * self.page_size
        return self.visible()[start:start + self.page_size]

    def page_label(self) -> str:
        total = len(self.visible())
        if not total:
            return "0 shown"
        start = self.page * self.page_size
        return f"{start + 1}–{min(start + self.page_size, total)} of {total}"

    def counts(self) -> dict[str, Counter]:
        """Counts over every finding that is not suppressed: by severity, category, rule and place."""
        counts = {"severity": Counter(), "category": Counter(), "rule": Counter(), "place": Counter(),
                  "status": Counter()}
        for finding in self.findings:
            entry = self.triage.get(finding.fingerprint or "")
            status = entry.state if entry is not None else None
            counts["status"][status or "open"] += 1
            if status == "suppressed":
                continue
            counts["severity"][finding.severity.value] += 1
            counts["category"][finding.category.value] += 1
            counts["rule"][finding.rule] += 1
            key = place_key(finding)
            counts["place"][key] += 1
            if finding.location.cell is not None:  # a notebook is also a place of its own
                counts["place"][finding.location.path or "<input>"] += 1
            if self.is_new(finding):
                counts["status"]["new"] += 1
        return counts

    # -- changing what is shown ------------------------------------------------------------------------
    def _changed(self) -> None:
        self._visible = None
        self.page = min(self.page, self.page_count - 1)

    def set_filters(self, **changes: Any) -> None:
        if "severities" in changes:
            changes["severities"] = frozenset(changes["severities"])
        if "status" in changes and changes["status"] not in STATUSES:
            raise ValueError(f"unknown status {changes['status']!r}: one of {', '.join(STATUSES)}")
        self.filters = replace(self.filters, **changes)
        self.page = 0
        self._changed()

    def set_sort(self, key: str) -> None:
        if key not in _SORT_KEYS:
            raise ValueError(f"unknown sort {key!r}: one of {', '.join(SORTS)}")
        self.sort = key
        self.page = 0
        self._changed()

    def set_page_size(self, size: int) -> None:
        if size < 1:
            raise ValueError("page size must be at least 1")
        self.page_size = size
        self.page = 0
        self._changed()

    def go_to_page(self, page: int) -> None:
        self.page = max(0, min(page, self.page_count - 1))

    # -- streaming -------------------------------------------------------------------------------------
    def add_findings(self, findings: Iterable[Finding]) -> list[Finding]:
        """Add findings as an engine reports them; they get fingerprints if they have none."""
        incoming = list(findings)
        if not incoming:
            return []
        # one at a time: the order a stream reports findings in must not change the ids of earlier ones
        incoming = [f if f.fingerprint else assign_fingerprints([f])[0] for f in incoming]
        self.findings.extend(incoming)
        self._changed()
        return incoming

    def append_narrative(self, text: str) -> None:
        self.narrative += text

    # -- actions ---------------------------------------------------------------------------------------
    def _store_failed(self, error: Exception) -> None:
        if self.on_store_error is not None:
            self.on_store_error(error)

    def _set_triage(self, finding: Finding, state: str, reason: str | None = None) -> None:
        if not finding.fingerprint:
            raise ActionError("this finding has no fingerprint, so its triage state cannot be kept")
        if state == "open":
            self.triage.pop(finding.fingerprint, None)
        else:
            self.triage[finding.fingerprint] = Triage(state, reason)
        if self.store is not None:
            try:
                self.store.set_triage(self.report.run.root, self.report.run.target, finding.fingerprint, state,
                                      reason)
            except Exception as error:  # noqa: BLE001 — the state still holds for this view
                self._store_failed(error)
        self._changed()

    def mark_reviewed(self, finding: Finding) -> ActionResult:
        self._set_triage(finding, "reviewed")
        return ActionResult("marked reviewed")

    def reopen(self, finding: Finding) -> ActionResult:
        self._set_triage(finding, "open")
        return ActionResult("reopened")

    def root(self) -> Path:
        return Path(self.report.run.root or ".").resolve()

    def file_of(self, finding: Finding) -> Path | None:
        """The file a finding is in, on disk; None for cell bodies, history and missing files."""
        return self.file_at(finding.location.path)

    def file_at(self, path: str | None) -> Path | None:
        """A path as findings name it (relative to the reviewed root), on disk inside the root; else None."""
        if not path or path.startswith("<"):
            return None
        candidate = Path(path)
        candidate = candidate if candidate.is_absolute() else self.root() / candidate
        try:  # an action edits a file only where its real path lies inside the reviewed root
            candidate = confine_for_writing(candidate, self.root())
        except Refused:
            return None
        return candidate if candidate.is_file() else None

    def inline_suppression_problem(self, finding: Finding) -> str | None:
        """Why an inline ``# bumba: ignore[RULE]`` cannot be written for this finding (None: it can)."""
        if finding.location.cell is not None:
            return "findings in notebook cells are suppressed in the baseline (the notebook is open in the editor)"
        if finding.location.line is None:
            return "the finding has no line"
        path = self.file_of(finding)
        if path is None:
            return "the finding is not in a file on disk"
        if path.suffix not in (".py", ".pyw", ".pyi"):
            return "inline comments are written into Python files only"
        return None

    def suppress(self, finding: Finding, reason: str, mode: str = "baseline") -> ActionResult:
        """Suppress with a reason: in the baseline file (any finding) or inline in its Python file."""
        reason = " ".join((reason or "").split())
        if not reason:
            raise ActionError("say why this finding is suppressed")
        if not finding.fingerprint:
            raise ActionError("this finding has no fingerprint, so it cannot be suppressed")
        try:
            result = self._write_suppression(finding, reason, mode)
        except SuppressionError as error:
            raise ActionError(str(error)) from None
        self._set_triage(finding, "suppressed", reason)
        return result

    def _write_suppression(self, finding: Finding, reason: str, mode: str) -> ActionResult:
        if mode == "baseline":
            path = add_to_baseline(self.baseline_path(), [finding], reason)
            return ActionResult(f"added to the baseline {path}", path=path)
        if mode == "inline":
            problem = self.inline_suppression_problem(finding)
            if problem:
                raise ActionError(problem)
            path = self.file_of(finding)
            assert path is not None and finding.location.line is not None
            backup = write_inline_ignore(path, finding.location.line, finding.rule)
            return ActionResult(f"# bumba: ignore[{finding.rule}] written to {path}:{finding.location.line} "
                                f"(backup {backup.name})", path=path, backup=backup)
        raise ActionError(f"unknown suppression {mode!r}: baseline or inline")

    def baseline_path(self) -> Path:
        return baseline_path_for_writing(self.root(), self.configured_baseline)

    def fix_code(self, finding: Finding) -> str | None:
        """The code "Insert fix below" puts into a new cell: a header saying what it fixes, then the code."""
        fix = finding.fix
        if fix is None or not (fix.code or fix.patch):
            return None
        header = [f"# bumba fix for {finding.rule} at {finding.location.label()}: {finding.title}"]
        header += [f"# {line}" for line in fix.description.splitlines() if line.strip()]
        if fix.code:
            header.append("# (replaces the flagged lines; review before running)")
            return "\n".join(header) + "\n" + fix.code.rstrip("\n")
        header.append("# the fix is a patch; apply it with: %%bash / git apply")
        return "\n".join(header) + "\n" + "\n".join(f"# {line}" for line in fix.patch.splitlines())

    def goto_request(self, finding: Finding) -> dict[str, Any]:
        """The frontend ``goto`` message: an absolute file path (the kernel cannot know the server root)."""
        location = finding.location
        path = self.file_of(finding)
        return {
            "action": "goto",
            "path": str(path) if path is not None else None,
            "line": location.line,
            "cell": location.cell,
            "cell_id": location.cell_id,
        }

    def insert_request(self, finding: Finding) -> dict[str, Any]:
        code = self.fix_code(finding)
        if code is None:
            raise ActionError("this finding has no suggested fix")
        return {"action": "insert-cell", "code": code, "cell_id": finding.location.cell_id}

    def relative_link(self, finding: Finding, start: Path | None = None) -> str | None:
        """The finding's file relative to ``start`` (the kernel's cwd: where a notebook's links resolve)."""
        return self.relative_link_to(finding.location.path, start)

    def relative_link_to(self, path_in_report: str | None, start: Path | None = None) -> str | None:
        """A file the report names (a finding's, a step of its path) relative to ``start`` (the cwd)."""
        path = self.file_at(path_in_report)
        if path is None:
            return None
        return Path(os.path.relpath(path, start or Path.cwd())).as_posix()

    # -- exports ---------------------------------------------------------------------------------------
    def export(self, fmt: str, directory: Path | str | None = None) -> Path:
        """Write the findings the filters show as SARIF, CSV or Markdown into ``directory`` (cwd)."""
        if fmt not in EXPORT_FORMATS:
            raise ActionError(f"unknown export format {fmt!r}: one of {', '.join(EXPORT_FORMATS)}")
        folder = Path(directory or Path.cwd())
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"bumba-{self.report.run.command}-{stamp}")
        path = folder / f"{name}{EXPORT_FORMATS[fmt]}"
        counter = 1
        while path.exists():
            counter += 1
            path = folder / f"{name}-{counter}{EXPORT_FORMATS[fmt]}"
        subset = self.report.model_copy(update={"findings": list(self.visible()), "narrative": self.narrative or None})
        if fmt == "csv":
            text = findings_csv(subset.findings, self.status_of)
        elif fmt == "sarif":
            text = json.dumps(subset.to_sarif(), indent=2, ensure_ascii=False) + "\n"
        else:
            text = subset.to_markdown()
        path.write_text(text, encoding="utf-8", newline="")
        return path.resolve()


# -- exports -------------------------------------------------------------------------------------------

def findings_csv(findings: Iterable[Finding], status_of: Callable[[Finding], str | None] | None = None) -> str:
    """One row per finding, the DataFrame's columns plus the triage status."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, "status"], lineterminator="\r\n")
    writer.writeheader()
    for finding in findings:
        row = finding_row(finding)
        row["status"] = (status_of(finding) if status_of else None) or ""
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()
