"""Ruff's rule sets (bandit's ``S``, ``PERF``, mccabe's ``C901`` …) run through the ruff binary.

Ruff re-implements bandit and friends in Rust: ~70x faster than bandit on the same files, so we run it
instead of writing those checks again. Every source goes to ONE ruff process (chunked only when the
argument list would get too long): files on disk by path, notebooks and in-memory cells as ``.py`` files
in a temporary directory. When that process dies (ruff overflows its stack on a deeply nested expression,
and the abort loses every file's results), the batch is split in halves and re-run until the file that
kills it is alone: it becomes a failure on that file, and every other file keeps its findings. Ruff's JSON results are mapped back to our sources, and every ruff code becomes
a :class:`Rule` in our registry the first time we meet it, so ``%bumba explain S608`` works like it does
for our own rules.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from ..context.source import Context, Source
from ..core.findings import Category, Finding, Fix, Severity
from .base import RULES, Analyzer, AnalyzerConfig, PartialFailure, Rule, make_finding, register_analyzer

# Most systems allow far more (Linux: 2 MB), but Windows stops at 32k characters per command line and
# some containers lower ARG_MAX; 100k keeps a Django-sized tree at one or two calls.
MAX_ARGV_CHARS = 100_000
RUFF_TIMEOUT_SECONDS = 300
# Ruff processes allowed for finding the files a crashed batch died on: one culprit among n files costs
# about 2·log2(n) runs (a 3,000-file tree: 24), so this finds a few; past it, what is left fails as a whole.
MAX_ISOLATING_RUNS = 64
_SYNTAX_ERROR_CODES = {None, "", "E999", "invalid-syntax", "syntax-error"}
_CODE_SHAPE = re.compile(r"^([A-Z]+)(\d+)$")
_COMPLEXITY = re.compile(r"\((\d+) > (\d+)\)")
_CWE = re.compile(r"CWE-(\d+)")
_UNSAFE_NAME = re.compile(r'[<>:"|?*\x00-\x1f]')

# Severity for the ruff codes that matter most; anything else falls back to its category's default.
# High: a call that executes, deserialises or queries with attacker-controlled data, or turns transport
# security off. Low: patterns that are mostly fine (asserts, subprocess without a shell, PRNG for
# non-secrets).
_SEVERITY: dict[str, Severity] = {
    **dict.fromkeys(
        ["S102", "S202", "S301", "S302", "S307", "S323", "S501", "S502", "S503", "S506", "S507", "S601",
         "S602", "S604", "S605", "S608", "S611", "S701", "S702", "S201"],
        Severity.high,
    ),
    **dict.fromkeys(
        ["S103", "S104", "S105", "S106", "S107", "S108", "S113", "S310", "S321", "S324", "S504", "S505",
         "S508", "S509", "S609", "S610", "S612", "S704", "PERF203"],
        Severity.medium,
    ),
    **dict.fromkeys(
        ["S101", "S110", "S112", "S311", "S603", "S606", "S607", "PERF101", "PERF102", "PERF401",
         "PERF402", "PERF403"],
        Severity.low,
    ),
}
_DEFAULT_SEVERITY = {
    Category.security: Severity.medium,
    Category.secrets: Severity.medium,
    Category.performance: Severity.low,
    Category.complexity: Severity.medium,
    Category.correctness: Severity.low,
}

# Ruff's docs say what a rule detects and why; these say what to write instead, in one line.
_RECOMMENDATION: dict[str, str] = {
    "S608": "Pass values as query parameters (cursor.execute(sql, params)) or use the ORM; never build SQL "
    "with %, .format() or f-strings.",
    "S301": "Do not unpickle data you did not produce; use JSON or another schema-checked format, or sign "
    "the payload with hmac and verify it before loading.",
    "S302": "Do not unmarshal untrusted data; use JSON.",
    "S307": "Use ast.literal_eval for literals or a real parser; never eval text that can come from a user.",
    "S102": "Remove exec; dispatch to known functions instead of executing text.",
    "S506": "Use yaml.safe_load (or Loader=yaml.SafeLoader).",
    "S501": "Keep certificate verification on; point verify= at a CA bundle for private CAs.",
    "S602": "Pass the command as a list without shell=True (subprocess.run([...])); if a shell is "
    "unavoidable, quote every argument with shlex.quote.",
    "S604": "Pass the command as a list without shell=True; quote arguments with shlex.quote if a shell "
    "is unavoidable.",
    "S605": "Use subprocess.run([...]) with an argument list instead of os.system / os.popen.",
    "S105": "Read the secret from the environment or a secrets manager, and rotate it if it was committed.",
    "S106": "Read the secret from the environment or a secrets manager, and rotate it if it was committed.",
    "S107": "Do not give secrets default values; require them from the environment or a secrets manager.",
    "S101": "Raise an exception for checks that must hold in production: python -O removes asserts.",
    "S113": "Pass timeout= to every requests call so a slow server cannot hang the worker.",
    "S311": "Use the secrets module for tokens, passwords and keys.",
    "S324": "Use hashlib.sha256 or better; pass usedforsecurity=False where the hash is not "
    "security-relevant.",
    "C901": "Split the function: extract branches into helpers, return early, replace if/elif chains with a "
    "lookup table.",
    "PERF401": "Build the list with a comprehension (or list.extend with a generator) instead of append "
    "in a loop.",
}
# Ruff's docs cite a CWE for some rules only; these fill in the weaknesses the high-impact ones stand for.
_CWE_OF: dict[str, str] = {
    "S102": "CWE-95", "S307": "CWE-95", "S301": "CWE-502", "S302": "CWE-502", "S506": "CWE-502",
    "S608": "CWE-89", "S611": "CWE-89", "S602": "CWE-78", "S604": "CWE-78", "S605": "CWE-78",
    "S105": "CWE-798", "S106": "CWE-798", "S107": "CWE-798", "S501": "CWE-295", "S323": "CWE-295",
    "S324": "CWE-327", "S311": "CWE-330", "S113": "CWE-400", "S108": "CWE-377", "S202": "CWE-22",
    "S701": "CWE-79", "S201": "CWE-489",
}
_FALLBACK_RECOMMENDATION = "Follow the safe pattern shown in the rule's documentation."


class RuffError(RuntimeError):
    """Ruff could not run or said something we cannot read."""


class RuffCrashed(RuffError):
    """A ruff run on some files died (a signal, an internal error) or printed no readable results: worth
    re-running without the file that caused it, unlike ruff missing or timing out."""


# ---------------------------------------------------------------------------------------------------------
# The ruff binary
# ---------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def ruff_binary() -> str:
    """Path of the ruff executable the ``ruff`` package ships."""
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError as error:
        raise RuffError("ruff is not installed; install it with `pip install ruff`") from error
    try:
        return os.fsdecode(find_ruff_bin())
    except FileNotFoundError as error:
        raise RuffError(f"the ruff package is installed but its binary is missing: {error}") from error


def _run(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [ruff_binary(), *args], check=False, capture_output=True, text=True, encoding="utf-8",
            errors="replace", cwd=cwd, timeout=RUFF_TIMEOUT_SECONDS,
        )
    except OSError as error:
        raise RuffError(f"could not start ruff: {error}") from error
    except subprocess.TimeoutExpired as error:
        raise RuffError(f"ruff did not finish within {RUFF_TIMEOUT_SECONDS} s") from error


@lru_cache(maxsize=1)
def ruff_version() -> str:
    """The version of the ruff binary, e.g. ``0.6.9`` (part of what a cached result depends on)."""
    completed = _run(["--version"])
    if completed.returncode != 0:
        raise RuffError(f"`ruff --version` failed: {completed.stderr.strip()}")
    return completed.stdout.strip().removeprefix("ruff").strip()


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict]:
    """Every rule ruff knows, by code: name, summary, markdown explanation (one call, ~10 ms)."""
    completed = _run(["rule", "--all", "--output-format", "json"])
    if completed.returncode != 0:
        raise RuffError(f"`ruff rule --all` failed: {completed.stderr.strip()}")
    try:
        return {entry["code"]: entry for entry in json.loads(completed.stdout)}
    except (ValueError, KeyError, TypeError) as error:
        raise RuffError(f"`ruff rule --all` did not print its JSON catalogue: {error}") from None


def explain_ruff_rule(code: str) -> str | None:
    """Ruff's own documentation of ``code`` as markdown; None when ruff has no such rule."""
    code = code.strip().upper()
    if not _CODE_SHAPE.match(code):
        return None
    completed = _run(["rule", code])
    if completed.returncode != 0:
        return None
    return completed.stdout


# ---------------------------------------------------------------------------------------------------------
# Ruff codes as our rules
# ---------------------------------------------------------------------------------------------------------


def category_of(code: str) -> Category:
    """``S…`` security (hard-coded passwords: secrets), ``PERF…`` performance, ``C90…`` complexity."""
    match = _CODE_SHAPE.match(code)
    prefix, number = (match.group(1), match.group(2)) if match else (code, "")
    if prefix == "S":
        return Category.secrets if code in ("S105", "S106", "S107") else Category.security
    if prefix == "PERF":
        return Category.performance
    if prefix == "C" and number.startswith("90"):
        return Category.complexity
    return Category.correctness


def severity_of(code: str) -> Severity:
    """The severity a finding of ``code`` gets before any per-finding adjustment (C901)."""
    return _SEVERITY.get(code) or _DEFAULT_SEVERITY[category_of(code)]


def _section(markdown: str, heading: str) -> str:
    """The text under ``## heading`` of ruff's rule documentation."""
    match = re.search(rf"^## {re.escape(heading)}\s*\n(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def _first_paragraph(markdown: str) -> str:
    return " ".join(markdown.strip().split("\n\n")[0].split())


def _code_blocks(markdown: str) -> list[str]:
    return [block.strip("\n") for block in re.findall(r"```python\n(.*?)```", markdown, re.DOTALL)]


def _rule_from(code: str, name: str, message: str, url: str | None) -> Rule:
    entry = _catalogue_entry(code)
    name = entry.get("name") or name or code.lower()
    explanation = entry.get("explanation", "")
    examples = _code_blocks(_section(explanation, "Example"))
    references = [url or f"https://docs.astral.sh/ruff/rules/{name}"]
    cwes = [_CWE_OF[code]] if code in _CWE_OF else []
    cwes += [f"CWE-{number}" for number in _CWE.findall(explanation)]
    references += list(dict.fromkeys(cwes))
    return Rule(
        code=code,
        name=name,
        title=entry.get("summary") or message or name.replace("-", " ").capitalize(),
        severity=severity_of(code),
        category=category_of(code),
        why=_first_paragraph(_section(explanation, "Why is this bad?")) or entry.get("summary") or message,
        recommendation=_RECOMMENDATION.get(code, _FALLBACK_RECOMMENDATION),
        analyzer=RuffAnalyzer.name,
        references=tuple(references),
        example_bad=examples[0] if examples else "",
        example_good=examples[1] if len(examples) > 1 else "",
    )


def _catalogue_entry(code: str) -> dict:
    try:
        return _catalogue().get(code, {})
    except RuffError:
        return {}  # the docs text is a nicety; a finding can do without it


def ruff_rule(code: str, name: str = "", message: str = "", url: str | None = None) -> Rule | None:
    """The registered rule for a ruff code, created and registered on first use; None for unknown codes."""
    code = code.strip().upper()
    existing = RULES.get(code)
    if existing is not None:
        return existing
    if not _CODE_SHAPE.match(code) or not (name or _catalogue_entry(code)):
        return None
    return RULES.add(_rule_from(code, name, message, url))


# ---------------------------------------------------------------------------------------------------------
# Fixes
# ---------------------------------------------------------------------------------------------------------


def _apply_edits(lines: list[str], edits: list[dict]) -> tuple[int, int, list[str]] | None:
    """Apply ruff's edits to the lines they touch: (first row, last row, new lines) or None if malformed."""
    try:
        spans = [
            (e["location"]["row"], e["location"]["column"], e["end_location"]["row"],
             e["end_location"]["column"], e.get("content") or "")
            for e in edits
        ]
    except (KeyError, TypeError):
        return None
    if not spans:
        return None
    first = min(s[0] for s in spans)
    last = max(s[2] for s in spans)
    if first < 1 or last > len(lines):
        return None
    text = "\n".join(lines[first - 1:last])
    offsets = [0]
    for line in lines[first - 1:last]:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(row: int, column: int) -> int:
        return offsets[row - first] + column - 1

    # apply from the end so earlier offsets stay valid
    for row, column, end_row, end_column, content in sorted(spans, reverse=True):
        text = text[: offset(row, column)] + content + text[offset(end_row, end_column):]
    return first, last, text.split("\n")


def fix_from(result: dict, source: Source) -> Fix | None:
    """Turn ruff's fix into ours: ``code`` for the flagged lines, plus a unified diff for files on disk."""
    fix = result.get("fix")
    if not fix:
        return None
    description = fix.get("message") or result.get("message") or "Apply ruff's fix"
    applicability = fix.get("applicability")
    if applicability and applicability != "safe":
        description += f" ({applicability} fix: review it before applying)"
    applied = _apply_edits(source.lines, fix.get("edits") or [])
    if applied is None:
        return Fix(description=description)
    first, last, new_lines = applied
    lines = source.lines
    flagged_first = (result.get("location") or {}).get("row") or first
    flagged_last = (result.get("end_location") or {}).get("row") or flagged_first
    code = None
    if flagged_first <= first and last <= flagged_last:  # the fix stays within the flagged lines
        code = "\n".join(lines[flagged_first - 1:first - 1] + new_lines + lines[last:flagged_last])
    patch = None
    if source.line_map is None and source.abspath is not None:  # a diff only helps for a file one can patch
        new = lines[: first - 1] + new_lines + lines[last:]
        diff = difflib.unified_diff(lines, new, f"a/{source.path}", f"b/{source.path}", lineterm="")
        patch = "".join(line + "\n" for line in diff)
    return Fix(description=description, code=code, patch=patch or None)


# ---------------------------------------------------------------------------------------------------------
# Running ruff over sources
# ---------------------------------------------------------------------------------------------------------


def _same_as_disk(source: Source) -> bool:
    """True when ruff can read the file itself: it is on disk and holds exactly the text we analyse."""
    if source.kind != "python" or source.abspath is None:
        return False
    try:
        data = Path(source.abspath).read_bytes()
    except OSError:
        return False
    try:
        disk = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    # newline style does not move lines or columns, so CRLF on disk still maps one to one
    return disk.replace("\r\n", "\n").replace("\r", "\n") == source.text.replace("\r\n", "\n")


def _temp_name(source: Source, index: int, directory: Path) -> Path:
    """A ``.py`` path under ``directory`` that keeps the source's relative name where it can."""
    relative = _UNSAFE_NAME.sub("_", source.path.replace("\\", "/")).lstrip("/")
    parts = [p for p in relative.split("/") if p not in ("", ".", "..")] or [f"source{index}"]
    if not parts[-1].endswith((".py", ".pyi")):
        parts[-1] = Path(parts[-1]).stem + ".py"
    candidate = directory.joinpath(*parts)
    if candidate.exists():
        candidate = directory.joinpath(f"_{index}", *parts)
    return candidate


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _chunks(paths: list[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for path in paths:
        if chunk and size + len(path) + 1 > MAX_ARGV_CHARS:
            yield chunk
            chunk, size = [], 0
        chunk.append(path)
        size += len(path) + 1
    if chunk:
        yield chunk


def target_version(config: AnalyzerConfig) -> str:
    """The Python ruff assumes: the one running us, unless ``extra["ruff_target_version"]`` says otherwise.

    The kernel that runs the notebook is the interpreter the reviewed code runs on, and some rules depend
    on it (PERF203, try/except in a loop, only costs anything before 3.11's zero-cost exceptions).

    Code newer than the target loses nothing: ruff parses every version's syntax whatever the target and
    runs all its rules on it; it adds an ``invalid-syntax`` diagnostic per construct the target lacks
    ("Cannot use `type` alias statement on Python 3.11"), which ``finding_from`` drops like every ruff
    syntax error (whether code parses is the engine's BMB901, from our own parse). A newer target, say the
    newest ruff knows, would not add findings but would let ``improve --apply`` write fixes in syntax the
    running Python cannot run (UP040 turns ``X: TypeAlias = int`` into ``type X = int`` from py312 on).
    """
    return config.extra.get("ruff_target_version") or f"py3{sys.version_info.minor}"


def ruff_arguments(config: AnalyzerConfig) -> list[str]:
    """The ``ruff check`` options for ``config`` (paths not included)."""
    select = list(config.extra.get("ruff_select", ["S"]))
    ignore = list(config.extra.get("ruff_ignore", []))
    args = [
        "check", "--output-format", "json", "--no-cache", "--no-fix", "--exit-zero",
        # isolated: a project's ruff config must not switch off rules we selected on purpose
        "--isolated",
        "--select", ",".join(select),
        "--config", f"lint.mccabe.max-complexity={int(config.max_complexity)}",
        "--target-version", target_version(config),
    ]
    if ignore:
        args += ["--ignore", ",".join(ignore)]
    return args


def run_ruff(paths: list[str], config: AnalyzerConfig, cwd: Path | None = None) -> list[dict]:
    """Ruff's JSON results for ``paths`` (one process per ~100k characters of paths); RuffError when any
    of them fails."""
    results: list[dict] = []
    base = ruff_arguments(config)
    for chunk in _chunks(paths):
        results.extend(_run_batch(base, chunk, cwd))
    return results


def _run_batch(base: list[str], paths: list[str], cwd: Path | None) -> list[dict]:
    completed = _run([*base, "--", *paths], cwd=cwd)
    if completed.returncode != 0:  # --exit-zero: non-zero means ruff itself failed
        raise RuffCrashed(f"ruff {_exit_description(completed.returncode)}: {_stderr_summary(completed.stderr)}")
    try:
        parsed = json.loads(completed.stdout or "[]")
    except ValueError:
        raise RuffCrashed(f"ruff printed something that is not JSON: {completed.stdout[:200]!r}") from None
    if not isinstance(parsed, list):
        raise RuffCrashed("ruff's JSON output is not a list of results")
    return parsed


def _exit_description(returncode: int) -> str:
    """``crashed (signal 6, SIGABRT)`` or ``failed (exit 2)``."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown signal"
        return f"crashed (signal {-returncode}, {name})"
    if returncode == 134:  # a shell's report of SIGABRT
        return "crashed (exit 134, SIGABRT)"
    return f"failed (exit {returncode})"


def _stderr_summary(stderr: str) -> str:
    """Ruff's own words, on one line (its stack overflow message names a thread id that differs per run)."""
    text = " ".join(re.sub(r"\(\d+\)", "", stderr).split())
    return text[:500] or "no message"


def run_ruff_isolating(
    paths: list[str], config: AnalyzerConfig, cwd: Path | None = None,
) -> tuple[list[dict], dict[str, str]]:
    """Ruff's results for ``paths``, and the paths ruff crashed on (path -> error).

    The common case is one process per chunk, as :func:`run_ruff`. A chunk that crashes is split in halves
    and each half re-run, down to the single files that crash alone, within MAX_ISOLATING_RUNS processes.
    A run on an empty file with the same options first tells a crash caused by a file from one caused by
    ruff itself (bad options, a broken binary): the latter raises RuffError, since every file would fail.
    """
    base = ruff_arguments(config)
    results: list[dict] = []
    failed: dict[str, str] = {}
    extra_runs = 0
    ruff_checked = False
    pending = list(reversed(list(_chunks(paths))))  # a stack: the first chunk runs first
    while pending:
        batch = pending.pop()
        try:
            results.extend(_run_batch(base, batch, cwd))
            continue
        except RuffCrashed as crash:
            error = str(crash)
        if not ruff_checked:
            _check_ruff_runs(base, cwd)  # raises when ruff fails on nothing at all
            ruff_checked = True
        if len(batch) == 1:
            failed[batch[0]] = error
        elif extra_runs + 2 > MAX_ISOLATING_RUNS:
            for path in batch:
                failed[path] = f"{error} (in a batch of {len(batch)} files that held this one; too many crashes " \
                               "to find which file caused it)"
        else:
            extra_runs += 2
            middle = len(batch) // 2
            pending += [batch[middle:], batch[:middle]]
    return results, failed


def _check_ruff_runs(base: list[str], cwd: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="bumba-ruff-check-") as directory:
        empty = Path(directory) / "empty.py"
        empty.write_text("", encoding="utf-8")
        try:
            _run_batch(base, [os.fspath(empty)], cwd)
        except RuffCrashed as error:
            raise RuffError(f"ruff fails even on an empty file, so no file can be checked: {error}") from None


def _complexity_severity(message: str, budget: int) -> Severity:
    match = _COMPLEXITY.search(message)
    if match and int(match.group(1)) > 2 * budget:
        return Severity.high
    return Severity.medium


def finding_from(result: dict, source: Source, config: AnalyzerConfig) -> Finding | None:
    """One ruff result as our finding; None for syntax errors, disabled codes and masked lines."""
    code = result.get("code")
    if code in _SYNTAX_ERROR_CODES or not config.enabled(code):
        return None
    message = result.get("message") or ""
    rule = ruff_rule(code, result.get("name") or "", message, result.get("url"))
    if rule is None:
        return None
    location = result.get("location") or {}
    end = result.get("end_location") or {}
    severity = _complexity_severity(message, config.max_complexity) if code == "C901" else None
    return make_finding(
        rule, source, location.get("row"), column=location.get("column"), end_line=end.get("row"),
        title=message or None, fix=fix_from(result, source), severity=severity,
    )


@register_analyzer
class RuffAnalyzer(Analyzer):
    """Ruff's rules over every Python source and notebook, in one ruff process."""

    name = "ruff"
    per_file = True
    batch = True  # one ruff process for every file beats one per file by far

    @property
    def version(self) -> str:  # type: ignore[override]
        """Part of the cache key: a new ruff may report differently on the same file."""
        try:
            return f"1+ruff{ruff_version()}"
        except RuffError:
            return "1+ruff-missing"

    def analyze(self, context: Context, sources: list[Source], config: AnalyzerConfig) -> Iterable[Finding]:
        python = [s for s in sources if s.is_python]
        if not python:
            return []
        by_path: dict[str, Source] = {}
        paths: list[str] = []
        with tempfile.TemporaryDirectory(prefix="bumba-ruff-") as directory:
            for index, source in enumerate(python):
                if _same_as_disk(source):
                    path = os.fspath(source.abspath)
                else:
                    target = _temp_name(source, index, Path(directory))
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(source.text, encoding="utf-8")
                    path = os.fspath(target)
                paths.append(path)
                # ruff may print the path as given or resolved through symlinks: know both
                by_path[_key(path)] = by_path[_key(os.path.realpath(path))] = source
            cwd = context.root if context.root and Path(context.root).is_dir() else None
            results, crashed = run_ruff_isolating(paths, config, cwd=cwd)
        findings = self._findings(results, by_path, config)
        if crashed:  # every other file keeps its findings; these are failures, not clean files
            raise PartialFailure(findings, {by_path[_key(path)].path: error for path, error in crashed.items()})
        return findings

    @staticmethod
    def _findings(results: list[dict], by_path: dict[str, Source], config: AnalyzerConfig) -> list[Finding]:
        findings = []
        for result in results:
            filename = result.get("filename") or ""
            source = by_path.get(_key(filename))
            if source is None:
                continue
            finding = finding_from(result, source, config)
            if finding is not None:
                findings.append(finding)
        return findings
