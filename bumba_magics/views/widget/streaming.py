"""A findings view that fills in while the agent reviews, and leaves one line of usage when it is done."""

from __future__ import annotations

import html
from typing import Any

from IPython.display import display

from ...core.findings import Finding
from ..agent_stream import usage_line
from .events import ViewEvents
from .view import FindingsView


class StreamingView(ViewEvents):
    """The agent's events drawn into a findings view while the review runs.

    The view appears with the first event (an offline-only review shows nothing here) and is cleared by
    :meth:`close` once the review returns: the returned report then draws the finished view, so one view
    stays, with the fingerprints, comparison and usage the streamed state could not know.
    """

    def __init__(self, run: Any) -> None:
        self._run = run
        self.view: FindingsView | None = None  # type: ignore[assignment]
        self.handle = None
        self.usage = ""  # model, turns, tokens, cost: left in place of the streamed view

    def _shown(self) -> FindingsView:
        if self.view is None:
            self.view = FindingsView.live(self._run)
            self.handle = display(self.view, display_id=True)
        return self.view

    def on_offline(self, findings: list[Finding]) -> None:
        self._shown()
        super().on_offline(findings)

    def on_text(self, delta: str) -> None:
        self._shown()
        super().on_text(delta)

    def on_tool(self, name: str, arguments: dict) -> None:
        self._shown()
        super().on_tool(name, arguments)

    def on_finding(self, finding: Finding) -> None:
        self._shown()
        super().on_finding(finding)

    def on_end(self, result: Any) -> None:
        if self.view is not None:
            super().on_end(result)
        if result is not None:
            self.usage = usage_line(result)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.update({"text/plain": self.usage, "text/html": f"<div class='bumba-usage'>"
                                f"{html.escape(self.usage)}</div>"}, raw=True)
        if self.view is not None:
            self.view.close()
