"""Agent files: loading, mojibake repair, tool mapping, discovery and resolution."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from bumba_magics.agents import (
    AGENT_TOOLS,
    MODEL_ALIASES,
    TOOL_ROUTES,
    AgentFileError,
    AgentNotFound,
    agents_table,
    discover_agents,
    discover_agents_with_errors,
    load_agent,
    load_builtin_agents,
    repair_mojibake,
    resolve_agent,
    resolve_model,
)

SEED_MCP_TOOLS = [
    "github",
    "filesystem",
    "gordon:docker",
    "semgrep",
    "web_search",
    "sequential_thinking",
    "memory",
    "repl",
    "ref",
    "context7",
    "n8n-mcp",
]
LANES = [
    "scan",
    "secure",
    "analyze-technical",
    "improve-performance",
    "improve",
    "validate",
    "test",
    "docs-technical",
    "publish",
    "checkpoint",
    "research-technical",
    "implement",
]


def _seed_agent() -> Path | None:
    """The real-world agent file: named by BUMBA_SEED_AGENT, or in a `shared/seeds` folder beside the checkout."""
    named = os.environ.get("BUMBA_SEED_AGENT")
    if named:
        return Path(named) if Path(named).is_file() else None
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "seeds" / "backend-engineer.md"
        if candidate.is_file():
            return candidate
    return None


SEED = _seed_agent()
needs_seed = pytest.mark.skipif(SEED is None, reason="seed agent file not available")


def write_agent(folder: Path, filename: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(text, encoding="utf-8")
    return path


def agent_text(
    name: str, description: str = "Reviews things.", tools: str = "", body: str = "Prompt.\n"
) -> str:
    lines = ["---", f"name: {name}", f"description: {description}"]
    if tools:
        lines.append(f"tools: {tools}")
    return "\n".join(lines + ["---", body])


def as_mac_roman_mojibake(text: str) -> bytes:
    """What a file looks like after its UTF-8 was read as Mac Roman and saved again as UTF-8."""
    return text.encode("utf-8").decode("mac_roman").encode("utf-8")


# --- the real seed file -----------------------------------------------------------------------------------


@needs_seed
def test_seed_loads_as_it_is_with_mojibake_repaired():
    spec = load_agent(SEED)
    assert spec.name == "backend-engineer"
    assert spec.source == "path"
    assert spec.sha256 == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert "üèÅ" not in spec.prompt and "\uf8ff" not in spec.prompt
    assert "🏁" in spec.prompt
    # ftfy's per-line pass leaves this one (it scores as clean); the whole-file pass repairs it
    assert "🤝" in spec.prompt
    assert any("macroman" in warning for warning in spec.warnings)
    assert spec.description.count("\n") > 3  # the `|` block keeps its lines


@needs_seed
def test_seed_tools_are_mcp_servers_mapped_to_ours():
    spec = load_agent(SEED)
    assert spec.tools == SEED_MCP_TOOLS
    assert spec.tool_map["filesystem"] == ["list_files", "read_file", "search_text"]
    assert spec.tool_map["repl"] == ["list_cells", "read_cell", "describe_variable"]
    assert spec.tool_map["semgrep"] == ["run_analyzer"]
    assert spec.tool_map["memory"] == ["memory_read", "memory_write"]
    assert spec.tool_map["github"] == ["git_log", "git_blame", "git_diff"]
    assert spec.tool_map["web_search"] == ["web_search"]
    assert spec.not_needed_tools == ["sequential_thinking"]
    assert spec.unavailable_tools == ["gordon:docker", "ref", "context7", "n8n-mcp"]
    for name in spec.unavailable_tools:
        assert (
            f"tool {name!r} is not available in bumba (no offline counterpart); the agent runs without it"
            in spec.warnings
        )
    assert not any("sequential_thinking" in warning for warning in spec.warnings)
    assert any("research-technical" in note for note in spec.notes)
    assert set(spec.granted_tools) == set(AGENT_TOOLS)


@needs_seed
def test_our_persona_shares_no_line_with_the_seed():
    [ours] = load_builtin_agents()
    seed_lines = {line.strip() for line in load_agent(SEED).prompt.splitlines() if len(line.strip()) > 20}
    assert not seed_lines & {line.strip() for line in ours.prompt.splitlines()}


# --- mojibake repair --------------------------------------------------------------------------------------


def test_mac_roman_mojibake_in_an_agent_file_is_repaired(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes(as_mac_roman_mojibake(agent_text("x", body="# 🏁 Start\n## 🤝 Peers — café\n")))
    spec = load_agent(path)
    assert spec.prompt == "# 🏁 Start\n## 🤝 Peers — café\n"
    assert spec.warnings == ["repaired mis-decoded text (UTF-8 read as macroman) on 2 line(s)"]


def test_mac_roman_flag_becomes_the_flag():
    # the first byte of 🏁 is the Apple logo in Mac Roman (U+F8FF), usually invisible next to "üèÅ"
    assert repair_mojibake("# \uf8ffüèÅ Start\n") == ("# 🏁 Start\n", [repair_mojibake("\uf8ffüèÅ")[1][0]])
    assert repair_mojibake("\uf8ffüèÅ")[0] == "🏁"


def test_one_broken_line_among_genuine_accents_is_repaired_alone():
    # the whole text does not round-trip through Mac Roman (é is genuine), so only ftfy's line fix applies
    text, warnings = repair_mojibake("# \uf8ffüèÅ Go\nCafé déjà vu\n")
    assert text == "# 🏁 Go\nCafé déjà vu\n"
    assert len(warnings) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Café, naïve résumé, Ångström, Müller’s “quoted” words\n",
        "Ship it 😀🎉🏁 — done ✅\n",
        "漢字かな交じり文と한국어 텍스트\n",
        "ＦＵＬＬ　ｗｉｄｔｈ and the ﬁ ligature and &amp; entity\n",
        "e\u0301 decomposed stays decomposed\n",
    ],
)
def test_ordinary_text_is_left_unchanged(text):
    assert repair_mojibake(text) == (text, [])


def test_crlf_and_control_characters_are_not_reported_as_repairs(tmp_path):
    path = tmp_path / "win.md"
    text = agent_text("win", body="Line one\nTab\there \x1b[1mbold\x1b[0m\n").replace("\n", "\r\n")
    path.write_bytes(text.encode())
    spec = load_agent(path)
    assert (spec.name, spec.description, spec.warnings) == ("win", "Reviews things.", [])
    assert spec.prompt == "Line one\r\nTab\there \x1b[1mbold\x1b[0m\r\n"


def test_ordinary_unicode_agent_file_loads_without_warnings(tmp_path):
    body = "Prüfe den Code 🔍 — 日本語も大丈夫。\n"
    spec = load_agent(write_agent(tmp_path, "u.md", agent_text("u", "Réviseur", body=body)))
    assert spec.prompt == body
    assert spec.description == "Réviseur"
    assert spec.warnings == []


def test_non_utf8_file_falls_back_to_cp1252_with_a_warning(tmp_path):
    path = tmp_path / "legacy.md"
    data = agent_text("legacy", "Caf\u00e9 \u2013 review").encode("cp1252")
    path.write_bytes(data)
    spec = load_agent(path)
    assert spec.description == "Café – review"
    first_bad = data.index("é".encode("cp1252"))
    assert spec.warnings == [f"file is not valid UTF-8 (byte {first_bad}); read it as cp1252"]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path):
    path = tmp_path / "raw.md"
    path.write_bytes(agent_text("raw", "x").encode() + b"\x81\xe9\n")
    spec = load_agent(path)
    assert spec.prompt.endswith("\x81é\n")
    assert "read it as latin-1" in spec.warnings[0]


def test_utf8_bom_is_dropped(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + agent_text("bom").encode())
    assert load_agent(path).name == "bom"


# --- malformed files --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("# just markdown\n", "no front matter: the file must start with a '---' line"),
        ("", "no front matter"),
        ("---\nname: x\ndescription: y\n", "front matter opened on line 1 is never closed with '---'"),
        ("---\n- a\n- b\n---\nbody\n", "front matter is not a mapping of keys to values (it is a list)"),
        ("---\n---\nbody\n", "front matter is not a mapping of keys to values (it is empty)"),
        ("---\nname: x\n  bad: indent\n---\n", "front matter is not valid YAML (line 3: mapping values"),
        ("---\nname: x\ntools: [a, b\n---\n", "front matter is not valid YAML (line 4: expected ','"),
        ("---\ndescription: no name\n---\nbody\n", "front matter has no 'name'"),
        ("---\nname: '  '\n---\n", "front matter has no 'name'"),
        ("---\nname: [a]\n---\n", "name must be a string, not list"),
        ("---\nname: '!!!'\n---\n", "name '!!!' has no letters or digits"),
        ("---\nname: x\ntools: 3\n---\n", "tools must be a comma-separated string or a list, not int"),
        ("---\nname: x\ntools: {a: b}\n---\n", "tools must be a comma-separated string or a list, not dict"),
        ("---\nname: x\ntools: [Read, 7]\n---\n", "tools list holds a non-string entry: 7"),
        ("---\nname: x\ndescription: [a]\n---\n", "description must be a string, not list"),
        ("---\nname: x\nmodel: 4\n---\n", "model must be a string, not int"),
    ],
)
def test_malformed_files_raise_an_error_naming_file_and_problem(tmp_path, text, problem):
    path = write_agent(tmp_path / "agents", "broken.md", text)
    with pytest.raises(AgentFileError) as caught:
        load_agent(path)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: {problem}")


def test_missing_file_is_an_agent_file_error(tmp_path):
    with pytest.raises(AgentFileError, match="missing.md: cannot be read"):
        load_agent(tmp_path / "missing.md")


def test_missing_description_is_a_warning_not_an_error(tmp_path):
    spec = load_agent(write_agent(tmp_path, "q.md", "---\nname: quiet\n---\nBody.\n"))
    assert spec.description == ""
    assert spec.warnings == ["front matter has no 'description'; the agent list will show it blank"]


def test_name_is_normalised_with_a_warning(tmp_path):
    spec = load_agent(write_agent(tmp_path, "n.md", agent_text("Backend Engineer (v2)")))
    assert spec.name == "backend-engineer-v2"
    assert spec.warnings == [
        "name 'Backend Engineer (v2)' is not lowercase-with-hyphens; using 'backend-engineer-v2'"
    ]


def test_unknown_keys_are_kept_in_extra_and_model_alias_resolves(tmp_path):
    text = "---\nname: x\ndescription: d\nmodel: opus\ncolor: red\npermissionMode: plan\n---\nBody\n"
    spec = load_agent(write_agent(tmp_path, "x.md", text))
    assert spec.extra == {"color": "red", "permissionMode": "plan"}
    assert spec.model == "opus"
    assert spec.model_id == "claude-opus-5-5"
    assert spec.prompt == "Body\n"


# --- tools ------------------------------------------------------------------------------------------------


def test_comma_string_list_and_folded_tools_declare_the_same_tools(tmp_path):
    as_string = load_agent(write_agent(tmp_path, "a.md", agent_text("a", tools="Read, Grep,Glob, Read")))
    as_list = load_agent(write_agent(tmp_path, "b.md", agent_text("b", tools="[Read, Grep, Glob]")))
    folded = load_agent(write_agent(tmp_path, "c.md", agent_text("c", tools=">\n  Read, Grep,\n  Glob")))
    for spec in (as_string, as_list, folded):
        assert spec.tools == ["Read", "Grep", "Glob"]
        assert spec.tool_map == {"Read": ["read_file"], "Grep": ["search_text"], "Glob": ["list_files"]}
        assert spec.granted_tools == ["list_files", "read_file", "search_text", "report_finding"]
        assert spec.warnings == []


def test_claude_code_tools_that_write_or_run_are_unavailable_with_reasons(tmp_path):
    tools = "Bash, Edit, Write, MultiEdit, NotebookEdit, WebFetch, WebSearch, LS, mcp__jira__search"
    spec = load_agent(write_agent(tmp_path, "w.md", agent_text("w", tools=tools)))
    assert spec.unavailable_tools == [
        "Bash",
        "Edit",
        "Write",
        "MultiEdit",
        "NotebookEdit",
        "WebFetch",
        "mcp__jira__search",
    ]
    assert spec.tool_map == {"WebSearch": ["web_search"], "LS": ["list_files"]}
    assert (
        "tool 'Bash' is not available in bumba (bumba never runs shell commands); the agent runs without it"
        in (spec.warnings)
    )
    assert any("'Edit'" in w and "read-only" in w for w in spec.warnings)
    assert any("'mcp__jira__search'" in w and "no offline counterpart" in w for w in spec.warnings)
    assert spec.granted_tools == ["list_files", "report_finding", "web_search"]


def test_tool_lookup_ignores_case_and_dashes(tmp_path):
    spec = load_agent(
        write_agent(tmp_path, "c.md", agent_text("c", tools="read, Sequential-Thinking, FileSystem"))
    )
    assert spec.tool_map == {
        "read": ["read_file"],
        "Sequential-Thinking": [],
        "FileSystem": ["list_files", "read_file", "search_text"],
    }
    assert spec.unavailable_tools == []


def test_no_tools_key_means_every_tool(tmp_path):
    spec = load_agent(write_agent(tmp_path, "all.md", agent_text("all")))
    assert spec.tools == [] and not spec.tools_declared
    assert spec.granted_tools == list(AGENT_TOOLS)


def test_empty_tools_still_grants_report_finding(tmp_path):
    spec = load_agent(write_agent(tmp_path, "none.md", agent_text("none", tools="[]")))
    assert spec.tools_declared
    assert spec.granted_tools == ["report_finding"]


def test_every_route_names_only_our_tools():
    for route in TOOL_ROUTES.values():
        assert set(route.tools) <= set(AGENT_TOOLS)


# --- the builtin persona ----------------------------------------------------------------------------------


def test_builtin_agent_loads_clean_with_every_tool_available():
    [spec] = load_builtin_agents()
    assert spec.name == "backend-engineer"
    assert spec.source == "builtin"
    assert spec.warnings == []
    assert spec.unavailable_tools == []
    assert spec.tools == list(AGENT_TOOLS)
    assert spec.granted_tools == list(AGENT_TOOLS)
    assert spec.model_id == MODEL_ALIASES["sonnet"]
    assert spec.sha256 == hashlib.sha256(spec.path.read_bytes()).hexdigest()


def test_builtin_prompt_covers_every_lane_and_the_working_rules():
    [spec] = load_builtin_agents()
    for lane in LANES:
        assert f"| `{lane}` |" in spec.prompt
    for rule in ("report_finding", "offline findings", "never run code", "Severity discipline"):
        assert rule.lower() in spec.prompt.lower()


# --- discovery and resolution -----------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def project(tmp_path) -> Path:
    path = tmp_path / "project"
    (path / ".git").mkdir(parents=True)
    return path


def test_discovery_precedence_project_over_user_over_builtin(home, project):
    assert resolve_agent(None, project, home).source == "builtin"
    write_agent(home / ".claude" / "agents", "be.md", agent_text("backend-engineer", "user copy"))
    assert resolve_agent(None, project, home).description == "user copy"
    write_agent(project / ".claude" / "agents", "be.md", agent_text("backend-engineer", "project copy"))
    spec = resolve_agent(None, project, home)
    assert (spec.source, spec.description) == ("project", "project copy")
    names = [spec.name for spec in discover_agents(project, home)]
    assert names == ["backend-engineer"]


def test_discovery_lists_all_names_sorted(home, project):
    write_agent(home / ".claude" / "agents", "z.md", agent_text("zeta"))
    write_agent(project / ".claude" / "agents", "a.md", agent_text("alpha"))
    specs = discover_agents(project, home)
    assert [(s.name, s.source) for s in specs] == [
        ("alpha", "project"),
        ("backend-engineer", "builtin"),
        ("zeta", "user"),
    ]


def test_project_agents_are_found_in_parents_up_to_the_git_root(home, project):
    write_agent(project / ".claude" / "agents", "r.md", agent_text("reviewer", "root"))
    write_agent(project / "svc" / ".claude" / "agents", "r.md", agent_text("reviewer", "nearer"))
    notebooks = project / "svc" / "notebooks"
    notebooks.mkdir(parents=True)
    assert resolve_agent("reviewer", notebooks, home).description == "nearer"
    assert resolve_agent("reviewer", project, home).description == "root"


def test_no_parent_search_above_the_git_root(tmp_path, home, project):
    write_agent(tmp_path / ".claude" / "agents", "o.md", agent_text("outsider"))
    assert "outsider" not in [s.name for s in discover_agents(project, home)]


def test_without_a_git_root_only_the_project_dir_is_searched(tmp_path, home):
    write_agent(tmp_path / ".claude" / "agents", "o.md", agent_text("outsider"))
    loose = tmp_path / "loose"
    write_agent(loose / ".claude" / "agents", "l.md", agent_text("local"))
    names = [s.name for s in discover_agents(loose, home)]
    assert "local" in names and "outsider" not in names


def test_malformed_files_do_not_stop_discovery(home, project):
    bad = write_agent(home / ".claude" / "agents", "bad.md", "no front matter\n")
    write_agent(project / ".claude" / "agents", "good.md", agent_text("good"))
    specs, errors = discover_agents_with_errors(project, home)
    assert "good" in [s.name for s in specs]
    assert [(e.path, e.problem) for e in errors] == [
        (bad, "no front matter: the file must start with a '---' line")
    ]
    assert [s.name for s in discover_agents(project, home)] == [s.name for s in specs]


def test_resolve_by_path(home, project, tmp_path):
    path = write_agent(tmp_path / "elsewhere", "custom.md", agent_text("custom"))
    spec = resolve_agent(str(path), project, home)
    assert (spec.name, spec.source, spec.path) == ("custom", "path", path)
    relative = write_agent(project / "agents", "rel.md", agent_text("rel"))
    assert resolve_agent("agents/rel.md", project, home).path == relative
    with pytest.raises(AgentFileError, match="nope.md: cannot be read"):
        resolve_agent(str(tmp_path / "nope.md"), project, home)


def test_resolve_unknown_name_suggests_close_names(home, project):
    write_agent(project / ".claude" / "agents", "s.md", agent_text("security-reviewer"))
    write_agent(project / ".claude" / "agents", "bad.md", "---\nname: [x]\n---\n")
    with pytest.raises(AgentNotFound) as caught:
        resolve_agent("security-reviewr", project, home)
    error = caught.value
    assert isinstance(error, KeyError)
    assert error.suggestions == ["security-reviewer"]
    assert error.known == ["backend-engineer", "security-reviewer"]
    message = str(error)
    assert message.startswith("no agent named 'security-reviewr'. Did you mean 'security-reviewer'?")
    assert "Known agents: backend-engineer, security-reviewer." in message
    assert "bad.md: name must be a string" in message


def test_agents_table_rows(home, project):
    write_agent(project / ".claude" / "agents", "t.md", agent_text("tiny", "First line", tools="Read, Bash"))
    rows = {row["name"]: row for row in agents_table(discover_agents(project, home))}
    assert rows["tiny"] == {
        "name": "tiny",
        "source": "project",
        "path": str(project / ".claude" / "agents" / "t.md"),
        "model": "",
        "tools_mapped": 2,
        "tools_unavailable": 1,
        "description": "First line",
    }
    assert rows["backend-engineer"]["source"] == "builtin"
    assert rows["backend-engineer"]["tools_mapped"] == len(AGENT_TOOLS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sonnet", "claude-sonnet-5"),
        ("Opus", "claude-opus-5-5"),
        ("haiku", "claude-haiku-4-5"),
        ("claude-3-7-sonnet-latest", "claude-3-7-sonnet-latest"),
        (None, "claude-sonnet-5"),
        ("inherit", "claude-sonnet-5"),
    ],
)
def test_resolve_model(value, expected):
    assert resolve_model(value) == expected
