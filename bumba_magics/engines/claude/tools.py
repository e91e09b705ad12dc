"""The agent's tools: read-only, confined to the review's root, capped in size and count.

Every tool returns text (the redactor sees it before it is sent). A refusal or a bad argument is a
:class:`ToolError`, answered to the model as an ``is_error`` tool result so it can correct itself; the
review goes on. Arguments are checked against the tool's declared schema before the tool runs
(:mod:`.tool_input`); every path passes :func:`~bumba_magics.context.confine.confine` (inside the root,
a regular file or a folder: no link out, no pipe, no device); git runs with the repository's programs
neutralised (:mod:`.safe_git`). Nothing here writes a file, runs a shell, or touches the network:
``web_search`` is the API's own server-side tool, offered in ``research-technical`` only and executed by
the API.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import re2
from pydantic import ValidationError

from ...context.confine import OUTSIDE_LINK, Confinement, Refused, TooLarge, confine, inside, read_bytes
from ...context.files import IgnoreRules, collect, display_path, walk
from ...context.notebook import notebook_source, split_lines
from ...context.redact import is_credential_file
from ...context.source import Context, Source
from ...core.findings import Finding, finding_json_schema
from ...views.presentation import step_label
from ..safe_git import GitError, run_git
from .tool_input import problems

MAX_READ_LINES = 400
MAX_RESULT_CHARS = 24_000
MAX_LIST = 300
MAX_SEARCH_RESULTS = 80
MAX_SEARCH_FILE_BYTES = 1_000_000
MAX_OUTPUT_LINES = 60
MAX_FINDINGS = 60
MAX_MEMORY_VALUE = 4_000
MAX_MEMORY_KEYS = 200
MAX_LINE = 10_000_000
MAX_CELL = 100_000
MAX_PATH_CHARS = 4096
MAX_PATTERN_CHARS = 1000
MAX_GIT_LOG = 100
SEARCH_SECONDS = 10.0  # the whole search_text call, every file and line of it
WEB_SEARCH_TOOL = {"type": "web_search_20250305", "name": "web_search", "max_uses": 5}
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/~^@{}-]{0,99}$")  # a git revision, never an option
# search_text's regular expressions run on RE2, which matches in time linear in the text: Python's re
# backtracks, and `(a+)+$` on a 100 kB line never ends. Measured on a 100 kB line of "a"s and a "b": RE2
# answers in 0.1 ms; the `regex` package's timeout= stops after twice the timeout asked (and answers
# nothing); re would run for ages. On a search over this repository (41,000 lines) RE2 costs about as much
# as `regex` with a timeout (150-180 ms against 180-220 ms; re 12-95 ms), and literal searches, the common
# case, skip regular expressions altogether. What RE2 lacks (look-around, back-references) is an error the
# model can rewrite around.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern is the model's to hear about, not the terminal's


class ToolError(Exception):
    """Told to the model as an error result; the loop continues."""


@dataclass
class Tool:
    name: str
    description: str
    input_schema: dict
    handler: Callable[..., str]
    checked: bool = True  # input checked against input_schema first; False: the handler validates it all

    def definition(self) -> dict:
        return {"name": self.name, "description": self.description, "input_schema": self.input_schema}


def _schema(properties: dict, required: Iterable[str] = ()) -> dict:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


_STR = {"type": "string"}
_PATH = {"type": "string", "maxLength": MAX_PATH_CHARS}
_PATTERN = {"type": "string", "maxLength": MAX_PATTERN_CHARS}
_LINE = {"type": "integer", "minimum": 1, "maximum": MAX_LINE}


def report_finding_schema() -> dict:
    """The finding model's JSON schema with the fields we set ourselves removed and ``$ref``s inlined.

    The Messages API takes JSON Schema, but a flat schema is what models fill in most reliably, and the
    engine, analyzer and fingerprint are ours to set, not the model's.
    """
    schema = finding_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]])
                extra = {k: v for k, v in node.items() if k != "$ref"}
                return inline({**target, **extra})
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    schema = inline(schema)
    for name in ("engine", "analyzer", "fingerprint", "also_reported"):  # ours to set, not the model's
        schema["properties"].pop(name, None)
    schema.pop("title", None)
    return schema


@dataclass
class ToolBox:
    """The tools one agent run may use, bound to its root, notebook, kernel and store."""

    root: Path
    context: Context | None = None
    shell: Any = None
    store: Any = None
    include_values: bool = False
    granted: Iterable[str] | None = None  # our tool names; None: all
    lane: str = "review"  # the command: research-technical gets web_search, implement gets write_cell
    agent_name: str = "agent"
    findings: list[Finding] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)
    code: list[tuple[str, str]] = field(default_factory=list)  # (code, summary) from write_cell
    on_finding: Callable[[Finding], None] | None = None
    calls: int = 0
    search_seconds: float = SEARCH_SECONDS

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        catalogue = self._catalogue()
        granted = {*catalogue, "web_search"} if self.granted is None else set(self.granted)
        granted.add("report_finding")
        if self.lane == "implement":
            granted.add("write_cell")
        else:
            granted.discard("write_cell")
        if self.lane != "research-technical":
            granted.discard("web_search")
        self.tools: dict[str, Tool] = {n: t for n, t in catalogue.items() if n in granted}
        self.web_search = "web_search" in granted and self.lane == "research-technical"

    # -- what the API is told ------------------------------------------------------------------------------
    def definitions(self) -> list[dict]:
        """Tool definitions for the request; the server-side web search last when granted."""
        defs = [tool.definition() for tool in self.tools.values()]
        if self.web_search:
            defs.append(dict(WEB_SEARCH_TOOL))
        return defs

    def call(self, name: str, arguments: dict) -> tuple[str, bool]:
        """Run a tool: (result text, is_error). Never raises for a bad call; the model is told instead."""
        self.calls += 1
        tool = self.tools.get(name)
        if tool is None:
            return f"unknown or unavailable tool {name!r}; available: {', '.join(self.tools)}", True
        if not isinstance(arguments, dict):
            return "tool input must be a JSON object", True
        if tool.checked:
            found = problems(tool.input_schema, arguments)
            if found:
                return f"bad arguments for {name}: {'; '.join(found)}", True
            arguments = {key: value for key, value in arguments.items() if value is not None}
        try:
            text = tool.handler(**arguments)
        except ToolError as error:
            return str(error), True
        except TypeError as error:  # unexpected or missing arguments
            return f"bad arguments for {name}: {error}", True
        except (OSError, ValueError) as error:  # the file system said no in a way no check foresaw
            return f"{name} failed: {error}", True
        if len(text) > MAX_RESULT_CHARS:
            text = text[:MAX_RESULT_CHARS] + f"\n[truncated: {len(text) - MAX_RESULT_CHARS} more characters]"
        return text, False

    # -- the sandbox ---------------------------------------------------------------------------------------
    def resolve(self, path: str | None) -> Path:
        """The real path of a regular file or folder inside the root: no '..', no link out of the root, no
        pipe or device, no credential file, no .git."""
        text = (path or ".").strip().replace("\\", "/")
        pure = PurePosixPath(text)
        if pure.is_absolute():
            try:
                pure = PurePosixPath(Path(os.path.realpath(text)).relative_to(self.root).as_posix())
            except ValueError:
                raise ToolError(f"{path}: outside the project root; use paths relative to it") from None
        if ".." in pure.parts:
            raise ToolError(f"{path}: '..' is not allowed; paths are relative to the project root")
        if ".git" in pure.parts:
            raise ToolError(f"{path}: the .git folder is not readable; use git_log / git_blame / git_diff")
        full = self.root / pure
        real = os.path.realpath(full)
        if not inside(real, self.root):
            raise ToolError(f"{path}: {OUTSIDE_LINK}")
        if is_credential_file(full.name) or is_credential_file(os.path.basename(real)):
            raise ToolError(f"{path}: a credential file; its content is never sent")
        if not os.path.lexists(full):
            raise ToolError(f"{path}: no such file or folder")
        try:
            return confine(full, self.root, folders=True).path
        except Refused as refusal:
            raise ToolError(f"{path}: {refusal.reason}") from None

    def _shown(self, path: Path) -> str:
        return display_path(path, self.root)

    # -- the tools -----------------------------------------------------------------------------------------
    def _catalogue(self) -> dict[str, Tool]:
        tools = [
            Tool("list_files", "List files under a folder of the project (relative path; default the root). "
                 "Ignored folders (.git, virtualenvs, build output, .gitignore) are skipped. Credential files "
                 "are listed as withheld.",
                 _schema({"path": _PATH,
                          "pattern": {**_PATTERN, "description": "glob on the file name, e.g. *.py"},
                          "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIST}}), self.list_files),
            Tool("read_file", "Read a text file of the project, with line numbers; give start_line/end_line "
                 f"for a range (at most {MAX_READ_LINES} lines per call).",
                 _schema({"path": _PATH, "start_line": _LINE, "end_line": _LINE}, ["path"]), self.read_file),
            Tool("search_text", "Search the project's text files for a string (or, with regex=true, a regular "
                 "expression in RE2 syntax: Python's without look-around or back-references); returns "
                 "path:line: text.",
                 _schema({"pattern": _PATTERN, "path": _PATH, "regex": {"type": "boolean"}, "glob": _PATTERN},
                         ["pattern"]), self.search_text),
            Tool("list_cells", "List the notebook's cells: number, type, In[n], first line, output size.",
                 _schema({"notebook": _PATH}), self.list_cells),
            Tool("read_cell", "Read one notebook cell (1-based number) and the text of its outputs.",
                 _schema({"cell": {"type": "integer", "minimum": 1, "maximum": MAX_CELL}, "notebook": _PATH,
                          "outputs": {"type": "boolean"}}, ["cell"]),
                 self.read_cell),
            Tool("describe_variable", "Describe a variable of the running kernel: type, length, shape, dtypes, "
                 "columns, keys. Values are never shown unless the user allowed it.",
                 _schema({"name": {"type": "string", "maxLength": 200}}, ["name"]), self.describe_variable),
            Tool("run_analyzer", "Run bumba's offline analyzers (ruff, security, secrets, performance, "
                 "architecture, hygiene, hardening) on a file or folder of the project.",
                 _schema({"path": _PATH, "analyzers": {"type": "array", "items": _STR, "maxItems": 20}}),
                 self.run_analyzer),
            Tool("memory_read", "Read the notes kept for this project by earlier reviews.",
                 _schema({"key": _STR}), self.memory_read),
            Tool("memory_write", "Keep a short note for later reviews of this project (an empty value deletes).",
                 _schema({"key": _STR, "value": _STR}, ["key", "value"]), self.memory_write),
            Tool("git_log", "Recent commits (optionally touching a path).",
                 _schema({"path": _PATH, "limit": {"type": "integer", "minimum": 1, "maximum": MAX_GIT_LOG}}),
                 self.git_log),
            Tool("git_blame", "Who last changed each line of a file (a line range is recommended).",
                 _schema({"path": _PATH, "start_line": _LINE, "end_line": _LINE}, ["path"]), self.git_blame),
            Tool("git_diff", "Uncommitted changes, or the changes since a revision (ref), optionally for a path.",
                 _schema({"ref": {"type": "string", "maxLength": 100}, "path": _PATH}), self.git_diff),
            # validated by the Finding model itself (the schema is generated from it)
            Tool("report_finding", "Report one problem as a finding: where it is (path relative to the root, "
                 "and cell number for notebooks), the evidence, why it matters and what to do. One call per "
                 "distinct problem.", report_finding_schema(), self.report_finding, checked=False),
            Tool("write_cell", "Hand over the code for the new notebook cell the user asked for. The user "
                 "reviews and runs it; it is never executed for them.",
                 _schema({"code": _STR, "summary": _STR}, ["code"]), self.write_cell),
        ]
        return {tool.name: tool for tool in tools}

    def list_files(self, path: str = ".", pattern: str | None = None, limit: int = MAX_LIST) -> str:
        folder = self.resolve(path)
        if folder.is_file():
            return f"{self._shown(folder)}  {folder.stat().st_size} bytes"
        limit = max(1, min(int(limit or MAX_LIST), MAX_LIST))
        wanted = (lambda name: fnmatch.fnmatch(name, pattern)) if pattern else (lambda name: True)
        entries = sorted(walk(folder, IgnoreRules(folder), wanted), key=lambda p: self._shown(p))
        lines = []
        confinement = Confinement(self.root)
        for file in entries[:limit]:
            try:
                size = confinement.check(file).size
            except Refused as refusal:  # listed, so the model knows it is there and why it cannot read it
                lines.append(f"{self._shown(file)}  (not readable: {refusal.reason})")
                continue
            note = "  (withheld: credential file)" if is_credential_file(file.name) else ""
            lines.append(f"{self._shown(file)}  {size} bytes{note}")
        if len(entries) > limit:
            lines.append(f"[{len(entries) - limit} more files not listed; narrow the path or pattern]")
        return "\n".join(lines) or "(no files)"

    def read_file(self, path: str, start_line: int | None = None, end_line: int | None = None) -> str:
        file = self.resolve(path)
        if file.is_dir():
            raise ToolError(f"{path}: a folder; use list_files")
        if file.suffix == ".ipynb":
            raise ToolError(f"{path}: a notebook; use list_cells / read_cell with notebook={path!r}")
        text = self._text(file)
        lines = split_lines(text)
        start = max(1, int(start_line or 1))
        end = min(len(lines), int(end_line or start + MAX_READ_LINES - 1), start + MAX_READ_LINES - 1)
        shown = self._shown(file)
        if shown not in self.files_read:
            self.files_read.append(shown)
        body = "\n".join(f"{n:>5}  {lines[n - 1]}" for n in range(start, end + 1))
        more = f"\n[lines {end + 1}-{len(lines)} not shown]" if end < len(lines) else ""
        return f"{shown} (lines {start}-{end} of {len(lines)})\n{body}{more}"

    def _text(self, file: Path) -> str:
        """A real path :meth:`resolve` or :func:`confine` passed, as text."""
        try:
            data = read_bytes(file, MAX_SEARCH_FILE_BYTES)
        except TooLarge as error:
            raise ToolError(f"{self._shown(file)}: {error.size} bytes, too large to read") from None
        except Refused as refusal:
            raise ToolError(f"{self._shown(file)}: {refusal.reason}") from None
        if b"\x00" in data[:8192]:
            raise ToolError(f"{self._shown(file)}: a binary file")
        return data.decode("utf-8", errors="replace")

    def search_text(self, pattern: str, path: str = ".", regex: bool = False, glob: str | None = None) -> str:
        if not pattern:
            raise ToolError("pattern is empty")
        matches = _matcher(pattern, regex)
        folder = self.resolve(path)
        if folder.is_file():
            files: Iterable[Path] = [folder]
        else:
            wanted = (lambda name: fnmatch.fnmatch(name, glob)) if glob else (lambda name: True)
            files = walk(folder, IgnoreRules(folder), wanted)
        deadline = time.monotonic() + self.search_seconds
        hits: list[str] = []
        refused: list[str] = []
        confinement = Confinement(self.root)
        for file in files:
            if is_credential_file(file.name) or file.suffix == ".ipynb":
                continue
            try:
                text = self._text(confinement.check(file).path)
            except Refused as refusal:
                refused.append(f"{self._shown(file)} ({refusal.reason})")
                continue
            except ToolError:
                continue
            for number, line in enumerate(split_lines(text), start=1):
                if time.monotonic() > deadline:
                    raise ToolError(f"search_text stopped: it ran out of its {self.search_seconds:g} s budget "
                                    f"in {self._shown(file)}; narrow the path or glob, or simplify the pattern. "
                                    f"Matches so far:\n" + ("\n".join(hits) or "none"))
                if matches(line):
                    hits.append(f"{self._shown(file)}:{number}: {line.strip()[:200]}")
                    if len(hits) >= MAX_SEARCH_RESULTS:
                        return "\n".join(hits) + f"\n[stopped at {MAX_SEARCH_RESULTS} matches]"
        answer = "\n".join(hits) or "no matches"
        if refused:
            answer += f"\n[not searched: {', '.join(refused[:10])}" + (" …]" if len(refused) > 10 else "]")
        return answer

    # notebooks -------------------------------------------------------------------------------------------
    def _notebook(self, notebook: str | None) -> Source:
        sources = [s for s in (self.context.sources if self.context else []) if s.cells]
        if notebook:
            for source in sources:
                if source.path == notebook:
                    return source
            file = self.resolve(notebook)
            if file.suffix != ".ipynb":
                raise ToolError(f"{notebook}: not a notebook")
            try:
                return notebook_source(file, self._shown(file))
            except ValueError as error:
                raise ToolError(str(error)) from None
        if not sources:
            raise ToolError("this review has no notebook; name one with notebook='path.ipynb'")
        return sources[0]

    def list_cells(self, notebook: str | None = None) -> str:
        source = self._notebook(notebook)
        lines = [f"{source.path}: {len(source.cells)} cells"]
        for cell in source.cells:
            first = next((line.strip() for line in split_lines(cell.source) if line.strip()), "")
            count = f"In [{cell.execution_count}]" if cell.execution_count is not None else "not run"
            outputs = sum(len(t) for t in cell.outputs_text)
            lines.append(f"cell {cell.index} {cell.cell_type} {count}: {first[:100]}"
                         + (f"  [outputs: {outputs} chars]" if outputs else ""))
        return "\n".join(lines)

    def read_cell(self, cell: int, notebook: str | None = None, outputs: bool = True) -> str:
        source = self._notebook(notebook)
        found = source.cell(int(cell))
        if found is None:
            raise ToolError(f"{source.path} has no cell {cell} (cells 1-{len(source.cells)})")
        label = f"{source.path} cell {found.index}"
        if label not in self.files_read:
            self.files_read.append(label)
        count = f" In [{found.execution_count}]" if found.execution_count is not None else ""
        body = "\n".join(f"{n:>4}  {line}" for n, line in enumerate(split_lines(found.source), start=1))
        parts = [f"{label} ({found.cell_type}){count}", body]
        if outputs and found.outputs_text:
            parts.append("--- outputs ---")
            for text in found.outputs_text:
                lines = split_lines(text)
                parts.append("\n".join(lines[:MAX_OUTPUT_LINES]))
                if len(lines) > MAX_OUTPUT_LINES:
                    parts.append(f"[output truncated: {len(lines) - MAX_OUTPUT_LINES} more lines]")
        return "\n".join(parts)

    def describe_variable(self, name: str) -> str:
        namespace = getattr(self.shell, "user_ns", None)
        if namespace is None:
            raise ToolError("no running kernel: variables can only be described from a notebook")
        if not name.isidentifier():
            raise ToolError(f"{name!r}: give a variable name (no expressions, no attributes)")
        if name not in namespace:
            raise ToolError(f"no variable named {name!r} in the kernel")
        return describe(namespace[name], name, include_values=self.include_values)

    # analyzers, memory, git ------------------------------------------------------------------------------
    def run_analyzer(self, path: str = ".", analyzers: list[str] | None = None) -> str:
        from ...analyzers.base import AnalyzerConfig
        from ...analyzers.registry import analyzer_names
        from ..offline import run_offline

        known = analyzer_names()
        names = tuple(analyzers or ("security", "secrets", "performance"))
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ToolError(f"unknown analyzer(s) {', '.join(unknown)}; choose from {', '.join(known)}")
        target = self.resolve(path)
        try:
            context = collect(str(target), root=self.root)
        except (FileNotFoundError, ValueError) as error:
            raise ToolError(str(error)) from None
        context.sources = [s for s in context.sources if not is_credential_file(PurePosixPath(s.path).name)]
        result = run_offline(context, names, AnalyzerConfig(), store=None)
        lines = [f"{len(result.findings)} finding(s) from {', '.join(names)} on {self._shown(target)}"]
        for finding in sorted(result.findings, key=Finding.sort_key)[:MAX_FINDINGS]:
            lines.append(f"- {finding.severity.value} {finding.rule} {finding.location.label()}: {finding.title}")
        if len(result.findings) > MAX_FINDINGS:
            lines.append(f"[{len(result.findings) - MAX_FINDINGS} more not shown]")
        return "\n".join(lines + [f"not analyzed: {f.message()}" for f in result.failures]
                         + [f"note: {n}" for n in [*context.notes, *result.notes]])

    def memory_read(self, key: str | None = None) -> str:
        memory = self.store.memory_get(self.root) if self.store is not None else {}
        if key:
            return memory.get(key, f"no note named {key!r}")
        return "\n".join(f"{k}: {v}" for k, v in memory.items()) or "no notes yet for this project"

    def memory_write(self, key: str, value: str) -> str:
        if self.store is None:
            raise ToolError("no store: memory is off for this run")
        key = key.strip()[:100]
        if not key:
            raise ToolError("key is empty")
        if len(value) > MAX_MEMORY_VALUE:
            raise ToolError(f"value too long ({len(value)} characters; at most {MAX_MEMORY_VALUE})")
        if value and key not in self.store.memory_get(self.root) and len(self.store.memory_get(self.root)) >= \
                MAX_MEMORY_KEYS:
            raise ToolError(f"memory is full ({MAX_MEMORY_KEYS} notes); overwrite or delete one")
        self.store.memory_put(self.root, key, value or None)
        return f"{'kept' if value else 'deleted'} note {key!r}"

    def _git(self, *args: str) -> str:
        # the flags (--no-textconv, --no-ext-diff, --no-show-signature) say it twice: safe_git already
        # overrides the configuration that would run those programs
        try:
            return run_git(self.root, *args) or "(no output)"
        except GitError as error:
            raise ToolError(str(error)) from None

    def _git_path(self, path: str | None) -> list[str]:
        return ["--", self._shown(self.resolve(path))] if path else []

    def git_log(self, path: str | None = None, limit: int = 20) -> str:
        return self._git("log", "--no-show-signature", f"-n{limit}", "--date=short", "--format=%h %ad %an: %s",
                         *self._git_path(path))

    def git_blame(self, path: str, start_line: int | None = None, end_line: int | None = None) -> str:
        args = ["blame", "--no-textconv", "--date=short"]
        if start_line:
            args.append(f"-L{start_line},{end_line or start_line + MAX_READ_LINES - 1}")
        return self._git(*args, *self._git_path(path))

    def git_diff(self, ref: str | None = None, path: str | None = None) -> str:
        # --ignore-submodules=dirty: telling a dirty submodule runs `git status` in it, under its own config
        args = ["diff", "--no-ext-diff", "--no-textconv", "--no-color", "--ignore-submodules=dirty"]
        if ref:
            if not _REF.match(ref):
                raise ToolError(f"{ref!r} is not a revision")
            args.append(ref)
        return self._git(*args, *self._git_path(path))

    # reporting -------------------------------------------------------------------------------------------
    def report_finding(self, **data: Any) -> str:
        if len(self.findings) >= MAX_FINDINGS:
            raise ToolError(f"{MAX_FINDINGS} findings already reported; report only the most important")
        location = data.get("location")
        if isinstance(location, dict) and location.get("path"):
            path = str(location["path"]).replace("\\", "/")
            if Path(path).is_absolute():
                try:
                    location["path"] = Path(path).resolve().relative_to(self.root).as_posix()
                except ValueError:
                    pass
        try:
            finding = Finding.model_validate({**data, "engine": "claude", "analyzer": self.agent_name})
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise ToolError(f"finding not recorded, fix and report again: {problems}") from None
        self.findings.append(finding)
        if self.on_finding is not None:
            self.on_finding(finding)
        return f"recorded finding {len(self.findings)}: {finding.title}"

    def write_cell(self, code: str, summary: str = "") -> str:
        if not code.strip():
            raise ToolError("code is empty")
        self.code.append((code, summary))
        return "the cell will be inserted below the user's cell, unexecuted"


def _matcher(pattern: str, regex: bool) -> Callable[[str], object]:
    """A test for one line: a substring test for a literal, RE2 for a regular expression (see _RE2_OPTIONS)."""
    if not regex:
        return lambda line: pattern in line
    try:
        return re2.compile(pattern, options=_RE2_OPTIONS).search
    except re2.error as error:
        reason = error.args[0] if error.args else error
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        raise ToolError(f"bad regex: {reason} (the syntax is RE2's: Python's without look-around or "
                        "back-references)") from None


def describe(value: Any, name: str = "value", *, include_values: bool = False) -> str:
    """What a variable is, without its values: type, size, shape, dtypes, columns, keys."""
    kind = type(value)
    lines = [f"{name}: {kind.__module__}.{kind.__qualname__}"]
    module = kind.__module__.split(".")[0]
    try:
        if module == "pandas" and hasattr(value, "dtypes") and hasattr(value, "columns"):
            lines.append(f"shape: {value.shape[0]} rows x {value.shape[1]} columns")
            lines.append(f"index: {type(value.index).__name__}")
            lines.append("columns (dtype):")
            lines += [f"  {column}: {dtype}" for column, dtype in list(value.dtypes.items())[:200]]
            lines.append(f"memory: {int(value.memory_usage(deep=False).sum())} bytes (shallow)")
        elif module == "pandas" and hasattr(value, "dtype"):
            lines.append(f"length: {len(value)}, dtype: {value.dtype}, name: {value.name!r}")
        elif hasattr(value, "shape") and hasattr(value, "dtype"):
            lines.append(f"shape: {tuple(value.shape)}, dtype: {value.dtype}")
        elif isinstance(value, (str, bytes, bytearray)):
            lines.append(f"length: {len(value)}")
        elif isinstance(value, dict):
            keys = list(value)[:50]
            lines.append(f"length: {len(value)}")
            lines.append("keys: " + ", ".join(repr(k) if isinstance(k, (int, float)) else str(k) for k in keys))
            types = sorted({type(v).__name__ for v in list(value.values())[:200]})
            lines.append(f"value types: {', '.join(types)}")
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = list(value)[:200]
            lines.append(f"length: {len(value)}")
            lines.append(f"element types: {', '.join(sorted({type(v).__name__ for v in items})) or 'none'}")
        elif callable(value):
            import inspect

            try:
                lines.append(f"signature: {name}{inspect.signature(value)}")
            except (TypeError, ValueError):
                pass
            doc = (inspect.getdoc(value) or "").strip().splitlines()
            if doc:
                lines.append(f"doc: {doc[0][:200]}")
        else:
            public = [a for a in dir(value) if not a.startswith("_")][:60]
            if public:
                lines.append("attributes: " + ", ".join(public))
            if hasattr(value, "__len__"):
                lines.append(f"length: {len(value)}")
    except Exception as error:  # noqa: BLE001 — a user object's properties may raise; say so and go on
        lines.append(f"(could not inspect further: {type(error).__name__})")
    if include_values:
        try:
            shown = value.head(5) if hasattr(value, "head") and callable(value.head) else value
            lines.append("value (the user allowed values):\n" + repr(shown)[:2000])
        except Exception as error:  # noqa: BLE001
            lines.append(f"(value not shown: {type(error).__name__})")
    else:
        lines.append("values not shown (the user can allow them with --include-values)")
    return "\n".join(lines)


def compact_finding(finding: Finding) -> str:
    """One line per finding for a request: what and where; a dataflow finding with its path from source to
    sink, step by step, so the agent can confirm or refute each step (a sanitizer missed, a source that is
    not user-controlled) rather than only the sink line."""
    data = {
        "rule": finding.rule, "severity": finding.severity.value, "category": finding.category.value,
        "where": finding.location.label(), "title": finding.title, "evidence": finding.evidence,
    }
    if finding.flow:
        data["path"] = [f"{step_label(step)}: {step.label}" for step in finding.flow]
    return json.dumps(data, ensure_ascii=False)
