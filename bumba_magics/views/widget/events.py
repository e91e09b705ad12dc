"""The agent engine's events drawn into a findings view: the engine calls the methods of an events object,
duck-typed (engines import no view), and this one forwards them to the view's live-update methods."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.findings import Finding

if TYPE_CHECKING:
    from .view import FindingsView


class ViewEvents:
    """The agent engine's events, drawn into a :class:`FindingsView` (duck-typed: engines import no view)."""

    def __init__(self, view: FindingsView) -> None:
        self.view = view

    def on_offline(self, findings: list[Finding]) -> None:
        self.view.add_findings(findings)

    def on_text(self, delta: str) -> None:
        self.view.append_narrative(delta)

    def on_tool(self, name: str, arguments: dict) -> None:
        detail = arguments.get("path") or arguments.get("cell") or arguments.get("pattern")
        self.view.set_activity(f"using {name}" + (f" ({detail})" if detail is not None else "") + "…")

    def on_finding(self, finding: Finding) -> None:
        self.view.add_findings([finding])

    def on_end(self, result: Any) -> None:
        self.view.set_activity("")
        self.view.flush_narrative()
