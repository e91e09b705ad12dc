"""A notebook that uses the magics, executed by a real kernel through nbclient."""

import json

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

MIME = "application/vnd.bumba.findings+json"

pytestmark = pytest.mark.slow


def execute(nb, cwd):
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def bundle(cell):
    for output in cell.outputs:
        if output.output_type in ("execute_result", "display_data") and MIME in output.data:
            data = output.data[MIME]
            return data if isinstance(data, dict) else json.loads(data)
    raise AssertionError(f"no findings output in {cell.outputs}")


def test_notebook_with_magics_runs_in_a_kernel(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "cache.py").write_text("import pickle\n\ndef load(b):\n    return pickle.loads(b)\n")
    cells = [
        nbformat.v4.new_code_cell("%load_ext bumba_magics"),
        nbformat.v4.new_code_cell("%bumba scan svc"),
        nbformat.v4.new_code_cell("%%bumba scan\n%time y = 2\n!echo hello\nimport yaml\nconf = yaml.load(open('c'))\n"),
        nbformat.v4.new_code_cell("%%bumba scan\ndef broken(:\n    pass\n"),
        nbformat.v4.new_code_cell("report = %bumba scan svc\nlen(report.findings), type(report).__name__"),
    ]
    nb = execute(nbformat.v4.new_notebook(cells=cells), tmp_path)
    path_scan = bundle(nb.cells[1])
    assert [(f["rule"], f["location"]["path"], f["location"]["line"]) for f in path_scan["findings"]
            if f["rule"] == "BMB106"] == [("BMB106", "cache.py", 4)]
    html = next(o for o in nb.cells[1].outputs if "text/html" in o.get("data", {}))["data"]["text/html"]
    assert "BMB106" in html
    cell_scan = bundle(nb.cells[2])
    assert [(f["rule"], f["location"]["line"]) for f in cell_scan["findings"] if f["rule"] == "BMB106"] == [
        ("BMB106", 4)]
    assert [f["rule"] for f in bundle(nb.cells[3])["findings"]] == ["BMB901"]
    assert "Report" in nb.cells[4].outputs[0]["data"]["text/plain"]


def test_failing_gate_fails_the_run_but_keeps_the_kernel(tmp_path):
    (tmp_path / "a.py").write_text("import pickle\nx = pickle.loads(b'')\n")
    cells = [
        nbformat.v4.new_code_cell("%load_ext bumba_magics"),
        nbformat.v4.new_code_cell("%bumba scan a.py --fail-on high"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    with pytest.raises(CellExecutionError, match="GateFailed"):
        execute(nb, tmp_path)
    assert bundle(nb.cells[1])["summary"]["gate"] == "fail"  # the report was shown before the error
