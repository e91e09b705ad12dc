"""Which analyzers exist and where they live: the one list the engine, the docs, ``explain`` and the agent's
tools read.

An analyzer is registered by importing its module (``@register_analyzer``); this module knows which module
to import for a name, so a review imports only the analyzers its command runs. The built-in ones are listed
below. Other packages add analyzers through the ``bumba_magics.analyzers`` entry-point group::

    [project.entry-points."bumba_magics.analyzers"]
    licences = "acme_bumba.licences"                  # a module that registers an analyzer named "licences"
    licences = "acme_bumba.licences:LicenceAnalyzer"  # or the Analyzer class itself

The entry point's name is the analyzer's name. Such an analyzer runs when a command names it, and, if it
says ``runs_with = ("security",)``, whenever one of those analyzers runs (``bumba scan`` then includes it).
Its rules, declared with ``rule(...)``, are explained by ``bumba explain`` like ours. An entry point that
fails to load is a warning and a note on the report, never a failed review.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

from .base import ANALYZERS, Analyzer

ENTRY_POINT_GROUP = "bumba_magics.analyzers"

# analyzer name -> its module in this package; pyproject.toml declares the same as entry points (a test
# keeps the two equal); they are imported by name, so they load from a checkout that is not installed too
BUILTIN_ANALYZERS: dict[str, str] = {
    "ruff": "ruff_bridge",
    "security": "security",
    "hardening": "hardening",
    "secrets": "secrets",
    "performance": "performance",
    "architecture": "architecture",
    "hygiene": "hygiene",
    "dataflow": "dataflow",
}


def builtin_entry_point(name: str) -> str | None:
    """The entry-point value pyproject.toml declares for a built-in analyzer (None for any other name)."""
    module = BUILTIN_ANALYZERS.get(name)
    return None if module is None else f"{__package__}.{module}"


class AnalyzerPluginWarning(UserWarning):
    """An analyzer from another package could not be loaded; the review runs without it."""


@dataclass
class LoadedAnalyzers:
    names: tuple[str, ...]  # what to run: the names asked for, then the plugins that run with them
    problems: list[str] = field(default_factory=list)  # analyzers that could not be loaded, said plainly


_plugins: dict[str, str] | None = None  # entry-point analyzers loaded in this process: name -> entry value
_plugin_problems: list[str] = []


def analyzer_names(*, plugins: bool = True) -> list[str]:
    """Every analyzer a command may name: the built-in ones, then the installed plugins."""
    names = list(BUILTIN_ANALYZERS)
    if plugins:
        names += [name for name in _load_plugins() if name not in BUILTIN_ANALYZERS]
    return names


def load_analyzers(names: Iterable[str] | None = None, *, plugins: bool = True) -> LoadedAnalyzers:
    """Import the analyzers behind ``names`` (every one when None) and the installed plugins.

    A built-in analyzer whose optional dependency is missing is a problem, not an error: the other analyzers
    still run. ``plugins=False`` leaves the entry points alone (the docs describe this package only).
    """
    wanted = list(BUILTIN_ANALYZERS) if names is None else list(names)
    problems: list[str] = []
    for name in wanted:
        module = BUILTIN_ANALYZERS.get(name)
        if module is None:
            continue  # a plugin (loaded below) or one registered by its own import
        try:
            importlib.import_module(f".{module}", __package__)
        except ImportError as error:
            problems.append(f"analyzer module {module!r} could not be loaded: {error}")
    if not plugins:
        return LoadedAnalyzers(tuple(wanted), problems)
    loaded = _load_plugins()
    problems += _plugin_problems
    asked = set(wanted)
    companions = [
        name for name in loaded
        if name not in asked and (names is None or asked & set(ANALYZERS[name].runs_with))
    ]
    return LoadedAnalyzers(tuple(wanted + companions), problems)


def _load_plugins() -> dict[str, str]:
    """Load every entry point of the group once per process; each failure is warned about once."""
    global _plugins
    if _plugins is not None:
        return _plugins
    _plugins = {}
    # importlib.metadata is slow to import (email, zipfile …): only when an analyzer is first looked up
    from importlib import metadata

    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry.value == builtin_entry_point(entry.name):
            continue  # our own, as pyproject.toml declares them: imported by name, not through metadata
        problem = _load_plugin(entry)
        if problem is None:
            _plugins[entry.name] = entry.value
        else:
            _plugin_problems.append(problem)
            warnings.warn(problem, AnalyzerPluginWarning, stacklevel=3)
    return _plugins


def _load_plugin(entry) -> str | None:
    """Load one entry point; the reason it is not usable, or None."""
    where = f"analyzer entry point {entry.name!r} ({entry.value})"
    if entry.name in BUILTIN_ANALYZERS:
        return f"{where} is not loaded: {entry.name!r} is a built-in analyzer's name"
    try:
        loaded = entry.load()
    except Exception as error:  # noqa: BLE001  (third-party code: no failure of its import may stop a review)
        return f"{where} could not be loaded: {type(error).__name__}: {error}"
    if isinstance(loaded, type) and issubclass(loaded, Analyzer):
        if loaded.name != entry.name:
            return f"{where} names an analyzer called {loaded.name!r}; the entry point must be named the same"
        ANALYZERS.setdefault(entry.name, loaded)
    if entry.name not in ANALYZERS:
        return f"{where} loaded, but registered no analyzer named {entry.name!r}"
    return None
