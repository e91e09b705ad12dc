"""The Claude engine through the real anthropic SDK against the fake Messages API on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from fake_anthropic import (
    FakeAnthropic,
    Fault,
    MidStreamError,
    Reply,
    Stall,
    refused_url,
    text,
    tool_use,
)

from bumba_magics.core.events import AgentEvents
from bumba_magics.engines.registry import merge_findings
from bumba_magics.findings import Category, Finding, Location, Severity
from bumba_magics.review import ReviewError, review

KEY = "sk-ant-test-not-a-real-key"
# one test pins an older model id on purpose (--model wins over the alias); the SDK warns it is deprecated
pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
SQL = "import sqlite3\n\n\ndef find(conn, name):\n    return conn.execute(\"SELECT * FROM u WHERE n = '%s'\" % name)\n"


@pytest.fixture
def fake():
    with FakeAnthropic(min_cache_tokens=200) as server:
        yield server


@pytest.fixture
def project(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db.py").write_text(SQL)
    (tmp_path / "app" / "views.py").write_text("from app.db import find\n\n\ndef show(c, n):\n    return find(c, n)\n")
    return tmp_path


def claude(fake, **more):
    return {"engine": "claude", "api_key": KEY, "base_url": fake.url, "max_retries": 0, **more}


class Recorder(AgentEvents):
    def __init__(self):
        self.events = []

    def on_offline(self, findings):
        self.events.append(("offline", len(findings)))

    def on_text(self, delta):
        self.events.append(("text", delta))

    def on_tool(self, name, arguments):
        self.events.append(("tool", name))

    def on_finding(self, finding):
        self.events.append(("finding", finding.rule))

    def on_end(self, result):
        self.events.append(("end", result.stop))


def finding_input(**more):
    data = {"rule": "CL001", "title": "The lookup has no authorisation check", "severity": "medium",
            "category": "security", "location": {"path": "app/views.py", "line": 4},
            "why": "any caller reads any user", "recommendation": "check the caller owns the record"}
    return {**data, **more}


def test_hybrid_review_streams_runs_tools_and_merges_findings(fake, project):
    fake.push(
        Reply([text("Reading the data layer first."), tool_use("read_file", {"path": "app/db.py"})]),
        Reply([tool_use("report_finding", finding_input()),
               tool_use("report_finding", finding_input(rule="BMB101", title="same SQL problem", severity="high",
                                                        location={"path": "app/db.py", "line": 5}))]),
        Reply([text("The SQL in app/db.py is injectable; the view lacks an ownership check.")]),
    )
    events = Recorder()
    report = review("scan", str(project), overrides=claude(fake), events=events)

    # the first request carried the offline findings and the file; later ones answered each tool call
    first = fake.messages_requests[0].body
    assert "BMB101" in first["messages"][0]["content"][0]["text"]
    assert any("conn.execute" in block["text"] for block in first["system"])
    second = fake.messages_requests[1].body["messages"][-1]["content"]
    assert second[0]["type"] == "tool_result" and "SELECT * FROM u" in second[0]["content"]
    # the stream reached the listener in order, in fragments
    kinds = [kind for kind, _ in events.events]
    assert kinds[0] == "offline" and kinds[-1] == "end"
    assert kinds.index("tool") < kinds.index("finding")
    assert sum(1 for kind, _ in events.events if kind == "text") > 2
    # merged: the agent's BMB101 confirms the offline one (no duplicate); its own finding joins
    by_rule = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    assert len(by_rule["BMB101"]) == 1 and by_rule["BMB101"][0].engine == "offline+claude"
    assert by_rule["CL001"][0].engine == "claude" and by_rule["CL001"][0].location.path == "app/views.py"
    assert report.narrative.startswith("Reading the data layer first.")
    assert report.run.engines == ["offline", "claude"] and report.run.model == "claude-sonnet-5"
    assert report.metrics["agent turns"] == 3 and report.metrics["agent tool calls"] == 3
    assert report.metrics["tokens out"] > 0 and report.metrics["estimated cost (USD)"] > 0


def test_requests_mark_cache_breakpoints_and_a_repeat_reads_the_cache(fake, project):
    review("scan", str(project), overrides=claude(fake))
    first = fake.messages_requests[0]
    body = first.body
    assert body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}  # the agent prompt
    assert body["system"][1]["cache_control"] == {"type": "ephemeral"}  # the context block
    assert "cache_control" not in body["system"][2]  # the lane's instructions vary by command
    assert first.usage["cache_creation_input_tokens"] > 0 and first.usage["cache_read_input_tokens"] == 0
    assert {t["name"] for t in body["tools"]} >= {"read_file", "report_finding", "list_cells", "git_log"}
    assert "web_search" not in {t["name"] for t in body["tools"]}  # research-technical only

    again = review("scan", str(project), overrides=claude(fake, refresh=True))
    repeat = fake.messages_requests[-1].usage
    assert repeat["cache_read_input_tokens"] > 0.8 * (repeat["cache_read_input_tokens"] + repeat["input_tokens"]
                                                      + repeat["cache_creation_input_tokens"])
    assert again.metrics["cache read share"] > 0.8
    # another command on the same target shares the tools, the agent prompt and the context
    review("analyze-technical", str(project), overrides=claude(fake, refresh=True))
    other = fake.messages_requests[-1].usage
    assert other["cache_read_input_tokens"] > other["input_tokens"] + other["cache_creation_input_tokens"]


def test_the_response_cache_replays_without_calling_the_api_unless_refresh(fake, project):
    fake.push(Reply([tool_use("report_finding", finding_input())]), Reply([text("One real problem.")]))
    first = review("scan", str(project), overrides=claude(fake))
    calls = len(fake.messages_requests)
    events = Recorder()
    replay = review("scan", str(project), overrides=claude(fake), events=events)
    assert len(fake.messages_requests) == calls  # no request at all
    assert replay.metrics["agent replayed from cache"] is True
    assert [f.rule for f in replay.findings] == [f.rule for f in first.findings]
    assert replay.narrative == first.narrative == "One real problem."
    assert ("finding", "CL001") in events.events and ("text", "One real problem.") in events.events
    # a changed file changes the context hash: the agent is asked again
    (project / "app" / "views.py").write_text("def show():\n    return 1\n")
    review("scan", str(project), overrides=claude(fake))
    assert len(fake.messages_requests) == calls + 1
    review("scan", str(project), overrides=claude(fake, refresh=True))
    assert len(fake.messages_requests) == calls + 2


def test_max_turns_stops_the_loop_cleanly(fake, project):
    fake.push(*[Reply([tool_use("list_files", {})]) for _ in range(5)])
    report = review("scan", str(project), overrides=claude(fake, max_turns=2))
    assert len(fake.messages_requests) == 2
    assert report.metrics["agent stop"] == "max_turns" and "agent error" not in report.metrics
    assert any("--max-turns 2" in note for note in report.notes)
    assert any(f.rule == "BMB101" for f in report.findings)


def test_max_cost_stops_before_the_budget_is_passed(fake, project):
    fake.push(*[Reply([tool_use("list_files", {})]) for _ in range(5)])
    report = review("scan", str(project), overrides=claude(fake, max_cost=0.0001))
    assert len(fake.messages_requests) == 1
    assert report.metrics["agent stop"] == "max_cost"
    assert any("--max-cost" in note for note in report.notes)


def test_max_cost_lets_a_cheap_run_finish(fake, project):
    report = review("scan", str(project), overrides=claude(fake, max_cost=5.0))
    assert report.metrics["agent stop"] == "end_turn"


@pytest.mark.parametrize("fault, message", [
    (Fault(401, "authentication_error", "invalid x-api-key"), "API key was refused (401"),
    (Fault(529, "overloaded_error", "Overloaded", {"retry-after-ms": "1"}), "overloaded (529)"),
    (Fault(429, "rate_limit_error", "slow down", {"retry-after-ms": "1"}), "rate limited (429)"),
    (Fault(400, "invalid_request_error", "prompt is too long"), "rejected the request (400): prompt is too long"),
    (MidStreamError("overloaded_error"), "broke off with an error event (overloaded_error)"),
])
def test_faults_end_with_a_clear_message_and_keep_the_offline_findings(fake, project, fault, message):
    fake.push(fault, fault, fault)
    report = review("scan", str(project), overrides=claude(fake, max_retries=2))
    assert message in report.metrics["agent error"]
    assert [f.analyzer for f in report.failures] == ["claude"] and message in report.failures[0].message()
    assert report.to_sarif()["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert [f.rule for f in report.findings if f.rule == "BMB101"] == ["BMB101"]
    # retried statuses were retried (three requests); the others were not
    expected = 3 if fault.__class__ is Fault and fault.status in (429, 529) else 1
    assert len(fake.messages_requests) == expected


@pytest.mark.parametrize("headers", [{"retry-after-ms": "1"}, {}])
def test_a_transient_429_is_retried_by_the_sdk_and_the_run_succeeds(fake, project, headers):
    fake.push(Fault(429, "rate_limit_error", "slow down", headers), Reply([text("Fine after a retry.")]))
    report = review("scan", str(project), overrides=claude(fake, max_retries=1))
    assert "agent error" not in report.metrics
    assert report.narrative == "Fine after a retry." and len(fake.messages_requests) == 2


@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_stalled_api_times_out_with_a_message(fake, project, where):
    fake.push(Stall(where))
    report = review("scan", str(project), overrides=claude(fake, request_timeout=0.3))
    assert "did not answer within the request timeout" in report.metrics["agent error"]
    assert any(f.rule == "BMB101" for f in report.findings)


def test_a_refused_connection_names_the_endpoint(project):
    url = refused_url()
    report = review("scan", str(project), overrides={"engine": "claude", "api_key": KEY, "base_url": url,
                                                      "max_retries": 0})
    assert f"cannot reach the API at {url}" in report.metrics["agent error"]
    assert any(f.rule == "BMB101" for f in report.findings)


def test_an_interrupt_cancels_the_agent_and_keeps_what_it_found(fake, project):
    class Interrupting(Recorder):
        def on_text(self, delta):
            if len([e for e in self.events if e[0] == "text"]) >= 2:
                raise KeyboardInterrupt
            super().on_text(delta)

    fake.push(Reply([tool_use("report_finding", finding_input())]),
              Reply([text("A long narrative that the user interrupts half way through. " * 4)]))
    report = review("scan", str(project), overrides=claude(fake), events=Interrupting())
    assert report.metrics["agent stop"] == "cancelled"
    assert "cancelled" in report.metrics["agent error"]
    assert {"BMB101", "CL001"} <= {f.rule for f in report.findings}
    # a cancelled run is not cached: the next run asks again
    review("scan", str(project), overrides=claude(fake))
    assert len(fake.messages_requests) == 3


def test_tool_errors_go_back_to_the_model_and_the_run_continues(fake, project):
    fake.push(
        Reply([tool_use("read_file", {"path": "../../etc/passwd"}), tool_use("read_file", {"path": ".env"}),
               tool_use("report_finding", {"rule": "X", "title": "bad", "severity": "urgent"}),
               tool_use("no_such_tool", {})]),
        Reply([text("Done.")]),
    )
    (project / ".env").write_text("TOKEN=abc\n")
    report = review("scan", str(project), overrides=claude(fake))
    results = fake.messages_requests[1].body["messages"][-1]["content"]
    assert all(result["is_error"] for result in results)
    assert "'..' is not allowed" in results[0]["content"]
    assert "credential file" in results[1]["content"]
    assert "finding not recorded" in results[2]["content"] and "severity" in results[2]["content"]
    assert "unknown or unavailable tool" in results[3]["content"]
    assert report.narrative == "Done." and "agent error" not in report.metrics


def test_engine_choice(fake, project, monkeypatch):
    with pytest.raises(ReviewError, match="needs an Anthropic API key"):
        review("scan", str(project), overrides={"engine": "claude"})
    offline = review("scan", str(project), overrides={"engine": "offline", "api_key": KEY, "base_url": fake.url})
    assert offline.run.engines == ["offline"] and not fake.requests
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
    auto = review("scan", str(project), overrides={"max_retries": 0})
    assert auto.run.engines == ["offline", "claude"] and fake.messages_requests
    assert fake.messages_requests[0].api_key == KEY


def test_auto_without_a_key_is_offline_and_says_once_how_to_enable(project, monkeypatch):
    import bumba_magics.review as module

    monkeypatch.setattr(module, "_ENABLE_NOTE_SHOWN", False)
    first = review("scan", str(project))
    second = review("scan", str(project))
    assert first.run.engines == ["offline"]
    assert any("ANTHROPIC_API_KEY" in note for note in first.notes)
    assert not any("ANTHROPIC_API_KEY" in note for note in second.notes)


def test_a_key_from_pyproject_env_indirection(fake, project, monkeypatch):
    (project / "pyproject.toml").write_text(
        f'[tool.bumba]\napi_key_env = "MY_TEAM_KEY"\nbase_url = "{fake.url}"\nmax_retries = 0\n')
    monkeypatch.setenv("MY_TEAM_KEY", KEY)
    report = review("scan", str(project))
    assert report.run.engines == ["offline", "claude"]
    assert fake.messages_requests[0].api_key == KEY


def test_model_alias_and_override(fake, project):
    review("scan", str(project), overrides=claude(fake, model="haiku"))
    assert fake.messages_requests[-1].body["model"] == "claude-haiku-4-5"
    report = review("scan", str(project), overrides=claude(fake, model="claude-opus-4-1", refresh=True))
    assert fake.messages_requests[-1].body["model"] == "claude-opus-4-1"
    assert report.run.model == "claude-opus-4-1"


def test_every_tool_result_answers_its_tool_use(fake, project):
    fake.push(Reply([tool_use("list_files", {}), tool_use("search_text", {"pattern": "execute"})]),
              Reply([text("ok")]))
    review("scan", str(project), overrides=claude(fake))
    assert all(r.status == 200 for r in fake.messages_requests)  # the fake answers 400 otherwise
    answers = fake.messages_requests[1].body["messages"][-1]["content"]
    assert "app/db.py:5:" in answers[1]["content"]
    assert answers[-1]["cache_control"] == {"type": "ephemeral"}  # the moving breakpoint


def test_fake_rejects_an_unanswered_tool_use(fake):
    import anthropic

    client = anthropic.Anthropic(api_key=KEY, base_url=fake.url, max_retries=0)
    messages = [{"role": "user", "content": "hi"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "x", "input": {}}]},
                {"role": "user", "content": [{"type": "text", "text": "no result"}]}]
    with pytest.raises(anthropic.BadRequestError, match="tool_result"):
        client.messages.create(model="m", max_tokens=10, messages=messages)


def _finding(rule, path, line, category=Category.security, engine="offline"):
    return Finding(rule=rule, title=f"{rule} here", severity=Severity.high, category=category,
                   location=Location(path=path, line=line), engine=engine)


def test_merge_keeps_one_finding_per_place_and_problem():
    offline = [_finding("BMB101", "a.py", 3), _finding("BMB106", "a.py", 9)]
    agent = [
        _finding("BMB101", "a.py", 3, engine="claude"),  # same rule, same place: confirmation
        _finding("CL9", "a.py", 9, engine="claude"),  # same category, same line: the same problem
        _finding("CL9", "a.py", 9, category=Category.performance, engine="claude"),  # another problem there
        _finding("CL1", "b.py", 1, engine="claude"),  # elsewhere
        _finding("CL1", "b.py", 1, engine="claude"),  # said twice
    ]
    merged = merge_findings(offline, agent, "claude")
    assert [(f.rule, f.location.path, f.location.line, f.engine) for f in merged] == [
        ("BMB101", "a.py", 3, "offline+claude"),
        ("BMB106", "a.py", 9, "offline+claude"),
        ("CL9", "a.py", 9, "claude"),
        ("CL1", "b.py", 1, "claude"),
    ]


def test_report_json_carries_the_agent_numbers(fake, project):
    report = review("scan", str(project), overrides=claude(fake))
    data = json.loads(report.to_json())
    assert data["run"]["model"] == "claude-sonnet-5"
    assert data["metrics"]["agent turns"] == 1


FLASK_SHELL = ('from flask import Flask, request\nimport os\n\napp = Flask(__name__)\n\n\n@app.route("/ping")\n'
               'def ping():\n    host = request.args.get("host", "")\n    return str(os.system("ping -c 1 " + host))\n')


def test_the_agent_is_handed_each_dataflow_path_step_by_step(fake, tmp_path):
    (tmp_path / "app.py").write_text(FLASK_SHELL)
    fake.push(Reply([text("The host reaches the shell unchanged.")]))
    report = review("scan", str(tmp_path), overrides=claude(fake))
    flow = next(f for f in report.findings if f.flow)
    first = fake.messages_requests[0].body["messages"][0]["content"][0]["text"]
    offline = [json.loads(line) for line in first.splitlines() if line.startswith("{")]
    sent = next(entry for entry in offline if entry.get("path"))
    assert sent["rule"] == flow.rule
    assert sent["path"][0] == "app.py:9: request.args.get('host', '') (source)"
    assert sent["path"][-1].startswith("app.py:10: os.system(") and sent["path"][-1].endswith("(sink)")
    assert "check the steps" in first
