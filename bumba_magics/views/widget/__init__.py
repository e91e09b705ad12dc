"""The interactive findings widget: browse, filter, jump to, fix and triage the findings of a report.

- ``model``      what the widget shows and does, in plain Python: filters, paging, triage, suppressions, exports
- ``markup``     the HTML it draws, every string from the reviewed code escaped
- ``view``       ``FindingsView``, the ipywidgets view; ``actions``: what the buttons under a finding do
- ``events``, ``streaming``   the agent's events drawn into a view while a review runs
- ``progress``   the progress bar of long reviews

ipywidgets is optional and slow to import, so a module here is loaded when one of its names is first
asked for: ``from bumba_magics.views.widget import FindingsView`` works as it always did, and importing
the model alone needs no ipywidgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .events import ViewEvents
    from .markup import detail_html, header_html, highlight, summary_html
    from .progress import ProgressView
    from .streaming import StreamingView
    from .view import WIDGET_MIME, FindingsView, widget_bundle


def __getattr__(name: str) -> Any:
    if name in ("WIDGET_MIME", "FindingsView", "widget_bundle"):
        from . import view as module
    elif name in ("detail_html", "header_html", "highlight", "summary_html"):
        from . import markup as module
    elif name == "StreamingView":
        from . import streaming as module
    elif name == "ViewEvents":
        from . import events as module
    elif name == "ProgressView":
        from . import progress as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(module, name)


__all__ = [
    "WIDGET_MIME",
    "FindingsView",
    "ProgressView",
    "StreamingView",
    "ViewEvents",
    "detail_html",
    "header_html",
    "highlight",
    "summary_html",
    "widget_bundle",
]
