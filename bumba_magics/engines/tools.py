"""The agent's tools: read-only, confined to the review's root, capped in size and count.

Every tool returns text (the redactor sees it before it is sent). A refusal or a bad argument is a
:class:`ToolError`, answered to the model as an ``is_error`` tool result so it can correct itself; the
review goes on. Nothing here writes a file, runs a shell, or touches the network: ``web_search`` is the
API's own server-side tool, offered in ``research-technical`` only and executed by the API.
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from ..context.files import IgnoreRules, collect, display_path, walk
from ..context.notebook import notebook_source, split_lines
from ..context.redact import is_credential_file
from ..context.source import Context, Source
from ..findings import Finding, finding_json_schema

MAX_READ_LINES = 400
MAX_RESULT_CHARS = 24_000
MAX_LIST = 300
MAX_SEARCH_RESULTS = 80
MAX_SEARCH_FILE_BYTES = 1_000_000
MAX_OUTPUT_LINES = 60
MAX_FINDINGS = 60
MAX_MEMORY_VALUE = 4_000
MAX_MEMORY_KEYS = 200
GIT_TIMEOUT = 15
WEB_SEARCH_TOOL = {"type": "web_search_20250305", "name": "web_search", "max_uses": 5}
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/~^@{}-]{0,99}$")  # a git revision, never an option


class ToolError(Exception):
    """Told to the model as an error result; the loop continues."""


@dataclass
class Tool:
    name: str
    description: str
    input_schema: dict
    handler: Callable[..., str]

    def definition(self) -> dict:
        return {"name": self.name, "description": self.description, "input_schema": self.input_schema}


def _schema(properties: dict, required: Iterable[str] = ()) -> dict:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


_STR = {"type": "string"}
_INT = {"type": "integer"}


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
    for name in ("engine", "analyzer", "fingerprint"):
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
        try:
            text = tool.handler(**arguments)
        except ToolError as error:
            return str(error), True
        except TypeError as error:  # unexpected or missing arguments
            return f"bad arguments for {name}: {error}", True
        if len(text) > MAX_RESULT_CHARS:
            text = text[:MAX_RESULT_CHARS] + f"\n[truncated: {len(text) - MAX_RESULT_CHARS} more characters]"
        return text, False

    # -- the sandbox ---------------------------------------------------------------------------------------
    def resolve(self, path: str | None, *, must_exist: bool = True) -> Path:
        """A path inside the root: no '..', no escape through a symlink, no credential file, no .git."""
        text = (path or ".").strip().replace("\\", "/")
        pure = PurePosixPath(text)
        if pure.is_absolute():
            try:
                pure = PurePosixPath(Path(text).resolve().relative_to(self.root).as_posix())
            except ValueError:
                raise ToolError(f"{path}: outside the project root; use paths relative to it") from None
        if ".." in pure.parts:
            raise ToolError(f"{path}: '..' is not allowed; paths are relative to the project root")
        if ".git" in pure.parts:
            raise ToolError(f"{path}: the .git folder is not readable; use git_log / git_blame / git_diff")
        full = self.root / pure
        resolved = full.resolve()
        if resolved != self.root and not resolved.is_relative_to(self.root):
            raise ToolError(f"{path}: leads outside the project root (symbolic link)")
        if is_credential_file(full.name) or is_credential_file(resolved.name):
            raise ToolError(f"{path}: a credential file; its content is never sent")
        if must_exist and not resolved.exists():
            raise ToolError(f"{path}: no such file or folder")
        return resolved

    def _shown(self, path: Path) -> str:
        return display_path(path, self.root)

    # -- the tools -----------------------------------------------------------------------------------------
    def _catalogue(self) -> dict[str, Tool]:
        tools = [
            Tool("list_files", "List files under a folder of the project (relative path; default the root). "
                 "Ignored folders (.git, virtualenvs, build output, .gitignore) are skipped. Credential files "
                 "are listed as withheld.",
                 _schema({"path": _STR, "pattern": {**_STR, "description": "glob on the file name, e.g. *.py"},
                          "limit": _INT}), self.list_files),
            Tool("read_file", "Read a text file of the project, with line numbers; give start_line/end_line "
                 f"for a range (at most {MAX_READ_LINES} lines per call).",
                 _schema({"path": _STR, "start_line": _INT, "end_line": _INT}, ["path"]), self.read_file),
            Tool("search_text", "Search the project's text files for a string (or a Python regex with "
                 "regex=true); returns path:line: text.",
                 _schema({"pattern": _STR, "path": _STR, "regex": {"type": "boolean"}, "glob": _STR},
                         ["pattern"]), self.search_text),
            Tool("list_cells", "List the notebook's cells: number, type, In[n], first line, output size.",
                 _schema({"notebook": _STR}), self.list_cells),
            Tool("read_cell", "Read one notebook cell (1-based number) and the text of its outputs.",
                 _schema({"cell": _INT, "notebook": _STR, "outputs": {"type": "boolean"}}, ["cell"]),
                 self.read_cell),
            Tool("describe_variable", "Describe a variable of the running kernel: type, length, shape, dtypes, "
                 "columns, keys. Values are never shown unless the user allowed it.",
                 _schema({"name": _STR}, ["name"]), self.describe_variable),
            Tool("run_analyzer", "Run bumba's offline analyzers (ruff, security, secrets, performance, "
                 "architecture, hygiene, hardening) on a file or folder of the project.",
                 _schema({"path": _STR, "analyzers": {"type": "array", "items": _STR}}), self.run_analyzer),
            Tool("memory_read", "Read the notes kept for this project by earlier reviews.",
                 _schema({"key": _STR}), self.memory_read),
            Tool("memory_write", "Keep a short note for later reviews of this project (an empty value deletes).",
                 _schema({"key": _STR, "value": _STR}, ["key", "value"]), self.memory_write),
            Tool("git_log", "Recent commits (optionally touching a path).",
                 _schema({"path": _STR, "limit": _INT}), self.git_log),
            Tool("git_blame", "Who last changed each line of a file (a line range is recommended).",
                 _schema({"path": _STR, "start_line": _INT, "end_line": _INT}, ["path"]), self.git_blame),
            Tool("git_diff", "Uncommitted changes, or the changes since a revision (ref), optionally for a path.",
                 _schema({"ref": _STR, "path": _STR}), self.git_diff),
            Tool("report_finding", "Report one problem as a finding: where it is (path relative to the root, "
                 "and cell number for notebooks), the evidence, why it matters and what to do. One call per "
                 "distinct problem.", report_finding_schema(), self.report_finding),
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
        for file in entries[:limit]:
            try:
                size = file.stat().st_size
            except OSError:
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
        try:
            size = file.stat().st_size
            if size > MAX_SEARCH_FILE_BYTES:
                raise ToolError(f"{self._shown(file)}: {size} bytes, too large to read")
            data = file.read_bytes()
        except OSError as error:
            raise ToolError(f"{self._shown(file)}: cannot be read ({error.strerror or error})") from None
        if b"\x00" in data[:8192]:
            raise ToolError(f"{self._shown(file)}: a binary file")
        return data.decode("utf-8", errors="replace")

    def search_text(self, pattern: str, path: str = ".", regex: bool = False, glob: str | None = None) -> str:
        if not pattern:
            raise ToolError("pattern is empty")
        try:
            matcher = re.compile(pattern if regex else re.escape(pattern))
        except re.error as error:
            raise ToolError(f"bad regex: {error}") from None
        folder = self.resolve(path)
        if folder.is_file():
            files: Iterable[Path] = [folder]
        else:
            wanted = (lambda name: fnmatch.fnmatch(name, glob)) if glob else (lambda name: True)
            files = walk(folder, IgnoreRules(folder), wanted)
        hits: list[str] = []
        for file in files:
            if is_credential_file(file.name) or file.suffix == ".ipynb":
                continue
            try:
                text = self._text(file)
            except ToolError:
                continue
            for number, line in enumerate(split_lines(text), start=1):
                if matcher.search(line):
                    hits.append(f"{self._shown(file)}:{number}: {line.strip()[:200]}")
                    if len(hits) >= MAX_SEARCH_RESULTS:
                        return "\n".join(hits) + f"\n[stopped at {MAX_SEARCH_RESULTS} matches]"
        return "\n".join(hits) or "no matches"

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
        from ..analyzers.base import AnalyzerConfig
        from .offline import run_offline

        known = ("ruff", "security", "secrets", "performance", "architecture", "hygiene", "hardening")
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
                         + [f"note: {n}" for n in result.notes])

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
        # -c core.fsmonitor / --no-ext-diff / --no-textconv: a repository's own config must not make a
        # read-only look run a program of its choosing
        command = ["git", "-c", "core.fsmonitor=false", "-c", "core.pager=cat", "-C", str(self.root), *args]
        try:
            done = subprocess.run(command, capture_output=True, text=True, errors="replace", timeout=GIT_TIMEOUT,
                                  check=False, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
        except FileNotFoundError:
            raise ToolError("git is not installed") from None
        except subprocess.TimeoutExpired:
            raise ToolError(f"git took longer than {GIT_TIMEOUT} s") from None
        if done.returncode != 0:
            raise ToolError(f"git: {done.stderr.strip()[:500] or 'failed'}")
        return done.stdout or "(no output)"

    def _git_path(self, path: str | None) -> list[str]:
        return ["--", self._shown(self.resolve(path))] if path else []

    def git_log(self, path: str | None = None, limit: int = 20) -> str:
        limit = max(1, min(int(limit or 20), 100))
        return self._git("log", f"-n{limit}", "--date=short", "--format=%h %ad %an: %s", *self._git_path(path))

    def git_blame(self, path: str, start_line: int | None = None, end_line: int | None = None) -> str:
        args = ["blame", "--date=short"]
        if start_line:
            args.append(f"-L{int(start_line)},{int(end_line or int(start_line) + MAX_READ_LINES - 1)}")
        return self._git(*args, *self._git_path(path))

    def git_diff(self, ref: str | None = None, path: str | None = None) -> str:
        args = ["diff", "--no-ext-diff", "--no-textconv", "--no-color"]
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
    """One line per finding for a request: what and where, with the fingerprint to refer back to."""
    return json.dumps({
        "rule": finding.rule, "severity": finding.severity.value, "category": finding.category.value,
        "where": finding.location.label(), "title": finding.title, "evidence": finding.evidence,
    }, ensure_ascii=False)
