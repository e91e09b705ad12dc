"""bumba_magics: a backend engineer that lives in the notebook.

``%load_ext bumba_magics`` registers ``%bumba`` / ``%%bumba``.

This module is also where the layers meet: it installs the loader of the built-in output formats into the
core's registry (the core cannot import the views that render it).
"""

from .core import __version__
from .core.formats import add_loader


def _load_builtin_formats() -> None:
    from .views import formats  # noqa: F401 — importing it registers markdown, html, text, sarif, …


add_loader(_load_builtin_formats)


def load_ipython_extension(ipython):
    from .magics import BumbaMagics

    ipython.register_magics(BumbaMagics(shell=ipython))


def unload_ipython_extension(ipython):  # IPython keeps no handle we need to drop
    pass


__all__ = ["__version__", "load_ipython_extension", "unload_ipython_extension"]
