"""Notebooks, kernel history and %%bumba cells as Sources the Python analyzers can read.

A notebook becomes one *virtual* Python file: its code cells one after another, each IPython-only line
(``%magic``, ``!shell``, ``obj?``, ``x = !ls``) replaced in place by the call IPython itself would run, so
line N of the virtual file is always line N of what the user sees, shifted by the cell's first line.
The line map sends every virtual line back to (cell, line in cell); the masked set tells the engine which
lines were IPython syntax, so findings there are dropped instead of pointing at a magic.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from IPython.core.inputtransformer2 import (
    TokenTransformBase,
    TransformerManager,
    classic_prompt,
    ipython_prompt,
    make_tokens_by_line,
)

from .source import Cell, Source

# Cell magics whose body runs as Python in the user's namespace: only their first line is IPython syntax.
# Every other cell magic (%%bash, %%sql, %%html, %%writefile, ...) hands its body to something else.
PYTHON_BODY_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "memit", "bumba", "snakeviz", "pyinstrument"}
)

# str.splitlines() (used by Source.lines) breaks lines on these, Python's tokenizer does not; in the virtual
# file they become spaces so both agree on what "line N" is.
_EXTRA_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# a form feed in the indentation resets the column to 0 for Python, so it and what precedes it go
_FORM_FEED_INDENT = re.compile(r"^[ \t\f]*\f", re.MULTILINE)
_NEWLINES = re.compile(r"\r\n|\r|\n")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# A notebook's file size is mostly image outputs, so its size limit is far above the one for code files;
# the code it holds still has to fit BumbaMagics.max_file_bytes.
NOTEBOOK_MAX_BYTES = 100_000_000

_TRANSFORMERS = TransformerManager()


class NotebookError(ValueError):
    """A .ipynb file that cannot be read as a notebook."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: not a readable notebook: {reason}")


# --------------------------------------------------------------------------------------------- masking


def split_lines(text: str) -> list[str]:
    """Lines the way Python numbers them (\\n, \\r\\n, \\r), without a phantom line after the last newline."""
    lines = _NEWLINES.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def mask_ipython(cell_source: str) -> tuple[str, set[int]]:
    """One cell as Python with the same number of lines, and the 1-based lines that were IPython syntax."""
    lines = split_lines(_EXTRA_LINE_BREAKS.sub(" ", _FORM_FEED_INDENT.sub("", cell_source)))
    if not lines:
        return "", set()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].startswith("%%"):
        magic = lines[first][2:].rstrip().partition(" ")[0]  # the name, as IPython's cell_magic() reads it
        if magic not in PYTHON_BODY_CELL_MAGICS:
            return "\n" * len(lines), set(range(1, len(lines) + 1))
        lines[first] = ""
        masked = {first + 1}
    else:
        masked = set()
    lines = _strip_prompts_and_margin(lines)
    lines, escaped = _transform_escaped_lines(lines)
    return "".join(line + "\n" for line in lines), masked | escaped


def _strip_prompts_and_margin(lines: list[str]) -> list[str]:
    """What IPython does to pasted code before running it; none of it changes the number of lines."""
    kept = [line + "\n" for line in lines]
    for transform in (classic_prompt, ipython_prompt):
        kept = transform(kept)
    text = "".join(kept)
    # IPython dedents a cell indented as a whole, so it must parse here too; dedent() also empties
    # whitespace-only lines, so it only runs when every code line is indented
    code = [line for line in kept if line.strip()]
    if code and all(line[0] in " \t" for line in code):
        text = textwrap.dedent(text)
    return text.split("\n")[: len(lines)]


def _transform_escaped_lines(lines: list[str]) -> tuple[list[str], set[int]]:
    """Replace each IPython-syntax statement by IPython's own translation, padding collapsed lines.

    IPython's token transformers find escapes only at the start of a logical line, never inside strings or
    comments, because they work on tokens; we reuse them one at a time (as TransformerManager does) and
    put back a blank line for every backslash-continued line a transform joined, so numbering never moves.
    """
    current = [line + "\n" for line in lines]
    masked: set[int] = set()
    for _ in range(2 * len(current) + 1):  # every round consumes one IPython statement
        transformed = _transform_first_escape(current)
        if transformed is None:
            break
        start, new_lines = transformed
        removed = len(current) - len(new_lines)
        current = new_lines[: start + 1] + ["\n"] * removed + new_lines[start + 1 :]
        masked.update(range(start + 1, start + removed + 2))
    return [line.removesuffix("\n") for line in current], masked


def _transform_first_escape(lines: list[str]) -> tuple[int, list[str]] | None:
    """The earliest IPython statement's 0-based line and the lines after IPython's transform of it."""
    try:
        tokens_by_line = make_tokens_by_line(lines)
    except SyntaxError as error:  # tokenize raises on inconsistent dedents; look at the lines before it
        stop = (error.lineno or 1) - 1
        if not 0 < stop < len(lines):
            return None
        found = _transform_first_escape(lines[:stop])
        return None if found is None else (found[0], found[1] + lines[stop:])
    candidates = [found for cls in _TRANSFORMERS.token_transformers if (found := cls.find(tokens_by_line))]
    for transformer in sorted(candidates, key=TokenTransformBase.sortby):
        try:
            new_lines = transformer.transform(lines)
        except SyntaxError:  # e.g. "x = (1,\n 2)?": IPython leaves it alone too
            continue
        if len(new_lines) <= len(lines) and new_lines != lines:
            return transformer.start_line, new_lines
    return None


# ---------------------------------------------------------------------------------------- virtual file


def build_notebook_source(path: str, cells: list[Cell], abspath: Path | None = None) -> Source:
    """The virtual file of ``cells``' code cells, with the line map and the masked lines filled in."""
    chunks: list[str] = []
    line_map: list[tuple[int, int]] = []
    masked: set[int] = set()
    for cell in cells:
        if cell.cell_type != "code":
            continue
        text, cell_masked = mask_ipython(cell.source)
        count = text.count("\n")
        if not count:
            continue
        # A cell that still does not parse keeps its masking: the engine reports the SyntaxError, and it
        # then points at the real mistake rather than at a %magic line of the same cell.
        cell.first_line = len(line_map) + 1
        masked.update(cell.first_line + line - 1 for line in cell_masked)
        line_map.extend((cell.index, line) for line in range(1, count + 1))
        chunks.append(text)
    return Source(
        path=path, text="".join(chunks), kind="notebook", abspath=abspath, cells=cells,
        line_map=line_map, masked=frozenset(masked),
    )


def notebook_source(path: Path, display_path: str) -> Source:
    """Read an .ipynb file as a notebook Source; NotebookError when it is not a valid notebook."""
    notebook = read_notebook(path)
    cells = [_cell_from_node(index, node) for index, node in enumerate(notebook.cells, start=1)]
    return build_notebook_source(display_path, cells, abspath=Path(path).resolve())


def read_notebook(path: Path):
    """The notebook as nbformat v4 (a NotebookNode), validated; every way it can fail becomes one
    NotebookError."""
    # imported here, not at module level: nbformat pulls in jsonschema, whose format checkers can take
    # over a second to import (rfc3987-syntax builds a grammar), and most reviews read no notebook
    import nbformat

    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise NotebookError(path, error.strerror or str(error)) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotebookError(path, f"not UTF-8 text ({error.reason} at byte {error.start})") from error
    # nbformat.reads() only logs validation errors; read, convert and validate ourselves so they raise
    try:
        notebook = nbformat.reader.reads(text)
        notebook = nbformat.convert(notebook, 4)
        nbformat.validate(notebook)
    except nbformat.reader.NotJSONError as error:
        raise NotebookError(path, f"malformed JSON ({_json_problem(text)})") from error
    except nbformat.ValidationError as error:
        raise NotebookError(path, f"fails nbformat validation: {error.message}") from error
    except (ValueError, AttributeError, KeyError, TypeError) as error:
        raise NotebookError(path, f"not a Jupyter notebook ({error})") from error
    except RecursionError:  # json and the validator recurse: thousands of nested brackets are not a notebook
        raise NotebookError(path, "not a Jupyter notebook (JSON nested too deeply)") from None
    return notebook


def _json_problem(text: str) -> str:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"{error.msg} at line {error.lineno}, column {error.colno}"
    return "not a JSON object"


def _cell_from_node(index: int, node: Any) -> Cell:
    return Cell(
        index=index,
        source=_text(node.get("source", "")),
        cell_type=node.get("cell_type", "code"),
        execution_count=node.get("execution_count"),
        cell_id=node.get("id"),
        outputs_text=list(outputs_text(node.get("outputs", []))),
    )


def outputs_text(outputs: Iterable[Any]) -> Iterable[str]:
    """The readable text of a cell's outputs: streams, text/plain results, error tracebacks."""
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            text = _text(output.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            text = _text(output.get("data", {}).get("text/plain", ""))
        elif kind == "error":
            lines = output.get("traceback") or [f"{output.get('ename', '')}: {output.get('evalue', '')}"]
            text = _ANSI_ESCAPE.sub("", "\n".join(lines))
        else:
            continue
        if text:
            yield text


def _text(value: str | list[str]) -> str:
    """nbformat's multiline strings may still be lists of lines in hand-made notebook dicts."""
    return value if isinstance(value, str) else "".join(value)


def history_source(entries: list[tuple[int, str]], label: str = "<kernel history>") -> Source:
    """The kernel's input history (execution count, source) as a notebook whose cells are the inputs."""
    cells = [
        Cell(index=position, source=text, execution_count=count)
        for position, (count, text) in enumerate(entries, start=1)
    ]
    return build_notebook_source(label, cells)


def cell_source(text: str, label: str = "<cell>") -> Source:
    """A %%bumba cell body: a one-cell notebook, so IPython syntax inside it is masked too."""
    return build_notebook_source(label, [Cell(index=1, source=text)])


# ------------------------------------------------------------------------------------ the running kernel


def kernel_history(shell: Any) -> list[tuple[int, str]]:
    """This session's inputs in execution order, without empty ones and without the running cell."""
    running = _running_execution_count(shell)
    entries = [
        (count, text)
        for count, text in _session_inputs(shell)
        if text.strip() and (running is None or count < running)
    ]
    return sorted(entries)


def _session_inputs(shell: Any) -> Iterable[tuple[int, str]]:
    manager = getattr(shell, "history_manager", None)
    if manager is not None:
        # raw=True: the text as typed (with its %magics), which mask_ipython translates itself
        return ((line, text) for _session, line, text in manager.get_range(raw=True, output=False))
    inputs = shell.user_ns.get("In", [])
    return ((count, text) for count, text in enumerate(inputs) if count)


def _running_execution_count(shell: Any) -> int | None:
    """The In[n] of the cell being executed now, if any.

    IPython 9 increments ``execution_count`` before running a cell, 8.x after, so the counter alone cannot
    tell; the displayhook holds the running cell's ExecutionResult in both and clears it afterwards.
    """
    displayhook = getattr(shell, "displayhook", None)
    result = getattr(displayhook, "exec_result", None)
    return getattr(result, "execution_count", None)


def find_notebook_path(shell: Any) -> Path | None:
    """The .ipynb file this kernel runs, when the front end tells the kernel (VS Code, Jupyter Server)."""
    user_ns = getattr(shell, "user_ns", {}) or {}
    candidates = [
        user_ns.get("__vsc_ipynb_file__"),  # VS Code's Jupyter extension
        user_ns.get("__session__"),  # ipykernel copies JPY_SESSION_NAME here
        os.environ.get("JPY_SESSION_NAME"),  # Jupyter Server, for kernels started through a session
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            found = _existing_notebook(candidate.strip())
            if found is not None:
                return found
    return None


def _existing_notebook(name: str) -> Path | None:
    """Resolve a session path: absolute, or relative to the server root, which is cwd or one of its parents."""
    path = Path(name).expanduser()
    if path.is_absolute():
        tries = [path]
    else:
        cwd = Path.cwd()
        # the kernel starts in the notebook's folder, so the file's own name is tried there too
        tries = [base / path for base in (cwd, *cwd.parents)] + [cwd / path.name]
    for candidate in tries:
        if candidate.suffix == ".ipynb" and candidate.is_file():
            return candidate.resolve()
    return None


def find_repository_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding .git; never the home folder or the file system root.

    A dotfiles repository in $HOME would otherwise turn a notebook review into a scan of the whole home.
    """
    start = start.resolve()
    home = Path.home().resolve()
    for folder in (start, *start.parents):
        if folder in (home, Path(folder.anchor)):
            return None
        if (folder / ".git").exists():
            return folder
    return None
