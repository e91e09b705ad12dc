"""What the front end that displays reports gives the views: the kernel whose comms carry widgets, the store
that keeps triage history, and the ``[tool.bumba] baseline`` setting of a project.

Jupyter displays a Report through ``Report._repr_mimebundle_``, with no argument a front end could pass;
so the front end sets this context once (``%load_ext`` does) and the views read it. The views themselves
never open a store, read settings or look for a shell. Without a context set (plain IPython, a script) a
report is shown without widgets and a widget built directly has no history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Store


def _nothing(*_: Any) -> None:
    return None


@dataclass(frozen=True)
class DisplayContext:
    kernel: Callable[[], Any] = _nothing  # the ipykernel kernel (its comms carry widgets), or None
    store: Callable[[], Store | None] = _nothing  # where triage history is kept, or None: no history
    baseline_setting: Callable[[Path], str | None] = _nothing  # a project root's configured baseline file


_current = DisplayContext()


def use_display_context(context: DisplayContext) -> None:
    """Make ``context`` the one every later display uses (the front end's, last set wins)."""
    global _current
    _current = context


def display_context() -> DisplayContext:
    return _current


__all__ = ["DisplayContext", "display_context", "use_display_context"]
