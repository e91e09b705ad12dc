"""Markdown that renders what it says: text we did not write escaped, code fenced so it cannot close the
fence, and a small value that Jupyter renders as Markdown and a terminal prints as is."""

from __future__ import annotations

import re

# Backslash-escaping every character that can start markup (CommonMark allows escaping any ASCII
# punctuation) keeps hostile text from turning into links, images or raw HTML when rendered.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&])")
_BACKTICKS = re.compile(r"`+")


def md_escape(text: str) -> str:
    """Text that renders literally in Markdown, line breaks kept."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_cell(text: str) -> str:
    """Text for a table cell: escaped, on one line."""
    return md_escape(" ".join(text.split()))


def md_fence(code: str, language: str = "") -> str:
    """A fenced block that ``code`` cannot close: the fence is longer than any backtick run inside."""
    longest = max((len(run) for run in _BACKTICKS.findall(code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}"


def md_code_span(text: str) -> str:
    """Inline code that survives backticks in ``text``."""
    text = " ".join(text.split())
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


class Markdown:
    """Markdown that Jupyter renders and a terminal prints as is."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__
