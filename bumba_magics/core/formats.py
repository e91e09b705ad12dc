"""Output formats of a Report, by name: ``report.to_markdown()`` asks here for "markdown".

The views render; the core cannot import them (they import the core), so the views register their
renderers here. The built-in ones are loaded on first use by the loader the package installs (see
``bumba_magics/__init__.py``); other packages add formats through the ``bumba_magics.formats`` entry-point
group (``name = "package.module:render"``, called as ``render(report, **options)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ENTRY_POINT_GROUP = "bumba_magics.formats"

_FORMATS: dict[str, Callable[..., Any]] = {}
_loaders: list[Callable[[], None]] = []
_loaded = False


class UnknownFormat(LookupError):
    """No renderer is registered under that name."""


def register_format(name: str, render: Callable[..., Any]) -> None:
    """Make ``render(report, **options)`` the renderer of ``name`` (a later registration replaces it)."""
    _FORMATS[name] = render


def add_loader(load: Callable[[], None]) -> None:
    """``load()`` registers formats; it runs once, the first time a format is looked up."""
    _loaders.append(load)


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for load in _loaders:
        load()
    from importlib import metadata  # slow to import (email, zipfile …): only when a format is first used

    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        _FORMATS.setdefault(entry.name, entry.load())


def renderer(name: str) -> Callable[..., Any]:
    if name not in _FORMATS:
        _load()
    try:
        return _FORMATS[name]
    except KeyError:
        raise UnknownFormat(f"no output format {name!r}; known: {', '.join(sorted(_FORMATS))}") from None


def render(report: Any, name: str, **options: Any) -> Any:
    """``report`` in format ``name``."""
    return renderer(name)(report, **options)


def format_names() -> list[str]:
    _load()
    return sorted(_FORMATS)
