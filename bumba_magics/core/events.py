"""What the agent reports while it works and when it ends: the listener a front end implements, the result
and its usage. In the core so that views can show an agent's run without importing the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .findings import Finding

WEB_SEARCH_USD = 0.01  # per search ($10 per 1,000)


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read: int = 0
    cache_write: int = 0
    web_searches: int = 0

    def add(self, usage: Any) -> None:
        self.input_tokens += getattr(usage, "input_tokens", 0) or 0
        self.output_tokens += getattr(usage, "output_tokens", 0) or 0
        self.cache_read += getattr(usage, "cache_read_input_tokens", 0) or 0
        self.cache_write += getattr(usage, "cache_creation_input_tokens", 0) or 0
        server = getattr(usage, "server_tool_use", None)
        self.web_searches += getattr(server, "web_search_requests", 0) or 0

    @property
    def total_input(self) -> int:
        return self.input_tokens + self.cache_read + self.cache_write

    @property
    def cache_share(self) -> float:
        return self.cache_read / self.total_input if self.total_input else 0.0

    def cost(self, prices: dict[str, float]) -> float:
        return (self.input_tokens * prices["input"] + self.output_tokens * prices["output"]
                + self.cache_write * prices["cache_write"] + self.cache_read * prices["cache_read"]) / 1e6 \
            + self.web_searches * WEB_SEARCH_USD


@dataclass
class AgentResult:
    model: str
    narrative: str = ""
    findings: list[Finding] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    cost: float = 0.0
    turns: int = 0
    stop: str = "end_turn"  # end_turn | max_turns | max_cost | max_tokens | error | cancelled
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    files_read: list[str] = field(default_factory=list)
    code: list[tuple[str, str]] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    tool_calls: int = 0
    replayed: bool = False
    redactions: int = 0

    def metrics(self) -> dict[str, Any]:
        """Flat numbers for report.metrics (every view renders them as a table)."""
        metrics = {
            "agent model": self.model,
            "agent turns": self.turns,
            "agent stop": self.stop,
            "tokens in": self.usage.input_tokens,
            "tokens out": self.usage.output_tokens,
            "tokens cache read": self.usage.cache_read,
            "tokens cache write": self.usage.cache_write,
            "cache read share": round(self.usage.cache_share, 3),
            "estimated cost (USD)": round(self.cost, 4),
            "agent tool calls": self.tool_calls,
            "secrets redacted": self.redactions,
        }
        if self.usage.web_searches:
            metrics["web searches"] = self.usage.web_searches
        if self.replayed:
            metrics["agent replayed from cache"] = True
        if self.error:
            metrics["agent error"] = self.error
        return metrics

    def to_payload(self) -> dict:
        return {
            "model": self.model, "narrative": self.narrative,
            "findings": [f.model_dump(mode="json", exclude_none=True) for f in self.findings],
            "usage": self.usage.__dict__, "cost": self.cost, "turns": self.turns, "stop": self.stop,
            "notes": self.notes, "files_read": self.files_read, "code": self.code, "citations": self.citations,
            "tool_calls": self.tool_calls,
        }

    @classmethod
    def from_payload(cls, data: dict) -> AgentResult:
        return cls(
            model=data["model"], narrative=data.get("narrative", ""),
            findings=[Finding.model_validate(f) for f in data.get("findings", [])],
            usage=Usage(**data.get("usage", {})), cost=data.get("cost", 0.0), turns=data.get("turns", 0),
            stop=data.get("stop", "end_turn"), notes=list(data.get("notes", [])),
            files_read=list(data.get("files_read", [])), code=[tuple(c) for c in data.get("code", [])],
            citations=list(data.get("citations", [])), tool_calls=data.get("tool_calls", 0),
        )


class AgentEvents:
    """What a front end hears while the agent works. Every method is optional; the default does nothing."""

    def on_offline(self, findings: list[Finding]) -> None: ...

    def on_text(self, delta: str) -> None: ...

    def on_tool(self, name: str, arguments: dict) -> None: ...

    def on_finding(self, finding: Finding) -> None: ...

    def on_end(self, result: AgentResult) -> None: ...
