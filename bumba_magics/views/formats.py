"""The built-in output formats of a Report, registered by name in ``core.formats``."""

from __future__ import annotations

from ..core.formats import register_format
from .dataframe import report_to_dataframe
from .display import report_mimebundle
from .html import report_to_html
from .markdown import report_to_markdown
from .sarif import report_to_sarif
from .text import report_to_text

register_format("markdown", report_to_markdown)
register_format("html", report_to_html)
register_format("text", report_to_text)
register_format("sarif", report_to_sarif)
register_format("dataframe", report_to_dataframe)
register_format("mimebundle", report_mimebundle)
