"""Which engines can review after the offline analyzers: the one list ``review`` reads to choose and run one.

The offline engine always runs (``engines.offline``); an engine registered here is handed its findings and
adds its own (a hybrid review). The built-in one is the Claude agent. Other packages add engines through
the ``bumba_magics.engines`` entry-point group::

    [project.entry-points."bumba_magics.engines"]
    acme = "acme_bumba.engine:ENGINE"      # an Engine object

and ``--engine acme`` (or ``[tool.bumba] engine = "acme"``) uses it. ``auto`` only ever picks a built-in
engine: installing a package must not be enough to send someone's code to a service they did not choose.
An entry point that fails to load is a warning, never a failed review. Describing an engine must be cheap: ``is_configured`` runs on every review, so an engine
imports its SDK inside ``review``.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.errors import ReviewError

if TYPE_CHECKING:
    from ..agents import AgentSpec
    from ..context.source import Context
    from ..core.events import AgentEvents, AgentResult
    from ..core.findings import Finding
    from ..settings import Settings
    from ..store import Store

ENTRY_POINT_GROUP = "bumba_magics.engines"
OFFLINE, AUTO = "offline", "auto"

# engine name -> "module:object" in this package (imported by name, so a checkout that is not installed has it)
BUILTIN_ENGINES: dict[str, str] = {"claude": "bumba_magics.engines.claude:CLAUDE"}


@dataclass(frozen=True)
class EngineRun:
    """What an engine is given: the review's target and settings, and what the offline analyzers found."""

    command: str
    instructions: str  # the command's brief for an agent (its catalogue entry's agent_brief)
    context: Context
    agent: AgentSpec
    settings: Settings
    offline_findings: list[Finding]
    measurements: str = ""  # numbers taken in this run (a profile), for advice grounded in them
    shell: Any = None
    store: Store | None = None
    events: AgentEvents | None = None
    target: str = ""


@dataclass(frozen=True)
class Engine:
    name: str
    summary: str
    is_configured: Callable[[Settings], bool]  # cheap (no SDK import): can it run with these settings?
    missing: str  # what it lacks when it is not configured ("the Claude engine needs an Anthropic API key")
    how_to_enable: str  # what to do then
    review: Callable[[EngineRun], AgentResult]  # its findings, narrative, notes, error and usage


class EngineUnavailable(RuntimeError):
    """An engine cannot run at all (no key, no SDK): the message says how to enable it."""


class EnginePluginWarning(UserWarning):
    """An engine from another package could not be loaded; reviews run without it."""


_plugins: dict[str, Engine] | None = None


def _load(spec: str) -> Engine:
    module, _, attribute = spec.partition(":")
    engine = getattr(importlib.import_module(module), attribute)
    if not isinstance(engine, Engine):
        raise TypeError(f"{spec} is a {type(engine).__name__}, not a bumba_magics.engines.registry.Engine")
    return engine


def _load_plugins() -> dict[str, Engine]:
    global _plugins
    if _plugins is None:
        # importlib.metadata is slow to import (email, zipfile …): only when an engine other than ours is asked for
        from importlib import metadata

        _plugins = {}
        for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if entry.name in BUILTIN_ENGINES or entry.name in (OFFLINE, AUTO):
                continue
            try:
                _plugins[entry.name] = _load(entry.value)
            except Exception as error:  # noqa: BLE001 — another package's bug must not stop a review
                warnings.warn(f"engine {entry.name!r} ({entry.value}) could not be loaded: "
                              f"{type(error).__name__}: {error}", EnginePluginWarning, stacklevel=2)
    return _plugins


def engine_names() -> list[str]:
    """Every engine ``--engine`` accepts besides auto and offline: the built-in ones, then the installed."""
    return [*BUILTIN_ENGINES, *(name for name in _load_plugins() if name not in BUILTIN_ENGINES)]


def get_engine(name: str) -> Engine:
    if name in BUILTIN_ENGINES:
        return _load(BUILTIN_ENGINES[name])
    engine = _load_plugins().get(name)
    if engine is None:
        raise ReviewError(f"unknown engine {name!r}: choose {', '.join([AUTO, OFFLINE, *engine_names()])}")
    return engine


def configured_engine(names: list[str], settings: Settings) -> Engine | None:
    """For ``auto``: the first of ``names`` that can run with these settings."""
    for name in names:
        engine = get_engine(name)
        if engine.is_configured(settings):
            return engine
    return None


def merge_findings(offline: list[Finding], added: list[Finding], engine: str) -> list[Finding]:
    """Offline findings plus an engine's, one per place and problem; ``Finding.engine`` says who found it.

    Same place is the same path, cell and line; same problem is the same rule, or the same category when
    the engine named its own rule. A duplicate confirms the offline finding (engine ``offline+NAME``) and
    fills in the explanation or fix it lacked.
    """
    merged = list(offline)
    index: dict[tuple, int] = {}
    for position, finding in enumerate(merged):
        place = (finding.location.path, finding.location.cell, finding.location.line)
        index.setdefault((*place, finding.rule.upper()), position)
        index.setdefault((*place, finding.category.value), position)
    for finding in added:
        place = (finding.location.path, finding.location.cell, finding.location.line)
        position = index.get((*place, finding.rule.upper()))
        if position is None and finding.location.line is not None:
            position = index.get((*place, finding.category.value))
        if position is None:
            merged.append(finding)
            index[(*place, finding.rule.upper())] = len(merged) - 1
            continue
        known = merged[position]
        if known.engine == engine:  # the engine said it twice
            continue
        merged[position] = known.model_copy(update={
            "engine": f"{known.engine}+{engine}" if engine not in known.engine else known.engine,
            "why": known.why or finding.why,
            "recommendation": known.recommendation or finding.recommendation,
            "fix": known.fix or finding.fix,
        })
    return merged
