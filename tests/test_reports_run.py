"""``bumba report`` end to end: real kernels through papermill, nbconvert HTML, Dask, headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from bumba_magics import reports
from bumba_magics.cli import main

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "notebooks"
ARTIFACTS = REPO / "test-artifacts"

REVIEW_SECTIONS = ["Executive summary", "Security", "Secrets", "Performance", "Architecture",
                   "Complexity hot spots", "Notebook hygiene", "Trend", "Narrative", "Notes", "All findings", "Gate"]


@pytest.fixture(scope="module")
def sample_review(tmp_path_factory):
    """The review template on the bundled sample, once for the module, with its own store."""
    out = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BUMBA_STORE", str(out / "store.sqlite"))
        code = main(["report", str(SAMPLE), "-o", str(out), "-q"])
    return code, out


def load(out: Path, name: str):
    return (out / f"{name}.html").read_text(), json.loads((out / f"{name}.json").read_text())


def test_review_report_of_the_sample(sample_review):
    code, out = sample_review
    assert code == 0
    html, data = load(out, "notebooks.review")
    for heading in REVIEW_SECTIONS:
        assert f">{heading}<a class=\"anchor-link\"" in html, heading
    # provenance
    for fact in ("git commit", "engines", "tool versions", "agent file", "backend-engineer",
                 data["run"]["agent_hash"], "secure+improve-performance+analyze-technical"):
        assert fact in html, fact
    # the planted problems, where they are
    for text in ("BMB101", "sample_service/db.py:80", "BMB106", "BMB401", "price_order", "BMB502",
                 "sample.ipynb cell 10"):
        assert text in html, text
    assert html.count('src="data:image/png;base64,') >= 5  # severity, files, graph, complexity, trend
    assert 'alt="Import graph: ' in html and "in a cycle: sample_service.db, sample_service.services.orders" in html
    assert "Gate: no gate" in html and "first report on this target" in html
    # code and data cells are not in the page; nothing loads from the network
    assert "combined_command" not in html and "application/vnd.bumba.report+json" not in html
    assert "<script src" not in html
    # no secret in any file written
    for path in out.iterdir():
        if path.suffix in (".html", ".json", ".sarif", ".ipynb"):
            assert "sk_live_tDz5SYAABZSxmQxLerHG9XSM" not in path.read_text(), path
    # exports beside it
    sarif = json.loads((out / "notebooks.review.sarif").read_text())
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == len(data["findings"])
    executed = nbformat.read(out / "notebooks.review.ipynb", as_version=4)
    assert executed.metadata.papermill.parameters["target"] == str(SAMPLE)
    index = (out / "index.html").read_text()
    assert 'href="notebooks.review.html"' in index and str(SAMPLE) in index


def test_same_inputs_same_findings(sample_review, monkeypatch):
    _code, out = sample_review
    again = out / "again"
    monkeypatch.setenv("BUMBA_STORE", str(out / "store.sqlite"))
    assert main(["report", str(SAMPLE), "-o", str(again), "-q"]) == 0
    first = json.loads((out / "notebooks.review.json").read_text())["findings"]
    second = json.loads((again / "notebooks.review.json").read_text())["findings"]
    assert first == second
    results = [json.loads((d / "notebooks.review.sarif").read_text())["runs"][0]["results"] for d in (out, again)]
    assert results[0] == results[1]  # only the invocation's times differ
    html = (again / "notebooks.review.html").read_text()
    assert "0 new</strong>, <strong>0 fixed</strong>" in html  # the trend sees the first run


@pytest.mark.parametrize("template, sections, expected", [
    ("security", ["Executive summary", "Security", "Secrets", "Trend", "All findings", "Gate"],
     ["BMB107", "BMB201", "<code>ops.py:20</code>"]),
    ("performance", ["Executive summary", "Performance", "Trend", "All findings", "Gate"],
     ["BMB305", "BMB301", "<code>reports.py:51</code>"]),
])
def test_other_templates(tmp_path, monkeypatch, template, sections, expected):
    monkeypatch.chdir(tmp_path)  # reports are named after the target's path relative to here
    assert main(["report", str(SAMPLE / "sample_service"), "-o", str(tmp_path), "--template", template,
                 "-q"]) == 0
    html, data = load(tmp_path, f"sample_service.{template}")
    for heading in sections:
        assert f">{heading}<a class=\"anchor-link\"" in html, heading
    for text in expected:
        assert text in html, text
    assert "Architecture<a" not in html
    assert data["run"]["command"] == {"security": "secure", "performance": "improve-performance"}[template]


def test_gate_fails_the_run_and_keeps_the_whole_report(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert main(["report", str(SAMPLE / "sample_service"), "-o", str(out), "--template", "security",
                 "--fail-on", "high"]) == 1
    assert "at or above 'high'" in capsys.readouterr().err
    html, data = load(out, "sample_service.security")
    assert "Gate failed" in html and "Gate: FAILED" in html
    assert "All findings<a" in html and "GateFailed" in html  # every section drawn, then the gate raised
    assert data["summary"]["gate"] == "fail"
    assert json.loads((out / "index.json").read_text())["reports"]["sample_service.security"]["status"] == "fail"
    # a gate nothing reaches passes
    assert main(["report", str(SAMPLE / "sample_service"), "-o", str(out), "--template", "performance",
                 "-p", "fail_on", "critical", "-q"]) == 0
    assert "Gate: passed" in (out / "sample_service.performance.html").read_text()


def test_papermill_runs_a_template_directly_and_raises_on_the_gate(tmp_path):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError) as raised:
        papermill.execute_notebook(
            str(reports.find_template("security")), str(tmp_path / "out.ipynb"), kernel_name="python3",
            parameters={"target": str(SAMPLE / "sample_service"), "fail_on": "high"}, progress_bar=False,
        )
    assert raised.value.ename == "GateFailed"
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert any("Gate: FAILED" in json.dumps(c.get("outputs", [])) for c in executed.cells)


def test_trend_after_one_finding_is_fixed(tmp_path):
    service = tmp_path / "sample_service"
    shutil.copytree(SAMPLE / "sample_service", service, ignore=shutil.ignore_patterns(".ruff_cache"))
    out = tmp_path / "out"
    args = ["report", str(service), "-o", str(out), "--template", "security", "-q"]
    assert main(args) == 0
    routes = service / "routes.py"
    text = routes.read_text()
    assert "pickle.loads(base64.b64decode(saved))" in text
    routes.write_text(text.replace("import pickle\n", "import json\n")
                      .replace("pickle.loads(base64.b64decode(saved))", "json.loads(base64.b64decode(saved))"))
    assert main(args) == 0
    html, data = load(out, "sample_service.security")
    assert data["comparison"]["fixed"] >= 1
    assert "Fixed since the previous report" in html
    fixed_part = html.split("Fixed since the previous report", 1)[1].split("Still open", 1)[0]
    assert "<code>routes.py:60</code>" in fixed_part and "pickle.loads()" in fixed_part
    new_part = html.split("New since the previous report", 1)[1].split("Fixed since", 1)[0]
    assert "pickle" not in new_part
    index = json.loads((out / "index.json").read_text())["reports"]["sample_service.security"]
    assert index["comparison"]["fixed"] >= 1


def _two_targets(tmp_path) -> list[str]:
    targets = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "cache.py").write_text("import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n")
        targets.append(str(folder))
    return targets


def test_jobs_run_targets_in_parallel(tmp_path):
    targets = _two_targets(tmp_path)
    out = tmp_path / "out"
    assert main(["report", *targets, "-o", str(out), "--template", "security", "--jobs", "2", "-q"]) == 0
    entries = json.loads((out / "index.json").read_text())["reports"]
    assert list(entries) == ["one.security", "two.security"]
    for name in entries:
        html, data = load(out, name)
        assert "BMB106" in html and data["findings"]


def test_a_failing_target_does_not_stop_the_others(tmp_path):
    targets = _two_targets(tmp_path)
    broken = tmp_path / "broken.ipynb"
    template = nbformat.read(reports.find_template("security"), as_version=4)
    raising = nbformat.v4.new_code_cell("if 'two' in target:\n    raise KeyError('no such section')")
    template.cells.insert(5, raising)
    nbformat.write(template, broken)
    out = tmp_path / "out"
    assert main(["report", *targets, "-o", str(out), "--template", str(broken), "--jobs", "2", "-q"]) == 1
    entries = json.loads((out / "index.json").read_text())["reports"]
    assert entries["one.broken"]["status"] == "ok"
    assert entries["two.broken"]["status"] == "error" and "KeyError" in entries["two.broken"]["message"]
    html = (out / "two.broken.html").read_text()
    assert "Report incomplete" in html and "KeyError" in html
    assert "KeyError" in (out / "index.html").read_text()


def test_a_kernel_that_dies_leaves_a_partial_report(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "a.py").write_text("import pickle\nx = pickle.loads(b'')\n")
    dying = tmp_path / "dying.ipynb"
    template = nbformat.read(reports.find_template("security"), as_version=4)
    heading = next(i for i, c in enumerate(template.cells) if c.source.startswith("## Security"))
    template.cells.insert(heading + 1, nbformat.v4.new_code_cell("import os\nos._exit(1)  # the kernel dies"))
    nbformat.write(template, dying)
    out = tmp_path / "out"
    assert main(["report", str(tmp_path / "svc"), "-o", str(out), "--template", str(dying), "-q"]) == 1
    html = (out / "svc.dying.html").read_text()
    assert "Partial report" in html and "the kernel died while running cell" in html and "Security" in html
    assert "Executive summary" in html and "BMB106" in html  # what ran before is kept
    assert "All findings<a" not in html
    executed = nbformat.read(out / "svc.dying.ipynb", as_version=4)
    assert "Partial report" in json.dumps(executed.cells[0].outputs)
    entry = json.loads((out / "index.json").read_text())["reports"]["svc.dying"]
    assert entry["status"] == "partial" and entry["summary"]["total"] >= 1


def test_dask_local_cluster(tmp_path):
    from distributed import LocalCluster

    targets = _two_targets(tmp_path)
    out = tmp_path / "out"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        code = main(["report", *targets, "-o", str(out), "--template", "security", "--dask",
                     cluster.scheduler_address, "-q"])
    assert code == 0
    entries = json.loads((out / "index.json").read_text())["reports"]
    assert {e["status"] for e in entries.values()} == {"ok"}
    assert all((out / f"{name}.html").is_file() for name in entries)


def test_dask_scheduler_not_reachable(tmp_path, capsys):
    import socket

    with socket.socket() as sock:  # a free port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "a.py").write_text("x = 1\n")
    assert main(["report", str(tmp_path), "-o", str(tmp_path / "out"), "--dask", f"tcp://127.0.0.1:{port}"]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err


CHROMIUM = "/usr/bin/chromium"


def test_report_renders_in_headless_chromium(sample_review):
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):  # `make test` installs it; a missing browser must not pass silently
        pytest.fail("Chromium is missing: apt-get install -y chromium (`make test` does it)")

    _code, out = sample_review
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-review.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto((out / "notebooks.review.html").as_uri())
            headings = page.locator("h2").all_inner_texts()
            assert [h.strip("¶ \n") for h in headings[:3]] == ["Executive summary", "Security", "Secrets"]
            assert page.locator("h1").first.inner_text() == "Architecture, security and performance review"
            images = page.locator("img")
            assert images.count() >= 5
            assert all(page.evaluate("(img) => img.naturalWidth > 0", images.nth(i).element_handle())
                       for i in range(images.count()))
            assert all(url.startswith(("file:", "data:")) for url in requests), requests
            page.screenshot(path=str(shot), full_page=True)
            index = browser.new_page()
            index.goto((out / "index.html").as_uri())
            index.screenshot(path=str(ARTIFACTS / "report-index.png"))
        finally:
            browser.close()
    assert shot.stat().st_size > 50_000
