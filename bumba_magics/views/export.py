"""Render a report in one of the CLI / ``-o`` formats and write it to a file."""

from __future__ import annotations

import json
from pathlib import Path

from ..report import Report


def render(report: Report, fmt: str, *, verbose: bool = False) -> str:
    if fmt == "json":
        return report.to_json()
    if fmt == "sarif":
        return json.dumps(report.to_sarif(), indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return report.to_markdown()
    if fmt == "html":
        from .mimebundle import report_to_html_page

        return report_to_html_page(report)
    if fmt == "text":
        from .mimebundle import report_to_text

        return report_to_text(report, verbose=verbose)
    raise ValueError(f"unknown format {fmt!r}")


def write_report(report: Report, path: str | Path, fmt: str) -> Path:
    """Write the report; the folder is created if needed. Returns the absolute path."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report, fmt) + ("\n" if fmt != "html" else ""), encoding="utf-8")
    return path.resolve()
