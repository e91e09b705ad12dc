"""The command catalogue: one registry that ``%bumba help``, the CLI, the sidebar and the docs read.

A command names the analyzers it runs and what it needs. Commands whose implementation has not landed are
listed with the reason and refuse to run; they never return a made-up result.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    needs: str  # what the user must give it
    analyzers: tuple[str, ...] = ()
    ruff_select: tuple[str, ...] = ()
    ruff_ignore: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    available: bool = True
    unavailable_reason: str = ""
    takes_cell: bool = True  # ``%%bumba NAME`` reviews the cell body
    lane: str = "review"  # review | measure | agent | meta
    details: str = ""  # longer help, shown by ``%bumba NAME --help``
    # Commands that do something other than run the analyzers over a target (measure an endpoint, run a
    # test suite, generate docs) name a runner, "module:function" (".module" is relative to this
    # package), called as ``runner(request: RunRequest) -> Report``; and optionally "module:function" that adds their own
    # argparse options, ``arguments(parser)``. Both are imported only when the command is used.
    runner: str = ""
    arguments: str = ""
    # An analyzer command may also name "module:function" called after the analyzers as
    # ``enrich(request: RunRequest, report: Report) -> None`` to add measurements (profiling, thresholds).
    enrich: str = ""
    extra: dict = field(default_factory=dict, hash=False, compare=False)


# ruff's assert rule (S101) is noise in application and test code alike; bandit users turn it off first.
# S105-S107 flag hardcoded passwords by the variable's name alone (`password_field_name="password2"`):
# on Django they are 378 findings, all false; the secret scanner's BMB230/BMB231 check the value itself.
_SECURITY_RUFF_IGNORE = ("S101", "S105", "S106", "S107")

_CATALOGUE = [
    Command(
        "scan", "Vulnerability scan: security rules, secrets, dangerous calls.",
        needs="a notebook (the current one by default), a cell body, a file, a folder or a glob",
        analyzers=("ruff", "security", "dataflow", "secrets"), ruff_select=("S",),
        ruff_ignore=_SECURITY_RUFF_IGNORE,
        details="Runs ruff's security rules (S), bumba's own AST security checks and the secret scanner over "
        "code, notebook outputs and config files.",
    ),
    Command(
        "secure", "Scan plus hardening checks (framework settings, auth, crypto, transport) with fixes.",
        needs="a notebook, a cell body, a file, a folder or a glob",
        analyzers=("ruff", "security", "dataflow", "hardening", "secrets"), ruff_select=("S",),
        ruff_ignore=_SECURITY_RUFF_IGNORE,
    ),
    Command(
        "analyze-technical", "Architecture: import graph, cycles, layering, coupling, complexity, hygiene.",
        needs="a package folder, a notebook or a cell body",
        analyzers=("architecture", "ruff", "hygiene"), ruff_select=("C90",), aliases=("analyze",),
        details="Builds the import graph (cycles, layer violations from [tool.bumba] layers, fan-in/fan-out, "
        "large and dead modules), measures cyclomatic complexity per function and checks notebook hygiene.",
    ),
    Command(
        "improve-performance", "Performance anti-patterns in the code with concrete rewrites.",
        needs="a cell body (%%bumba improve-performance), a notebook or a path",
        analyzers=("performance", "ruff"), ruff_select=("PERF",),
        details="Static part: row loops over DataFrames, apply where vectorised code exists, string building, "
        "regexes and I/O in loops, N+1 queries, list membership in loops, and ruff's PERF rules. Measured part "
        "(%%bumba only, when you run the cell; --static skips it): the cell runs once under pyinstrument (or "
        "cProfile) in the notebook's namespace; wall and CPU time, hot functions and lines, memory peak, a "
        "chart, static findings on hot lines promoted, and before/after against the cell's previous run.",
        arguments=".profiling:arguments", enrich=".profiling:enrich",
    ),
    Command(
        "checkpoint", "Quality gate: every offline analyzer against the stored baseline; pass or fail.",
        needs="a notebook, a file, a folder or a glob",
        analyzers=("ruff", "security", "hardening", "secrets", "performance", "architecture", "hygiene"),
        ruff_select=("S", "PERF", "C90"), ruff_ignore=_SECURITY_RUFF_IGNORE,
        details="Fails when a finding at or above --fail-on (default: high) is not in the baseline, or when a "
        "budget in [tool.bumba.checkpoint] is exceeded (max-new-high, max-new, max-complexity, "
        "max-complexity-findings, max-findings per category); the verdict and its reasons are in "
        "report.metrics. --update-baseline records the current findings as the baseline "
        "(bumba-baseline.json in the root).",
        enrich=".checkpoint:enrich",
    ),
    Command(
        "improve", "Refactoring suggestions with patches: ruff's fixes, applied only with --apply.",
        needs="a notebook, a cell body or a path",
        analyzers=("ruff",), ruff_select=("UP", "SIM", "C4", "PERF", "RUF", "B"),
        details="Shows ruff's fixable findings (pyupgrade, simplify, comprehensions, PERF, RUF, bugbear) with "
        "their diffs and the whole change as one diff. Nothing is written unless --apply is given; then the "
        "files are backed up to .bumba-backup/ first and ruff's safe fixes for the rules shown are applied "
        "(--unsafe-fixes adds the others).",
        arguments=".improve:arguments", enrich=".improve:enrich",
    ),
    Command(
        "validate", "Bounded load test of an HTTP endpoint: latency percentiles and a plot.",
        needs="'performance' and a URL, e.g. validate performance http://127.0.0.1:8000/health",
        takes_cell=False, lane="measure", runner=".measure:run_validate", arguments=".measure:validate_arguments",
        details="validate performance URL [--requests N] [--concurrency N] [--duration 10s] [--p95 200ms] "
        "[--error-rate 1%]: latency percentiles, throughput, error rate, a histogram and latency over time. "
        "Hard caps on requests, concurrency and time; hosts other than loopback need --allow-remote.",
    ),
    Command(
        "test", "API conformance (OpenAPI), HTTP security checks, or the project's test suite as findings.",
        needs="'api SPEC --base-url URL', 'security URL [PATH]' or 'integration PATH'",
        takes_cell=False, lane="measure", runner=".measure:run_test", arguments=".measure:test_arguments",
        details="test api SPEC --base-url URL: every operation of an OpenAPI spec exercised with generated valid "
        "and invalid inputs (schemathesis). test security URL [PATH]: security headers, cookies, CORS, TLS, "
        "banners, directory listing, verbose errors, plus the 'secure' review of PATH. test integration PATH: "
        "the project's pytest suite; failures and errors become findings at the failing test.",
    ),
    Command(
        "docs-technical", "API reference from code and routes; documentation coverage.",
        needs="a package folder or a .py file", aliases=("docs",), takes_cell=False,
        runner=".docgen:run", arguments=".docgen:arguments",
        details="Reads the code's syntax tree (nothing is imported or run): modules, public classes and "
        "functions with signatures and docstrings, and the HTTP routes of Flask, FastAPI, Django urls.py and "
        "aiohttp apps. Writes Markdown pages to docs/api under the target (-o DIR for another folder; files "
        "it did not generate are never overwritten) and reports public items without docstrings (BMB70x).",
    ),
    Command(
        "publish", "Deployment readiness: check and generate Dockerfile, CI workflow and runbook.",
        needs="a project folder", takes_cell=False, runner=".publish:run", arguments=".publish:arguments",
        details="Detects the framework, entry point, Python version and dependencies; checks Dockerfiles "
        "(root user, unpinned base images, secrets in ENV/ARG, no HEALTHCHECK, no .dockerignore, apt hygiene), "
        "requirements pinning and GitHub Actions workflows (BMB80x/81x); drafts what is missing (Dockerfile, "
        ".dockerignore, CI workflow running the tests and 'bumba checkpoint', runbook) into bumba-publish/ "
        "(or -o DIR) for review. Existing files are never overwritten.",
    ),
    Command(
        "research-technical", "Technical research with cited sources (agent only).",
        needs="a topic, and an Anthropic API key", takes_cell=True, lane="agent",
        runner=".engines.claude:run_research", arguments=".engines.claude:research_arguments",
        details="The agent searches the web (the API's server-side search) and reads the installed versions "
        "and licences of the packages the topic and the cell name; the answer cites its sources.",
    ),
    Command(
        "implement", "Write code for the cell's request into a new cell below, never run (agent only).",
        needs="a cell body describing the change, and an Anthropic API key", lane="agent",
        runner=".engines.claude:run_implement", arguments=".engines.claude:implement_arguments",
        details="%%bumba implement, then describe the code in the cell. The agent reads the notebook and the "
        "repository, then writes the code into a new cell below yours, listing the files it read. It is "
        "never executed for you.",
    ),
    Command("help", "List the commands, or show one command's help.", needs="optionally a command name",
            lane="meta", takes_cell=False),
    Command("agents", "List the agent definitions found (built in, ~/.claude/agents, .claude/agents).",
            needs="nothing", lane="meta", takes_cell=False),
    Command("explain", "Explain a rule: why it matters, what to do, examples.", needs="a rule code, e.g. BMB101",
            lane="meta", takes_cell=False),
    Command("history", "List earlier runs from the store.", needs="optionally a target",
            lane="meta", takes_cell=False),
    Command("context", "Show exactly what the Claude engine would send for a command (redacted) and its size.",
            needs="optionally a target and --command NAME", lane="meta", takes_cell=True,
            arguments=".engines.claude:context_arguments"),
    Command("report", "Reproducible review reports: a papermill template per target, HTML, SARIF, JSON, index.",
            needs="one or more folders, files or globs, e.g. report src/ -o reports/",
            lane="meta", takes_cell=False, arguments=".reports:arguments",
            details="Executes a template notebook (review, security, performance, or a path) with papermill for "
            "each target, keeps the executed notebook, renders self-contained HTML and writes SARIF and JSON "
            "beside it, and keeps DIR/index.html. --jobs N runs targets in parallel; --dask ADDRESS on a Dask "
            "cluster. A failing gate (-p fail_on LEVEL) exits 1 with the full report written."),
]

COMMANDS: dict[str, Command] = {c.name: c for c in _CATALOGUE}
_ALIASES: dict[str, str] = {alias: c.name for c in _CATALOGUE for alias in c.aliases}


class UnknownCommand(ValueError):
    def __init__(self, name: str) -> None:
        names = sorted([*COMMANDS, *_ALIASES])
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown command {name!r}.{hint} 'help' lists the commands.")
        self.name = name
        self.suggestions = close


class CommandUnavailable(RuntimeError):
    pass


def get_command(name: str) -> Command:
    name = name.strip().lower()
    command = COMMANDS.get(name) or COMMANDS.get(_ALIASES.get(name, ""))
    if command is None:
        raise UnknownCommand(name)
    return command


def require_available(command: Command) -> Command:
    if not command.available:
        raise CommandUnavailable(f"'{command.name}' is not available: {command.unavailable_reason}.")
    return command


def load_hook(spec: str):
    """Import "module:function"; a module starting with "." is relative to this package."""
    import importlib

    module, _, function = spec.partition(":")
    return getattr(importlib.import_module(module, __package__ if module.startswith(".") else None), function)


def load_rule_modules() -> None:
    """Import the modules behind the commands' runner and enrich hooks: some declare rules (docs coverage,
    deployment, profiling) that the rules page and ``explain`` must know without the command having run."""
    import importlib

    for command in _CATALOGUE:
        for spec in (command.runner, command.enrich):
            module = spec.partition(":")[0]
            if not module:
                continue
            try:
                importlib.import_module(module, __package__ if module.startswith(".") else None)
            except ImportError:  # an optional extra is missing: its rules are documented where it is installed
                continue


def catalogue() -> list[Command]:
    return list(_CATALOGUE)


def catalogue_rows() -> list[dict[str, str]]:
    """One row per command, for help tables in every front end."""
    return [
        {
            "command": c.name + (f" ({', '.join(c.aliases)})" if c.aliases else ""),
            "status": "available" if c.available else f"unavailable: {c.unavailable_reason}",
            "summary": c.summary,
            "needs": c.needs,
        }
        for c in _CATALOGUE
    ]
