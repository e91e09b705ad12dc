"""The agent loop: stream a turn, run the tools it asks for, answer, repeat until the model stops or a budget
is spent; replay from the response cache when the same request was answered before; merge the agent's
findings with the offline ones."""

from __future__ import annotations

from typing import Any

from ...agents import AgentSpec
from ...context.source import Context
from ...core.events import AgentEvents, AgentResult
from ...core.findings import Finding
from ..credentials import KEY_HELP, api_key_from
from .client import AgentUnavailable, describe_error, get_client
from .prompt import PreparedRun, mark_last, mark_tools, prepare


def _block_dict(block: Any) -> dict:
    data = block.model_dump(mode="json", exclude_none=True)
    data.pop("parsed_output", None)
    return data


class AgentLoop:
    """Stream turns until the model stops or a budget is spent; tools answered between turns."""

    def __init__(self, prepared: PreparedRun, client: Any, *, max_turns: int = 12, max_cost: float | None = None,
                 max_tokens: int = 8192, events: AgentEvents | None = None) -> None:
        self.prepared = prepared
        self.client = client
        self.max_turns = max_turns
        self.max_cost = max_cost
        self.max_tokens = max_tokens
        self.events = events or AgentEvents()
        self.tool_defs = mark_tools(prepared.tools.definitions())

    def run(self) -> AgentResult:
        prepared, events = self.prepared, self.events
        result = AgentResult(model=prepared.model, notes=list(prepared.notes))
        prepared.tools.on_finding = events.on_finding
        messages: list[dict] = [{"role": "user", "content": list(prepared.first_message)}]
        texts: list[str] = []
        last_turn_cost = 0.0
        try:
            while True:
                if result.turns >= self.max_turns:
                    result.stop = "max_turns"
                    result.notes.append(f"the agent stopped after {result.turns} turns (--max-turns "
                                        f"{self.max_turns}); its findings so far are kept")
                    break
                if self.max_cost is not None and result.turns and result.cost + last_turn_cost > self.max_cost:
                    result.stop = "max_cost"
                    result.notes.append(f"the agent stopped after {result.turns} turns: another turn would "
                                        f"likely pass --max-cost ${self.max_cost:.2f} (spent ${result.cost:.4f})")
                    break
                message = self._turn(messages)
                result.turns += 1
                before = result.cost
                result.usage.add(message.usage)
                result.cost = result.usage.cost(prepared.prices)
                last_turn_cost = result.cost - before
                content = [_block_dict(b) for b in message.content]
                messages.append({"role": "assistant", "content": content})
                turn_text = "".join(b.text for b in message.content if b.type == "text")
                if turn_text.strip():
                    texts.append(turn_text.strip())
                for block in message.content:
                    for cited in getattr(block, "citations", None) or []:
                        entry = {"url": getattr(cited, "url", None), "title": getattr(cited, "title", None)}
                        if entry["url"] and entry not in result.citations:
                            result.citations.append(entry)
                if message.stop_reason == "pause_turn":
                    continue  # a long server-side tool: send the turn back as it is and the API goes on
                calls = [b for b in message.content if b.type == "tool_use"]
                if message.stop_reason == "max_tokens":
                    result.stop = "max_tokens"
                    result.notes.append("the agent's reply hit the output token limit and was cut")
                    break
                if message.stop_reason != "tool_use" or not calls:
                    result.stop = "end_turn"
                    break
                answers = []
                for call in calls:
                    arguments = call.input if isinstance(call.input, dict) else {}
                    events.on_tool(call.name, arguments)
                    output, is_error = prepared.tools.call(call.name, arguments)
                    answers.append({"type": "tool_result", "tool_use_id": call.id, "content": output,
                                    **({"is_error": True} if is_error else {})})
                messages.append({"role": "user", "content": answers})
                if self.max_cost is not None and result.cost >= self.max_cost:
                    result.stop = "max_cost"
                    result.notes.append(f"the agent stopped after {result.turns} turns: --max-cost "
                                        f"${self.max_cost:.2f} reached (spent ${result.cost:.4f})")
                    break
        except KeyboardInterrupt as error:
            result.stop, result.error = "cancelled", describe_error(error)
        except Exception as error:  # noqa: BLE001 — every API / network failure ends the run with a message
            result.stop, result.error = "error", describe_error(error, str(getattr(self.client, "base_url", "")))
        result.narrative = "\n\n".join(texts)
        result.findings = list(prepared.tools.findings)
        result.files_read = list(prepared.tools.files_read)
        result.code = list(prepared.tools.code)
        result.tool_calls = prepared.tools.calls
        result.redactions = prepared.redactor.count
        events.on_end(result)
        return result

    def _turn(self, messages: list[dict]) -> Any:
        # the latest user turn carries the moving cache mark: the next turn reads this one's prefix
        marked = [*messages[:-1], {**messages[-1], "content": mark_last(messages[-1]["content"])}]
        body = self.prepared.redactor.payload({"system": self.prepared.system, "messages": marked})
        kwargs: dict[str, Any] = {"model": self.prepared.model, "max_tokens": self.max_tokens,
                                  "system": body["system"], "messages": body["messages"]}
        if self.tool_defs:
            kwargs["tools"] = self.prepared.redactor.payload(self.tool_defs)
        with self.client.messages.stream(**kwargs) as stream:
            for event in stream:
                if event.type == "text":
                    self.events.on_text(event.text)
            message = stream.get_final_message()
        return message


def run_agent(
    *,
    command: str,
    context: Context | None,
    agent: AgentSpec,
    settings: Any,
    offline_findings: list[Finding] | None = None,
    task: str | None = None,
    instructions: str = "",
    extra_context: str = "",
    shell: Any = None,
    store: Any = None,
    events: AgentEvents | None = None,
    target: str = "",
    api_key: str | None = None,
) -> AgentResult:
    """Prepare, replay from the response cache when possible, else run the loop and keep the result."""
    key = api_key or api_key_from(settings)
    if not key:
        raise AgentUnavailable(f"the Claude engine needs an Anthropic API key: {KEY_HELP}")
    events = events or AgentEvents()
    prepared = prepare(command=command, context=context, agent=agent, settings=settings,
                       offline_findings=offline_findings, task=task, instructions=instructions,
                       extra_context=extra_context, shell=shell,
                       store=store, target=target)
    prepared.redactor.add(key)
    events.on_offline(list(offline_findings or ()))
    if store is not None and not getattr(settings, "refresh", False):
        cached = store.response_get(prepared.cache_key)
        if cached is not None:
            result = AgentResult.from_payload(cached)
            result.replayed = True
            result.notes.append("the agent's answer was replayed from the response cache (--refresh asks again)")
            if result.narrative:
                events.on_text(result.narrative)
            for finding in result.findings:
                events.on_finding(finding)
            events.on_end(result)
            return result
    client = get_client(key, getattr(settings, "base_url", None), timeout=getattr(settings, "request_timeout", 120.0),
                        max_retries=getattr(settings, "max_retries", 2))
    loop = AgentLoop(prepared, client, max_turns=getattr(settings, "max_turns", 12),
                     max_cost=getattr(settings, "max_cost", None),
                     max_tokens=getattr(settings, "max_output_tokens", 8192), events=events)
    result = loop.run()
    if store is not None and result.error is None:
        try:
            store.response_put(prepared.cache_key, result.to_payload())
        except Exception as error:  # noqa: BLE001 — the cache is a saving, the answer is still good
            result.notes.append(f"the agent's answer could not be cached: {error}")
    return result
