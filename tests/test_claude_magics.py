"""The Claude engine from the notebook: %bumba with a key, the live stream, implement, research-technical,
context, and the failures a user sees — in a real IPython shell against the fake Messages API."""

from __future__ import annotations

import json

import pytest
from fake_anthropic import FakeAnthropic, Fault, Reply, citation, text, tool_use, web_search
from IPython.core.error import UsageError

from bumba_magics.core.events import AgentResult, Usage
from bumba_magics.findings import Category, Finding, Location, Severity
from bumba_magics.review import AgentFailed
from bumba_magics.views.agent_stream import AgentStream

pytestmark = pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
KEY = "sk-ant-test-magics-000000000000000000000000000000000000"


@pytest.fixture
def fake():
    with FakeAnthropic(min_cache_tokens=200) as server:
        yield server


@pytest.fixture
def keyed(ip, fake):
    ip.run_line_magic("config", f"BumbaMagics.api_key = '{KEY}'")
    ip.run_line_magic("config", f"BumbaMagics.base_url = '{fake.url}'")
    return ip


@pytest.fixture
def pkg(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "db.py").write_text(
        "def find(conn, name):\n    return conn.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n")
    return tmp_path / "pkg"


class Handle:
    def __init__(self, log):
        self.log = log

    def update(self, bundle, raw=False):
        self.log.append(bundle)


def test_the_stream_shows_offline_findings_then_narrative_and_findings_then_one_line():
    shown = []

    def display(bundle, raw=False, display_id=False):
        shown.append(bundle)
        return Handle(shown)

    stream = AgentStream(display)
    offline = Finding(rule="BMB101", title="SQL <built> with %", severity=Severity.high, category=Category.security,
                      location=Location(path="db.py", line=2))
    stream.on_offline([offline])
    assert "Offline engine: 1 finding(s)" in shown[-1]["text/plain"]
    assert "SQL &lt;built&gt;" in shown[-1]["text/html"]  # escaped
    for word in ("The ", "query ", "is ", "injectable."):
        stream.on_text(word)
    stream.on_finding(offline.model_copy(update={"engine": "claude", "title": "No ownership check"}))
    last = shown[-1]["text/plain"]
    assert "The query is injectable." in last and "Reported by Claude: 1" in last and "No ownership check" in last
    result = AgentResult(model="claude-haiku-4-5", turns=2, cost=0.0123,
                         usage=Usage(input_tokens=1200, output_tokens=300, cache_read=9000))
    stream.on_end(result)
    assert shown[-1]["text/plain"] == ("claude-haiku-4-5 · 2 turns · tokens in 1,200 / out 300 / cached 9,000 · "
                                       "est. $0.0123")


def test_magic_review_with_a_key_is_hybrid_and_ends_with_the_usage_line(keyed, fake, pkg, capsys):
    fake.push(Reply([text("Checking the query."), tool_use("read_file", {"path": "db.py"})]),
              Reply([text("Injectable: use parameters.")]))
    result = keyed.run_cell(f"report = %bumba scan {pkg} -q")
    assert result.error_in_exec is None
    report = keyed.user_ns["report"]
    assert report.run.engines == ["offline", "claude"] and report.narrative.endswith("Injectable: use parameters.")
    assert report.metrics["agent turns"] == 2
    keyed.run_cell(f"%bumba scan {pkg}")
    out = capsys.readouterr().out
    assert "2 turns · tokens in" in out and "replayed from cache (no API call)" in out


def test_magic_shows_the_offline_findings_and_raises_when_the_agent_fails(keyed, fake, pkg, capsys):
    fake.push(Fault(401, "authentication_error", "invalid x-api-key"))
    result = keyed.run_cell(f"%bumba scan {pkg}")
    assert isinstance(result.error_in_exec, AgentFailed)
    assert "API key was refused (401" in str(result.error_in_exec)
    assert "BMB101" in capsys.readouterr().out  # the report was shown before the error
    assert keyed.run_cell("1 + 1").result == 2  # the kernel goes on


def test_engine_claude_without_a_key_is_a_clear_error(ip, pkg):
    result = ip.run_cell(f"%bumba scan {pkg} --engine claude")
    assert isinstance(result.error_in_exec, UsageError)
    assert "needs an Anthropic API key" in str(result.error_in_exec)


@pytest.mark.parametrize("cell", ["%bumba research-technical httpx retries", "%%bumba implement\nload the csv"])
def test_agent_only_commands_without_a_key_say_they_need_one(ip, cell):
    result = ip.run_cell(cell)
    assert isinstance(result.error_in_exec, UsageError)
    assert "needs the Claude engine" in str(result.error_in_exec) and "ANTHROPIC_API_KEY" in str(result.error_in_exec)


def test_implement_writes_a_new_cell_below_and_never_runs_it(keyed, fake, pkg, monkeypatch):
    monkeypatch.chdir(pkg)
    code = "rows = find(conn, 'ann')\nIMPLEMENT_RAN = True\n"
    fake.push(Reply([tool_use("read_file", {"path": "db.py"})]),
              Reply([tool_use("write_cell", {"code": code, "summary": "look up a user"})]),
              Reply([text("The new cell calls find().")]))
    result = keyed.run_cell("%%bumba implement\nlook up the user called ann with the helper in db.py")
    assert result.error_in_exec is None
    report = result.result
    new_cell = keyed.rl_next_input
    assert new_cell.endswith(code) and "# Files it read: db.py" in new_cell
    assert "IMPLEMENT_RAN" not in keyed.user_ns
    assert report.artifacts[0].mime == "text/x-python" and report.artifacts[0].data == new_cell
    first = fake.messages_requests[0].body
    assert "look up the user called ann" in first["messages"][0]["content"][0]["text"]
    assert "write_cell" in {t["name"] for t in first["tools"]} and "web_search" not in str(first["tools"])


def test_research_uses_web_search_and_package_metadata_and_cites(keyed, fake):
    url = "https://www.python-httpx.org/advanced/transports/"
    fake.push(Reply([
        *web_search("httpx retries transport", [{"url": url, "title": "Transports - HTTPX"}]),
        text("HTTPX retries connection failures through its transport.",
             citations=[citation(url, "Transports - HTTPX", "retries=")]),
    ], stop_reason="end_turn"))
    result = keyed.run_cell("%bumba research-technical how do I retry requests with httpx")
    assert result.error_in_exec is None
    report = result.result
    body = fake.messages_requests[0].body
    assert body["tools"][-1]["type"] == "web_search_20250305"
    context = "\n".join(block["text"] for block in body["system"])
    assert "httpx==" in context and "licence:" in context
    assert report.narrative.startswith("HTTPX retries connection failures")
    assert f"[1] Transports - HTTPX — {url}" in report.narrative
    assert report.metrics["web searches"] == 1


def test_context_shows_exactly_what_a_review_sends(keyed, fake, pkg):
    (pkg / "settings.py").write_text('STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ1"\n')
    preview = keyed.run_line_magic("bumba", f"context {pkg} --command scan")
    assert "sk_live_4eC39HqLyjWDarjtT1zdp7dcXYZ1" not in preview.text()
    assert "[REDACTED:stripe-live-key]" in preview.text() and "conn.execute" in preview.text()
    assert preview.tokens > 0 and "secrets redacted" in repr(preview)
    assert "### What `scan` would send to Claude (redacted)" in preview._repr_markdown_()
    assert not fake.requests  # a preview never calls the API
    keyed.run_cell(f"%bumba scan {pkg} -q")
    sent = fake.messages_requests[0].body
    assert [b["text"] for b in sent["system"]] == [b["text"] for b in preview.request["system"]]
    assert sent["messages"][0]["content"][0]["text"] == preview.request["messages"][0]["content"][0]["text"]


def test_context_budget_truncates_and_lists_what_is_left_out(keyed, pkg):
    for n in range(30):
        (pkg / f"mod{n:02d}.py").write_text("".join(f"value_{i} = {i}\n" for i in range(200)))
    preview = keyed.run_line_magic("bumba", f"context {pkg} --budget 3000")
    assert preview.prepared.plan.tokens <= 3000
    statuses = {row.status for row in preview.prepared.plan.sections}
    assert "omitted" in statuses and "full" in statuses
    assert "db.py" in [row.title for row in preview.prepared.plan.sections if row.status != "omitted"]
    assert '<not-included reason="context budget">' in preview.text()


def test_the_agent_is_given_the_cells_measured_profile(keyed, fake):
    fake.push(Reply([text("The loop is the hot spot; use sum(range(n)).")]))
    cell = "%%bumba improve-performance -q\ntotal = 0\nfor i in range(200000):\n    total += i\n"
    result = keyed.run_cell(cell)
    assert result.error_in_exec is None
    report = keyed.user_ns["_"]
    assert report.metrics["wall_s"] > 0 and report.run.engines == ["offline", "claude"]
    sent = json.dumps(fake.messages_requests[0].body)
    assert "Measurements taken in this run" in sent and "wall_s" in sent and "hot_lines" in sent
    assert keyed.user_ns["total"] == sum(range(200000))  # the cell ran once, in the notebook's namespace
