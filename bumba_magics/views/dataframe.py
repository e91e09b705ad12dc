"""A Report as a pandas DataFrame: one row per finding, for filtering and grouping in the notebook.

pandas is optional (``bumba_magics[dataframe]``); it is imported only when a frame is asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.findings import Finding, Severity

if TYPE_CHECKING:
    import pandas

    from ..core.report import Report

COLUMNS = [
    "severity",
    "rule",
    "category",
    "title",
    "path",
    "cell",
    "line",
    "engine",
    "analyzer",
    "fingerprint",
    "evidence",
    "recommendation",
]

# Ordered from least to most severe so that comparisons read naturally: df[df.severity >= "high"].
SEVERITY_CATEGORIES = sorted((s.value for s in Severity), key=lambda value: Severity(value).rank)

_MISSING = "pandas is needed for to_dataframe(): pip install 'bumba_magics[dataframe]'"


def _pandas():
    try:
        import pandas
    except ImportError as error:
        raise ImportError(_MISSING) from error
    return pandas


def finding_row(finding: Finding) -> dict[str, Any]:
    """One finding as a row of the DataFrame (and of the widget's CSV export)."""
    location = finding.location
    return {
        "severity": finding.severity.value,
        "rule": finding.rule,
        "category": finding.category.value,
        "title": finding.title,
        "path": location.path,
        "cell": location.cell,
        "line": location.line,
        "engine": finding.engine,
        "analyzer": finding.analyzer,
        "fingerprint": finding.fingerprint,
        "evidence": finding.evidence,
        "recommendation": finding.recommendation,
    }


def report_to_dataframe(report: Report) -> pandas.DataFrame:
    """One row per finding, most severe first; ``severity`` is an ordered categorical (info < … < critical)."""
    pd = _pandas()
    findings = sorted(report.findings, key=Finding.sort_key)
    frame = pd.DataFrame([finding_row(finding) for finding in findings], columns=COLUMNS)
    frame["severity"] = pd.Categorical(frame["severity"], categories=SEVERITY_CATEGORIES, ordered=True)
    # Nullable integers: a file finding has no cell, and float NaN would turn line 12 into 12.0.
    frame["cell"] = frame["cell"].astype("Int64")
    frame["line"] = frame["line"].astype("Int64")
    return frame
