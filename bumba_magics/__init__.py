"""bumba_magics: a backend engineer that lives in the notebook.

``%load_ext bumba_magics`` registers ``%bumba`` / ``%%bumba``.

This module is also where the layers meet: it installs the loader of the built-in output formats into the
core's registry (the core cannot import the views that render it), and the views' display context for a
kernel where ``%load_ext`` has not run: a report shown there gets the widget, without history.
"""

from .core import __version__
from .core.formats import add_loader
from .views.display_context import DisplayContext, use_display_context


def _load_builtin_formats() -> None:
    from .views import formats  # noqa: F401 — importing it registers markdown, html, text, sarif, …


def _running_kernel():
    """The ipykernel kernel this code runs in, or None (a terminal IPython, a plain InteractiveShell, a script)."""
    try:
        from IPython import get_ipython  # IPython is only there when a notebook or a shell runs us
    except ImportError:
        return None
    shell = get_ipython()
    return getattr(shell, "kernel", None) if shell is not None else None


add_loader(_load_builtin_formats)
use_display_context(DisplayContext(kernel=_running_kernel))


def load_ipython_extension(ipython):
    from .magics import BumbaMagics

    ipython.register_magics(BumbaMagics(shell=ipython))


def unload_ipython_extension(ipython):  # IPython keeps no handle we need to drop
    pass


__all__ = ["__version__", "load_ipython_extension", "unload_ipython_extension"]
