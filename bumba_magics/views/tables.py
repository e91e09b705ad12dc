"""Small tables (the catalogue, agents, history) that display well in Jupyter, nbconvert and a terminal."""

from __future__ import annotations

import html
import itertools
import textwrap


class Table:
    """Rows of dicts with ``_repr_html_``, ``_repr_markdown_`` and a plain-text ``__repr__``."""

    def __init__(self, title: str, rows: list[dict], columns: list[str] | None = None, footer: str = "") -> None:
        self.title = title
        self.rows = rows
        self.columns = columns or (list(rows[0]) if rows else [])
        self.footer = footer

    def _cell(self, row: dict, column: str) -> str:
        value = row.get(column)
        return "" if value is None else str(value)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(self._cell(r, c))}</td>"
                             for c in self.columns) + "</tr>"
            for r in self.rows
        )
        footer = f"<p>{html.escape(self.footer)}</p>" if self.footer else ""
        return (f"<div class='bumba-table'><strong>{html.escape(self.title)}</strong>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{footer}</div>")

    def _repr_markdown_(self) -> str:
        def esc(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = [f"**{esc(self.title)}**", "", "| " + " | ".join(self.columns) + " |",
                 "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(esc(self._cell(r, c)) for c in self.columns) + " |" for r in self.rows]
        if self.footer:
            lines += ["", esc(self.footer)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        """Columns padded to their width (at most 44), long cells wrapped onto more lines, never cut."""
        widths = {c: min(max([len(c), *(len(self._cell(r, c)) for r in self.rows)]), 44) for c in self.columns}
        lines = [self.title, "  ".join(c.upper().ljust(widths[c]) for c in self.columns).rstrip()]
        for row in self.rows:
            wrapped = [textwrap.wrap(self._cell(row, c), widths[c]) or [""] for c in self.columns]
            for parts in itertools.zip_longest(*wrapped, fillvalue=""):
                lines.append("  ".join(p.ljust(widths[c]) for p, c in zip(parts, self.columns)).rstrip())
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines)

    __str__ = __repr__
