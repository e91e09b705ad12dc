"""%%bumba improve-performance measured: the cell runs once under a profiler in a real InteractiveShell."""

from __future__ import annotations

import base64
import os
import textwrap

import pytest

from bumba_magics.cli import main
from bumba_magics.measure.profiling import profile_code
from bumba_magics.store import Store

# slow_join dominates: a million string appends in a Python loop against a sum over 1000 numbers
HOT_CELL = textwrap.dedent('''\
    %%bumba improve-performance{options}
    def slow_join(n):
        text = ""
        for i in range(n):
            text += str(i % 10)
        return text

    def quick(n):
        return sum(range(n))

    joined = slow_join({n})
    small = quick(1000)
''')


def hot_cell(n: int = 1_000_000, options: str = "") -> str:
    return HOT_CELL.format(n=n, options=options)


def run(ip, cell: str, cell_id: str | None = None):
    result = ip.run_cell(cell, cell_id=cell_id)
    assert result.error_in_exec is None, result.error_in_exec
    return result.result


def test_hot_function_and_line_in_metrics_and_promoted_finding(ip):
    static = run(ip, hot_cell(options=" --static"), cell_id="cell-1")
    unmeasured = next(f for f in static.findings if f.rule == "BMB303")
    report = run(ip, hot_cell(), cell_id="cell-1")
    assert report.metrics["profiler"] == "sampling"
    assert report.metrics["hot_functions"][0].startswith("slow_join (<cell>:1)")
    assert any(line.startswith("line 4:") and "text += str(i % 10)" in line for line in report.metrics["hot_lines"])
    assert report.metrics["wall_s"] > 0 and report.metrics["samples"] > 0
    # the static anti-pattern on the hot line is promoted and says what it costs
    concat = next(f for f in report.findings if f.rule == "BMB303")
    assert concat.severity.rank == unmeasured.severity.rank + 1  # promoted one level
    assert "measured:" in concat.title and concat.location.line == 4
    chart = next(a for a in report.artifacts if a.mime == "image/png")
    assert base64.b64decode(chart.data).startswith(b"\x89PNG")
    # the cell really ran in the user's namespace, once
    assert len(ip.user_ns["joined"]) == 1_000_000 and ip.user_ns["small"] == 499500
    assert report.metrics["cell_identity"] == "cell id"


def test_before_after_for_the_same_cell(ip, store_path):
    first = run(ip, hot_cell(), cell_id="cell-7")
    assert "before_after" not in first.metrics
    assert any("first profile of this cell" in note for note in first.notes)
    second = run(ip, hot_cell(n=40_000), cell_id="cell-7")  # the user edited the cell
    assert second.metrics["before_wall_s"] == first.metrics["wall_s"]
    assert second.metrics["after_wall_s"] == second.metrics["wall_s"]
    assert "code changed" in second.metrics["before_after"]
    other = run(ip, hot_cell(), cell_id="cell-8")  # another cell: no comparison
    assert "before_after" not in other.metrics
    assert round(Store(store_path).last_profile("cell:cell-7")[1]["wall_s"], 4) == second.metrics["wall_s"]


def test_identity_without_a_cell_id_is_the_first_line_or_a_label(ip):
    first = run(ip, hot_cell(n=1000))
    assert first.metrics["cell_identity"] == "first line of the cell"
    again = run(ip, hot_cell(n=2000))  # edited below the first line: still the same cell
    assert "before_after" in again.metrics
    labelled = run(ip, hot_cell(n=1000, options=" --label totals"))
    assert labelled.metrics["cell_identity"] == "label 'totals'" and "before_after" not in labelled.metrics


def test_exception_is_a_finding_the_static_part_stays_and_the_kernel_survives(ip):
    cell = textwrap.dedent('''\
        %%bumba improve-performance
        parts = ""
        for word in ["a", "b"]:
            parts += word
        ratio = 1 / 0
        after = True
    ''')
    report = run(ip, cell)
    raised = next(f for f in report.findings if f.rule == "BMB391")
    assert "ZeroDivisionError" in raised.title and raised.location.line == 4
    assert "ZeroDivisionError: division by zero" in raised.evidence
    assert any(f.rule == "BMB303" for f in report.findings)  # the static review is still there
    assert ip.user_ns["parts"] == "ab" and "after" not in ip.user_ns
    assert ip.run_cell("40 + 2").result == 42


def test_static_option_and_paths_never_run_code(ip, tmp_path):
    marker = tmp_path / "ran.txt"
    report = run(ip, f"%%bumba improve-performance --static\nopen({str(marker)!r}, 'w').write('x')\n")
    assert not marker.exists() and "wall_s" not in report.metrics
    module = tmp_path / "job.py"
    module.write_text(f"open({str(marker)!r}, 'w').write('x')\nrows = ''\nfor r in 'abc':\n    rows += r\n")
    report = run(ip, f"%bumba improve-performance {module}")
    assert not marker.exists() and "wall_s" not in report.metrics
    assert any(f.rule == "BMB303" for f in report.findings)
    assert main(["improve-performance", str(module), "-q"]) == 0
    assert not marker.exists()


def test_cprofile_counts_calls_and_pyinstrument_finds_the_same_hot_function(ip):
    report = run(ip, hot_cell(n=200_000, options=" --profiler cprofile"))
    assert report.metrics["profiler"] == "cprofile"
    assert report.metrics["hot_functions"][0].startswith("slow_join (<cell>:1)")
    assert report.metrics["hot_functions"][0].endswith("1 calls")
    report = run(ip, hot_cell(n=200_000, options=" --profiler pyinstrument"))
    assert report.metrics["profiler"] == "pyinstrument"
    assert report.metrics["hot_functions"][0].startswith("slow_join (<cell>:1)")


@pytest.mark.parametrize("memory", ["tracemalloc", "rss"])
def test_memory_peak(ip, memory):
    if memory == "rss" and not os.path.exists("/proc/self/clear_refs"):
        pytest.skip("peak resident size can only be reset on Linux")
    report = run(ip, f"%%bumba improve-performance --memory {memory}\nblock = bytearray(64 * 2**20)\n"
                     "block[::4096] = b'x' * len(block[::4096])\ndel block\n")
    assert report.metrics["memory_measure"] == memory
    assert report.metrics["memory_peak_mib"] >= 60


def test_profile_code_records_a_keyboard_interrupt_instead_of_raising():
    code = compile("x = 1\nraise KeyboardInterrupt\n", "<interrupted>", "exec")
    namespace: dict = {}
    profile = profile_code(code, "<interrupted>", namespace, memory="off")
    assert profile.error["type"] == "KeyboardInterrupt" and profile.error["line"] == 2
    assert namespace["x"] == 1


def test_syntax_error_cell_is_reviewed_not_run(ip):
    report = run(ip, "%%bumba improve-performance\ndef broken(:\n    pass\n")
    assert "wall_s" not in report.metrics
    assert any(f.rule == "BMB901" for f in report.findings)
    assert any("does not compile" in note for note in report.notes)
