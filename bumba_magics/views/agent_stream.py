"""The agent's work as it happens, in one notebook output updated in place.

First the offline findings, then the narrative as it streams, the tool the agent is using, and the
findings it reports as they arrive. When the run ends the live output shrinks to one line — model, turns,
tokens in / out / cached, estimated cost — because the report shown next holds everything else.
Updates are throttled: a front end redraws at most every 0.1 s however fast the tokens come.
"""

from __future__ import annotations

import html
import time
from typing import Any

from ..core.events import AgentEvents, AgentResult
from ..core.findings import Finding

INTERVAL_S = 0.1
MAX_OFFLINE_SHOWN = 10


def usage_line(result: AgentResult) -> str:
    usage = result.usage
    line = (f"{result.model} · {result.turns} turn{'s' if result.turns != 1 else ''} · tokens in "
            f"{usage.input_tokens:,} / out {usage.output_tokens:,} / cached {usage.cache_read:,} · "
            f"est. ${result.cost:.4f}")
    if result.replayed:
        line += " · replayed from cache (no API call)"
    if result.error:
        line += f" · stopped: {result.error}"
    return line


class AgentStream(AgentEvents):
    """An IPython display handle that shows the agent's progress; ``display`` is IPython's display()."""

    def __init__(self, display: Any) -> None:
        self._display = display
        self.handle = None
        self.offline: list[Finding] = []
        self.narrative: list[str] = []
        self.reported: list[Finding] = []
        self.status = "Claude is reading the context…"
        self._last = 0.0

    # events -------------------------------------------------------------------------------------------------
    def on_offline(self, findings: list[Finding]) -> None:
        self.offline = list(findings)
        self._show(force=True)

    def on_text(self, delta: str) -> None:
        self.narrative.append(delta)
        self._show()

    def on_tool(self, name: str, arguments: dict) -> None:
        detail = arguments.get("path") or arguments.get("cell") or arguments.get("name") or arguments.get("pattern")
        self.status = f"Claude is using {name}" + (f" ({detail})" if detail is not None else "") + "…"
        self._show()

    def on_finding(self, finding: Finding) -> None:
        self.reported.append(finding)
        self._show(force=True)

    def on_end(self, result: AgentResult) -> None:
        line = usage_line(result)
        self._update({"text/plain": line, "text/html": f"<div class='bumba-usage'>{html.escape(line)}</div>"})

    # drawing ------------------------------------------------------------------------------------------------
    def bundle(self) -> dict[str, str]:
        lines = [f"Offline engine: {len(self.offline)} finding(s)"]
        lines += [f"  {f.severity.value:<8} {f.location.label()}: {f.title}" for f in self.offline[:MAX_OFFLINE_SHOWN]]
        if len(self.offline) > MAX_OFFLINE_SHOWN:
            lines.append(f"  … {len(self.offline) - MAX_OFFLINE_SHOWN} more in the report")
        narrative = "".join(self.narrative)
        if narrative:
            lines += ["", narrative]
        if self.reported:
            lines += ["", f"Reported by Claude: {len(self.reported)}"]
            lines += [f"  {f.severity.value:<8} {f.location.label()}: {f.title}" for f in self.reported]
        lines += ["", self.status]
        text = "\n".join(lines)
        return {"text/plain": text,
                "text/html": f"<pre class='bumba-agent-stream' style='white-space:pre-wrap'>{html.escape(text)}</pre>"}

    def _show(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < INTERVAL_S:
            return
        self._last = now
        self._update(self.bundle())

    def _update(self, bundle: dict[str, str]) -> None:
        if self.handle is None:
            self.handle = self._display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)
