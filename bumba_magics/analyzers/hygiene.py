"""Notebook hygiene: will this notebook run again, top to bottom, in a fresh kernel, as papermill runs it?

A notebook's saved state can lie: cells ran out of order, a cell was edited after it ran, a name comes from
a cell further down, a saved output is an exception. These checks read the notebook's cells (execution
counts, outputs) and the kernel's input history, not just the code, so the analyzer is not per-file: a
source's content hash does not cover execution counts or history.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import json
import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..context.notebook import read_notebook
from ..context.source import Cell, Context, Source
from ..core.findings import Category, Finding, Severity
from ..core.rules import Rule, rule
from .base import Analyzer, AnalyzerConfig, make_finding, register_analyzer
from .parsing import parse_module

GROUP = "hygiene"
PAPERMILL = "https://papermill.readthedocs.io/en/latest/usage-execute.html"


OUT_OF_ORDER = rule(
    "BMB501", "cells-run-out-of-order", "Cells ran out of order", Severity.low,
    category=Category.hygiene, analyzer=GROUP, references=(PAPERMILL,),
    why="The saved outputs come from an order of execution that 'Restart & Run All' (and papermill) will not "
        "repeat, so they may not be what the notebook produces.",
    recommendation="Restart the kernel and run all cells top to bottom before saving or sharing.",
    bad="cell 1: In [1]\ncell 2: In [3]\ncell 3: In [2]",
    good="cell 1: In [1]\ncell 2: In [2]\ncell 3: In [3]",
)
USED_BEFORE_DEFINED = rule(
    "BMB502", "name-defined-in-later-cell", "Name used before the cell that defines it", Severity.medium,
    category=Category.hygiene, analyzer=GROUP, references=(PAPERMILL,),
    why="It works now only because the defining cell below already ran in this kernel. Run top to bottom "
        "in a fresh kernel ('Restart & Run All', papermill, a scheduled report) the cell fails with "
        "NameError.",
    recommendation="Move the defining cell above its first use (or the use below it).",
    bad="# cell 1\nprint(total)\n# cell 2\ntotal = 42",
    good="# cell 1\ntotal = 42\n# cell 2\nprint(total)",
    supersedes=("F821",),
)
EDITED_AFTER_RUN = rule(
    "BMB503", "cell-edited-after-run", "Cell edited after it ran", Severity.low,
    category=Category.hygiene, analyzer=GROUP, references=(PAPERMILL,),
    why="The cell's output and the kernel's state come from code that is no longer in the notebook; "
        "what you read is not what the cell does.",
    recommendation="Re-run the cell (or restart and run all) so its output matches its code.",
)
SKIPPED_CELL = rule(
    "BMB504", "cell-never-ran", "Cell never ran, but cells below it did", Severity.low,
    category=Category.hygiene, analyzer=GROUP, references=(PAPERMILL,),
    why="The saved results below were computed without this cell; run in order, its code may change them "
        "or fail.",
    recommendation="Run the notebook top to bottom, or delete the cell if it is not needed.",
)
LARGE_OUTPUT = rule(
    "BMB506", "large-cell-output", "Large output stored in the notebook", Severity.low,
    category=Category.hygiene, analyzer=GROUP, references=(PAPERMILL,),
    why="Megabytes of stored output (images, long frames, logs) make the notebook slow to open, diff and "
        "review, and bloat the repository history.",
    recommendation="Clear the output before committing (nbstripout), write big results to files, or show a "
                   "summary (df.head(), a thumbnail).",
)
ERROR_OUTPUT = rule(
    "BMB507", "error-in-saved-output", "Saved output is an exception", Severity.medium,
    category=Category.hygiene, analyzer=GROUP, references=(PAPERMILL,),
    why="As saved, the notebook does not run to the end: papermill stops at this cell, and everything below "
        "it was computed (if at all) from an earlier state.",
    recommendation="Fix the error and re-run the notebook; if the exception is the point of the cell, tag "
                   "the cell 'raises-exception'.",
)

MAX_OUTPUT_BYTES = 1_000_000  # overridable with AnalyzerConfig.extra["max_output_bytes"]

# Names IPython puts in the user namespace, plus the module dunders every namespace has.
IPYTHON_NAMES = frozenset({
    "In", "Out", "get_ipython", "exit", "quit", "display", "_", "__", "___", "_i", "_ii", "_iii",
    "_ih", "_oh", "_dh", "_sh",
})
_HISTORY_NAME = re.compile(r"_i{0,3}\d+|__\w+__")
_KNOWN = frozenset(dir(builtins)) | IPYTHON_NAMES
# line magics that bring names we cannot list (%run script.py, %pylab) make every later name possible
_WILDCARD_MAGICS = {"run", "pylab"}


# ---------------------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------------------

def code_cells(source: Source) -> list[Cell]:
    """Code cells in document order."""
    return sorted((c for c in source.cells if c.cell_type == "code"), key=lambda c: c.index)


def _has_code(cell: Cell) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in cell.source.splitlines())


def cell_finding(rule: Rule, source: Source, cell: Cell, line: int = 1, *, title: str | None = None,
                 evidence: str | None = None, severity: Severity | None = None) -> Finding:
    """A finding about a cell as a whole (its run state or outputs), at a line of that cell."""
    lines = cell.source.splitlines()
    if evidence is None and 1 <= line <= len(lines):
        evidence = lines[line - 1].strip()
    return Finding(
        rule=rule.code, title=title or rule.title, severity=severity or rule.severity, category=rule.category,
        location=source.cell_location(cell, line), evidence=evidence, why=rule.why,
        recommendation=rule.recommendation, analyzer=rule.analyzer, references=list(rule.references),
    )


def _cell_span(source: Source, cell: Cell, following: Cell | None) -> tuple[int, int] | None:
    """First and last virtual line of a code cell."""
    if source.line_map:
        rows = [i for i, (index, _) in enumerate(source.line_map, start=1) if index == cell.index]
        return (rows[0], rows[-1]) if rows else None
    if cell.first_line is None:
        return None
    last = (following.first_line - 1) if following and following.first_line else len(source.lines)
    return cell.first_line, last


# ---------------------------------------------------------------------------------------------------------
# BMB501 out of order, BMB504 never ran
# ---------------------------------------------------------------------------------------------------------

def check_order(source: Source) -> Iterator[Finding]:
    """One finding, at the first cell whose In [n] is lower than a cell's above it."""
    highest: Cell | None = None
    first: tuple[Cell, Cell] | None = None
    late = 0
    for cell in code_cells(source):
        if cell.execution_count is None:
            continue
        if highest is not None and cell.execution_count < highest.execution_count:  # type: ignore[operator]
            late += 1
            first = first or (cell, highest)
        if highest is None or cell.execution_count > highest.execution_count:  # type: ignore[operator]
            highest = cell
    if first is None:
        return
    cell, above = first
    more = f"; {late} cells in all ran before a cell above them" if late > 1 else ""
    yield cell_finding(
        OUT_OF_ORDER, source, cell,
        title=f"Cell {cell.index} (In [{cell.execution_count}]) ran before cell {above.index} above it "
              f"(In [{above.execution_count}]){more}",
        evidence=f"In [{above.execution_count}] above In [{cell.execution_count}]",
    )


def check_skipped(source: Source) -> Iterator[Finding]:
    """Cells with code and no In [n] above a cell that ran."""
    cells = code_cells(source)
    last_run = max((i for i, c in enumerate(cells) if c.execution_count is not None), default=-1)
    for cell in cells[: max(last_run, 0)]:
        if cell.execution_count is None and _has_code(cell):
            line = next(i for i, text in enumerate(cell.source.splitlines(), 1)
                        if text.strip() and not text.lstrip().startswith("#"))
            yield cell_finding(SKIPPED_CELL, source, cell, line,
                               title=f"Cell {cell.index} never ran, but cells below it did")


# ---------------------------------------------------------------------------------------------------------
# BMB502 names used before the cell that defines them
# ---------------------------------------------------------------------------------------------------------

@dataclass
class Use:
    name: str
    line: int  # within the cell's parsed text
    column: int


@dataclass
class CellNames:
    """What one cell does to the notebook's namespace, in execution order."""

    events: list[Use | str | None] = field(default_factory=list)  # Use = load, str = bind, None = wildcard
    bound: set[str] = field(default_factory=set)


class _NameEvents(ast.NodeVisitor):
    """Loads and bindings at a cell's top level, in the order Python executes them.

    Hand-written because no linter answers the question per *cell order*: pyflakes and ruff see one module.
    Function and lambda bodies run later (when called), so only their decorators and defaults are read;
    comprehension and class scopes keep their own names.
    """

    def __init__(self) -> None:
        self.names = CellNames()
        self.scopes: list[tuple[str, set[str]]] = []  # ("class" | "comprehension", local names)

    def load(self, name: str, node: ast.AST) -> None:
        if not any(name in local for _, local in self.scopes):
            self.names.events.append(Use(name, node.lineno, node.col_offset))

    def bind(self, name: str, *, skip_comprehensions: bool = False) -> None:
        scopes = [s for s in self.scopes if not (skip_comprehensions and s[0] == "comprehension")]
        if scopes:
            scopes[-1][1].add(name)
        else:
            self.names.events.append(name)
            self.names.bound.add(name)

    def wildcard(self) -> None:
        self.names.events.append(None)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.load(node.id, node)
        elif isinstance(node.ctx, ast.Store):
            self.bind(node.id)

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self.visit(target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.load(node.target.id, node.target)
        self.visit(node.value)
        self.visit(node.target)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        # the annotation is skipped: string or postponed annotations never run
        if node.value is not None:
            self.visit(node.value)
            self.visit(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.bind(node.target.id, skip_comprehensions=True)

    def _visit_signature(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        for default in [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]:
            self.visit(default)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._visit_signature(node)
        self.bind(node.name)
        # `global x` inside the function binds x once it is called; counted as bound from here, which can
        # only hide a finding, never invent one
        for sub in ast.walk(node):
            if isinstance(sub, ast.Global):
                for name in sub.names:
                    self.bind(name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_signature(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)
        self.scopes.append(("class", set()))
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()
        self.bind(node.name)

    def _visit_comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        self.visit(node.generators[0].iter)  # evaluated in the enclosing scope
        self.scopes.append(("comprehension", set()))
        for position, generator in enumerate(node.generators):
            if position:
                self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for part in ("elt", "key", "value"):
            if hasattr(node, part):
                self.visit(getattr(node, part))
        self.scopes.pop()

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _visit_comprehension

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.bind(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.wildcard()
            else:
                self.bind(alias.asname or alias.name)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.visit(node.target)
        for stmt in [*node.body, *node.orelse]:
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self.bind(node.name)
        for stmt in node.body:
            self.visit(stmt)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self.bind(name)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self.bind(node.name)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bind(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        self.generic_visit(node)
        if node.rest:
            self.bind(node.rest)

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        self._magic(node)

    def _magic(self, node: ast.Call) -> None:
        """IPython syntax arrives as get_ipython().run_line_magic('store', '-r x'): %store -r binds names."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "run_line_magic" and len(node.args) >= 2
                and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2])):
            return
        magic, line = node.args[0].value, node.args[1].value  # type: ignore[attr-defined]
        if magic == "time":
            self._timed_statement(line, node)
        elif magic in _WILDCARD_MAGICS:
            self.wildcard()
        elif magic == "store":
            try:
                words = shlex.split(line)
            except ValueError:
                words = line.split()
            if "-r" in words:
                names = [w for w in words if not w.startswith("-")]
                if not names:
                    self.wildcard()
                for name in names:
                    self.bind(name)


    def _timed_statement(self, statement: str, call: ast.Call) -> None:
        """``%time frame = load()`` runs its statement in the user namespace: it binds ``frame``."""
        try:
            tree = parse_module(statement)
        except SyntaxError:
            return
        start = len(self.names.events)
        for stmt in tree.body:
            self.visit(stmt)
        for event in self.names.events[start:]:
            if isinstance(event, Use):  # the statement's own positions mean nothing in the cell
                event.line, event.column = call.lineno, call.col_offset


def _cell_magic_bindings(cell: Cell) -> set[str]:
    """``%%capture out`` binds ``out``; its first line is blanked in the virtual file."""
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    match = re.match(r"%%capture\b(.*)", first)
    if not match:
        return set()
    names = [w for w in match.group(1).split() if not w.startswith("-")]
    return set(names[:1])


def cell_names(source: Source) -> list[tuple[Cell, int, CellNames]]:
    """For each code cell with code: the cell, its first virtual line, and its loads and bindings.

    A cell that does not parse (reported elsewhere) is read as binding every identifier in it, so it can
    hide a finding but never cause one.
    """
    cells = code_cells(source)
    result = []
    for position, cell in enumerate(cells):
        span = _cell_span(source, cell, cells[position + 1] if position + 1 < len(cells) else None)
        if span is None:
            continue
        text = "\n".join(source.lines[span[0] - 1 : span[1]]) + "\n"
        visitor = _NameEvents()
        try:
            visitor.visit(parse_module(text))
        except (SyntaxError, ValueError):
            visitor.names.bound.update(re.findall(r"[A-Za-z_]\w*", text))
            visitor.names.events.extend(sorted(visitor.names.bound))
        extra = _cell_magic_bindings(cell)
        visitor.names.events[:0] = sorted(extra)
        visitor.names.bound |= extra
        result.append((cell, span[0], visitor.names))
    return result


def _ignored(name: str) -> bool:
    return name in _KNOWN or bool(_HISTORY_NAME.fullmatch(name))


def check_definition_order(source: Source) -> Iterator[Finding]:
    """Loads of names that, top to bottom, are bound only by a later cell."""
    per_cell = cell_names(source)
    defined_in: dict[str, Cell] = {}  # name -> first cell that binds it
    for cell, _, names in per_cell:
        for name in names.bound:
            defined_in.setdefault(name, cell)
    bound: set[str] = set()
    for cell, first_line, names in per_cell:
        reported: set[str] = set()
        for event in names.events:
            if event is None:
                return  # star import, %run, %store -r: any later name may exist
            if isinstance(event, str):
                bound.add(event)
                continue
            name = event.name
            if name in bound or name in reported or name in names.bound or _ignored(name):
                continue
            later = defined_in.get(name)
            if later is None or later.index <= cell.index:
                continue  # never bound anywhere: an undefined name (ruff's F821), not an ordering problem
            reported.add(name)
            finding = make_finding(
                USED_BEFORE_DEFINED, source, first_line + event.line - 1, column=event.column + 1,
                title=f"`{name}` is used before cell {later.index}, the cell that defines it",
            )
            if finding is not None:
                yield finding


# ---------------------------------------------------------------------------------------------------------
# BMB503 edited after it ran
# ---------------------------------------------------------------------------------------------------------

def _normalise(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def _first_changed_line(current: list[str], ran: list[str]) -> int:
    """1-based line of the current source where it first differs from what ran."""
    for tag, start, _end, _j1, _j2 in difflib.SequenceMatcher(a=current, b=ran, autojunk=False).get_opcodes():
        if tag != "equal":
            return min(start, max(len(current) - 1, 0)) + 1
    return 1


def check_edited(source: Source, history: dict[int, str]) -> Iterator[Finding]:
    """Cells whose text differs from what ran under their In [n] in this kernel.

    The history only describes this notebook when the kernel ran it: if two or more cells can be compared
    and none matches, the counts come from another session and nothing is reported.
    """
    compared = [(c, _normalise(c.source), _normalise(history[c.execution_count]))
                for c in code_cells(source) if c.execution_count in history]
    if len(compared) >= 2 and all(current != ran for _, current, ran in compared):
        return
    for cell, current, ran in compared:
        if current != ran:
            yield cell_finding(
                EDITED_AFTER_RUN, source, cell, _first_changed_line(current, ran),
                title=f"Cell {cell.index} was edited after it ran as In [{cell.execution_count}]",
            )


# ---------------------------------------------------------------------------------------------------------
# BMB506 large outputs, BMB507 saved errors
# ---------------------------------------------------------------------------------------------------------

@dataclass
class StoredOutputs:
    """What the notebook file stores for one cell."""

    size: int  # bytes of output JSON
    errors: list[tuple[str, str, int]]  # (ename, evalue, line in the cell)
    intentional_error: bool = False  # tagged raises-exception


# IPython >= 8.4 heads the cell's frame "Cell In[3], line 2"; 8.0-8.3 wrote "Input In [3], in <cell line: 2>()"
_CELL_LINE = re.compile(r"Cell In\s*\[\d*\], line (\d+)|Input In \[\d*\], in <cell line: (\d+)>")
_IPYTHON_ERROR = re.compile(r"^(\w+)\s{2,}Traceback \(most recent call last\)", re.MULTILINE)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def _traceback_line(traceback: str) -> int:
    """The failing line of the cell, from IPython's 'Cell In[3], line 2' frame header; 1 when unknown."""
    match = _CELL_LINE.search(_ANSI.sub("", traceback))
    return int(match.group(1) or match.group(2)) if match else 1


def _outputs_from_file(source: Source) -> dict[int, StoredOutputs] | None:
    """Per cell index, read from the .ipynb file itself (sizes of images, error outputs, cell tags)."""
    if source.abspath is None or source.abspath.suffix != ".ipynb" or not source.abspath.is_file():
        return None
    try:
        notebook = read_notebook(source.abspath)
    except Exception:  # noqa: BLE001 - any unreadable file falls back to the loaded outputs text
        return None
    by_id = {c.cell_id: c.index for c in source.cells if c.cell_id}
    result: dict[int, StoredOutputs] = {}
    for position, node in enumerate(notebook.cells, start=1):
        index = by_id.get(node.get("id"), position)
        outputs = node.get("outputs") or []
        errors = [
            (o.get("ename", ""), o.get("evalue", ""), _traceback_line("\n".join(o.get("traceback") or [])))
            for o in outputs if o.get("output_type") == "error"
        ]
        tags = node.get("metadata", {}).get("tags", [])
        result[index] = StoredOutputs(len(json.dumps(outputs).encode()), errors, "raises-exception" in tags)
    return result


def _outputs_from_cells(source: Source) -> dict[int, StoredOutputs]:
    """The loaded outputs text when the file is not at hand: text sizes and IPython error tracebacks."""
    result = {}
    for cell in code_cells(source):
        errors = [(m.group(1), "", _traceback_line(text)) for text in cell.outputs_text
                  if (m := _IPYTHON_ERROR.search(_ANSI.sub("", text)))]
        result[cell.index] = StoredOutputs(sum(len(t.encode()) for t in cell.outputs_text), errors)
    return result


def check_outputs(source: Source, max_bytes: int) -> Iterator[Finding]:
    stored = _outputs_from_file(source) or _outputs_from_cells(source)
    for cell in code_cells(source):
        outputs = stored.get(cell.index)
        if outputs is None:
            continue
        if outputs.size > max_bytes:
            yield cell_finding(
                LARGE_OUTPUT, source, cell, title=f"Cell {cell.index} stores {outputs.size / 1e6:.1f} MB of output",
                evidence=f"{outputs.size:,} bytes of output",
            )
        if outputs.errors and not outputs.intentional_error:
            name, value, line = outputs.errors[0]
            message = f"{name}: {value}" if value else name
            yield cell_finding(ERROR_OUTPUT, source, cell, line,
                               title=f"Cell {cell.index} was saved with an error: {message}"[:200])


# ---------------------------------------------------------------------------------------------------------
# The analyzer
# ---------------------------------------------------------------------------------------------------------

@register_analyzer
class HygieneAnalyzer(Analyzer):
    """Notebook hygiene: run order, names from later cells, edits after running, saved errors and size."""

    name = "hygiene"
    # execution counts and the kernel's history are not part of a source's content hash
    per_file = False

    def analyze(self, context: Context, sources: list[Source], config: AnalyzerConfig) -> list[Finding]:
        max_bytes = int(config.extra.get("max_output_bytes", MAX_OUTPUT_BYTES))
        findings: list[Finding] = []
        for source in sources:
            if source.kind != "notebook":
                continue
            found: Iterable[Finding] = [
                *check_order(source),
                *check_definition_order(source),
                *check_edited(source, context.history),
                *check_skipped(source),
                *check_outputs(source, max_bytes),
            ]
            findings.extend(f for f in found if config.enabled(f.rule))
        return findings
