"""The HTML report of a dataflow finding, rendered by headless Chromium with the network off: the path from
the source to the sink is shown under the finding, step by step, each step a link to its file and line."""

from __future__ import annotations

import os

import pytest

from bumba_magics.review import review
from bumba_magics.views.html import report_to_html_page

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"

SHELL_THROUGH_A_HELPER = {
    "app/web.py": (
        "from flask import Flask, request\n\nfrom app.helpers import run_cmd\n\napp = Flask(__name__)\n\n\n"
        "@app.route('/ps')\ndef ps():\n    who = request.args['who']\n"
        "    return {'out': run_cmd('ps -u <b>{}</b>'.format(who))}\n"
    ),
    "app/helpers.py": "import os\n\n\ndef run_cmd(cmd):\n    return os.popen(cmd).read()\n",
    "app/__init__.py": "",
}


def test_report_page_shows_the_path_with_linked_steps(tmp_path):
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):  # `make test` installs it; a missing browser must not pass silently
        pytest.fail("Chromium is missing: apt-get install -y chromium (`make test` does it)")
    for name, text in SHELL_THROUGH_A_HELPER.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = review("scan", str(tmp_path), use_store=False)
    shell = next(f for f in report.findings if f.rule == "BMB121")
    page_file = tmp_path / "report.html"  # at the review root, where the steps' relative links resolve
    page_file.write_text(report_to_html_page(report))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            finding = page.locator("details", has=page.locator("summary code", has_text="BMB121")).first
            finding.locator("summary").click()
            steps = finding.locator("ol.bumba-flow > li")
            steps.first.wait_for(state="visible")
            shown = steps.all_inner_texts()
            assert len(shown) == len(shell.flow)
            assert shown[0].startswith("app/web.py:10") and "who = request.args['who']" in shown[0]
            assert "(source)" in shown[0] and shown[-1].startswith("app/helpers.py:5") and "(sink)" in shown[-1]
            assert any("<b>{}</b>" in text for text in shown)  # the code as text, not as markup
            assert finding.locator("ol.bumba-flow b").count() == 0
            sink_link = steps.last.locator("a")
            assert sink_link.get_attribute("href") == "app/helpers.py#L5"
            sink_link.click()
            page.wait_for_url("**/app/helpers.py#L5")
            assert "def run_cmd(cmd):" in page.content()
            assert all(url.startswith("file:") for url in requests), requests
        finally:
            browser.close()

