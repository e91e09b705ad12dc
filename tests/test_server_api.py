"""The REST API behind the JupyterLab sidebar, on a real Jupyter server (pytest-jupyter's jp_fetch)."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import httpx
import psutil
import pytest
from jupyter_core.utils import ensure_event_loop

# pytest-jupyter's fixtures, imported rather than loaded as a plugin: as a plugin its autouse event-loop
# fixture would run for every test in the suite and close the loops of other modules' browser tests. Its
# coroutine runner is a plugin hook too, so this module runs its coroutine tests itself (in_loop).
from pytest_jupyter.jupyter_server import *
from tornado.httpclient import HTTPClientError

from bumba_magics.commands import COMMANDS, Command
from tests.conftest import SAMPLE

del pytest_pycollect_makeitem, pytest_pyfunc_call  # noqa: F821 — hooks; only a plugin may have them


def in_loop(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        # the loop the server fixtures run on, found the way pytest-jupyter's own runner finds it
        return ensure_event_loop(prefer_selector_loop=True).run_until_complete(test(*args, **kwargs))

    return run


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"bumba_magics.server": True}}}


@pytest.fixture
def project(jp_root_dir):
    """The bundled sample copied into the server's root, plus a small file with a known problem."""
    shutil.copytree(SAMPLE, jp_root_dir / "notebooks", ignore=shutil.ignore_patterns(".ruff_cache"))
    (jp_root_dir / "app").mkdir()
    (jp_root_dir / "app" / "db.py").write_text(
        "import sqlite3\n\n\ndef find(conn: sqlite3.Connection, name: str):\n"
        "    return conn.execute(f\"SELECT * FROM users WHERE name = '{name}'\").fetchall()\n",
        encoding="utf-8",
    )
    (jp_root_dir / "app" / "clean.py").write_text("def add(a: int, b: int) -> int:\n    return a + b\n")
    return jp_root_dir


async def call(jp_fetch, method: str, *parts: str, body=None, params=None, expect: int = 200):
    """Request and decode; an HTTP error status comes back as (status, message) for the asserts."""
    kwargs = {"method": method}
    if body is not None:
        kwargs["body"] = body if isinstance(body, str | bytes) else json.dumps(body)
    try:
        response = await jp_fetch("bumba", "api", *parts, params=params, **kwargs)
    except HTTPClientError as error:
        assert error.code == expect, (error.code, error.response.body if error.response else None)
        return json.loads(error.response.body)
    assert response.code == expect, response.body
    return json.loads(response.body)


async def finish(jp_fetch, job: dict) -> dict:
    """Follow the job's event stream until it ends; returns the last job state."""
    response = await jp_fetch("bumba", "api", "jobs", job["id"], "events", request_timeout=120)
    assert response.headers["Content-Type"].startswith("text/event-stream")
    events = [
        json.loads(line.removeprefix("data: "))
        for line in response.body.decode().splitlines() if line.startswith("data: ")
    ]
    assert events, response.body
    assert events[-1]["status"] in ("done", "failed", "cancelled")
    return events[-1]


@in_loop
async def test_info_commands_and_agents(jp_fetch, project):
    info = await call(jp_fetch, "GET", "info")
    assert info["store"]["ok"] is True, info
    assert info["root_dir"] == str(project.resolve())
    commands = {c["name"]: c for c in (await call(jp_fetch, "GET", "commands"))["commands"]}
    assert commands["scan"]["runnable"] is True
    assert commands["help"]["runnable"] is False  # meta commands have their own UI
    assert all(c["unavailable_reason"] for c in commands.values() if not c["available"])
    agents = await call(jp_fetch, "GET", "agents", params={"path": "notebooks"})
    assert "backend-engineer" in [a["name"] for a in agents["agents"]]


@in_loop
async def test_commands_say_whether_an_api_key_is_configured(jp_fetch, project, monkeypatch):
    # the sidebar shows agent-only commands disabled, "needs an Anthropic API key", when this is false
    assert (await call(jp_fetch, "GET", "commands"))["api_key"] is False
    monkeypatch.setenv("MY_TEAM_KEY", "sk-ant-test")
    (project / "pyproject.toml").write_text('[tool.bumba]\napi-key-env = "MY_TEAM_KEY"\n')
    assert (await call(jp_fetch, "GET", "commands"))["api_key"] is True
    monkeypatch.delenv("MY_TEAM_KEY")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    (project / "pyproject.toml").write_text("[tool.bumba\n")  # unreadable: the environment still counts
    assert (await call(jp_fetch, "GET", "commands"))["api_key"] is True


@in_loop
async def test_every_endpoint_requires_authentication(jp_fetch, project):
    for method, parts, body in [
        ("GET", ("info",), None), ("GET", ("commands",), None), ("GET", ("agents",), None),
        ("GET", ("runs",), None), ("POST", ("runs",), "{}"), ("GET", ("runs", "ab12"), None),
        ("GET", ("jobs", "0" * 32), None), ("GET", ("jobs", "0" * 32, "events"), None),
        ("POST", ("triage",), "{}"),
    ]:
        with pytest.raises(HTTPClientError) as raised:
            await jp_fetch("bumba", "api", *parts, method=method, body=body, headers={"Authorization": ""})
        assert raised.value.code == 403, (method, parts)


@in_loop
async def test_cookie_login_without_xsrf_token_cannot_start_a_run(jp_fetch, jp_serverapp, project):
    # the browser's way in: a login cookie. Writes then need the _xsrf token too, or any page could post
    login = await jp_fetch("login", params={"token": jp_serverapp.identity_provider.token}, headers={},
                           follow_redirects=False, raise_error=False)
    page = await jp_fetch("login", headers={"Authorization": ""}, raise_error=False)  # sets _xsrf
    cookies = "; ".join(
        c.split(";", 1)[0] for c in [*login.headers.get_list("Set-Cookie"), *page.headers.get_list("Set-Cookie")]
    )
    assert "username-" in cookies and "_xsrf=" in cookies
    body = json.dumps({"command": "scan", "path": "app/db.py"})
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch("bumba", "api", "runs", method="POST", body=body,
                       headers={"Authorization": "", "Cookie": cookies})
    assert raised.value.code == 403
    assert b"_xsrf" in raised.value.response.body
    xsrf = next(c.split("=", 1)[1] for c in cookies.split("; ") if c.startswith("_xsrf="))
    ok = await jp_fetch("bumba", "api", "runs", method="POST", body=body,
                        headers={"Authorization": "", "Cookie": cookies, "X-XSRFToken": urllib.parse.unquote(xsrf)})
    assert ok.code == 202


@pytest.mark.parametrize("path", ["../../etc/passwd", "/../../etc/passwd", "app/../../outside.py", "..",
                                  "notebooks/../../../etc"])
@in_loop
async def test_paths_outside_the_root_are_refused(jp_fetch, project, path):
    reply = await call(jp_fetch, "POST", "runs", body={"command": "scan", "path": path}, expect=403)
    assert "outside the server's root" in reply["message"]
    await call(jp_fetch, "GET", "runs", params={"path": path}, expect=403)
    await call(jp_fetch, "GET", "agents", params={"path": path}, expect=403)


@in_loop
async def test_a_symlink_out_of_the_root_is_refused(jp_fetch, project, tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "keys.py").write_text("AWS = 'AKIAIOSFODNN7EXAMPLE'\n")
    (project / "link").symlink_to(outside)
    await call(jp_fetch, "POST", "runs", body={"command": "scan", "path": "link/keys.py"}, expect=403)


@pytest.mark.parametrize("body, expect, words", [
    ("{not json", 400, "not JSON"),
    ("[1, 2]", 400, "JSON object"),
    (b"\xff\xfe", 400, "not JSON"),
    ({"command": "scna", "path": "app"}, 400, "did you mean 'scan'"),
    ({"command": "", "path": "app"}, 400, "must name a command"),
    ({"command": 3, "path": "app"}, 400, "must name a command"),
    ({"command": "not-built-yet", "path": "app"}, 409, "not available: it is only planned"),
    ({"command": "help", "path": "app"}, 400, "not a review command"),
    ({"command": "scan", "path": "nope.py"}, 404, "no such file"),
    ({"command": "scan", "path": 7}, 400, "must be a string"),
    ({"command": "scan", "path": "app", "severity": "urgent"}, 400, "unknown severity"),
    ({"command": "scan", "path": "app", "select": [1]}, 400, "rule codes"),
    ({"command": "scan", "path": "app", "agent": "/etc/passwd"}, 400, "unknown agent"),
    ({"command": "scan", "path": "app", "shell": "rm -rf /"}, 400, "unknown field"),
])
@in_loop
async def test_bad_requests_get_a_clear_error(jp_fetch, project, body, expect, words, monkeypatch):
    planned = Command("not-built-yet", "A command that is listed but not built.", needs="a path",
                      analyzers=("security",), available=False, unavailable_reason="it is only planned")
    monkeypatch.setitem(COMMANDS, planned.name, planned)
    reply = await call(jp_fetch, "POST", "runs", body=body, expect=expect)
    assert words.lower() in reply["message"].lower()


@in_loop
async def test_a_real_run_on_a_project_then_history_and_triage(jp_fetch, project):
    started = await call(jp_fetch, "POST", "runs", body={"command": "scan", "path": "app"}, expect=202)
    job = started["job"]
    assert job["status"] in ("queued", "running", "done") and job["path"] == "app"
    final = await finish(jp_fetch, job)
    assert final["status"] == "done", final["error"]
    polled = (await call(jp_fetch, "GET", "jobs", job["id"]))["job"]
    assert polled["run_id"] == final["run_id"]

    run = await call(jp_fetch, "GET", "runs", final["run_id"])
    findings = run["report"]["findings"]
    assert run["contents_root"] == "app" and run["path"] == "app"
    sql = [f for f in findings if f["location"]["path"] == "db.py" and f["location"]["line"] == 5]
    assert sql, [(f["rule"], f["location"]) for f in findings]
    assert not [f for f in findings if f["location"]["path"] == "clean.py"]
    assert run["triage"] == {}

    history = (await call(jp_fetch, "GET", "runs", params={"path": "app"}))["runs"]
    assert [r["id"] for r in history] == [final["run_id"]]
    assert history[0]["total"] == len(findings) and history[0]["path"] == "app"
    assert (await call(jp_fetch, "GET", "runs", params={"path": "app/db.py"}))["runs"] == []

    fingerprint = sql[0]["fingerprint"]
    triaged = await call(jp_fetch, "POST", "triage", body={
        "run_id": final["run_id"], "fingerprint": fingerprint, "state": "suppressed", "reason": "test data",
    })
    assert triaged["triage"] == {fingerprint: {"state": "suppressed", "reason": "test data"}}
    again = await call(jp_fetch, "GET", "runs", final["run_id"])
    assert again["triage"][fingerprint]["state"] == "suppressed"
    reopened = await call(jp_fetch, "POST", "triage", body={
        "run_id": final["run_id"], "fingerprint": fingerprint, "state": "open",
    })
    assert reopened["triage"] == {}

    bad = await call(jp_fetch, "POST", "triage", body={
        "run_id": final["run_id"], "fingerprint": fingerprint, "state": "ignored"}, expect=400)
    assert "unknown triage state" in bad["message"]
    await call(jp_fetch, "POST", "triage", body={
        "run_id": final["run_id"], "fingerprint": "0" * 20, "state": "reviewed"}, expect=404)
    await call(jp_fetch, "POST", "triage", body="{", expect=400)
    await call(jp_fetch, "GET", "runs", "0" * 32, expect=404)
    await call(jp_fetch, "GET", "jobs", "0" * 32, expect=404)


@in_loop
async def test_notebook_run_locates_cells_and_a_second_run_compares(jp_fetch, project):
    body = {"command": "scan", "path": "notebooks/sample.ipynb"}
    first = await finish(jp_fetch, (await call(jp_fetch, "POST", "runs", body=body, expect=202))["job"])
    assert first["status"] == "done", first["error"]
    run = await call(jp_fetch, "GET", "runs", first["run_id"])
    assert run["contents_root"] == "notebooks"
    key = [f for f in run["report"]["findings"] if f["rule"] == "BMB211"]
    assert key and key[0]["location"]["cell"] == 10 and key[0]["location"]["cell_id"] == "462207e7"
    leaked = re.findall(r"sk-proj-[A-Za-z0-9_-]{16,}", (project / "notebooks" / "sample.ipynb").read_text())
    assert leaked and not any(secret in json.dumps(run) for secret in leaked)  # masked on the wire too
    second = await finish(jp_fetch, (await call(jp_fetch, "POST", "runs", body=body, expect=202))["job"])
    report = (await call(jp_fetch, "GET", "runs", second["run_id"]))["report"]
    assert report["comparison"] == {"new": [], "fixed": 0}
    history = (await call(jp_fetch, "GET", "runs", params={"path": "notebooks/sample.ipynb"}))["runs"]
    assert [r["id"] for r in history] == [second["run_id"], first["run_id"]]


@in_loop
async def test_a_cell_review_is_stored_under_the_notebook_and_cell(jp_fetch, project):
    code = "import hashlib\ndigest = hashlib.md5(b'x').hexdigest()\n"
    job = (await call(jp_fetch, "POST", "runs", body={
        "command": "scan", "path": "notebooks/sample.ipynb", "code": code, "cell_id": "cafe01",
    }, expect=202))["job"]
    final = await finish(jp_fetch, job)
    assert final["status"] == "done", final["error"]
    run = await call(jp_fetch, "GET", "runs", final["run_id"])
    assert run["cell_id"] == "cafe01" and run["path"] == "notebooks/sample.ipynb"
    lines = {f["location"]["line"] for f in run["report"]["findings"]}
    assert lines == {2}, run["report"]["findings"]


@in_loop
async def test_a_failing_review_is_a_failed_job_not_a_server_error(jp_fetch, project):
    (project / "pyproject.toml").write_text("[tool.bumba]\nmax_complexity = 'lots'\n")
    job = (await call(jp_fetch, "POST", "runs", body={"command": "scan", "path": "app"}, expect=202))["job"]
    final = await finish(jp_fetch, job)
    assert final["status"] == "failed" and "max_complexity" in final["error"]
    assert (await call(jp_fetch, "GET", "info"))["version"]  # the server still answers


@in_loop
async def test_an_unreadable_store_is_a_clear_503(jp_fetch, project, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("BUMBA_STORE", str(blocker / "bumba.sqlite"))
    info = await call(jp_fetch, "GET", "info")
    assert info["store"]["ok"] is False and "cannot open the bumba store" in info["store"]["error"]
    reply = await call(jp_fetch, "GET", "runs", params={"path": "app"}, expect=503)
    assert "store cannot be read" in reply["message"]


def _notebook_with_outputs(saved_state: dict | None = None) -> dict:
    findings = {"findings": [], "summary": {"total": 0}, "run": {"command": "scan", "target": "x"}}
    ours = {"output_type": "display_data", "metadata": {}, "data": {
        "application/vnd.jupyter.widget-view+json": {"model_id": "m-ours", "version_major": 2, "version_minor": 0},
        "application/vnd.bumba.findings+json": findings, "text/plain": "<Report scan>"}}
    other = {"output_type": "display_data", "metadata": {}, "data": {
        "application/vnd.jupyter.widget-view+json": {"model_id": "m-slider", "version_major": 2, "version_minor": 0},
        "text/plain": "IntSlider()"}}
    metadata = {}
    if saved_state is not None:
        metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": saved_state}}
    cell = {"cell_type": "code", "id": "c1", "metadata": {}, "execution_count": 1, "source": "%bumba scan",
            "outputs": [ours, other]}
    return {"cells": [cell], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def test_save_hook_drops_only_our_orphan_widget_views():
    from bumba_magics.server.save_hook import drop_orphan_widget_views

    orphan = _notebook_with_outputs()
    assert drop_orphan_widget_views(orphan) == 1
    ours, other = orphan["cells"][0]["outputs"]
    assert "application/vnd.jupyter.widget-view+json" not in ours["data"]
    assert "application/vnd.bumba.findings+json" in ours["data"]
    assert "application/vnd.jupyter.widget-view+json" in other["data"]  # not ours: left alone
    saved = _notebook_with_outputs(saved_state={"m-ours": {}})
    assert drop_orphan_widget_views(saved) == 0  # its state is saved: the widget comes back on reopen


@in_loop
async def test_saving_a_notebook_through_the_server_keeps_the_static_findings(jp_fetch, jp_root_dir):
    body = json.dumps({"type": "notebook", "format": "json", "content": _notebook_with_outputs()})
    response = await jp_fetch("api", "contents", "review.ipynb", method="PUT", body=body)
    assert response.code in (200, 201)
    saved = json.loads((jp_root_dir / "review.ipynb").read_text())
    data = saved["cells"][0]["outputs"][0]["data"]
    assert "application/vnd.bumba.findings+json" in data
    assert "application/vnd.jupyter.widget-view+json" not in data


# -- bad input, limits, cancelling, shutdown ------------------------------------------------------------
SLOW = "import pickle\n" + "".join(
    f"def f{i}(x):\n    if x > {i}:\n        return eval(x)\n    return pickle.loads(x)\n\n" for i in range(12_000))


@pytest.fixture
def slow_project(jp_root_dir):
    """Files that keep a scan busy inside each one for seconds (a megabyte of code, thousands of findings)."""
    folder = jp_root_dir / "slow"
    folder.mkdir()
    for i in range(6):
        (folder / f"big{i}.py").write_text(SLOW)
    return folder


@pytest.mark.parametrize("body, expect, words", [
    ("[" * 100_000 + "]" * 100_000, 400, "nested too deeply"),
    ('{"command": "scan", "path": ' + "[" * 5000 + "]" * 5000 + "}", 400, "nested too deeply"),
    ({"command": "scan", "path": "app", "select": [[[[["S"]]]]]}, 400, "nested more than 4 levels"),
    ({"command": "scan", "path": "app", "junk": "x" * (9 * 2**20)}, 413, "the limit is"),
    ({"command": "scan", "path": "a" * 10_000}, 400, "'path' is 10000 characters long"),
    ({"command": "s" * 1000, "path": "app"}, 400, "'command' is 1000 characters long"),
    ({"command": "scan", "path": "app", "cell_id": "c" * 5000, "code": "x = 1"}, 400, "'cell_id' is"),
    ({"command": "scan", "path": "app", "select": ["S"] * 500}, 400, "'select' lists 500 items"),
    ({"command": "scan", "path": "app", "severity": "h" * 100}, 400, "'severity' is 100 characters"),
    ({"command": "scan", "path": "app", "agent": "a" * 1000}, 400, "'agent' is 1000 characters"),
    ({"command": "scan", "path": "app\x00.py"}, 400, "NUL character"),
])
@in_loop
async def test_request_bodies_have_nesting_and_size_limits(jp_fetch, project, body, expect, words):
    reply = await call(jp_fetch, "POST", "runs", body=body, expect=expect)
    assert words.lower() in reply["message"].lower(), reply
    assert (await call(jp_fetch, "GET", "info"))["version"]  # and the server still answers


@in_loop
async def test_a_five_megabyte_triage_reason_is_refused(jp_fetch, project):
    final = await finish(jp_fetch, (await call(jp_fetch, "POST", "runs", body={"command": "scan", "path": "app"},
                                               expect=202))["job"])
    run = await call(jp_fetch, "GET", "runs", final["run_id"])
    fingerprint = run["report"]["findings"][0]["fingerprint"]
    body = {"run_id": final["run_id"], "fingerprint": fingerprint, "state": "suppressed", "reason": "x" * 5_000_000}
    reply = await call(jp_fetch, "POST", "triage", body=body, expect=400)
    assert "'reason' is 5000000 characters long; the limit is 2000" in reply["message"]
    assert (await call(jp_fetch, "GET", "runs", final["run_id"]))["triage"] == {}  # nothing was stored
    body["reason"] = "r" * 2000  # at the limit: fine
    assert (await call(jp_fetch, "POST", "triage", body=body))["triage"][fingerprint]["reason"] == "r" * 2000


@pytest.mark.parametrize("params, words", [
    ({"path": "p" * 5000}, "'path' is 5000 characters long"),
    ({"path": "app", "limit": "99999999999999999999"}, "'limit' must be a whole number"),
    ({"path": "app", "limit": "-3"}, "'limit' must be a whole number"),
    ({"path": "app", "command": "c" * 100}, "'command' is 100 characters long"),
])
@in_loop
async def test_query_arguments_have_limits(jp_fetch, project, params, words):
    reply = await call(jp_fetch, "GET", "runs", params=params, expect=400)
    assert words in reply["message"]


def _review_pid(jp_serverapp, job_id: str, timeout: float = 60.0) -> int:
    """The pid of a running job's process, once it has one."""
    job = jp_serverapp.web_app.settings["bumba"].jobs.get(job_id)
    deadline = time.monotonic() + timeout
    while job._process is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job._process is not None, job
    return job._process.pid


def _ended(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@in_loop
async def test_a_queued_job_and_a_running_job_can_be_cancelled(jp_fetch, jp_serverapp, project, slow_project):
    from bumba_magics.server.jobs import JobManager

    state = jp_serverapp.web_app.settings["bumba"]
    state.jobs = JobManager(workers=1)  # one at a time: the second job waits in the queue
    try:
        running = (await call(jp_fetch, "POST", "runs", body={"command": "scan", "path": "slow"}, expect=202))["job"]
        queued = (await call(jp_fetch, "POST", "runs", body={"command": "scan", "path": "app"}, expect=202))["job"]
        assert queued["status"] == "queued"
        cancelled = (await call(jp_fetch, "DELETE", "jobs", queued["id"]))["job"]
        assert cancelled["status"] == "cancelled" and cancelled["run_id"] is None
        reply = await call(jp_fetch, "DELETE", "jobs", queued["id"], expect=409)
        assert "already ended (cancelled)" in reply["message"]

        pid = _review_pid(jp_serverapp, running["id"])
        started = time.monotonic()
        stopped = (await call(jp_fetch, "DELETE", "jobs", running["id"]))["job"]
        assert stopped["status"] == "cancelled", stopped
        assert time.monotonic() - started < 10
        assert _ended(pid)  # the review's process is gone, not left running in the background
        assert (await finish(jp_fetch, stopped))["status"] == "cancelled"  # the stream ends too
        assert (await call(jp_fetch, "GET", "runs", params={"path": "app"}))["runs"] == []  # never ran
        await call(jp_fetch, "DELETE", "jobs", "0" * 32, expect=404)
    finally:
        state.jobs.shutdown()


def test_server_shutdown_ends_a_review_stuck_in_slow_files(tmp_path):
    """A real `jupyter server` process: SIGTERM while a review is deep in slow files ends both quickly."""
    import socket

    root = tmp_path / "root"
    root.mkdir()
    (root / "slow").mkdir()
    for i in range(6):
        (root / "slow" / f"big{i}.py").write_text(SLOW)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "bumba-shutdown-test"
    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(repo), os.environ.get("PYTHONPATH", "")]),
           "BUMBA_STORE": str(tmp_path / "store" / "bumba.sqlite"), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", f"--port={port}", "--no-browser", f"--ServerApp.root_dir={root}",
         f"--IdentityProvider.token={token}", "--ServerApp.jpserver_extensions={'bumba_magics.server': True}",
         "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}/bumba/api"
        headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/info", headers=headers, timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()[-2000:]
                time.sleep(0.2)
        started = httpx.post(f"{base}/runs", headers=headers, json={"command": "scan", "path": "slow"}, timeout=10)
        assert started.status_code == 202, started.text
        job_id = started.json()["job"]["id"]
        while httpx.get(f"{base}/jobs/{job_id}", headers=headers, timeout=5).json()["job"]["status"] != "running":
            time.sleep(0.1)
        time.sleep(2)  # well inside the first slow file
        reviews = psutil.Process(server.pid).children(recursive=True)  # the review's, and the tools it started
        stopping = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        took = time.monotonic() - stopping
        assert took < 15, f"shutdown took {took:.1f} s"
        deadline = time.monotonic() + 5  # helpers (the fork server) leave when they see the server gone
        while not all(_ended(p.pid) for p in reviews) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [(p.pid, " ".join(p.cmdline())[:200]) for p in reviews if not _ended(p.pid)]
        assert not left, left
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@in_loop
async def test_a_cell_with_lone_surrogates_is_reviewed(jp_fetch, project):
    code = 'x = "\ud800"\nimport pickle\npickle.loads(x)\n'  # valid JSON ("\ud800"), not valid Unicode text
    job = (await call(jp_fetch, "POST", "runs", body={"command": "scan", "path": "notebooks/sample.ipynb",
                                                     "code": code, "cell_id": "c1"}, expect=202))["job"]
    final = await finish(jp_fetch, job)
    assert final["status"] == "done", final["error"]
    run = await call(jp_fetch, "GET", "runs", final["run_id"])
    assert [(f["rule"], f["location"]["line"]) for f in run["report"]["findings"]] == [("BMB106", 3)]
