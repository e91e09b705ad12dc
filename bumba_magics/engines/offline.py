"""The offline engine: every analyzer a command names, over every source, with a content-hash cache.

Order of work, chosen for speed: ruff (one subprocess for all files) starts first in a thread; meanwhile the
Python analyzers share one parse per file and free it when the file is done; cross-file analyzers run last.
Per-file results are cached by (analyzer, version, settings, file content), so a re-scan after one edit
only analyzes that file.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from ..analyzers.base import (
    ANALYZERS,
    RULES,
    Analyzer,
    AnalyzerConfig,
    ParserGaveUp,
    PartialFailure,
    Rule,
    forget_parse,
    parse_python,
    register_analyzer,
)
from ..analyzers.parsing import PARSER_VERSION, parse_module
from ..analyzers.registry import load_analyzers
from ..context.source import Context, Source
from ..core.findings import Category, Finding, Severity
from ..core.report import AnalyzerFailure
from ..core.suppressions import is_suppressed_inline
from ..store import Store

log = logging.getLogger(__name__)

SYNTAX_ERROR = RULES.add(Rule(
    code="BMB901", name="syntax-error", title="Code does not parse",
    severity=Severity.medium, category=Category.review, analyzer="engine",
    why="Code that does not parse cannot run, and no analyzer can look inside it: problems in it stay hidden.",
    recommendation="Fix the syntax error; in a notebook, run the cell to see IPython's own message.",
    example_bad="def total(items:\n    return sum(items)", example_good="def total(items):\n    return sum(items)",
))

Progress = Callable[[int, int, str], None]  # (done, total, current path)

def load_builtin_analyzers(names: tuple[str, ...] | None = None) -> list[str]:
    """Import the analyzers behind ``names`` (all when None, with the installed plugins) from the registry
    (``analyzers.registry``); returns messages for the ones that could not load. When all are asked for
    (docs, explain) the measuring commands' rules are imported too."""
    problems = load_analyzers(names).problems
    if names is None:
        importlib.import_module("..measure.rules", __package__)
    return problems


@dataclass
class EngineResult:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cached_files: int = 0
    # analyzers that raised, by file where the file is known: the review did not look there
    failures: list[AnalyzerFailure] = field(default_factory=list)


def _cell_ranges(source: Source) -> dict[int, tuple[int, int]]:
    """cell index -> (first virtual line, last virtual line)."""
    ranges: dict[int, tuple[int, int]] = {}
    for virtual, (cell, _line) in enumerate(source.line_map or (), start=1):
        first, _ = ranges.get(cell, (virtual, virtual))
        ranges[cell] = (first, virtual)
    return ranges


@register_analyzer
class SyntaxAnalyzer(Analyzer):
    """Code that does not parse, as a finding. A per-file analyzer, so the parse it needs is shared with the
    other analyzers and its result is cached like theirs."""

    name = "syntax"

    def analyze(self, context: Context, sources: list[Source], config: AnalyzerConfig) -> list[Finding]:
        findings = []
        failed: dict[str, str] = {}
        for source in sources:
            if source.is_python and source.line_map is None:
                parsed = parse_python(source)
                if isinstance(parsed, ParserGaveUp):  # not a syntax error: nothing is known about the code
                    failed[source.path] = str(parsed)
                elif isinstance(parsed, SyntaxError):
                    findings.append(_syntax_finding(source, parsed, parsed.lineno))
        findings = [f for f in findings if f is not None]
        if failed:
            raise PartialFailure(findings, failed)
        return findings


def isolate_syntax_errors(
    source: Source, failures: list[AnalyzerFailure] | None = None,
) -> tuple[Source, list[Finding]]:
    """Turn code that does not parse into findings. In a notebook, only the broken cells are blanked out
    (line count kept), so the rest of the notebook is still analyzed. Plain files are left to the
    ``syntax`` analyzer. A cell the parser gives up on (nested too deeply) is blanked too, and added to
    ``failures``: no check looked inside it."""
    if not source.is_python:
        return source, []
    parsed = parse_python(source)  # kept on the source: the analyzers reuse this parse
    if not isinstance(parsed, SyntaxError):
        return source, []
    if source.line_map is None:
        if isinstance(parsed, ParserGaveUp):
            return source, []  # the syntax analyzer records the failure
        return source, [_syntax_finding(source, parsed, parsed.lineno)]
    findings, lines = [], source.text.splitlines(keepends=True)
    for cell, (first, last) in sorted(_cell_ranges(source).items()):
        chunk = "".join(lines[first - 1:last])
        try:
            parse_module(chunk)
        except (SyntaxError, ValueError) as error:
            lineno = getattr(error, "lineno", None)
            findings.append(_syntax_finding(source, error, first + lineno - 1 if lineno else first))
        except (RecursionError, MemoryError) as error:
            if failures is not None:
                failures.append(AnalyzerFailure(
                    analyzer="syntax", path=source.path,
                    error=f"cell {cell}: Python's parser gave up ({type(error).__name__}: "
                          f"{error or 'out of memory'}): the code nests too deeply to look inside",
                ))
        else:
            continue
        for i in range(first - 1, last):
            lines[i] = "\n"
    fixed = replace(source, text="".join(lines))
    return fixed, [f for f in findings if f is not None]


def _syntax_finding(source: Source, error: Exception, line: int | None) -> Finding | None:
    message = getattr(error, "msg", None) or str(error)
    location = source.locate(line) if line else None
    if location is None:  # the error sits on a masked line or outside the file: point at the file / cell
        location = source.locate(None)
    return Finding(
        rule=SYNTAX_ERROR.code, title=f"Does not parse: {message}", severity=SYNTAX_ERROR.severity,
        category=SYNTAX_ERROR.category, location=location, evidence=source.line_text(line).strip() or None,
        why=SYNTAX_ERROR.why, recommendation=SYNTAX_ERROR.recommendation, analyzer="engine",
    )


def _settings_digest(config: AnalyzerConfig) -> str:
    return hashlib.sha256(repr(config).encode()).hexdigest()[:16]


# Part of every cache key. 2: results of a file an analyzer failed on are no longer cached (earlier
# stores may hold such a failure as "no findings", so their entries are not read).
_CACHE_FORMAT = "2"


def _cache_key(analyzer: Analyzer, config_digest: str, source: Source) -> str:
    # the parser is part of what a finding depends on: code it newly reads must not keep a cached BMB901
    return f"{_CACHE_FORMAT}:{analyzer.name}:{analyzer.version}:p{PARSER_VERSION}:{config_digest}:{source.digest}"


def run_offline(
    context: Context,
    analyzer_names: tuple[str, ...],
    config: AnalyzerConfig,
    *,
    store: Store | None = None,
    progress: Progress | None = None,
) -> EngineResult:
    loaded = load_analyzers(analyzer_names)  # the names asked for, and the plugins that run with them
    result = EngineResult(notes=loaded.problems)
    analyzers: list[Analyzer] = []
    for name in loaded.names:
        if name in ANALYZERS:
            analyzers.append(ANALYZERS[name]())
        else:
            result.notes.append(f"analyzer {name!r} is not available; its checks did not run")

    analyzers.insert(0, SyntaxAnalyzer())
    sources: list[Source] = []
    for source in context.sources:
        if source.line_map is not None:  # notebooks and cells: blank broken cells before anyone parses
            source, syntax_findings = isolate_syntax_errors(source, result.failures)
            result.findings.extend(syntax_findings)
        sources.append(source)
    context = replace(context, sources=sources)

    digest = _settings_digest(config)
    per_file = [a for a in analyzers if a.per_file]
    cross_file = [a for a in analyzers if not a.per_file]
    keys = {(a.name, s.path): _cache_key(a, digest, s) for a in per_file for s in sources}
    cached = store.cache_get_many(keys.values()) if store is not None else {}
    result.cached_files = sum(1 for s in sources if all(keys[(a.name, s.path)] in cached for a in per_file))
    for findings in cached.values():
        result.findings.extend(findings)
    fresh: dict[str, list[Finding]] = {}  # cache key -> findings

    def todo(analyzer: Analyzer) -> list[Source]:
        return [s for s in sources if keys[(analyzer.name, s.path)] not in cached]

    def remember(analyzer: Analyzer, batch: list[Source], outcome: tuple[list[Finding], set[str | None]]) -> None:
        findings, failed = outcome
        by_path: dict[str | None, list[Finding]] = {s.path: [] for s in batch}
        for finding in findings:
            by_path.setdefault(finding.location.path, []).append(finding)
        for source in batch:
            # a file the analyzer failed on has no known findings: caching "none" would hide the failure
            if source.path not in failed and None not in failed:
                fresh[keys[(analyzer.name, source.path)]] = by_path.get(source.path, [])
        result.findings.extend(findings)

    def run(analyzer: Analyzer, batch: list[Source]) -> tuple[list[Finding], set[str | None]]:
        """The analyzer's findings, and the paths it failed on (None: it failed on all of them)."""
        try:
            return list(analyzer.analyze(context, batch, config)), set()
        except PartialFailure as partial:  # findings for most files, failures for a few
            for path, error in partial.failed.items():
                result.failures.append(AnalyzerFailure(analyzer=analyzer.name, path=path, error=error))
            return partial.findings, set(partial.failed)
        except Exception as error:  # one analyzer's failure must not lose the others' findings
            log.debug("analyzer %s failed", analyzer.name, exc_info=True)
            where = batch[0].path if len(batch) == 1 else None  # None: the analyzer failed on the whole run
            result.failures.append(AnalyzerFailure(analyzer=analyzer.name, path=where, error=_describe(error)))
            return [], {where}

    with ThreadPoolExecutor(max_workers=2) as pool:
        batch_jobs = [(a, todo(a)) for a in per_file if a.batch]
        futures = [(a, batch, pool.submit(run, a, batch)) for a, batch in batch_jobs if batch]
        singles = [a for a in per_file if not a.batch]
        pending = [s for s in sources if any(keys[(a.name, s.path)] not in cached for a in singles)]
        last_tick = 0.0
        for done, source in enumerate(pending, start=1):
            for analyzer in singles:
                if keys[(analyzer.name, source.path)] not in cached:
                    remember(analyzer, [source], run(analyzer, [source]))
            forget_parse(source)
            now = time.monotonic()
            if progress is not None and (now - last_tick > 0.1 or done == len(pending)):
                progress(done, len(pending), source.path)
                last_tick = now
        for analyzer, batch, future in futures:
            remember(analyzer, batch, future.result())

    for analyzer in cross_file:
        result.findings.extend(run(analyzer, sources)[0])
    for source in sources:
        forget_parse(source)

    if store is not None and fresh:
        store.cache_put_many(fresh)
    result.findings = postprocess(result.findings, sources, config)
    # ruff's thread reports whenever it finishes: a stable order makes reports and SARIF comparable
    result.failures.sort(key=lambda f: (f.path or "", f.analyzer, f.error))
    return result


def _describe(error: BaseException) -> str:
    """``RuntimeError: boom``; our own errors (ruff's, the parser's) already say what they are."""
    text = str(error) or "(no message)"
    if isinstance(error, SyntaxError) or type(error).__module__.startswith("bumba_magics"):
        return text
    return f"{type(error).__name__}: {text}"


def postprocess(findings: list[Finding], sources: list[Source], config: AnalyzerConfig) -> list[Finding]:
    """Selection, inline suppressions, and ruff findings that one of our rules reports better."""
    by_path = {s.path: s for s in sources}
    findings = [f for f in findings if config.enabled(f.rule) or f.rule == SYNTAX_ERROR.code]
    ours_at: dict[tuple, set[str]] = {}
    for f in findings:
        rule = RULES.get(f.rule)
        if rule is not None and rule.supersedes:
            ours_at.setdefault(_place(f), set()).update(rule.supersedes)
    kept = []
    for f in findings:
        if f.analyzer == "ruff" and f.rule in ours_at.get(_place(f), ()):
            continue
        if is_suppressed_inline(f, by_path.get(f.location.path or "")):
            continue
        kept.append(_masked(f))
    return kept


def _masked(finding: Finding) -> Finding:
    """Evidence and fixes quote source lines, and a line flagged for one reason may hold a secret: mask
    every secret in what a finding quotes, whichever analyzer produced it."""
    from ..analyzers.secrets import mask_secrets

    update: dict = {}
    if finding.evidence:
        masked = mask_secrets(finding.evidence, python=True)
        if masked != finding.evidence:
            update["evidence"] = masked
    if finding.fix is not None and (finding.fix.code or finding.fix.patch):
        fix_update = {
            key: mask_secrets(value, python=True)
            for key in ("code", "patch") if (value := getattr(finding.fix, key))
        }
        if any(getattr(finding.fix, k) != v for k, v in fix_update.items()):
            update["fix"] = finding.fix.model_copy(update=fix_update)
    return finding.model_copy(update=update) if update else finding


def _place(finding: Finding) -> tuple:
    return (finding.location.path, finding.location.cell, finding.location.line)
