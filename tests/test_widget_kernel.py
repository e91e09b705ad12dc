"""The widget in a real kernel: the output bundle, a saved notebook without a kernel, and the frontend protocol."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from bumba_magics.views.frontend import FRONTEND_TARGET
from bumba_magics.views.mimebundle import FINDINGS_MIME
from bumba_magics.views.widget import WIDGET_MIME

pytestmark = pytest.mark.slow


def test_the_widget_output_also_carries_the_static_findings(tmp_path, sample_dir):
    shutil.copytree(sample_dir / "sample_service", tmp_path / "svc")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%load_ext bumba_magics"),
        nbformat.v4.new_code_cell("%bumba scan svc"),
    ])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    (output,) = [o for o in nb.cells[1].outputs if o.output_type == "execute_result"]
    assert {WIDGET_MIME, FINDINGS_MIME, "text/html", "text/markdown", "text/plain"} <= set(output.data)
    assert "pickle.loads() can run code" in output.data["text/html"]
    # nbclient keeps the widgets' state in the notebook, so JupyterLab can draw the view without a kernel
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert output.data[WIDGET_MIME]["model_id"] in state
    # …and a converted notebook shows the findings as HTML
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert "pickle.loads() can run code" in body


@pytest.fixture
def kernel(tmp_path):
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path))
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run(client, code: str) -> str:
    """Execute and return the text of the result (and stream output)."""
    collector = _Collector()
    reply = client.execute_interactive(code, timeout=60, output_hook=collector)
    assert reply["content"]["status"] == "ok", reply["content"]
    return collector.text


class _Collector:
    def __init__(self) -> None:
        self.text = ""
        self.comm_opens: list[dict] = []

    def __call__(self, message: dict) -> None:
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            self.text += content["text"]
        elif kind in ("execute_result", "display_data"):
            self.text += content["data"].get("text/plain", "")
        elif kind == "comm_open":
            self.comm_opens.append(content)


def ask(client, request: str, timeout: float = 30) -> dict:
    """Run ``ask_frontend`` in the kernel and return the comm_open the frontend would receive."""
    collector = _Collector()
    code = ("from bumba_magics.views.frontend import ask_frontend\nreplies = []\n"
            f"pending = ask_frontend({request}, replies.append, timeout={timeout})")
    reply = client.execute_interactive(code, timeout=60, output_hook=collector)
    assert reply["content"]["status"] == "ok", reply["content"]
    opens = [c for c in collector.comm_opens if c["target_name"] == FRONTEND_TARGET]
    assert len(opens) == 1
    return opens[0]


def answer(client, comm_id: str, data: dict | None = None, close: bool = True) -> None:
    """Play the frontend's part: reply on the comm, then close it."""
    if data is not None:
        client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))
    if close:
        client.shell_channel.send(client.session.msg("comm_close", {"comm_id": comm_id, "data": {}}))


GOTO = '{"action": "goto", "path": "/srv/app/db.py", "line": 12, "cell": None, "cell_id": None}'
INSERT = '{"action": "insert-cell", "code": "x = 1", "cell_id": "abc"}'


def test_frontend_answers_ok(kernel):
    opened = ask(kernel, GOTO)
    assert opened["data"] == {"action": "goto", "path": "/srv/app/db.py", "line": 12, "cell": None, "cell_id": None}
    answer(kernel, opened["comm_id"], {"ok": True})
    assert run(kernel, "replies") == "[FrontendReply(ok=True, error=None, answered=True)]"


def test_frontend_refuses(kernel):
    opened = ask(kernel, INSERT)
    assert opened["data"] == {"action": "insert-cell", "code": "x = 1", "cell_id": "abc"}
    answer(kernel, opened["comm_id"], {"ok": False, "error": "no notebook is open"})
    assert run(kernel, "replies") == "[FrontendReply(ok=False, error='no notebook is open', answered=True)]"


def test_frontend_without_the_extension_closes_without_answering(kernel):
    opened = ask(kernel, GOTO)
    answer(kernel, opened["comm_id"], None)  # what JupyterLab does for a target nobody registered
    out = run(kernel, "replies[0].ok, replies[0].answered")
    assert out == "(False, False)"


def test_silent_frontend_times_out(kernel):
    ask(kernel, GOTO, timeout=0.2)
    # wait() blocks this cell, not the timer thread that settles the request
    assert run(kernel, "pending.wait(30)") == (
        "FrontendReply(ok=False, error='the frontend did not answer', answered=False)")


def test_no_stray_replies_across_requests(kernel):
    first = ask(kernel, GOTO)
    run(kernel, "first_replies = replies")
    second = ask(kernel, INSERT)
    assert first["comm_id"] != second["comm_id"]
    answer(kernel, second["comm_id"], {"ok": True})
    answer(kernel, first["comm_id"], {"ok": False, "error": "late"})
    assert run(kernel, "first_replies[0].error, replies[0].ok") == "('late', True)"
