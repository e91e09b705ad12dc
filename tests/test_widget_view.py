"""The ipywidgets findings view, built and clicked in a real IPython InteractiveShell (no browser)."""

from __future__ import annotations

import json
import shutil

import pytest

from bumba_magics.findings import Category, Finding, Location, Severity, assign_fingerprints
from bumba_magics.report import Report, RunInfo
from bumba_magics.store import Store
from bumba_magics.views.display import report_mimebundle
from bumba_magics.views.frontend import FrontendRequest, widgets_available
from bumba_magics.views.mimebundle import FINDINGS_MIME
from bumba_magics.views.widget import WIDGET_MIME, FindingsView, ProgressView, detail_html, summary_html

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def scanned(ip, tmp_path, sample_dir):
    shutil.copytree(sample_dir / "sample_service", tmp_path / "svc")
    result = ip.run_cell("report = %bumba scan svc", store_history=True)
    assert result.error_in_exec is None and result.error_before_exec is None
    return ip.user_ns["report"]


def texts(output) -> str:
    return "\n".join(item["data"].get("text/html", "") for item in output.outputs)


def test_plain_shell_shows_the_static_bundle_only(ip, scanned):
    assert not widgets_available()  # an InteractiveShell has no kernel, so no comms
    bundle = scanned._repr_mimebundle_()
    assert WIDGET_MIME not in bundle
    assert {FINDINGS_MIME, "text/html", "text/markdown", "text/plain"} <= set(bundle)


def test_interactive_bundle_carries_the_widget_and_the_static_parts(ip, scanned):
    bundle = report_mimebundle(scanned, interactive=True)
    assert {FINDINGS_MIME, "text/html", "text/markdown", "text/plain", WIDGET_MIME} <= set(bundle)
    view = bundle[WIDGET_MIME]
    assert view["version_major"] == 2 and view["model_id"]
    # two displays are two independent views
    assert report_mimebundle(scanned, interactive=True)[WIDGET_MIME]["model_id"] != view["model_id"]


def test_view_filters_pages_and_expands(ip, scanned):
    view = FindingsView(scanned, store=Store(), page_size=5)
    total = len(scanned.findings)
    assert view.page_label.value.startswith(f"1–5 of {total}")
    shown = [row.finding for row in view.rows if row.finding is not None]
    assert shown == scanned.findings[:5] or len(shown) == 5
    critical = sum(1 for f in scanned.findings if f.severity is Severity.critical)
    assert view.severity_toggles["critical"].description == f"critical {critical}"
    view.severity_toggles["critical"].value = False
    assert view.page_label.value.startswith(f"1–5 of {total - critical}")
    assert all(row.finding.severity is not Severity.critical for row in view.rows if row.finding)
    view.next.click()
    assert view.page_label.value.startswith(f"6–10 of {total - critical}")
    view.search.value = "pickle"
    found = [row.finding for row in view.rows if row.finding]
    assert "pickle.loads() can run code from the data it loads" in [f.title for f in found]
    assert all("pickle" in " ".join([f.title, f.evidence or "", f.why or ""]).lower() for f in found)
    assert view.first.disabled and view.prev.disabled
    view.search.value = "no such finding anywhere"
    assert "No findings match" in view.empty.value
    view.search.value = ""
    view.rule.value = "BMB101"
    assert {row.finding.rule for row in view.rows if row.finding} == {"BMB101"}
    row = view.rows[0]
    assert row.detail is None  # details are built on first expand only
    row.toggle.click()
    assert row.detail is not None and row.toggle.description == "▾"
    assert "Why:" in row.body.value and "highlight" in row.body.value  # pygments-highlighted evidence
    assert row.detail in view.list_box.children
    row.toggle.click()
    assert row.detail not in view.list_box.children


def test_actions_fall_back_outside_jupyterlab(ip, scanned, tmp_path):
    view = FindingsView(scanned, store=Store())
    view.rule.value = "BMB101"
    row = next(r for r in view.rows if r.finding and r.finding.fix and r.finding.fix.code)
    row.toggle.click()
    row.goto.click()
    assert 'href="svc/db.py#L' in texts(row.output)  # a link relative to the kernel's folder
    row.insert.click()
    html = texts(row.output)
    assert "Copy the fix into a new cell" in html and "bumba-w-fix-code" in html
    assert "cur.execute(&quot;SELECT" in html  # the code, escaped

    # Mark reviewed, then Reopen
    row.reviewed.click()
    assert view.model.status_of(row.finding) == "reviewed" and row.reviewed.description == "Reopen"
    assert "reviewed" in row.summary.value
    row.reviewed.click()
    assert view.model.status_of(row.finding) is None

    # Suppress needs a reason; with one, it leaves the default list and lands in the baseline
    finding = row.finding
    row.suppress.click()
    assert row.suppress_box.layout.display is None
    row.confirm.click()
    assert "say why" in texts(view.messages)
    row.reason.value = "parameter is an int from the URL converter"
    row.confirm.click()
    assert finding not in view.model.visible()
    baseline = json.loads((tmp_path / "svc" / "bumba-baseline.json").read_text())
    assert finding.fingerprint in {e["fingerprint"] for e in baseline["findings"]}
    assert "suppressed (hidden)" in view.header.value

    # exports go to the current folder and say where
    view.exports[1].click()
    csv_files = list(tmp_path.glob("bumba-scan-*.csv"))
    assert len(csv_files) == 1 and csv_files[0].name in texts(view.messages)


def test_everything_shown_is_escaped(ip):
    finding = assign_fingerprints([Finding(
        rule="BMB<1>", title=HOSTILE, severity=Severity.high, category=Category.security,
        location=Location(path="<b>x</b>.py", line=1), evidence=HOSTILE, why=HOSTILE, recommendation=HOSTILE,
        references=[HOSTILE, "javascript:alert(1)"],
    )])[0]
    report = Report(run=RunInfo(command="scan", target=HOSTILE), findings=[finding], notes=[HOSTILE],
                    narrative=HOSTILE)
    view = FindingsView(report)
    model = view.model
    view.flush_narrative()
    for markup in (summary_html(model, finding), detail_html(model, finding), view.header.value,
                   view.notes.value, view.narrative.value):
        assert "<script" not in markup and "<img" not in markup and "<b>x" not in markup
    assert "javascript:" not in detail_html(model, finding).replace("javascript:alert(1)</", "")
    assert 'href="javascript' not in detail_html(model, finding)


def streamed(n: int, severity: str) -> Finding:
    return Finding(rule=f"BMB10{n}", title=f"streamed {n}", severity=Severity(severity), category=Category.security,
                   location=Location(path="db.py", line=n + 1), engine="claude")


def test_streaming_adds_findings_and_narrative(ip):
    view = FindingsView.live(RunInfo(command="scan", target="svc", engine="claude", engines=["offline", "claude"]))
    assert "No findings." in view.empty.value
    view.append_narrative("Reading db.py")
    view.append_narrative(" — the query builder looks injectable.")
    view.flush_narrative()
    assert "Reading db.py — the query builder looks injectable." in view.narrative.value
    assert view.narrative.layout.display is None
    for n, severity in enumerate(["low", "critical", "medium"]):
        view.add_findings([streamed(n, severity)])
    assert [row.finding.title for row in view.rows if row.finding] == ["streamed 1", "streamed 2", "streamed 0"]
    assert view.severity_toggles["critical"].description == "critical 1"
    final = Report(run=RunInfo(command="scan", target="svc", engine="claude", duration_s=4.2),
                   findings=assign_fingerprints(list(view.model.findings)), new_fingerprints=[])
    view.finish(final)
    assert "4.20 s" in view.header.value and "0 new since the previous run" in view.header.value
    assert "the query builder looks injectable" in view.narrative.value  # kept from the stream


def test_agent_events_draw_into_the_view(ip):
    view = FindingsView.live(RunInfo(command="scan", target="svc", engine="claude"))
    events = view.agent_events()
    events.on_offline([streamed(0, "high"), streamed(1, "low")])
    events.on_text("<b>Looking</b> at ")
    events.on_tool("read_file", {"path": "db.py"})
    assert "using read_file (db.py)" in view.activity.value
    events.on_text("db.py")
    events.on_finding(streamed(2, "critical"))
    assert [row.finding.title for row in view.rows if row.finding] == ["streamed 2", "streamed 0", "streamed 1"]
    events.on_end(None)
    assert view.activity.value == ""
    assert "&lt;b&gt;Looking&lt;/b&gt; at db.py" in view.narrative.value


def test_two_views_do_not_share_state(ip, scanned):
    first, second = FindingsView(scanned), FindingsView(scanned)
    first.severity_toggles["high"].value = False
    first.next.click()
    assert second.model.filters.severities == frozenset(s.value for s in Severity)
    assert second.model.page == 0
    assert first.model is not second.model and first.rows[0] is not second.rows[0]


def test_progress_view_appears_only_for_long_reviews_and_goes_away(ip):
    progress = ProgressView()
    progress(1, 10, "a.py")
    assert progress.box is None and progress.handle is None
    progress(3, 40, "pkg/b.py")
    assert progress.bar.value == 3 and progress.bar.max == 40 and "3/40 files  pkg/b.py" == progress.label.value
    progress(40, 40, "pkg/z.py")
    assert progress.bar.value == 40
    progress.close()
    assert progress.bar.comm is None  # closed widgets leave no model behind


def test_frontend_request_without_a_kernel_falls_back_at_once(ip):
    replies = []
    request = FrontendRequest({"action": "goto", "path": None, "line": 1, "cell": None, "cell_id": None},
                              replies.append)
    assert request.wait(0) == replies[0]
    assert replies[0].ok is False and replies[0].answered is False


def test_bundle_markdown_is_capped_like_the_html_but_the_export_is_not():
    findings = assign_fingerprints([
        Finding(rule="BMB101", title=f"problem {i}", severity=Severity.low, category=Category.security,
                location=Location(path="a.py", line=i + 1)) for i in range(600)])
    report = Report(run=RunInfo(command="scan", target="a.py"), findings=findings)
    bundle = report_mimebundle(report, interactive=False)
    assert "100 more findings not shown" in bundle["text/markdown"]
    assert "### 600." not in bundle["text/markdown"] and "### 500." in bundle["text/markdown"]
    assert "### 600." in report.to_markdown() and "not shown" not in report.to_markdown()
    assert len(bundle[FINDINGS_MIME]["findings"]) == 600  # the data stays complete


def test_streaming_view_fills_as_events_arrive_and_clears_when_done(ip):
    from bumba_magics.findings import Category, Finding, Location, Severity
    from bumba_magics.report import RunInfo
    from bumba_magics.views.widget import StreamingView

    stream = StreamingView(RunInfo(command="scan", target="svc", engine="claude"))
    stream.on_end(None)  # nothing shown yet: an offline-only review leaves no empty view behind
    assert stream.view is None
    offline = Finding(rule="BMB106", title="pickle", severity=Severity.high, category=Category.security,
                      location=Location(path="a.py", line=3))
    stream.on_offline([offline])
    stream.on_text("The cache trusts ")
    stream.on_text("its input.")
    stream.on_finding(offline.model_copy(update={"rule": "BMB101", "title": "agent: SQL", "engine": "claude"}))
    stream.on_end(None)
    assert {f.rule for f in stream.view.model.findings} == {"BMB106", "BMB101"}
    assert stream.view.model.narrative == "The cache trusts its input."
    stream.close()


def test_details_show_the_dataflow_path_each_step_linked(ip, tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "web.py").write_text(
        "from flask import Flask, request\nimport os\n\napp = Flask(__name__)\n\n\n@app.route('/run')\n"
        "def run():\n    name = request.args['name']\n    cmd = 'ls <b>' + name\n"
        "    return {'out': os.popen(cmd).read()}\n")
    result = ip.run_cell("report = %bumba scan app --no-cache", store_history=True)
    assert result.error_in_exec is None
    view = FindingsView(ip.user_ns["report"], store=Store())
    view.rule.value = "BMB121"
    row = next(r for r in view.rows if r.finding is not None)
    row.toggle.click()
    body = row.body.value
    assert "Path:" in body
    # each step links its file at its line, relative to the kernel's folder, and its code is escaped
    assert body.count('<a href="app/web.py#L') == len(row.finding.flow) >= 3
    assert 'href="app/web.py#L9"' in body and 'href="app/web.py#L11"' in body
    assert "cmd = &#x27;ls &lt;b&gt;&#x27; + name" in body and "<b>" not in body
    assert "os.popen(cmd) (sink)" in body
