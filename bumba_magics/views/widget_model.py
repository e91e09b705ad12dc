"""The findings widget's model, where it was imported from before the widget became a package
(``views/widget/model.py``)."""

from .widget.model import (
    EXPORT_FORMATS,
    PAGE_SIZES,
    SORTS,
    STATUSES,
    ActionError,
    ActionResult,
    Filters,
    FindingsModel,
    Triage,
    findings_csv,
    place_key,
    place_label,
)

__all__ = [
    "EXPORT_FORMATS",
    "PAGE_SIZES",
    "SORTS",
    "STATUSES",
    "ActionError",
    "ActionResult",
    "Filters",
    "FindingsModel",
    "Triage",
    "findings_csv",
    "place_key",
    "place_label",
]
