"""The representations of a Report that need no kernel: findings JSON, HTML, Markdown and plain text.

Jupyter picks from this bundle wherever no kernel runs (papermill, nbconvert, GitHub); the findings JSON is
what the sidebar and the saved-notebook table read. The renderings live in ``html``, ``markdown`` and
``text``; their names are importable from here too, as notebooks written before the split import them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .html import HTML_FINDINGS_LIMIT, report_to_html
from .markdown import report_to_markdown
from .text import report_to_text

if TYPE_CHECKING:
    from ..core.report import Report

FINDINGS_MIME = "application/vnd.bumba.findings+json"


def static_mimebundle(report: Report) -> dict:
    """The representations that need no kernel (papermill, nbconvert, GitHub); the findings JSON is for the
    sidebar and the saved-notebook table. ``views.display.report_mimebundle`` adds the live widget."""
    return {
        FINDINGS_MIME: report.to_dict(),
        "text/html": report_to_html(report),
        "text/markdown": report_to_markdown(report, limit=HTML_FINDINGS_LIMIT),
        "text/plain": report_to_text(report),
    }


__all__ = ["FINDINGS_MIME", "report_to_html", "report_to_markdown", "report_to_text", "static_mimebundle"]
