"""The Claude engine in a real kernel (nbclient): the kernel reaches the fake API through ANTHROPIC_BASE_URL and
ANTHROPIC_API_KEY in its environment, streams into the cell's output, and survives an interrupt mid-stream."""

from __future__ import annotations

import json
import os
import signal
import threading

import nbformat
import pytest
from fake_anthropic import FakeAnthropic, Reply, Stall, text, tool_use
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

pytestmark = pytest.mark.slow
KEY = "sk-ant-test-kernel-0000000000000000000000000000000000000"
MIME = "application/vnd.bumba.findings+json"


def _findings(cell):
    for output in cell.outputs:
        if output.output_type in ("execute_result", "display_data") and MIME in output.get("data", {}):
            data = output.data[MIME]
            return data if isinstance(data, dict) else json.loads(data)
    raise AssertionError(f"no findings output in {cell.outputs}")


def test_a_kernel_streams_from_the_fake_and_survives_an_interrupt(tmp_path, monkeypatch):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "cache.py").write_text("import pickle\n\n\ndef load(b):\n    return pickle.loads(b)\n")
    with FakeAnthropic(min_cache_tokens=200) as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        fake.push(Reply([text("Looking at the loader."), tool_use("read_file", {"path": "cache.py"})]),
                  Reply([tool_use("report_finding", {
                      "rule": "CL100", "title": "Cache entries are unpickled from a shared folder",
                      "severity": "high", "category": "security", "location": {"path": "cache.py", "line": 4}})]),
                  Reply([text("Unpickling shared data runs attacker code.")]))
        started = threading.Event()

        def stall(body):
            started.set()
            return Stall(seconds=60)

        cells = [
            nbformat.v4.new_code_cell("%load_ext bumba_magics"),
            nbformat.v4.new_code_cell("%bumba scan svc"),
            nbformat.v4.new_code_cell("%bumba scan svc --refresh --max-turns 3"),
            nbformat.v4.new_code_cell("1 + 1"),
        ]
        nb = nbformat.v4.new_notebook(cells=cells)
        client = NotebookClient(nb, timeout=60, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}})
        with client.setup_kernel():
            client.execute_cell(nb.cells[0], 0)
            client.execute_cell(nb.cells[1], 1)
            fake.push(stall)

            def interrupt():
                if started.wait(30):
                    os.kill(client.km.provisioner.process.pid, signal.SIGINT)

            thread = threading.Thread(target=interrupt)
            thread.start()
            with pytest.raises(CellExecutionError, match="AgentFailed"):
                client.execute_cell(nb.cells[2], 2)
            thread.join()
            client.execute_cell(nb.cells[3], 3)

    first = _findings(nb.cells[1])
    by_rule = {f["rule"]: f for f in first["findings"]}
    assert by_rule["CL100"]["engine"] == "claude" and by_rule["BMB106"]["engine"] == "offline"
    assert first["run"]["engines"] == ["offline", "claude"]
    streamed = [o for o in nb.cells[1].outputs if o.output_type in ("display_data", "update_display_data")]
    assert any("tokens in" in o.get("data", {}).get("text/plain", "") for o in streamed)
    assert fake.messages_requests[0].api_key == KEY
    # the interrupted run: the error names the cancellation, the offline findings are shown, the kernel lives
    error = next(o for o in nb.cells[2].outputs if o.output_type == "error")
    assert "cancelled" in "".join(error.traceback)
    assert any(f["rule"] == "BMB106" for f in _findings(nb.cells[2])["findings"])
    assert nb.cells[3].outputs[0]["data"]["text/plain"] == "2"
