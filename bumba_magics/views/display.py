"""How Jupyter shows a Report (``Report._repr_mimebundle_``): the static representations, plus the live
findings widget where a kernel can render it, built with what the front end put in the display context."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .display_context import display_context
from .frontend import widgets_available
from .mimebundle import static_mimebundle

if TYPE_CHECKING:
    from ..core.report import Report


def report_mimebundle(report: Report, *, interactive: bool | None = None) -> dict:
    """Every representation Jupyter may pick from.

    In a kernel with ipywidgets (``interactive=None`` detects it) the same bundle also carries the
    interactive view; the static parts stay, so papermill, nbconvert and GitHub show the findings without
    a kernel.
    """
    bundle = static_mimebundle(report)
    if interactive is None:
        interactive = widgets_available()
    if interactive:
        # ipywidgets is optional and slow to import: loaded only when a widget is shown
        from .widget.view import widget_bundle

        context = display_context()
        root = Path(report.run.root or ".").resolve()
        bundle.update(widget_bundle(report, store=context.store(), configured_baseline=context.baseline_setting(root)))
    return bundle


__all__ = ["report_mimebundle"]
