"""Agent files: load, repair, discover, and map their tools onto ours.

An agent file is Claude-Code style: YAML front matter between ``---`` lines (``name``, ``description``,
``tools``, ``model`` …) followed by a Markdown body that is the agent's system prompt. User files load as
they are: text that was mis-decoded somewhere along the way is repaired with ftfy, and tools we have no
offline counterpart for are dropped with a warning instead of failing the review.

The persona bumba ships (``backend-engineer.md``) lives next to this module as package data.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NamedTuple

import ftfy
import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..context.confine import Refused, read_bytes

__all__ = [
    "AGENT_TOOLS",
    "DEFAULT_AGENT",
    "DEFAULT_MODEL",
    "MODEL_ALIASES",
    "TOOL_ROUTES",
    "AgentFileError",
    "AgentNotFound",
    "AgentSpec",
    "ToolRoute",
    "agents_table",
    "discover_agents",
    "discover_agents_with_errors",
    "load_agent",
    "load_builtin_agents",
    "parse_agent",
    "repair_mojibake",
    "resolve_agent",
    "resolve_model",
]

DEFAULT_AGENT = "backend-engineer"
AGENT_FILE_MAX_BYTES = 1_000_000

# Agent files say "sonnet" / "opus" / "haiku"; these are the ids they mean today. Chosen among the ids the
# installed SDK knows and does not mark deprecated (claude-sonnet-4-5 reaches end of life on 2026-11-30).
MODEL_ALIASES: dict[str, str] = {
    "sonnet": "claude-sonnet-5",
    "opus": "claude-opus-5-5",
    "haiku": "claude-haiku-4-5",
}
DEFAULT_MODEL = MODEL_ALIASES["sonnet"]

# The sandboxed, read-only tools the Claude engine gives an agent. report_finding is how an agent reports,
# so every agent gets it whatever its file declares.
AGENT_TOOLS: tuple[str, ...] = (
    "list_files",
    "read_file",
    "search_text",
    "list_cells",
    "read_cell",
    "describe_variable",
    "run_analyzer",
    "memory_read",
    "memory_write",
    "report_finding",
    "git_log",
    "git_blame",
    "git_diff",
    "web_search",
)
ALWAYS_GRANTED: tuple[str, ...] = ("report_finding",)


class ToolRoute(NamedTuple):
    """What a declared tool becomes here: our tools, or nothing and why."""

    tools: tuple[str, ...]
    note: str = ""
    needed: bool = True  # False: nothing is lost without it, so it is not reported as unavailable


_NO_SHELL = "bumba never runs shell commands"
_READ_ONLY = "bumba reviews read-only and never edits files"

# Declared tool (MCP server name, Claude Code tool name, or one of ours) -> what the agent gets here.
# Keys are looked up case-insensitively with '-' read as '_'; anything not listed is unavailable.
TOOL_ROUTES: dict[str, ToolRoute] = {
    # our own names map to themselves, so an agent written for bumba can list exactly what it uses;
    # entries below override these where a name needs a note
    **{name: ToolRoute((name,)) for name in AGENT_TOOLS},
    # MCP servers an agent file may name
    "filesystem": ToolRoute(("list_files", "read_file", "search_text")),
    "repl": ToolRoute(("list_cells", "read_cell", "describe_variable")),
    "semgrep": ToolRoute(("run_analyzer",), "our offline analyzers stand in for semgrep"),
    "memory": ToolRoute(("memory_read", "memory_write")),
    "github": ToolRoute(("git_log", "git_blame", "git_diff"), "local git history only, no GitHub API"),
    # research-technical is the only lane with network access
    "web_search": ToolRoute(("web_search",), "web search is granted in research-technical only"),
    "sequential_thinking": ToolRoute((), "not needed: the model reasons step by step without a tool", False),
    # Claude Code's own tools
    "Read": ToolRoute(("read_file",)),
    "Grep": ToolRoute(("search_text",)),
    "Glob": ToolRoute(("list_files",)),
    "LS": ToolRoute(("list_files",)),
    "NotebookRead": ToolRoute(("list_cells", "read_cell")),
    "WebSearch": ToolRoute(("web_search",), "web search is granted in research-technical only"),
    "TodoWrite": ToolRoute((), "not needed: findings are tracked through report_finding", False),
    "Bash": ToolRoute((), _NO_SHELL),
    "Edit": ToolRoute((), _READ_ONLY),
    "MultiEdit": ToolRoute((), _READ_ONLY),
    "Write": ToolRoute((), _READ_ONLY),
    "NotebookEdit": ToolRoute((), _READ_ONLY),
    "WebFetch": ToolRoute((), "bumba does not fetch arbitrary URLs"),
}

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FRONT_MATTER_FENCE = re.compile(r"^---[ \t]*$")
_KNOWN_KEYS = {"name", "description", "tools", "model"}

Source = Literal["builtin", "project", "user", "path"]


class AgentFileError(ValueError):
    """An agent file that cannot be used; the message names the file and the problem."""

    def __init__(self, path: Path | str | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{path if path is not None else '<agent>'}: {problem}")


class AgentNotFound(KeyError):
    """No agent by that name; the message suggests close names and lists the known ones."""

    def __init__(self, name: str, known: Iterable[str], errors: Iterable[AgentFileError] = ()) -> None:
        self.name = name
        self.known = sorted(known)
        self.suggestions = difflib.get_close_matches(name, self.known, n=3)
        self.errors = list(errors)
        super().__init__(name)

    def __str__(self) -> str:  # KeyError's own __str__ would show the repr of the message
        parts = [f"no agent named {self.name!r}."]
        if self.suggestions:
            parts.append("Did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?")
        parts.append("Known agents: " + (", ".join(self.known) or "none") + ".")
        if self.errors:
            parts.append("Agent files that could not be loaded: " + "; ".join(str(e) for e in self.errors))
        return " ".join(parts)


class AgentSpec(BaseModel):
    """A loaded agent: its front matter, its prompt, and what its tools became here."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str = ""
    tools: list[str] = Field(default_factory=list)  # as declared in the file
    tools_declared: bool = True  # False: no `tools` key, which in Claude Code means every tool
    model: str | None = None
    prompt: str = ""
    path: Path | None = None
    source: Source = "path"
    extra: dict[str, Any] = Field(default_factory=dict)
    sha256: str = ""  # of the file's bytes, so a report can say exactly which agent file produced it
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # informational: lane limits, tools not needed
    tool_map: dict[str, list[str]] = Field(default_factory=dict)
    unavailable_tools: list[str] = Field(default_factory=list)

    @property
    def granted_tools(self) -> list[str]:
        """Our tool names this agent may call, in catalogue order; report_finding always included."""
        if not self.tools_declared:
            return list(AGENT_TOOLS)
        granted = {tool for mapped in self.tool_map.values() for tool in mapped} | set(ALWAYS_GRANTED)
        return [tool for tool in AGENT_TOOLS if tool in granted]

    @property
    def not_needed_tools(self) -> list[str]:
        """Declared tools that map to nothing because nothing is lost without them."""
        return [name for name, mapped in self.tool_map.items() if not mapped]

    @property
    def model_id(self) -> str:
        """The concrete model id the Claude engine should request."""
        return resolve_model(self.model)

    @property
    def summary(self) -> str:
        """First non-empty line of the description."""
        return next((line.strip() for line in self.description.splitlines() if line.strip()), "")


# --- text: decode and repair ---------------------------------------------------------------------------

# Only the encoding repair: the other ftfy fixes (curly quotes, full-width forms, ligatures, HTML entities,
# NFC, CRLF -> LF, control characters) would rewrite ordinary prompt text that is not broken.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    remove_terminal_escapes=False,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (a BOM is dropped); else cp1252, else latin-1, with a warning saying which."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        where = f"byte {error.start}"
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, [f"file is not valid UTF-8 ({where}); read it as {encoding}"]
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def repair_mojibake(text: str) -> tuple[str, list[str]]:
    """Undo UTF-8 that was decoded with a single-byte charset (Mac Roman, cp1252 …); say what was done.

    ftfy judges each line on its own and leaves a line alone when its mojibake looks plausible (🤝 read as
    Mac Roman is '\\uf8ffü§ù', which ftfy scores as clean). When ftfy has found the same charset on other
    lines and the whole text round-trips through it into valid UTF-8, the file was mis-decoded as a whole,
    so we apply that plan to all of it; random text almost never round-trips by accident.
    """
    fixed_lines: list[str] = []
    plans: set[tuple] = set()
    for line in text.splitlines(keepends=True):
        result = ftfy.fix_and_explain(line, _FTFY_CONFIG)
        fixed_lines.append(result.text)
        if result.explanation:
            plans.add(tuple(tuple(step) for step in result.explanation))
    line_fixed = "".join(fixed_lines)
    if line_fixed == text:
        return text, []
    charsets = sorted({step[1] for plan in plans for step in plan if step[0] == "encode"})
    changed = sum(a != b for a, b in zip(text.splitlines(), line_fixed.splitlines()))
    if len(plans) == 1 and charsets:
        (plan,) = plans
        try:
            whole = ftfy.apply_plan(text, list(plan))
        except UnicodeError:
            whole = None
        if whole is not None:
            changed = sum(a != b for a, b in zip(text.splitlines(), whole.splitlines()))
            return whole, [_repair_warning(charsets, changed)]
    return line_fixed, [_repair_warning(charsets, changed)]


def _repair_warning(charsets: list[str], lines: int) -> str:
    read_as = " / ".join(charsets) or "another charset"
    return f"repaired mis-decoded text (UTF-8 read as {read_as}) on {lines} line(s)"


# --- front matter ---------------------------------------------------------------------------------------


def split_front_matter(text: str, path: Path | str | None) -> tuple[str, str, int]:
    """Return (front matter, body, line number of the first front matter line)."""
    lines = text.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _FRONT_MATTER_FENCE.match(lines[first].rstrip("\r\n")):
        raise AgentFileError(path, "no front matter: the file must start with a '---' line")
    for end in range(first + 1, len(lines)):
        if _FRONT_MATTER_FENCE.match(lines[end].rstrip("\r\n")):
            front = "".join(lines[first + 1 : end])
            body = "".join(lines[end + 1 :])
            return front, body, first + 2
    raise AgentFileError(path, f"front matter opened on line {first + 1} is never closed with '---'")


def parse_front_matter(front: str, path: Path | str | None, first_line: int) -> dict[str, Any]:
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError as error:
        raise AgentFileError(path, f"front matter is not valid YAML ({_yaml_problem(error, first_line)})")
    except RecursionError:  # PyYAML's composer recurses once per nesting level
        raise AgentFileError(path, "front matter is not valid YAML (nested too deeply)") from None
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise AgentFileError(path, f"front matter is not a mapping of keys to values (it is {kind})")
    return data


def _yaml_problem(error: yaml.YAMLError, first_line: int) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is None:
        return problem
    return f"line {first_line + mark.line}: {problem}"


def parse_tools(value: Any, path: Path | str | None) -> list[str]:
    """`tools` as a comma string (folded or not) or a YAML list; order kept, duplicates dropped."""
    if isinstance(value, str):
        names = re.split(r"[,\n]", value)
    elif isinstance(value, list):
        bad = [item for item in value if not isinstance(item, str)]
        if bad:
            raise AgentFileError(path, f"tools list holds a non-string entry: {bad[0]!r}")
        names = value
    else:
        kind = type(value).__name__
        raise AgentFileError(path, f"tools must be a comma-separated string or a list, not {kind}")
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def normalise_name(raw: Any, path: Path | str | None) -> tuple[str, list[str]]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise AgentFileError(path, "front matter has no 'name'")
    if not isinstance(raw, (str, int)):
        raise AgentFileError(path, f"name must be a string, not {type(raw).__name__}")
    raw = str(raw)
    if _NAME_RE.match(raw):
        return raw, []
    name = re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")
    if not name:
        raise AgentFileError(path, f"name {raw!r} has no letters or digits")
    return name, [f"name {raw!r} is not lowercase-with-hyphens; using {name!r}"]


# --- tools ----------------------------------------------------------------------------------------------

_ROUTE_KEYS = {key.lower().replace("-", "_"): key for key in TOOL_ROUTES}


def route_for(declared: str) -> ToolRoute | None:
    key = _ROUTE_KEYS.get(declared.lower().replace("-", "_"))
    return TOOL_ROUTES[key] if key is not None else None


def map_tools(declared: list[str]) -> tuple[dict[str, list[str]], list[str], list[str], list[str]]:
    """Return (tool_map, unavailable, warnings, notes) for the declared tools."""
    tool_map: dict[str, list[str]] = {}
    unavailable: list[str] = []
    warnings: list[str] = []
    notes: list[str] = []
    for name in declared:
        route = route_for(name)
        if route is None:
            reason = "no offline counterpart"
        elif route.tools or not route.needed:
            tool_map[name] = list(route.tools)
            if route.note:
                notes.append(f"tool {name!r}: {route.note}")
            continue
        else:
            reason = route.note
        unavailable.append(name)
        warnings.append(f"tool {name!r} is not available in bumba ({reason}); the agent runs without it")
    return tool_map, unavailable, warnings, notes


# --- loading --------------------------------------------------------------------------------------------


def parse_agent(data: bytes, path: Path | str | None = None, source: Source = "path") -> AgentSpec:
    """Build an AgentSpec from an agent file's bytes; `path` only names the file in messages."""
    text, warnings = decode_bytes(data)
    text, repaired = repair_mojibake(text)
    warnings += repaired
    front, body, first_line = split_front_matter(text, path)
    meta = parse_front_matter(front, path, first_line)
    name, name_warnings = normalise_name(meta.get("name"), path)
    warnings += name_warnings
    description = meta.get("description")
    if description is None or (isinstance(description, str) and not description.strip()):
        warnings.append("front matter has no 'description'; the agent list will show it blank")
        description = ""
    elif not isinstance(description, str):
        raise AgentFileError(path, f"description must be a string, not {type(description).__name__}")
    model = meta.get("model")
    if model is not None and not isinstance(model, str):
        raise AgentFileError(path, f"model must be a string, not {type(model).__name__}")
    tools_declared = meta.get("tools") is not None
    tools = parse_tools(meta["tools"], path) if tools_declared else []
    tool_map, unavailable, tool_warnings, notes = map_tools(tools)
    return AgentSpec(
        name=name,
        description=description.strip(),
        tools=tools,
        tools_declared=tools_declared,
        model=model,
        prompt=body.strip("\n") + "\n" if body.strip() else "",
        path=Path(path) if path is not None else None,
        source=source,
        extra={key: value for key, value in meta.items() if key not in _KNOWN_KEYS},
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=warnings + tool_warnings,
        notes=notes,
        tool_map=tool_map,
        unavailable_tools=unavailable,
    )


def load_agent(path: Path | str, source: Source = "path") -> AgentSpec:
    """Read and parse one agent file; raise AgentFileError if it cannot be used."""
    try:  # without blocking: a project's .claude/agents/x.md may be a named pipe
        data = read_bytes(os.path.realpath(path), AGENT_FILE_MAX_BYTES)
    except Refused as error:
        raise AgentFileError(path, error.reason) from None
    return parse_agent(data, path, source)


def load_builtin_agents() -> list[AgentSpec]:
    """The personas shipped inside the package (read through importlib.resources so a zip works too)."""
    specs = []
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".md") and entry.is_file():
            path = Path(str(entry)) if isinstance(entry, Path) else None
            specs.append(parse_agent(entry.read_bytes(), path or entry.name, "builtin"))
    return specs


# --- discovery ------------------------------------------------------------------------------------------


def project_agent_dirs(project_dir: Path) -> list[Path]:
    """`.claude/agents` folders from the git root (or the project dir alone) down to the project dir.

    Farthest first, so nearer folders override. Without a git root we look only in the project dir:
    walking to / would pick up unrelated folders, home's own `.claude` among them.
    """
    start = project_dir.resolve()
    chain = [start]
    for parent in start.parents:
        if (chain[-1] / ".git").exists():
            break
        chain.append(parent)
    if not (chain[-1] / ".git").exists():
        chain = [start]
    return [d / ".claude" / "agents" for d in reversed(chain) if (d / ".claude" / "agents").is_dir()]


def _load_dir(folder: Path, source: Source, errors: list[AgentFileError]) -> list[AgentSpec]:
    specs = []
    for path in sorted(folder.glob("*.md")):
        try:
            specs.append(load_agent(path, source))
        except AgentFileError as error:
            errors.append(error)
    return specs


def discover_agents_with_errors(
    project_dir: Path | None = None, home: Path | None = None
) -> tuple[list[AgentSpec], list[AgentFileError]]:
    """Every agent by name (project > user > builtin, like Claude Code) and the files that failed to load."""
    project_dir = Path.cwd() if project_dir is None else Path(project_dir)
    home = Path.home() if home is None else Path(home)
    errors: list[AgentFileError] = []
    layers: list[AgentSpec] = load_builtin_agents()
    user_dir = home / ".claude" / "agents"
    if user_dir.is_dir():
        layers += _load_dir(user_dir, "user", errors)
    for folder in project_agent_dirs(project_dir):
        if folder.resolve() != user_dir.resolve():
            layers += _load_dir(folder, "project", errors)
    by_name = {spec.name: spec for spec in layers}  # later layers win
    return sorted(by_name.values(), key=lambda spec: spec.name), errors


def discover_agents(project_dir: Path | None = None, home: Path | None = None) -> list[AgentSpec]:
    """Every agent by name; files that fail to load are skipped (see discover_agents_with_errors)."""
    return discover_agents_with_errors(project_dir, home)[0]


def resolve_agent(
    name_or_path: str | None, project_dir: Path | None = None, home: Path | None = None
) -> AgentSpec:
    """An agent by name (discovery order), or by file path; None means the default backend-engineer."""
    if name_or_path is not None:
        path = _as_agent_path(name_or_path, project_dir)
        if path is not None:
            return load_agent(path)
    name = name_or_path or DEFAULT_AGENT
    specs, errors = discover_agents_with_errors(project_dir, home)
    for spec in specs:
        if spec.name == name:
            return spec
    raise AgentNotFound(name, [spec.name for spec in specs], errors)


def _as_agent_path(value: str, project_dir: Path | None) -> Path | None:
    path = Path(value).expanduser()
    if not path.is_absolute() and project_dir is not None and (Path(project_dir) / path).is_file():
        return Path(project_dir) / path
    if path.is_file() or value.endswith(".md"):
        return path
    return None


# --- presentation and models ----------------------------------------------------------------------------


def agents_table(specs: Iterable[AgentSpec]) -> list[dict[str, Any]]:
    """One row per agent for `%bumba agents` to render."""
    return [
        {
            "name": spec.name,
            "source": spec.source,
            "path": str(spec.path) if spec.path is not None else "",
            "model": spec.model or "",
            "tools_mapped": len(spec.granted_tools),
            "tools_unavailable": len(spec.unavailable_tools),
            "description": spec.summary,
        }
        for spec in specs
    ]


def resolve_model(alias_or_id: str | None) -> str:
    """A model alias (sonnet / opus / haiku) to its id; ids pass through; None or 'inherit' -> default."""
    if alias_or_id is None or alias_or_id.strip().lower() in ("", "inherit"):
        return DEFAULT_MODEL
    value = alias_or_id.strip()
    return MODEL_ALIASES.get(value.lower(), value)
