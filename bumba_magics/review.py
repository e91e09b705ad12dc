"""The one call every front end makes: ``execute(request)``, or ``review(command, target) -> Report``.

Magics, the CLI, the server and the report notebooks all come through here, so a behaviour (settings
precedence, baseline, gate, what is stored) is defined once.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .commands import Command, get_command, require_available
from .context.source import Context
from .context.targets import resolve
from .core.errors import (
    AgentFailed,
    CommandFailed,
    GateFailed,
    ReviewError,
    ReviewIncomplete,
    incomplete_message,
)
from .core.findings import Severity, assign_fingerprints
from .core.report import AnalyzerFailure, NotReviewed, Report, RunInfo
from .core.request import RunRequest
from .core.suppressions import baseline_path as baseline_path_of
from .core.suppressions import read_baseline, write_baseline
from .engines.offline import Progress, run_offline
from .engines.registry import (
    AUTO,
    BUILTIN_ENGINES,
    OFFLINE,
    Engine,
    EngineRun,
    EngineUnavailable,
    configured_engine,
    get_engine,
    merge_findings,
)
from .engines.safe_git import GitError, run_git
from .settings import Settings, load_settings
from .store import Store, StoreError

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

    from .agents import AgentSpec
    from .core.events import AgentEvents


def review(
    command: str | Command,
    target: str | None = None,
    *,
    cell_body: str | None = None,
    shell: InteractiveShell | None = None,
    settings: Settings | None = None,
    overrides: dict[str, Any] | None = None,
    store: Store | None = None,
    use_store: bool = True,
    progress: Progress | None = None,
    update_baseline: bool = False,
    args: argparse.Namespace | None = None,
    events: AgentEvents | None = None,
) -> Report:
    """Review ``target`` (a path, a glob, or — with ``shell`` — the current notebook) with ``command``.

    The keywords are those of :class:`RunRequest`; a front end that has built one calls :func:`execute`.
    """
    cmd = command if isinstance(command, Command) else get_command(command)
    return execute(RunRequest(
        command=cmd, target=target, cell_body=cell_body, shell=shell, args=args, overrides=dict(overrides or {}),
        store=store, use_store=use_store, progress=progress, events=events, update_baseline=update_baseline,
        settings=settings,
    ))


def execute(request: RunRequest) -> Any:
    """Run any command: a review or a runner command gives its Report, stored and gated; a meta command
    gives what it shows (a table, Markdown, a preview) or None."""
    command = require_available(request.command)
    if request.review is None:  # a command that chains a review (test security, context) is handed this layer
        request = dataclasses.replace(request, review=review)
    if command.describes:
        return command.run(request)
    if command.run is not None:
        return _run_command(request)
    if not command.analyzers:
        raise ReviewError(f"'{command.name}' is not a review command")
    return _review(request)


def _review(request: RunRequest) -> Report:
    """The analyzers over the target, the baseline, the enrich hook, the agent when configured, the store."""
    started = time.monotonic()
    cmd, target, shell, cell_body = request.command, request.target, request.shell, request.cell_body
    base = request.settings or Settings()
    overrides = dict(request.overrides)
    include_repo = base.include_repo if overrides.get("include_repo") is None else overrides["include_repo"]
    max_file_bytes = overrides.get("max_file_bytes") or base.max_file_bytes
    context = _resolve(target, shell, cell_body, max_file_bytes, include_repo)
    gate_off = overrides.get("fail_on") == "none"  # "--fail-on none" beats [tool.bumba] and defaults
    if gate_off:
        overrides["fail_on"] = None
    effective = load_settings(context.root, base).merged(**overrides)
    if effective.max_file_bytes != max_file_bytes:
        # [tool.bumba] max-file-bytes is only known once the target's root is: collect again with it (the
        # rare case of a project that sets it; the files are in the OS cache by now)
        context = _resolve(target, shell, cell_body, effective.max_file_bytes, include_repo)
    if gate_off:
        effective = effective.model_copy(update={"fail_on": None})
    elif cmd.gate is not None and effective.fail_on is None:
        effective = effective.model_copy(update={"fail_on": Severity.parse(cmd.gate)})
    unread = {f"skipped {path}: {reason}" for path, reason in context.not_reviewed}  # shown as not reviewed
    notes = [note for note in context.notes if note not in unread]
    engine = _choose_engine(effective, notes)
    engine_name = engine.name if engine is not None else OFFLINE
    agent = _agent(effective.agent, context.root)

    store = request.store
    if request.use_store and store is None:
        try:
            store = Store()
        except StoreError as error:  # a review still works without history; say so
            notes.append(f"{error}; this run is not stored")
            store = None
    result = run_offline(
        context, cmd.analyzers,
        effective.analyzer_config(ruff_select=list(cmd.ruff_select), ruff_ignore=list(cmd.ruff_ignore)),
        store=store if effective.cache else None, progress=request.progress,
    )
    notes.extend(result.notes)
    findings = [f for f in result.findings if f.severity.at_least(effective.min_severity)]
    findings = assign_fingerprints(findings)

    baseline_path = baseline_path_of(context.root, effective.baseline)
    if request.update_baseline:
        write_baseline(baseline_path, findings, context.root)
        notes.append(f"baseline written: {baseline_path} ({len(findings)} findings)")
    elif (known := read_baseline(baseline_path, context.root)) is not None:
        before = len(findings)
        findings = [f for f in findings if f.fingerprint not in known]
        notes.append(f"{before - len(findings)} finding(s) already in the baseline {baseline_path.name} not shown")

    fail_on = None if request.update_baseline else effective.fail_on
    report = Report(
        run=RunInfo(
            command=cmd.name, target=context.label or (target or ""), root=str(context.root), engine=engine_name,
            engines=[engine_name], agent=agent.name, agent_hash=agent.sha256, files=len(context.sources),
            tool_versions=_tool_versions(), git_commit=_git_commit(context.root), fail_on=fail_on,
        ),
        findings=findings,
        notes=notes,
        failures=result.failures,
        not_reviewed=[NotReviewed(path=path, reason=reason) for path, reason in context.not_reviewed],
    )
    if result.cached_files:
        report.notes.append(f"{result.cached_files} of {len(context.sources)} file(s) unchanged: results from cache")
    if cmd.enrich is not None:  # measurements (profiling, budgets) come before the agent, so it can use them
        cmd.enrich(dataclasses.replace(request, overrides=overrides, store=store, context=context,
                                       settings=effective), report)
        report.findings = assign_fingerprints(report.findings)
    if engine is not None:  # hybrid: the engine is handed the offline findings and measurements, adds its own
        _run_engine(report, engine, cmd, context, agent, effective, shell=shell, store=store, events=request.events,
                    target=context.label or (target or ""))
    report.run.duration_s = round(time.monotonic() - started, 3)
    if store is not None:
        previous = store.previous_fingerprints(context.root, report.run.target, cmd.name)
        if previous is not None:
            report.new_fingerprints = [f.fingerprint for f in report.findings if f.fingerprint not in previous]
            report.fixed_count = len(previous - {f.fingerprint for f in report.findings})
        try:
            store.save_run(report)
        except Exception as error:  # noqa: BLE001 — history is a convenience; the review itself succeeded
            report.notes.append(f"this run could not be stored: {error}")
    return report


def _run_engine(report: Report, engine: Engine, cmd: Command, context: Context, agent: AgentSpec,
                settings: Settings, *, shell: Any, store: Store | None, events: AgentEvents | None,
                target: str) -> None:
    """An engine's part of a hybrid review (it is handed the offline findings), merged into ``report``."""
    measured = ""
    if report.metrics:  # e.g. the profile of an improve-performance cell: rewrites should answer to it
        numbers = json.dumps(report.metrics, default=str, ensure_ascii=False)
        measured = f"Measurements taken in this run (ground your recommendations in them):\n{numbers[:6000]}"
    try:
        result = engine.review(EngineRun(
            command=cmd.name, instructions=cmd.agent_brief, context=context, agent=agent, settings=settings,
            offline_findings=report.findings, measurements=measured, shell=shell, store=store, events=events,
            target=target,
        ))
    except EngineUnavailable as error:
        raise ReviewError(str(error)) from None
    reported = [f for f in result.findings if f.severity.at_least(settings.min_severity)]
    report.findings = assign_fingerprints(merge_findings(report.findings, reported, engine.name))
    report.notes.extend(result.notes)
    if result.error:
        report.failures.append(AnalyzerFailure(analyzer=engine.name, error=str(result.error)))
    report.narrative = result.narrative or None
    report.metrics.update(result.metrics())
    report.run.engines = [OFFLINE, engine.name]
    report.run.model = result.model


def _resolve(target: str | None, shell: Any, cell_body: str | None, max_file_bytes: int,
             include_repo: bool) -> Context:
    try:
        return resolve(target, shell=shell, cell_body=cell_body, max_file_bytes=max_file_bytes,
                       include_repo=include_repo)
    except (FileNotFoundError, ValueError) as error:
        raise ReviewError(str(error)) from error


def _run_command(request: RunRequest) -> Report:
    """Run a command that is not an analyzer review, store its report like a review's, and apply the gate."""
    started = time.monotonic()
    report = request.command.run(request)
    if not report.run.duration_s:
        report.run.duration_s = round(time.monotonic() - started, 3)
    report.findings = assign_fingerprints(report.findings)
    fail_on = request.overrides.get("fail_on")
    if fail_on and fail_on != "none" and report.run.fail_on is None:
        report.run.fail_on = Severity.parse(fail_on)
    if request.use_store:
        try:
            (request.store or Store()).save_run(report)
        except Exception as error:  # noqa: BLE001 — history is a convenience; the run itself succeeded
            report.notes.append(f"this run could not be stored: {error}")
    return report


_ENABLE_NOTE_SHOWN = False


def _choose_engine(settings: Settings, notes: list[str]) -> Engine | None:
    """The engine that joins the offline one, or None. auto: the first configured one (the Claude agent
    when a key is set), else offline alone, saying once per process how to add the agent."""
    global _ENABLE_NOTE_SHOWN
    name = (settings.engine or AUTO).strip().lower()
    if name == OFFLINE:
        return None
    if name != AUTO:
        engine = get_engine(name)
        if not engine.is_configured(settings):
            raise ReviewError(f"--engine {name}: {engine.missing}: {engine.how_to_enable}")
        return engine
    engine = configured_engine(list(BUILTIN_ENGINES), settings)
    if engine is None and not _ENABLE_NOTE_SHOWN:
        _ENABLE_NOTE_SHOWN = True
        claude = get_engine("claude")
        notes.append(f"reviewed by the offline engine; to add the Claude agent, {claude.how_to_enable}")
    return engine


def _agent(name_or_path: str | None, root: Path):
    """The agent the run is for, recorded in the report for provenance (the offline engine does not need
    it to find problems, but a bad --agent must fail the same way whatever the engine)."""
    from .agents import AgentFileError, AgentNotFound, resolve_agent

    try:
        return resolve_agent(name_or_path, project_dir=root)
    except (AgentFileError, AgentNotFound) as error:
        raise ReviewError(str(error)) from None


def _tool_versions() -> dict[str, str]:
    versions = {}
    for package in ("bumba_magics", "ruff"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _git_commit(root: Path) -> str | None:
    """HEAD of the repository holding ``root``, asked with the repository's programs neutralised: a
    cloned project's config must not get to run a filter or a hook because a review recorded its commit."""
    try:
        return run_git(root, "rev-parse", "--verify", "--quiet", "HEAD").strip() or None
    except GitError:
        return None


__all__ = ["AgentFailed", "CommandFailed", "Context", "GateFailed", "ReviewError", "ReviewIncomplete", "RunRequest",
           "execute", "incomplete_message", "review"]
