"""End to end in a real JupyterLab, driven by headless Chromium through Playwright's Python API.

The test starts JupyterLab on 127.0.0.1 (its own config, runtime, settings and workspace folders, an empty
token) over a copy of the bundled sample, then: opens the BUMBA sidebar, runs scan on the sample notebook,
clicks a finding and checks that the notebook scrolled to that cell; asks the notebook's kernel to use the
bumba.frontend comm; and opens a papermill-executed notebook to see the findings renderer's table.
Screenshots go to test-artifacts/lab/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.conftest import REPO, SAMPLE

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
ARTIFACTS = REPO / "test-artifacts" / "lab"
LABEXTENSION = Path(sysconfig.get_path("data")) / "share" / "jupyter" / "labextensions" / "bumba-magics"
TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # the server is still starting; nothing to wait on but the socket
    raise RuntimeError(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def executed_report_notebook(root: Path) -> Path:
    """A notebook that runs `%bumba scan` on a file with a known problem, executed by papermill."""
    import papermill

    (root / "svc").mkdir()
    (root / "svc" / "db.py").write_text(
        "import hashlib\nimport sqlite3\n\n\ndef find(conn: sqlite3.Connection, name: str):\n"
        "    return conn.execute(f\"SELECT * FROM users WHERE name = '{name}'\").fetchall()\n\n\n"
        "def token(value: bytes) -> str:\n    return hashlib.md5(value).hexdigest()\n",
        encoding="utf-8",
    )
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Security review"),
        nbformat.v4.new_code_cell("%load_ext bumba_magics"),
        nbformat.v4.new_code_cell("%bumba scan svc --no-cache"),
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source, output = root / "review-source.ipynb", root / "review.ipynb"
    nbformat.write(notebook, source)
    papermill.execute_notebook(str(source), str(output), cwd=str(root), kernel_name="python3",
                               progress_bar=False)
    source.unlink()
    return output


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does it)")
    if not (LABEXTENSION / "package.json").is_file():
        pytest.fail(f"the bumba-magics labextension is not installed at {LABEXTENSION}: pip install -e .")
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    shutil.copytree(SAMPLE, root / "notebooks", ignore=shutil.ignore_patterns(".ruff_cache"))
    report_notebook = executed_report_notebook(root)
    settings = base / "settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))  # no "Jupyter news" toast over the page
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "BUMBA_STORE": str(base / "store" / "bumba.sqlite"),
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = base / "jupyterlab.log"
    started = time.monotonic()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
             "--ServerApp.password=", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"],
            cwd=root, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(url, process, log)
        yield {"url": url, "root": root, "started": started, "log": log, "report_notebook": report_notebook}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)  # kernels take about a second to shut down
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, ARTIFACTS / "jupyterlab.log")


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    shot(page, f"end-of-{request.node.name}")  # what the page showed last, for a failure's post-mortem
    context.close()
    assert not [e for e in errors if "bumba" in e.lower()], errors


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def open_lab(page, lab, path: str) -> None:
    page.goto(f"{lab['url']}/lab/tree/{path}?reset")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget")


def active_cell(page) -> dict:
    return page.evaluate("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        const notebook = panel.content;
        const cell = notebook.activeCell;
        const box = cell.node.getBoundingClientRect();
        const view = notebook.node.getBoundingClientRect();
        return {index: notebook.activeCellIndex, id: cell.model.id, path: panel.context.path,
                highlighted: cell.node.classList.contains('bumba-highlight'),
                visible: box.top >= view.top - 1 && box.top < view.bottom && box.bottom > view.top};
    }""")


def test_sidebar_scan_findings_and_goto_cell(page, lab):
    open_lab(page, lab, "notebooks/sample.ipynb")
    page.click('.jp-SideBar [data-id="bumba-sidebar"]')
    page.wait_for_selector('.bumba-command[data-command="scan"]:enabled')
    assert page.text_content(".bumba-target-path") == "notebooks/sample.ipynb"
    shot(page, "sidebar")
    print(f"\nserver start -> sidebar screenshot: {time.monotonic() - lab['started']:.1f} s")

    page.click('.bumba-command[data-command="scan"]')
    page.wait_for_selector('.bumba-finding[data-rule="BMB211"]')
    assert page.get_attribute(".bumba-summary", "data-total") == "2"
    assert page.locator('.bumba-group[data-severity="critical"] .bumba-finding').count() == 1
    before = active_cell(page)
    assert before["index"] == 0
    shot(page, "findings")

    # the leaked key is in the output of cell 10, near the end: the click must scroll there
    page.click('.bumba-finding[data-rule="BMB211"] .bumba-finding-link')
    page.wait_for_selector(".jp-Notebook .jp-Cell.jp-mod-active.bumba-highlight")
    cell = active_cell(page)
    assert cell == {"index": 9, "id": "462207e7", "path": "notebooks/sample.ipynb", "highlighted": True,
                    "visible": True}, cell
    shot(page, "goto-cell")

    # details and triage: saved on the server, shown after a reload of the run from history
    finding = '.bumba-finding[data-rule="S311"]'
    page.click(f"{finding} .bumba-more")
    page.wait_for_selector(f"{finding} .bumba-details")
    page.click(f'{finding} .bumba-triage[data-state="suppressed"]')
    page.wait_for_selector(f"{finding}.bumba-triage-suppressed")
    page.click('.bumba-tab[data-tab="history"]')
    page.wait_for_selector(".bumba-history-run")
    assert page.locator(".bumba-history-run").count() == 1
    assert page.locator(".bumba-sparkline").count() == 1
    shot(page, "history")
    page.click(".bumba-history-run")
    page.wait_for_selector(f"{finding}.bumba-triage-suppressed")


def test_review_this_cell_from_the_context_menu(page, lab):
    open_lab(page, lab, "notebooks/sample.ipynb")
    page.click('.jp-SideBar [data-id="bumba-sidebar"]')
    # the context menu runs the command last used in the panel
    page.click('.bumba-command[data-command="improve-performance"]:enabled')
    page.wait_for_selector('.bumba-summary:has-text("improve-performance")')
    page.locator(".jp-Notebook .jp-Cell").nth(5).click(button="right")  # cell 6 loops with iterrows()
    page.click('.lm-Menu-item[data-command="bumba:review-cell"]')
    finding = page.locator('.bumba-finding[data-rule="BMB301"]', has_text="cell, line 2")
    finding.wait_for()
    assert page.locator(".bumba-finding").count() == 1
    page.locator(".jp-Notebook .jp-Cell").nth(0).click()
    finding.locator(".bumba-finding-link").click()
    page.wait_for_selector(".jp-Notebook .jp-Cell.jp-mod-active.bumba-highlight")
    assert active_cell(page)["id"] == "fa835001"
    shot(page, "cell-review")


KERNEL_REQUEST = """
import json
from comm import create_comm
_bumba_replies = []
def _bumba_ask(data):
    comm = create_comm(target_name="bumba.frontend", data=data)
    comm.on_msg(lambda msg: _bumba_replies.append(msg["content"]["data"]))
for request in %s:
    _bumba_ask(request)
"""

FETCH_REPLIES = """async ({code, wanted}) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    for (let attempt = 0; attempt < 100; attempt++) {
        let text = '';
        const future = kernel.requestExecute({code, silent: false, store_history: false});
        future.onIOPub = msg => { if (msg.header.msg_type === 'stream') { text += msg.content.text; } };
        await future.done;
        const replies = JSON.parse(text);
        if (replies.length >= wanted) { return replies; }
        await new Promise(resolve => setTimeout(resolve, 100));
    }
    return null;
}"""


def test_kernel_asks_the_frontend_through_the_bumba_frontend_comm(page, lab):
    open_lab(page, lab, "notebooks/sample.ipynb")
    page.wait_for_function("""() => {
        const s = window.jupyterapp.shell.currentWidget.sessionContext;
        return s.session && s.session.kernel && s.session.kernel.connectionStatus === 'connected'
            && s.session.kernel.status === 'idle';
    }""")
    count = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.length")
    requests = [
        {"action": "insert-cell", "code": "print('from bumba')", "cell_id": "78e31131"},
        {"action": "goto", "path": None, "line": 2, "cell": 7, "cell_id": None},
        {"action": "goto", "path": None, "line": None, "cell": None, "cell_id": "nope"},
        {"action": "fly"},
    ]
    page.evaluate("""async code => {
        const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        await kernel.requestExecute({code, store_history: false}).done;
    }""", KERNEL_REQUEST % json.dumps(requests).replace("null", "None"))
    replies = page.evaluate(FETCH_REPLIES, {"code": "print(json.dumps(_bumba_replies))", "wanted": 4})
    assert replies is not None, "the frontend never answered"
    by_action = {json.dumps(r, sort_keys=True) for r in replies}
    assert len(by_action) == 4
    inserted = next(r for r in replies if "cell_id" in r and r.get("ok"))
    assert inserted["cell"] == 3
    # requests are answered in order: "cell 7" is counted after the insert above it
    assert {"ok": True, "path": "notebooks/sample.ipynb", "cell": 7} in replies
    assert {"ok": False, "error": "no cell with id nope in this notebook"} in replies
    assert any(r.get("ok") is False and "unknown action" in r["error"] for r in replies)
    model = page.evaluate("""() => {
        const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
        const cell = cells.get(2);
        return {count: cells.length, type: cell.type, source: cell.sharedModel.getSource(),
                executionCount: cell.sharedModel.execution_count, outputs: cell.sharedModel.outputs.length};
    }""")
    assert model == {"count": count + 1, "type": "code", "source": "print('from bumba')",
                     "executionCount": None, "outputs": 0}
    assert active_cell(page)["index"] == 6
    shot(page, "comm")


def test_renderer_shows_a_sortable_table_in_an_executed_notebook(page, lab):
    executed = nbformat.read(lab["report_notebook"], as_version=4)
    bundle = executed.cells[2].outputs[-1]["data"]
    assert "application/vnd.bumba.findings+json" in bundle
    open_lab(page, lab, lab["report_notebook"].name)
    table = ".bumba-findings-output table.bumba-table"
    page.wait_for_selector(table)
    rules = page.locator(f"{table} tbody tr.bumba-row").evaluate_all("rows => rows.map(r => r.dataset.rule)")
    expected = {f["rule"] for f in bundle["application/vnd.bumba.findings+json"]["findings"]}
    assert set(rules) == expected and len(rules) >= 2
    severities = page.locator(f"{table} tbody tr.bumba-row td:first-child").all_text_contents()
    order = ["critical", "high", "medium", "low", "info"]
    assert [order.index(s) for s in severities] == sorted(order.index(s) for s in severities)
    page.click(f'{table} .bumba-sort[data-column="rule"]')
    by_rule = page.locator(f"{table} tbody tr.bumba-row").evaluate_all("rows => rows.map(r => r.dataset.rule)")
    assert by_rule == sorted(by_rule)
    page.click(f'{table} .bumba-sort[data-column="rule"]')
    descending = page.locator(f"{table} tbody tr.bumba-row").evaluate_all("rows => rows.map(r => r.dataset.rule)")
    assert descending == sorted(by_rule, reverse=True)
    page.locator(f"{table} tbody tr.bumba-row").first.click()
    page.wait_for_selector(f"{table} .bumba-details")
    shot(page, "renderer")
