"""End to end in a real JupyterLab, driven by headless Chromium through Playwright's Python API.

The test starts JupyterLab on 127.0.0.1 (its own config, runtime, settings and workspace folders, an empty
token, no Anthropic key) over a copy of the bundled sample, then: opens the BUMBA sidebar, runs scan on the
sample notebook, clicks a finding and checks that the notebook scrolled to that cell; reviews one cell from
its context menu; asks the notebook's kernel to use the bumba.frontend comm; and opens a papermill-executed
notebook to see the findings renderer's table. Then what a person sees, in a 1280x800 window, in the light
and the dark theme: the sidebar's results without scrolling, code shown with line numbers and readable
contrast, Markdown rendered (and sanitised), agent-only commands disabled without a key, a history table that
fits. Screenshots go to test-artifacts/lab/.
"""

from __future__ import annotations

import contextlib
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
INSTALLED_LABEXTENSION = Path(sysconfig.get_path("data")) / "share" / "jupyter" / "labextensions" / "bumba-magics"
BUILT_LABEXTENSION = REPO / "bumba_magics" / "labextension"  # what `jlpm build` in labextension/ writes
LABEXTENSION_SOURCES = [REPO / "labextension" / "src", REPO / "labextension" / "style"]
TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1280, "height": 800}  # a laptop screen: what the sidebar must fit without scrolling


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


# a finding's Markdown fields as a hostile reviewed project could make them: rendered, never executed
HOSTILE_WHY = ("Calls **eval** on `input()`. <img src=x onerror=\"window.__bumbaInjected = 'why'\">"
               "<script>window.__bumbaInjected = 'script'</script>")
HOSTILE_RECOMMENDATION = "Use [ast.literal_eval](https://docs.python.org/3/library/ast.html) or `json.loads`."


def crafted_report_notebook(root: Path) -> Path:
    """A saved notebook with one findings output whose Markdown fields carry HTML a reviewer did not write."""
    report = {
        "findings": [{
            "rule": "BMB104", "title": "`eval()` on user input", "severity": "high", "category": "security",
            "location": {"path": "svc/db.py", "line": 6, "column": 5, "end_line": 6, "cell": None,
                         "cell_id": None, "execution_count": None},
            "evidence": "eval(input())", "why": HOSTILE_WHY, "recommendation": HOSTILE_RECOMMENDATION,
            "fix": None, "engine": "offline", "analyzer": "security", "references": ["CWE-95"],
            "fingerprint": "f00d",
        }],
        "summary": {"total": 1, "by_severity": {"high": 1}, "by_category": {"security": 1}, "gate": None},
        "run": {"id": None, "command": "scan", "target": str(root), "root": str(root), "engine": "offline"},
        "notes": [],
    }
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("%bumba scan .", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "application/vnd.bumba.findings+json": report, "text/plain": "bumba scan: 1 finding"})]
    notebook.cells = [cell]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = root / "crafted.ipynb"
    nbformat.write(notebook, path)
    return path


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


def labextension_options(base: Path) -> list[str]:
    """JupyterLab options that load this checkout's build of the extension, or the installed one.

    An editable install copies the build into the virtualenv once; a checkout that rebuilt its extension
    since (another worktree, `jlpm build` after an edit) must be tested with what it built. An extension
    found first on `extra_labextensions_path` wins over an installed one of the same name.
    """
    if (BUILT_LABEXTENSION / "package.json").is_file():
        built = (BUILT_LABEXTENSION / "package.json").stat().st_mtime
        newer = [path for folder in LABEXTENSION_SOURCES for path in folder.rglob("*")
                 if path.is_file() and path.stat().st_mtime > built]
        if newer:
            pytest.fail(f"the labextension build is older than {newer[0].relative_to(REPO)}: "
                        "cd labextension && jlpm build")
        folder = base / "labextensions"
        folder.mkdir()
        (folder / "bumba-magics").symlink_to(BUILT_LABEXTENSION, target_is_directory=True)
        return [f"--LabApp.extra_labextensions_path={folder}"]
    if not (INSTALLED_LABEXTENSION / "package.json").is_file():
        pytest.fail(f"the bumba-magics labextension is neither built at {BUILT_LABEXTENSION} nor installed "
                    f"at {INSTALLED_LABEXTENSION}: pip install -e .")
    return []


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does it)")
    base = tmp_path_factory.mktemp("lab")
    extension_options = labextension_options(base)
    root = base / "root"
    shutil.copytree(SAMPLE, root / "notebooks", ignore=shutil.ignore_patterns(".ruff_cache"))
    report_notebook = executed_report_notebook(root)
    crafted_notebook = crafted_report_notebook(root)
    settings = base / "settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false"}))  # no "Jupyter news" toast over the page
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("ANTHROPIC_")},  # no key
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
             "--ServerApp.password=", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
             *extension_options],
            cwd=root, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(url, process, log)
        yield {"url": url, "root": root, "started": started, "log": log, "report_notebook": report_notebook,
               "crafted_notebook": crafted_notebook}
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
    context = browser.new_context(viewport=VIEWPORT)
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


def open_sidebar(page) -> None:
    page.click('.jp-SideBar [data-id="bumba-sidebar"]')
    page.wait_for_selector(".bumba-run:enabled")


def run_in_sidebar(page, command: str) -> None:
    """Pick the command in the sidebar's picker and run it; returns when its results are shown."""
    page.select_option(".bumba-command-select", command)
    page.click(f'.bumba-run[data-command="{command}"]:enabled')
    page.wait_for_selector(f'.bumba-summary-head:text-matches("^{command}:")')


@contextlib.contextmanager
def theme(page, name: str):
    """JupyterLab in that theme (its settings persist across pages, so the light theme comes back after)."""
    def switch(to: str) -> None:
        page.evaluate("name => window.jupyterapp.commands.execute('apputils:change-theme', {theme: name})", to)
        page.wait_for_function("name => document.body.dataset.jpThemeName === name", arg=to)
        page.wait_for_function("""() => getComputedStyle(document.body).getPropertyValue('--jp-layout-color1')
            .trim() !== ''""")
        page.wait_for_timeout(300)  # the theme's stylesheet swaps in; the next frame paints it

    switch(name)
    try:
        yield
    finally:
        switch("JupyterLab Light")


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
    open_sidebar(page)
    assert page.text_content(".bumba-target-path") == "notebooks/sample.ipynb"
    shot(page, "sidebar")
    print(f"\nserver start -> sidebar screenshot: {time.monotonic() - lab['started']:.1f} s")

    run_in_sidebar(page, "scan")
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


def open_cell_menu(page, cell_index: int):
    """Right-click a cell and open "Review this cell with BUMBA ▸"; returns the submenu."""
    page.locator(".jp-Notebook .jp-Cell").nth(cell_index).click(button="right")
    page.hover('.lm-Menu-item:has-text("Review this cell with BUMBA")')
    submenu = page.locator("#bumba-cell-menu")
    submenu.wait_for()
    return submenu


def test_cell_menu_runs_the_command_picked_there_and_names_the_cell(page, lab):
    open_lab(page, lab, "notebooks/sample.ipynb")
    open_sidebar(page)
    run_in_sidebar(page, "scan")  # the sidebar's last command is scan: the menu must not run that
    submenu = open_cell_menu(page, 5)  # cell 6 loops with iterrows()
    items = submenu.locator(".lm-Menu-itemLabel").all_text_contents()
    assert items[:4] == ["scan", "secure", "analyze-technical", "improve-performance"], items
    shot(page, "cell-menu")
    submenu.locator('.lm-Menu-item:has-text("improve-performance")').click()
    page.wait_for_selector('.bumba-summary-head:text-matches("^improve-performance:")')
    assert page.text_content(".bumba-summary-head") == "improve-performance: 1 finding"
    assert page.text_content(".bumba-summary-target").startswith("on cell 6 of notebooks/sample.ipynb · ")
    finding = page.locator('.bumba-finding[data-rule="BMB301"]')
    assert finding.locator(".bumba-where").text_content() == "cell 6, line 2"
    assert page.locator(".bumba-finding").count() == 1
    page.locator(".jp-Notebook .jp-Cell").nth(0).click()
    finding.locator(".bumba-finding-link").click()
    page.wait_for_selector(".jp-Notebook .jp-Cell.jp-mod-active.bumba-highlight")
    assert active_cell(page)["id"] == "fa835001"
    shot(page, "cell-review")

    # the palette's argument-less form names the command it runs: the one picked in the sidebar
    label = page.evaluate("() => window.jupyterapp.commands.label('bumba:review-cell', {})")
    assert label == "Review this cell with BUMBA: scan"


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


# -- what a person sees --------------------------------------------------------------------------------------
# Colours are measured as the browser paints them: each background from the page down to the element
# composited (a canvas turns any CSS colour syntax into RGBA), the text colour over that, then the WCAG
# relative-luminance contrast ratio; `editor` is the same text colour on the theme's own editor background.
CONTRAST = """selector => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const rgba = css => {
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = '#000';
        ctx.fillStyle = css;
        ctx.fillRect(0, 0, 1, 1);
        const d = ctx.getImageData(0, 0, 1, 1).data;
        return [d[0], d[1], d[2], d[3] / 255];
    };
    const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
    const background = node => {
        const chain = [];
        for (let n = node; n; n = n.parentElement) { chain.push(getComputedStyle(n).backgroundColor); }
        return chain.reverse().reduce((below, css) => over(rgba(css), below), [255, 255, 255, 1]);
    };
    const luminance = c => {
        const [r, g, b] = c.slice(0, 3).map(v => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
        const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
        return (x + 0.05) / (y + 0.05);
    };
    const editor = over(rgba(getComputedStyle(document.body).getPropertyValue('--jp-cell-editor-background')),
                        [255, 255, 255, 1]);
    const round = x => Math.round(x * 100) / 100;
    return Array.from(document.querySelectorAll(selector))
        .filter(node => node.textContent.trim() && node.getClientRects().length)
        .map(node => {
            const bg = background(node);
            const color = rgba(getComputedStyle(node).color);
            return {text: node.textContent.slice(0, 40), ratio: round(ratio(over(color, bg), bg)),
                    editor: round(ratio(over(color, editor), editor))};
        });
}"""

# Our own colours (code text, line numbers, badges, links) meet WCAG AA for body text (4.5:1). The syntax
# tokens are JupyterLab's palette, which does not (light: brackets 2.7:1, dark: comments 3.5:1 on its own
# editor background), so a token must read at least 80% as well as in JupyterLab's editor, marked lines
# included: dark-theme tokens on a light block (the bug this guards against) are far below that.
OWN_COLOURS = [".bumba-code-text", ".bumba-code-gutter", ".bumba-badge", ".bumba-location-link", ".bumba-md code",
               ".bumba-where", ".bumba-command-description"]
TOKENS = ".bumba-code-text span"


def assert_readable(page, scope: str) -> dict:
    worst = {}
    for selector in OWN_COLOURS:
        for measured in page.evaluate(CONTRAST, ", ".join(f"{scope} {s}" for s in selector.split(", "))):
            assert measured["ratio"] >= 4.5, (selector, measured)
            worst[selector] = min(worst.get(selector, 99), measured["ratio"])
    tokens = page.evaluate(CONTRAST, f"{scope} {TOKENS}")
    assert tokens, f"no syntax-coloured code under {scope}"
    relative = sorted(({**t, "relative": round(t["ratio"] / t["editor"], 2)} for t in tokens),
                      key=lambda t: t["relative"])
    assert relative[0]["relative"] >= 0.8, relative[:3]
    worst["tokens (ratio, vs editor)"] = (min(t["ratio"] for t in tokens), relative[0]["relative"])
    assert ".bumba-code-text" in worst, f"no code shown under {scope}"
    return worst


def inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]


def test_sidebar_shows_the_target_the_command_and_the_results_without_scrolling(page, lab):
    open_lab(page, lab, "notebooks/sample.ipynb")
    open_sidebar(page)
    catalogue = page.evaluate("() => fetch('/bumba/api/commands').then(r => r.json())")
    summaries = {c["name"]: c["summary"] for c in catalogue["commands"]}
    # the target and the chosen command's description are there in full: wrapped, not cut off
    target = page.locator(".bumba-target-path")
    assert target.text_content() == "notebooks/sample.ipynb"
    assert target.evaluate("node => node.scrollWidth <= node.clientWidth")
    page.select_option(".bumba-command-select", "analyze-technical")
    description = page.locator(".bumba-command-summary")
    assert description.text_content() == summaries["analyze-technical"]
    assert description.evaluate("node => node.scrollWidth <= node.clientWidth && node.scrollHeight <= node.clientHeight")
    assert page.locator(".bumba-run").text_content() == "Run"
    assert page.get_attribute(".bumba-run", "data-command") == "analyze-technical"

    run_in_sidebar(page, "scan")
    first = page.locator(".bumba-finding").first
    assert page.locator(".bumba-panel").evaluate("node => node.scrollTop") == 0, "the sidebar had to scroll"
    assert inside_viewport(page, first.locator(".bumba-finding-title")), first.bounding_box()
    assert inside_viewport(page, first.locator(".bumba-where"))
    shot(page, "sidebar-results-light")

    # the target can be changed by typing a path; a path that is not there is said at once
    page.click(".bumba-target-change")
    page.fill(".bumba-target-input", "notebooks/nope")
    page.press(".bumba-target-input", "Enter")
    page.wait_for_selector('.bumba-message.bumba-error:has-text("notebooks/nope")')
    page.fill(".bumba-target-input", "notebooks/sample_service")
    page.press(".bumba-target-input", "Enter")
    page.wait_for_selector('.bumba-target-path[data-kind="folder"]:text-is("notebooks/sample_service")')
    assert page.locator(".bumba-target-input").count() == 0


def test_finding_details_show_numbered_code_markdown_and_read_well_in_both_themes(page, lab):
    open_lab(page, lab, "notebooks/sample.ipynb")
    open_sidebar(page)
    run_in_sidebar(page, "scan")
    finding = page.locator('.bumba-finding[data-rule="S311"]')
    finding.locator(".bumba-more").click()
    code = finding.locator(".bumba-details .bumba-code")
    code.locator(".bumba-code-text span").first.wait_for()  # syntax-coloured
    # cell 3 of the sample, lines 1-4 around the flagged line 2, which is marked
    lines = code.locator(".bumba-code-line").evaluate_all("rows => rows.map(r => [r.dataset.line, "
                                                          "r.classList.contains('bumba-code-flagged'), "
                                                          "r.querySelector('.bumba-code-text').textContent])")
    assert [n for n, _, _ in lines] == ["1", "2", "3", "4"], lines
    assert [n for n, flagged, _ in lines if flagged] == ["2"]
    assert lines[1][2] == "rng = random.Random(0)"
    assert code.locator(".bumba-code-gutter").all_text_contents() == ["1", "2", "3", "4"]
    location = finding.locator(".bumba-details a.bumba-location-link")
    assert location.text_content() == "cell 3 (In [3]), line 2"
    # Markdown rendered: the recommendation of the secret finding quotes a command in backticks
    secret = page.locator('.bumba-finding[data-rule="BMB211"]')
    secret.locator(".bumba-more").click()
    what_to_do = secret.locator('.bumba-detail:has(.bumba-detail-label:text-is("What to do")) .bumba-md')
    assert what_to_do.locator("code").first.text_content() == "jupyter nbconvert --clear-output"
    assert "`" not in what_to_do.text_content()
    finding.scroll_into_view_if_needed()

    measured = {"light": assert_readable(page, ".bumba-panel")}
    shot(page, "sidebar-details-light")
    with theme(page, "JupyterLab Dark"):
        measured["dark"] = assert_readable(page, ".bumba-panel")
        shot(page, "sidebar-details-dark")
    print(f"\nsidebar contrast, worst per element: {measured}")

    # the location is a link: it goes to the cell
    page.locator(".jp-Notebook .jp-Cell").nth(0).click()
    location.click()
    page.wait_for_selector(".jp-Notebook .jp-Cell.jp-mod-active.bumba-highlight")
    assert active_cell(page)["id"] == "859cf679"


def test_renderer_details_and_location_links_in_both_themes(page, lab):
    open_lab(page, lab, lab["report_notebook"].name)
    table = ".bumba-findings-output table.bumba-table"
    page.wait_for_selector(table)
    row = page.locator(f'{table} tr.bumba-row[data-rule="BMB101"]')
    row.click()
    details = page.locator(f"{table} .bumba-details")
    details.locator(".bumba-code-text span").first.wait_for()
    flagged = details.locator(".bumba-code-line.bumba-code-flagged")
    assert flagged.get_attribute("data-line") == "6"
    assert "conn.execute(" in flagged.locator(".bumba-code-text").text_content()
    assert flagged.locator(".bumba-code-gutter").text_content() == "6"
    what_to_do = details.locator('.bumba-detail:has(.bumba-detail-label:text-is("What to do")) .bumba-md')
    assert what_to_do.locator("code").first.text_content() == "execute(sql, params)"
    # severity badges line up: one width for the column
    widths = page.locator(f"{table} td.bumba-col-severity .bumba-badge").evaluate_all(
        "badges => badges.map(b => Math.round(b.getBoundingClientRect().width))")
    assert len(set(widths)) == 1, widths

    measured = {"light": assert_readable(page, ".bumba-findings-output")}
    shot(page, "renderer-light")
    with theme(page, "JupyterLab Dark"):
        measured["dark"] = assert_readable(page, ".bumba-findings-output")
        shot(page, "renderer-dark")
    print(f"\nrenderer contrast, worst per element: {measured}")

    # the location column is a link: the file opens in JupyterLab at the finding's line
    row.locator("a.bumba-location-link").click()
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.context.path === 'svc/db.py'")
    # the cursor is put there once the editor has loaded the file
    page.wait_for_function("""() => {
        const editor = window.jupyterapp.shell.currentWidget.content.editor;
        return editor && editor.getCursorPosition().line === 5;  // 0-based: line 6
    }""", timeout=10_000)
    shot(page, "renderer-goto-file")


def test_renderer_renders_markdown_through_the_sanitizer(page, lab):
    open_lab(page, lab, lab["crafted_notebook"].name)
    table = ".bumba-findings-output table.bumba-table"
    page.wait_for_selector(table)
    assert page.locator(f"{table} td.bumba-col-title code").text_content() == "eval()"
    page.locator(f"{table} tr.bumba-row").click()
    why = page.locator('.bumba-detail:has(.bumba-detail-label:text-is("Why it matters")) .bumba-md')
    why.wait_for()
    assert why.locator("strong").text_content() == "eval"
    assert why.locator("code").text_content() == "input()"
    assert why.locator("script").count() == 0
    assert why.locator("img[onerror]").count() == 0
    link = page.locator('.bumba-detail:has(.bumba-detail-label:text-is("What to do")) .bumba-md a')
    assert link.get_attribute("href") == "https://docs.python.org/3/library/ast.html"
    page.wait_for_timeout(300)  # an injected handler would have run by now
    assert page.evaluate("() => window.__bumbaInjected === undefined")
    shot(page, "renderer-markdown")


def test_agent_only_commands_are_disabled_without_a_key(page, lab):
    catalogue = json.loads(urllib.request.urlopen(f"{lab['url']}/bumba/api/commands", timeout=10).read())
    assert catalogue["api_key"] is False
    agent_only = sorted(c["name"] for c in catalogue["commands"] if c["lane"] == "agent")
    assert agent_only == ["implement", "research-technical"]
    open_lab(page, lab, "notebooks/sample.ipynb")
    open_sidebar(page)
    for name in agent_only:
        option = page.locator(f'.bumba-command-select option[value="{name}"]')
        assert option.is_disabled(), name
        assert option.text_content() == f"{name} — needs an Anthropic API key"
    assert page.locator('.bumba-command-select option[value="scan"]').is_enabled()
    # the palette's command for it is disabled too, and so is the cell menu's item, saying why
    assert page.evaluate("() => window.jupyterapp.commands.isEnabled('bumba:run', {command: 'implement'})") is False
    submenu = open_cell_menu(page, 5)
    item = submenu.locator('.lm-Menu-item:has-text("implement")')
    assert "lm-mod-disabled" in item.get_attribute("class")
    assert item.locator(".lm-Menu-itemLabel").text_content() == "implement (needs an Anthropic API key)"
    shot(page, "agent-commands-disabled")
    page.keyboard.press("Escape")


def test_history_table_fits_the_sidebar(page, lab):
    open_lab(page, lab, "notebooks/sample.ipynb")
    open_sidebar(page)
    run_in_sidebar(page, "improve-performance")
    page.click('.bumba-tab[data-tab="history"]')
    page.wait_for_selector(".bumba-history-run")
    overflow = page.evaluate("""() => {
        const stack = document.getElementById('jp-left-stack').getBoundingClientRect();
        return Array.from(document.querySelectorAll('.bumba-history-table th, .bumba-history-table td'))
            .filter(cell => cell.getBoundingClientRect().right > stack.right + 0.5)
            .map(cell => [cell.textContent, cell.getBoundingClientRect().right, stack.right]);
    }""")
    assert overflow == [], overflow
    assert page.locator(".bumba-history-table th").all_text_contents() == ["When", "Command", "All", "High+"]
    shot(page, "history-fits")


def flow_report_notebook(root: Path) -> Path:
    """A saved notebook whose findings output holds one dataflow finding with its path; the code of one step
    carries markup a reviewer did not write."""
    hostile = "cmd = f\"ls <img src=x onerror=\\\"window.__bumbaInjected = 'flow'\\\">{name}\""
    steps = [
        {"path": "svc/db.py", "line": 5, "column": 27, "cell": None, "code": "def find(conn, name: str):",
         "label": "find(name) parameter"},
        {"path": "svc/db.py", "line": 6, "column": 5, "cell": None, "code": hostile, "label": "cmd = f'ls …'"},
        {"path": "svc/db.py", "line": 10, "column": 12, "cell": None, "code": "return hashlib.md5(value)",
         "label": "os.popen(cmd) (sink)"},
    ]
    finding = {
        "rule": "BMB121", "title": "Request data reaches a shell command", "severity": "critical",
        "category": "security", "location": {"path": "svc/db.py", "line": 10, "column": 12},
        "evidence": "return hashlib.md5(value)", "engine": "offline", "analyzer": "dataflow",
        "references": ["CWE-78"], "fingerprint": "f10w", "flow": steps, "also_reported": ["S605"],
    }
    report = {
        "findings": [finding],
        "summary": {"total": 1, "by_severity": {"critical": 1}, "by_category": {"security": 1}, "gate": None},
        "run": {"id": None, "command": "scan", "target": str(root), "root": str(root), "engine": "offline"},
        "notes": [],
    }
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("%bumba scan svc", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "application/vnd.bumba.findings+json": report, "text/plain": "bumba scan: 1 finding"})]
    notebook.cells = [cell]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = root / "flow.ipynb"
    nbformat.write(notebook, path)
    return path


def test_renderer_shows_the_dataflow_path_and_each_step_goes_to_its_line(page, lab):
    path = flow_report_notebook(lab["root"])
    open_lab(page, lab, path.name)
    table = ".bumba-findings-output table.bumba-table"
    page.wait_for_selector(table)
    page.locator(f'{table} tr.bumba-row[data-rule="BMB121"]').click()
    steps = page.locator(f"{table} .bumba-details ol.bumba-flow > li.bumba-flow-step")
    steps.first.wait_for()
    shown = steps.all_inner_texts()
    assert len(shown) == 3
    assert shown[0].startswith("svc/db.py:5") and "find(name) parameter" in shown[0]
    assert "<img src=x onerror=" in shown[1]  # the code as text
    assert page.locator(f"{table} .bumba-details .bumba-flow img").count() == 0
    also = page.locator('.bumba-detail:has(.bumba-detail-label:text-is("Also reported as"))')
    assert "S605" in also.text_content()
    shot(page, "renderer-flow")
    # a step is a link: the file opens in JupyterLab at that step's line
    steps.nth(1).locator("a.bumba-location-link").click()
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.context.path === 'svc/db.py'")
    page.wait_for_function("""() => {
        const editor = window.jupyterapp.shell.currentWidget.content.editor;
        return editor && editor.getCursorPosition().line === 5;  // 0-based: line 6
    }""", timeout=10_000)
    assert page.evaluate("() => window.__bumbaInjected === undefined")


def test_sidebar_shows_the_path_of_a_dataflow_finding(page, lab):
    open_lab(page, lab, "notebooks/sample.ipynb")
    open_sidebar(page)
    page.click(".bumba-target-change")
    page.fill(".bumba-target-input", "notebooks/sample_service")
    page.press(".bumba-target-input", "Enter")
    page.wait_for_selector('.bumba-target-path[data-kind="folder"]:text-is("notebooks/sample_service")')
    run_in_sidebar(page, "scan")
    finding = page.locator('.bumba-finding[data-rule="BMB130"]')
    finding.locator(".bumba-more").click()
    steps = finding.locator(".bumba-details ol.bumba-flow > li.bumba-flow-step")
    steps.first.wait_for()
    shown = steps.all_inner_texts()
    assert shown[0].startswith("routes.py:") and "request.cookies.get('cart')" in shown[0], shown
    assert "(source)" in shown[0] and "(sink)" in shown[-1] and "pickle.loads(" in shown[-1], shown
    shot(page, "sidebar-flow")
    steps.first.locator("a.bumba-location-link").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.context.path === 'notebooks/sample_service/routes.py'")
