"""Keep saved notebooks readable without a kernel.

A live findings view is an ipywidget; its output also carries the static findings (HTML, Markdown, the
findings JSON our renderer draws). JupyterLab does not save widget state by default, and when a notebook is
reopened its widget renderer wins over the static representations and shows "model not found". Before a
notebook is saved, drop the widget view from our outputs whose widget model is not in the saved state, so
the static findings are what the reopened notebook shows. The live view in the browser is not touched.
"""

from __future__ import annotations

from typing import Any

from ..views.mimebundle import FINDINGS_MIME

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"


def saved_widget_models(notebook: dict) -> set[str]:
    state = ((notebook.get("metadata") or {}).get("widgets") or {}).get(WIDGET_STATE_MIME) or {}
    return set((state.get("state") or {}).keys())


def drop_orphan_widget_views(notebook: dict) -> int:
    """Remove widget views whose model state is not saved from outputs that carry our findings; returns
    how many were removed."""
    kept_models = saved_widget_models(notebook)
    removed = 0
    for cell in notebook.get("cells") or []:
        for output in cell.get("outputs") or []:
            data = output.get("data") or {}
            view = data.get(WIDGET_VIEW_MIME)
            if FINDINGS_MIME in data and isinstance(view, dict) and view.get("model_id") not in kept_models:
                del data[WIDGET_VIEW_MIME]
                removed += 1
    return removed


def pre_save_hook(model: dict[str, Any], path: str, contents_manager: Any = None, **kwargs: Any) -> None:
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        drop_orphan_widget_views(model["content"])
