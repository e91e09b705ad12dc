"""A unit of text the analyzers read: a Python file, a notebook, a cell body, a config file.

Notebooks are presented to the analyzers as one *virtual* Python file (the code cells one after another,
IPython syntax replaced line for line so line numbers never shift) with a per-line map back to
(cell, line within cell). Analyzers only ever say "virtual line N"; :meth:`Source.locate` turns that into
the location a person can go to.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from ..core.findings import Location

_LINE_BREAKS = re.compile(r"\r\n|\r|\n")

SourceKind = Literal["python", "notebook", "config", "text"]


@dataclass
class Cell:
    """One notebook cell (or one entry of the kernel's input history)."""

    index: int  # 1-based position in the notebook / history
    source: str  # exactly what the user wrote
    cell_type: str = "code"  # code | markdown | raw
    execution_count: int | None = None
    cell_id: str | None = None
    outputs_text: list[str] = field(default_factory=list)  # text of the outputs, for the secret scanner
    first_line: int | None = None  # virtual line where this code cell starts in Source.text (1-based)


@dataclass
class Source:
    path: str  # display path, relative to the review root ("<cell>" for a %%bumba body)
    text: str  # Python text for the analyzers (a notebook's virtual file); raw text for config/text kinds
    kind: SourceKind = "python"
    abspath: Path | None = None  # the file on disk, when there is one
    cells: list[Cell] = field(default_factory=list)
    # virtual line (list index = line - 1) -> (cell index, line within the cell); None for plain files
    line_map: list[tuple[int, int]] | None = None
    masked: frozenset[int] = frozenset()  # virtual lines that held IPython syntax (findings there are dropped)

    @cached_property
    def digest(self) -> str:
        """Content hash: the cache key for per-file analyzer results."""
        return hashlib.sha256(f"{self.kind}\x00{self.path}\x00{self.text}".encode()).hexdigest()

    @cached_property
    def lines(self) -> list[str]:
        # only the line breaks Python's tokenizer knows: str.splitlines() also splits on form feeds and
        # Unicode separators, which would shift line numbers against the AST's
        return _LINE_BREAKS.split(self.text.removesuffix("\n")) if self.text else []

    @property
    def is_python(self) -> bool:
        return self.kind in ("python", "notebook")

    def line_text(self, line: int | None) -> str:
        """The virtual line's text, or '' when out of range."""
        if line is None or not 1 <= line <= len(self.lines):
            return ""
        return self.lines[line - 1]

    def locate(
        self, line: int | None, column: int | None = None, end_line: int | None = None
    ) -> Location | None:
        """Map a virtual line to a Location; None when the line is masked IPython syntax."""
        if line is not None and line in self.masked:
            return None
        if self.line_map is None or line is None:
            return Location(path=self.path, line=line, column=column, end_line=end_line)
        if not 1 <= line <= len(self.line_map):
            return Location(path=self.path)
        cell_index, cell_line = self.line_map[line - 1]
        cell = self.cell(cell_index)
        end = None
        if end_line is not None and 1 <= end_line <= len(self.line_map):
            end_cell, end_cell_line = self.line_map[end_line - 1]
            end = end_cell_line if end_cell == cell_index else None
        return Location(
            path=self.path,
            line=cell_line,
            column=column,
            end_line=end,
            cell=cell_index,
            cell_id=cell.cell_id if cell else None,
            execution_count=cell.execution_count if cell else None,
        )

    def cell(self, index: int) -> Cell | None:
        for cell in self.cells:
            if cell.index == index:
                return cell
        return None

    def cell_location(self, cell: Cell, line: int | None = None) -> Location:
        """A location inside a cell that is not part of the virtual file (outputs, markdown)."""
        return Location(
            path=self.path, line=line, cell=cell.index, cell_id=cell.cell_id,
            execution_count=cell.execution_count,
        )


@dataclass
class Context:
    """Everything one review looks at."""

    root: Path  # paths in findings are relative to this
    sources: list[Source] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # files skipped and why; shown with the report
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    not_reviewed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): code too large to read
    label: str = ""  # what the user asked to review, for the report header
    # the kernel's input history, execution count -> source as it ran; lets hygiene see cells edited after
    # they ran (the notebook file holds the current text, the history what actually executed)
    history: dict[int, str] = field(default_factory=dict)

    @property
    def python_sources(self) -> list[Source]:
        return [s for s in self.sources if s.is_python]
