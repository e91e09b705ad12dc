"""The findings widget in JupyterLab, driven in headless Chromium: filter, expand, suppress, insert a fix; and
the time a 5,000-finding report takes to show its first page (printed; the target is under a second).

JupyterLab runs on a free 127.0.0.1 port with an empty token and its own config, runtime, settings and
workspace folders, over a copy of the bundled sample. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
EXTENSION_NAME = "bumba-magics"

SYNTHETIC = """\
import time
from bumba_magics.findings import Category, Finding, Location, Severity, assign_fingerprints
from bumba_magics.report import Report, RunInfo
severities, categories = list(Severity), [Category.security, Category.performance, Category.secrets]
big = Report(run=RunInfo(command="scan", target="synthetic", root="."), findings=assign_fingerprints([
    Finding(rule=f"BMB{100 + i % 7}", title=f"synthetic problem {i}", severity=severities[i % 5],
            category=categories[i % 3], location=Location(path=f"pkg/mod{i % 50}.py", line=i + 1),
            evidence=f"value_{i} = compute({i})", why="because", recommendation="do better")
    for i in range(5000)]))
"""
SHOW_SYNTHETIC = "started_ms = time.time() * 1000\ndisplay(big)\nprint(f'STARTED={started_ms:.0f}')"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's Chromium is not installed")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _installed_extension() -> Path | None:
    """The built JupyterLab extension: installed in a data folder, or built in the source tree."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("labextensions"):
        if (Path(folder) / EXTENSION_NAME / "package.json").is_file():
            return Path(folder) / EXTENSION_NAME
    built = REPO / "bumba_magics" / "labextension"
    if (built / "package.json").is_file() and (built / "static").is_dir():
        return built
    return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of notebooks/; yields (base URL, root folder, extension present)."""
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    settings = base / "settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false"}))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(base / "config"), "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
           "BUMBA_STORE": str(base / "bumba.sqlite")}
    port = _free_port()
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
            "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
            f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
            "--ServerApp.disable_check_xsrf=True"]
    extension = _installed_extension()
    from jupyter_core.paths import jupyter_path

    if extension is not None and not any((Path(p) / EXTENSION_NAME).exists() for p in jupyter_path("labextensions")):
        # built but not installed: show JupyterLab the build folder under the extension's name
        extra = base / "labextensions"
        extra.mkdir()
        (extra / EXTENSION_NAME).symlink_to(extension, target_is_directory=True)
        args.append(f"--LabApp.extra_labextensions_path={extra}")
    log = open(base / "lab.log", "w")  # noqa: SIM115 — open for the server's whole life, closed below
    server = subprocess.Popen(args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: {(base / 'lab.log').read_text()[-3000:]}") from None
                time.sleep(0.2)
        yield url, root, extension is not None
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def browser():
    """Per test: Playwright's sync API drives the current asyncio loop, which pytest-jupyter's autouse
    fixture (active whenever the server tests are collected too) replaces and closes after every test."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _write_notebook(path: Path, sources: list[str]) -> None:
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources],
                                            metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                     "language": "python"}}), path)


def _open(browser, url: str, name: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/lab/tree/{name}?reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=60_000)
    return page


def _run_cell(page, index: int) -> None:
    """Select cell ``index`` (0-based) and run it; waits until the kernel is idle again."""
    page.evaluate("""async (index) => {
        const panel = window.jupyterapp.shell.currentWidget;
        panel.content.activeCellIndex = index;
        await window.jupyterapp.commands.execute('notebook:run-cell');
    }""", index)
    page.wait_for_function("""(index) => {
        const panel = window.jupyterapp.shell.currentWidget;
        const cell = panel.content.widgets[index];
        return cell.model.executionCount !== null && !cell.node.querySelector('.jp-InputPrompt')
            .textContent.includes('*') && panel.sessionContext.session.kernel.status === 'idle';
    }""", arg=index, timeout=120_000)


def _cell(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def _label(view) -> str:
    return view.locator(".bumba-w-page-label").inner_text()


def _search(view, text: str) -> None:
    box = view.locator(".bumba-w-search input")
    box.fill(text)
    box.press("Enter")


def test_browse_filter_expand_and_suppress(lab, browser):
    url, root, _ = lab
    _write_notebook(root / "review.ipynb", ["%load_ext bumba_magics", "%bumba scan notebooks"])
    ARTIFACTS.mkdir(exist_ok=True)
    page = _open(browser, url, "review.ipynb")
    try:
        _run_cell(page, 0)
        _run_cell(page, 1)
        view = _cell(page, 1).locator(".bumba-w-view")
        view.wait_for(timeout=30_000)
        header = view.locator(".bumba-w-header").inner_text()
        assert "bumba scan" in header and "notebooks" in header
        total = int(_label(view).split(" of ")[1].split(" ")[0])
        critical_toggle = view.locator(".bumba-w-severity-critical")
        critical = int(critical_toggle.inner_text().split()[-1])
        assert critical > 0
        page.screenshot(path=str(ARTIFACTS / "widget-scan.png"))

        critical_toggle.click()  # hide the critical findings
        page.wait_for_function("([el, text]) => el.textContent.includes(text)",
                               arg=[view.locator(".bumba-w-page-label").element_handle(), f" of {total - critical}"])
        assert view.locator(".bumba-w-row:visible").count() == min(25, total - critical)
        critical_toggle.click()

        # expand one finding: evidence, why, recommendation, actions
        _search(view, "yaml.load")
        page.wait_for_function("(el) => el.textContent.startsWith('1–1 of 1')",
                               arg=view.locator(".bumba-w-page-label").element_handle())
        row = view.locator(".bumba-w-row:visible").first
        assert "yaml.load() without a safe Loader" in row.inner_text()
        row.locator(".bumba-w-expand").click()
        detail = view.locator(".bumba-w-detail").first
        detail.get_by_text("Why:").wait_for()
        assert "Why:" in detail.inner_text() and "Recommendation:" in detail.inner_text()
        assert detail.locator(".highlight").count() >= 1  # highlighted evidence
        page.screenshot(path=str(ARTIFACTS / "widget-expanded.png"))

        # suppress it with a reason, then run the review again: it is gone
        view.locator(".bumba-w-detail").first.locator(".bumba-w-suppress").click()
        view.locator(".bumba-w-detail").first.locator(".bumba-w-suppress-reason input").fill("settings file is written by us")
        view.locator(".bumba-w-detail").first.locator(".bumba-w-suppress-confirm").click()
        view.locator(".bumba-w-messages").get_by_text("suppressed").wait_for()
        assert "added to the baseline" in view.locator(".bumba-w-messages").inner_text()
        page.screenshot(path=str(ARTIFACTS / "widget-suppressed.png"))
        baseline = json.loads((root / "notebooks" / "bumba-baseline.json").read_text())
        assert [e["reason"] for e in baseline["findings"]] == ["settings file is written by us"]

        _run_cell(page, 1)
        view = _cell(page, 1).locator(".bumba-w-view")
        view.wait_for()
        assert int(_label(view).split(" of ")[1].split(" ")[0]) == total - 1
        _search(view, "yaml.load")
        view.get_by_text("No findings match the filters.").wait_for()
        assert view.locator(".bumba-w-row:visible").count() == 0
    finally:
        page.close()


def test_insert_fix_adds_a_cell_below(lab, browser):
    url, root, extension = lab
    if not extension:
        pytest.skip("the JupyterLab extension (labextension/) is not built, so nothing answers 'bumba.frontend'")
    _write_notebook(root / "fix.ipynb", ["%load_ext bumba_magics", "%bumba scan notebooks/sample_service/auth.py"])
    page = _open(browser, url, "fix.ipynb")
    try:
        _run_cell(page, 0)
        _run_cell(page, 1)
        view = _cell(page, 1).locator(".bumba-w-view")
        view.wait_for(timeout=30_000)
        _search(view, "md5")
        row = view.locator(".bumba-w-row:visible").first
        assert "md5" in row.inner_text()
        row.locator(".bumba-w-expand").click()
        view.locator(".bumba-w-detail").first.locator(".bumba-w-insert-fix").click()
        view.locator(".bumba-w-detail").first.locator(".bumba-w-action-output").get_by_text("inserted the fix").wait_for(timeout=15_000)
        cells = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.cells.length")
        assert cells == 3
        new = page.evaluate("""() => {
            const cell = window.jupyterapp.shell.currentWidget.content.model.cells.get(2);
            return {type: cell.type, source: cell.sharedModel.getSource(), count: cell.executionCount ?? null};
        }""")
        assert new["type"] == "code" and new["count"] is None  # inserted, never run
        assert new["source"].startswith("# bumba fix for BMB104") and "pbkdf2_hmac" in new["source"]
        page.screenshot(path=str(ARTIFACTS / "widget-insert-fix.png"))

        # Go to: the file opens in JupyterLab
        output = view.locator(".bumba-w-detail").first.locator(".bumba-w-action-output").element_handle()  # the notebook tab is hidden next
        view.locator(".bumba-w-detail").first.locator(".bumba-w-goto").click()
        page.wait_for_function("(el) => el.textContent.includes('opened') || el.textContent.includes('Go to')",
                               arg=output, timeout=15_000)
        assert output.text_content().startswith("opened"), output.text_content()
        page.wait_for_function("() => window.jupyterapp.shell.currentWidget.title.label === 'auth.py'")
    finally:
        page.close()


def _first_render(page, index: int) -> float:
    """Seconds from the kernel's clock before display() to the first page of rows drawn in the browser."""
    page.evaluate("""() => { window.__bumbaSeen = null; const check = () => {
        const rows = [...document.querySelectorAll('.bumba-w-view .bumba-w-row')]
            .filter(r => r.offsetParent !== null);
        if (rows.length >= 25 && rows[0].textContent.includes('synthetic problem')) {
            window.__bumbaSeen = Date.now(); return; }
        requestAnimationFrame(check); }; requestAnimationFrame(check); }""")
    _run_cell(page, index)
    page.wait_for_function("() => window.__bumbaSeen !== null", timeout=60_000)
    seen = page.evaluate("() => window.__bumbaSeen")
    out = _cell(page, index).locator(".jp-OutputArea-output pre").last.inner_text()
    return (seen - float(out.split("STARTED=")[1].split()[0])) / 1000


def test_5000_findings_first_render_filter_and_page(lab, browser):
    url, root, _ = lab
    view_only = SHOW_SYNTHETIC.replace("display(big)", "display(FindingsView(big))")
    _write_notebook(root / "big-view.ipynb", ["from bumba_magics.views.widget import FindingsView\n" + SYNTHETIC,
                                              view_only])
    page = _open(browser, url, "big-view.ipynb")
    try:
        _run_cell(page, 0)
        view_alone = _first_render(page, 1)
    finally:
        page.close()

    _write_notebook(root / "big.ipynb", ["%load_ext bumba_magics", SYNTHETIC, SHOW_SYNTHETIC])
    page = _open(browser, url, "big.ipynb")
    try:
        _run_cell(page, 0)
        _run_cell(page, 1)
        first_render = _first_render(page, 2)
        view = _cell(page, 2).locator(".bumba-w-view")
        assert _label(view).startswith("1–25 of 5000")

        timings = {}
        for name, action, expect in (
            ("filter (hide info)", lambda: view.locator(".bumba-w-severity-info").click(), "of 4000"),
            ("next page", lambda: view.locator(".bumba-w-page-next").click(), "26–50 of 4000"),
            ("search", lambda: _search(view, "problem 4999"), "1–1 of 1"),
        ):
            handle = view.locator(".bumba-w-page-label").element_handle()
            t0 = time.perf_counter()
            action()
            page.wait_for_function("([el, text]) => el.textContent.includes(text)", arg=[handle, expect],
                                   polling="raf")
            timings[name] = time.perf_counter() - t0
        page.screenshot(path=str(ARTIFACTS / "widget-5000.png"))
        print(f"\n5,000 findings: first page {first_render:.3f} s after display(report) — the whole bundle: "
              "widget + HTML/Markdown/text/JSON fallbacks (target < 1 s)")
        print(f"5,000 findings: first page {view_alone:.3f} s after display(FindingsView(report)) — the widget alone")
        for name, seconds in timings.items():
            print(f"5,000 findings: {name}: {seconds:.3f} s (click to redrawn page)")
        assert first_render < 10, "the first page must not take anywhere near this long"
    finally:
        page.close()
