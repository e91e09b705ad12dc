"""Choosing what the agent is shown up front, within a token budget.

The agent can read more with its tools; what goes into the first request is the stable context block
(cached by the API across turns and runs), so it should hold the parts a reviewer reads first:

1. the target itself: the ``%%bumba`` cell, or the notebook's cells (long outputs cut with a note);
2. files that the offline engine found problems in, worst first;
3. the other Python files, smallest first (more files fit, and small modules are read whole);
4. config and text files.

A file that does not fit whole is cut (with a note saying how to read the rest) when it is a file with
findings, and listed as not included otherwise. Credential files are never included, only named.
Everything is redacted before it is measured, so the size shown is the size sent.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ...context.notebook import split_lines
from ...context.redact import Redactor, is_credential_file
from ...context.source import Context, Source
from ...core.findings import Finding

CHARS_PER_TOKEN = 4  # Claude's tokenizer averages 3.5-4 characters per token on code; an estimate is enough
MAX_OUTPUT_LINES = 30
MAX_OUTPUT_CHARS = 3_000


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass
class Section:
    title: str
    kind: str  # target | findings-file | file | config | withheld
    tokens: int
    status: str  # full | truncated | omitted | withheld
    note: str = ""


@dataclass
class ContextPlan:
    """The context block as sent, and how it was chosen."""

    text: str
    budget: int
    sections: list[Section] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)

    def table(self) -> list[dict]:
        return [
            {"part": s.title, "kind": s.kind, "status": s.status, "tokens": s.tokens, "note": s.note}
            for s in self.sections
        ]


def _numbered(text: str, start: int = 1, stop: int | None = None) -> tuple[str, int]:
    lines = split_lines(text)
    stop = len(lines) if stop is None else min(stop, len(lines))
    return "\n".join(f"{n:>4}  {lines[n - 1]}" for n in range(start, stop + 1)), len(lines)


def _outputs(texts: list[str]) -> str:
    parts = []
    for text in texts:
        lines = split_lines(text)
        shown = "\n".join(lines[:MAX_OUTPUT_LINES])
        cut = []
        if len(lines) > MAX_OUTPUT_LINES:
            cut.append(f"{len(lines) - MAX_OUTPUT_LINES} more lines")
        if len(shown) > MAX_OUTPUT_CHARS:
            cut.append(f"{len(shown) - MAX_OUTPUT_CHARS} more characters")
            shown = shown[:MAX_OUTPUT_CHARS]
        parts.append(shown + (f"\n[output truncated: {', '.join(cut)}; read_cell shows more]" if cut else ""))
    return "\n".join(parts)


def render_cell(cell) -> str:
    run = f' run="In [{cell.execution_count}]"' if cell.execution_count is not None else ""
    body, _ = _numbered(cell.source)
    chunk = f'<cell n="{cell.index}" type="{cell.cell_type}"{run}>\n{body}'
    if cell.outputs_text:
        chunk += f"\n<outputs>\n{_outputs(cell.outputs_text)}\n</outputs>"
    return chunk + "\n</cell>"


def render_notebook(source: Source, chunks: list[str] | None = None) -> str:
    chunks = [render_cell(cell) for cell in source.cells] if chunks is None else chunks
    return f'<notebook path="{source.path}">\n' + "\n".join(chunks) + "\n</notebook>"


def render_file(source: Source, stop: int | None = None) -> str:
    body, total = _numbered(source.text, 1, stop)
    if stop is not None and stop < total:
        body += f"\n[lines {stop + 1}-{total} not included; read_file shows them]"
    return f'<file path="{source.path}" lines="{total}">\n{body}\n</file>'


def plan_context(
    context: Context,
    redactor: Redactor,
    *,
    budget: int,
    findings: list[Finding] = (),
    target: str = "",
) -> ContextPlan:
    """The context block for ``context`` within ``budget`` tokens, redacted."""
    severity: dict[str, int] = defaultdict(int)
    for finding in findings:
        if finding.location.path:
            severity[finding.location.path] = max(severity[finding.location.path], finding.severity.rank + 1)

    def order(source: Source) -> tuple:
        if source.cells:
            group = 0
        elif severity.get(source.path):
            group = 1
        elif source.kind == "python":
            group = 2
        else:
            group = 3
        return (group, -severity.get(source.path, 0), len(source.text), source.path)

    header = f'<context root="{context.root.name}" target="{target or context.label}">'
    parts: list[str] = [header]
    used = estimate_tokens(header) + 4
    sections: list[Section] = []
    for source in sorted(context.sources, key=order):
        if is_credential_file(PurePosixPath(source.path).name):
            redactor.learn(source.text)
            note = f'<withheld path="{source.path}" reason="credential file"/>'
            parts.append(note)
            used += estimate_tokens(note)
            sections.append(Section(source.path, "withheld", 0, "withheld", "credential file, never sent"))
            continue
        kind = "target" if source.cells else ("findings-file" if severity.get(source.path) else
                                                ("file" if source.kind == "python" else "config"))
        text = redactor.text(render_notebook(source) if source.cells else render_file(source))
        tokens = estimate_tokens(text)
        if used + tokens <= budget:
            parts.append(text)
            used += tokens
            sections.append(Section(source.path, kind, tokens, "full"))
            continue
        room = budget - used
        if source.cells and room > 200:  # the notebook itself: as many whole cells as fit, in order
            chunks, size = [], estimate_tokens(render_notebook(source, []))
            for cell in source.cells:
                chunk = redactor.text(render_cell(cell))
                if size + estimate_tokens(chunk) + 1 > room:
                    break
                chunks.append(chunk)
                size += estimate_tokens(chunk) + 1
            if chunks:
                rest = len(source.cells) - len(chunks)
                chunks.append(f"[{rest} more cells not included; list_cells / read_cell show them]")
                text = render_notebook(source, chunks)
                parts.append(text)
                used += estimate_tokens(text)
                sections.append(Section(source.path, kind, estimate_tokens(text), "truncated",
                                        f"first {len(chunks) - 1} of {len(source.cells)} cells"))
                continue
        if kind in ("target", "findings-file") and room > 200 and not source.cells:
            lines = split_lines(source.text)
            average = max(1, len(source.text) // max(1, len(lines)) + 6)
            keep = max(1, room * CHARS_PER_TOKEN // average - 2)
            text = redactor.text(render_file(source, keep))
            while estimate_tokens(text) > room and keep > 1:
                keep = keep * 3 // 4
                text = redactor.text(render_file(source, keep))
            if estimate_tokens(text) <= room:
                parts.append(text)
                used += estimate_tokens(text)
                sections.append(Section(source.path, kind, estimate_tokens(text), "truncated",
                                        f"first {keep} of {len(lines)} lines"))
                continue
        sections.append(Section(source.path, kind, tokens, "omitted", "over the budget; the agent can read it"))
    omitted = [s.title for s in sections if s.status == "omitted"]
    if omitted:
        listing = "\n".join(omitted[:200])
        parts.append(f"<not-included reason=\"context budget\">\n{redactor.text(listing)}\n</not-included>")
    parts.append("</context>")
    return ContextPlan(text="\n".join(parts), budget=budget, sections=sections)
