"""What does our agent loop cost on top of the SDK, and how much of a repeated command is read from cache?

Against the fake Messages API of the test suite (real HTTP and SSE on 127.0.0.1, a prompt cache emulated the
way the API counts it), on the bundled sample service:

  1. per turn: our loop (redaction of the request, cache marks, event dispatch, usage and cost, tool
     answers) against a bare ``client.messages.stream`` of the same request and the same reply;
  2. cache: the share of input tokens read from the prompt cache when a command is run again
     (``--refresh``, so the response cache does not answer instead), and when another command follows.

    python benchmarks/agent_overhead.py [--turns 200]

Targets: under 5 ms added per turn; over 80 % of input tokens read from cache on a repeated command.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from fake_anthropic import FakeAnthropic, Reply, text, tool_use

from bumba_magics.agents import resolve_agent
from bumba_magics.context.files import collect
from bumba_magics.engines.claude.client import get_client
from bumba_magics.engines.claude.loop import AgentLoop
from bumba_magics.engines.claude.prompt import prepare
from bumba_magics.engines.offline import run_offline
from bumba_magics.review import review
from bumba_magics.settings import Settings

KEY = "sk-ant-benchmark-0000000000000000000000000000000000000000"
SAMPLE = HERE.parent / "notebooks" / "sample_service"
REPLY = "The offline findings hold; the SQL in db.py is the one to fix first. " * 6


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.2f} ms, p90 {sorted(samples)[int(len(samples) * 0.9)] * 1000:.2f} ms"


def per_turn(fake: FakeAnthropic, turns: int) -> None:
    context = collect(str(SAMPLE))
    findings = run_offline(context, ("ruff", "security", "secrets"), Settings().analyzer_config()).findings
    agent = resolve_agent(None)
    settings = Settings(api_key=KEY, base_url=fake.url)
    started = time.perf_counter()
    prepared = prepare(command="scan", context=context, agent=agent, settings=settings, offline_findings=findings)
    prepare_s = time.perf_counter() - started
    client = get_client(KEY, fake.url, max_retries=0)
    request = prepared.request()
    fake.default = Reply([text(REPLY)])

    def bare() -> None:
        with client.messages.stream(model=prepared.model, max_tokens=8192, system=request["system"],
                                    tools=request["tools"], messages=request["messages"]) as stream:
            for _event in stream:
                pass
            stream.get_final_message()

    def ours() -> None:
        AgentLoop(prepared, client, max_turns=1).run()

    for warm in (bare, ours, bare, ours):
        warm()
    bare_s, ours_s = [], []
    for _ in range(turns):  # interleaved, so drift in the machine hits both alike
        t0 = time.perf_counter()
        bare()
        t1 = time.perf_counter()
        ours()
        t2 = time.perf_counter()
        bare_s.append(t1 - t0)
        ours_s.append(t2 - t1)
    added = statistics.median(ours_s) - statistics.median(bare_s)

    # a tool turn: the model asks for a file, we read, redact and answer; the bare loop answers with the
    # same text it has in hand, so the difference is our tool handling plus the loop
    answer = prepared.tools.call("read_file", {"path": "db.py"})[0]
    script = [Reply([tool_use("read_file", {"path": "db.py"})]), Reply([text("done")])]

    def bare_tool_loop() -> None:
        messages = list(request["messages"])
        for _ in range(2):
            with client.messages.stream(model=prepared.model, max_tokens=8192, system=request["system"],
                                        tools=request["tools"], messages=messages) as stream:
                message = stream.get_final_message()
            calls = [b for b in message.content if b.type == "tool_use"]
            if not calls:
                break
            messages = [*messages, {"role": "assistant", "content": [b.model_dump(exclude_none=True)
                                                                     for b in message.content]},
                        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": calls[0].id,
                                                      "content": answer}]}]

    tool_bare, tool_ours = [], []
    for _ in range(max(20, turns // 4)):
        fake.push(*script)
        t0 = time.perf_counter()
        bare_tool_loop()
        t1 = time.perf_counter()
        fake.push(*script)
        AgentLoop(prepared, client, max_turns=4).run()
        t2 = time.perf_counter()
        tool_bare.append(t1 - t0)
        tool_ours.append(t2 - t1)
    tool_added = (statistics.median(tool_ours) - statistics.median(tool_bare)) / 2

    tokens = prepared.size()["total tokens (estimated)"]
    print(f"first request: ~{tokens:,} tokens (sample service, {len(context.sources)} files); "
          f"prepared (redacted, context chosen) once per run in {prepare_s * 1000:.1f} ms")
    print(f"bare SDK stream, one reply:      {_ms(bare_s)}")
    print(f"our loop, one reply:             {_ms(ours_s)}")
    print(f"added per turn:                  {added * 1000:.2f} ms  (target < 5 ms)")
    print(f"two-turn tool loop, bare:        {_ms(tool_bare)}")
    print(f"two-turn tool loop, ours:        {_ms(tool_ours)}")
    print(f"added per turn with a tool call: {tool_added * 1000:.2f} ms  (target < 5 ms)")


def cache_share(fake: FakeAnthropic) -> None:
    fake.default = Reply([text(REPLY)])
    overrides = {"engine": "claude", "api_key": KEY, "base_url": fake.url, "max_retries": 0, "refresh": True}
    first = review("scan", str(SAMPLE), overrides=overrides)
    again = review("scan", str(SAMPLE), overrides=overrides)
    other = review("secure", str(SAMPLE), overrides=overrides)
    for label, report in (("first scan", first), ("the same scan again", again), ("then secure", other)):
        metrics = report.metrics
        total = metrics["tokens in"] + metrics["tokens cache read"] + metrics["tokens cache write"]
        print(f"{label:<22} input {total:>7,} tokens, read from cache {metrics['tokens cache read']:>7,} "
              f"({metrics['cache read share']:.0%}), est. ${metrics['estimated cost (USD)']:.4f}")
    print(f"cache-read share on a repeated command: {again.metrics['cache read share']:.0%}  (target > 80%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith("ANTHROPIC_")]:
        del os.environ[name]  # never a real endpoint or key
    with tempfile.TemporaryDirectory() as store:
        os.environ["BUMBA_STORE"] = str(Path(store) / "bench.sqlite")
        with FakeAnthropic() as fake:  # the API's own minimum: 1,024 tokens before a prefix is cached
            per_turn(fake, args.turns)
            print()
            cache_share(fake)


if __name__ == "__main__":
    main()
