"""Bad input ends in a clear error, in bounded time, and loses nothing: the CLI as a subprocess, %bumba in a
real InteractiveShell, a real SQLite store damaged on disk. (benchmarks/adversarial.py throws hundreds of
such inputs; the interesting ones live here so CI keeps them.)"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from IPython.core.error import UsageError

from bumba_magics.commands import COMMANDS, Command
from bumba_magics.report import Report
from bumba_magics.store import Store, StoreError, StoreWarning

PICKLE = "import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n"


def bumba(*args, cwd=None, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "bumba_magics", *args], capture_output=True, text=True,
                          check=False, cwd=cwd, timeout=timeout, env={**os.environ, **(env or {})})


def run(ip, code):
    result = ip.run_cell(code, store_history=False)
    return result.result, result.error_in_exec or result.error_before_exec


@pytest.fixture
def proj(tmp_path):
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "a.py").write_text(PICKLE)
    (tmp_path / "blocker").write_text("a file where a folder is expected\n")
    (tmp_path / "outdir").mkdir()
    return tmp_path


def assert_usage_error(out, *words):
    """Exit 2, one 'bumba…' line on stderr that says what is wrong, no traceback."""
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bumba"), out.stderr
    for word in words:
        assert word in lines[0], lines[0]


# -- usage errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (("help", "nope"), ["unknown command 'nope'"]),
    (("help", "scna"), ["Did you mean 'scan'"]),
    (("context", "--command", "nope"), ["unknown command 'nope'"]),
    (("agents", "--project", "missing"), ["missing: no such folder"]),
    (("agents", "--project", "blocker"), ["blocker: not a folder"]),
    (("history", "--limit", "99999999999999999999"), ["--limit", "out of range"]),
    (("history", "--limit", "-5"), ["--limit", "out of range"]),
    (("history", "--limit", "0"), ["--limit", "out of range"]),
    (("history", "--limit", "lots"), ["--limit", "not a whole number"]),
    (("scan", "proj", "--max-turns", "99999999999999999999999"), ["--max-turns", "out of range"]),
    (("scan", "proj", "--max-turns", "0"), ["--max-turns", "out of range"]),
    (("scan", "proj", "--max-cost", "nan"), ["--max-cost", "not an amount"]),
    (("scan", "proj", "--max-cost", "inf"), ["--max-cost", "not an amount"]),
    (("scan", "proj", "--max-cost", "-1"), ["--max-cost", "not an amount"]),
    (("scan", "proj", "-o", ""), ["-o", "needs a file name"]),
    (("scan", "proj", "-o", "outdir"), ["outdir", "is a folder"]),
    (("scan", "proj", "-o", "/"), ["is a folder"]),
    (("scan", "proj", "-o", "blocker/report.json"), ["blocker is a file"]),
    (("scan", "proj", "-o", "outdir/" + "n" * 300 + ".json"), ["File name too long"]),
    (("docs-technical", "proj", "-o", "blocker"), ["blocker", "not a folder"]),
    (("publish", "proj", "-o", "/dev/full"), ["/dev/full", "not a folder"]),
])
def test_usage_errors_exit_2_with_one_line(proj, args, words):
    out = bumba(*args, cwd=proj)
    assert_usage_error(out, *words)
    assert out.stdout == ""  # refused before any review ran


def test_an_upper_case_command_is_the_command():
    out = bumba("HELP", "SCAN")
    assert out.returncode == 0 and "scan" in out.stdout, out.stderr


@pytest.mark.parametrize("output, reason", [
    ("/dev/full", "No space left on device"),
    ("/proc/version", "Input/output error"),
])
def test_an_output_that_cannot_be_written_prints_the_report_instead(proj, output, reason):
    if not Path(output).exists():
        pytest.skip(f"{output} does not exist here")
    out = bumba("scan", "proj", "-o", output, "-f", "json", cwd=proj)
    assert_usage_error(out, output, reason, "printed on stdout instead")
    report = json.loads(out.stdout)  # nothing lost: the whole report, in the format asked for
    assert [f["rule"] for f in report["findings"]] == ["BMB106"]


def test_an_output_in_a_missing_folder_creates_the_folder(proj):
    out = bumba("scan", "proj", "-o", "new/deeper/scan.sarif", cwd=proj)
    assert out.returncode == 0, out.stderr
    assert json.loads((proj / "new" / "deeper" / "scan.sarif").read_text())["version"] == "2.1.0"


def test_a_report_file_is_replaced_whole_and_no_temporary_file_stays(proj):
    target = proj / "scan.json"
    target.write_text("the previous report\n")
    out = bumba("scan", "proj", "-o", str(target), cwd=proj)
    assert out.returncode == 0, out.stderr
    assert json.loads(target.read_text())["run"]["command"] == "scan"
    assert sorted(p.name for p in proj.iterdir()) == ["blocker", "outdir", "proj", "scan.json"]


def test_a_deeply_nested_notebook_is_a_clear_error_named_and_skipped_in_a_folder(proj):
    (proj / "proj" / "deep.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    out = bumba("scan", "proj/deep.ipynb", cwd=proj)
    assert_usage_error(out, "deep.ipynb", "nested too deeply")
    out = bumba("scan", "proj", "-f", "json", cwd=proj)
    assert out.returncode == 0, out.stderr
    assert any("deep.ipynb" in note and "nested too deeply" in note for note in json.loads(out.stdout)["notes"])


def test_a_device_named_as_the_target_is_skipped_not_read_forever(proj):
    out = bumba("scan", "/dev/zero", "-f", "json", cwd=proj, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "skipped zero: a device, not a regular file" in json.loads(out.stdout)["notes"]


@pytest.mark.parametrize("target", ["proj", "proj/**/*.py"])
def test_a_symlink_loop_in_the_tree_is_passed_over(proj, target):
    (proj / "proj" / "loop.py").symlink_to(proj / "proj" / "loop.py")
    (proj / "proj" / "ping.py").symlink_to(proj / "proj" / "pong.py")
    (proj / "proj" / "pong.py").symlink_to(proj / "proj" / "ping.py")
    out = bumba("scan", target, "-f", "json", cwd=proj)
    assert out.returncode == 0, out.stderr
    assert [f["rule"] for f in json.loads(out.stdout)["findings"]] == ["BMB106"]


@pytest.mark.parametrize("pyproject, words", [
    ("[tool]\nbumba = 3\n", ["[tool.bumba] must be a table"]),
    ("[tool.bumba]\nx = " + "[" * 5000 + "]" * 5000 + "\n", ["nested too deeply"]),
    ("[tool.bumba]\nmax_file_bytes = 9223372036854775807\n", ["max_file_bytes", "less than or equal"]),
])
def test_a_malformed_pyproject_is_a_clear_error(proj, pyproject, words):
    (proj / "proj" / "pyproject.toml").write_text(pyproject)
    assert_usage_error(bumba("scan", "proj", cwd=proj), "pyproject.toml", *words)


def test_a_deeply_nested_agent_file_is_a_clear_error(proj):
    (proj / "deep.md").write_text("---\nname: " + "[" * 5000 + "]" * 5000 + "\n---\nbody\n")
    assert_usage_error(bumba("scan", "proj", "--agent", "deep.md", cwd=proj), "deep.md", "nested too deeply")


# -- the kernel ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("line, words", [
    ("%bumba help nope", "unknown command 'nope'"),
    ("%bumba help scna", "Did you mean 'scan'"),
    ("%bumba context --command nope", "unknown command 'nope'"),
    ("%bumba history --limit 99999999999999999999", "out of range"),
    ("%bumba scan proj -o outdir", "is a folder"),
    ("%bumba scan proj -o blocker/x.html", "blocker is a file"),
    ("%bumba scan proj --max-cost nan", "not an amount"),
    ("get_ipython().run_line_magic('bumba', 'scan proj\\x00')", "NUL character"),
    ("get_ipython().run_line_magic('bumba', 'explain BMB\\x00106')", "NUL character"),
    ("%bumba scan 'unbalanced", "cannot split the arguments"),
])
def test_kernel_usage_errors_are_usage_errors(ip, proj, line, words):
    _, error = run(ip, line)
    assert isinstance(error, UsageError), repr(error)
    assert words in str(error)
    assert ip.run_cell("1 + 1").result == 2


def test_kernel_a_cell_with_lone_surrogates_is_reviewed(ip):
    report, error = run(ip, "get_ipython().run_cell_magic('bumba', 'scan', 'x = \"\\ud800\"\\nimport pickle\\n"
                            "pickle.loads(x)\\n')")
    assert error is None, repr(error)
    assert [(f.rule, f.location.line) for f in report.findings] == [("BMB106", 3)]


def test_kernel_an_overlong_line_is_refused_at_once_and_dollar_expansion_still_works(ip, proj):
    started = time.monotonic()
    _, error = run(ip, "%bumba scan proj --select " + "S" * 100_000)
    assert isinstance(error, UsageError) and "the limit is 10,000" in str(error)
    assert time.monotonic() - started < 5  # IPython's own expansion of such a line took a minute
    ip.user_ns["where"] = "proj"
    report, error = run(ip, "%bumba scan $where")
    assert error is None and report.run.target == "proj"
    report, error = run(ip, "%bumba scan {where + '/a.py'}")
    assert error is None and report.run.target == "proj/a.py"


@pytest.mark.parametrize("kind", ["folder", "not sqlite", "under a file"])
def test_kernel_a_store_that_cannot_be_opened_leaves_the_review_unstored_not_undone(ip, proj, tmp_path, kind):
    if kind == "folder":
        (tmp_path / "bad").mkdir()
        path = tmp_path / "bad"
    elif kind == "not sqlite":
        path = tmp_path / "notes.txt"
        path.write_text("not a database\n" * 20)
    else:
        path = proj / "blocker" / "bumba.sqlite"
    ip.run_cell(f"%config BumbaMagics.store_path = {str(path)!r}")
    report, error = run(ip, "%bumba scan proj")
    assert error is None, repr(error)
    assert [f.rule for f in report.findings] == ["BMB106"]
    assert any("this run is not stored" in note for note in report.notes), report.notes
    _, error = run(ip, "%bumba history")
    assert isinstance(error, UsageError) and "bumba store" in str(error)


def test_kernel_output_that_cannot_be_written_shows_the_report_then_a_usage_error(ip, proj, capsys):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    _, error = run(ip, "%bumba scan proj -o /dev/full")
    assert isinstance(error, UsageError) and "No space left on device" in str(error)
    assert "BMB106" in capsys.readouterr().out  # displayed before the error


def _explodes(request):
    return {}["a bug in a runner"]  # a KeyError that is nobody's input: must not read as a usage error


def _raises_recursion(request):
    def deeper(n):
        return deeper(n + 1)

    return deeper(0)


@pytest.mark.parametrize("runner, kind", [("_raises_recursion", RecursionError), ("_explodes", KeyError)])
def test_kernel_a_bug_is_a_bumba_internal_error_and_the_kernel_lives(ip, proj, monkeypatch, runner, kind):
    from bumba_magics.magics import BumbaInternalError

    broken = Command("broken", "A command whose runner has a bug.", needs="nothing", takes_cell=False,
                     run=globals()[runner])
    monkeypatch.setitem(COMMANDS, broken.name, broken)
    _, error = run(ip, "%bumba broken")
    assert isinstance(error, BumbaInternalError), repr(error)
    assert kind.__name__ in str(error) and "a bug, not your input" in str(error)
    assert type(error.__cause__) is kind  # the traceback is kept for the bug report
    assert ip.run_cell("1 + 1").result == 2


def test_cli_a_bug_is_exit_4_not_the_gate_code(proj, monkeypatch, tmp_path):
    # the CLI runs in its own process: the broken command is registered by a sitecustomize on its path
    (tmp_path / "sitecustomize.py").write_text(
        "from bumba_magics.commands import Command, register\n"
        "from tests.test_bad_input import _raises_recursion\n"
        "register(Command('broken', 'A command whose run has a bug.', needs='nothing', run=_raises_recursion))\n")
    repo = Path(__file__).resolve().parent.parent
    out = bumba("broken", cwd=proj, env={"PYTHONPATH": os.pathsep.join([str(tmp_path), str(repo)])})
    assert out.returncode == 4, (out.returncode, out.stderr[-500:])
    assert "Traceback" in out.stderr  # a bug: the traceback is what makes it reportable
    assert "bumba: internal error: RecursionError" in out.stderr.strip().splitlines()[-1]


# -- the store -------------------------------------------------------------------------------------------
def _scan_a_few_times(proj, store_path, times=3):
    for _ in range(times):
        out = bumba("scan", "proj", "-q", "--no-cache", cwd=proj, env={"BUMBA_STORE": str(store_path)})
        assert out.returncode == 0, out.stderr


def _damage_the_newest_run(store_path: Path) -> int:
    """Overwrite, with garbage, the page of the runs table that holds the newest run (a page in the middle of
    the file: the per-file cache was written after it); the 100-byte header stays as it was."""
    db = sqlite3.connect(store_path)
    with db:  # grow the file past the runs, like a scan of a bigger project does
        db.executemany("INSERT OR REPLACE INTO file_cache (key, findings) VALUES (?, '[]')",
                       [(f"k{i:05d}" + "x" * 200,) for i in range(2000)])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = db.execute("SELECT pageno FROM dbstat WHERE name = 'runs' AND pagetype = 'leaf' ORDER BY path"
                      ).fetchall()[-1][0]
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.close()
    assert 1 < page < pages - 10, (page, pages)  # neither the header page nor the end of the file
    header = store_path.read_bytes()[:100]
    with store_path.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    assert store_path.read_bytes()[:100] == header
    return page


def _moved_aside(store_path: Path) -> list[Path]:
    return sorted(p for p in store_path.parent.glob(store_path.name + ".damaged-*")
                  if not p.name.endswith(("-wal", "-shm")))  # its WAL travels with it


def test_cli_a_damaged_store_is_moved_aside_and_the_review_still_printed(proj, tmp_path):
    store_path = tmp_path / "store" / "bumba.sqlite"
    _scan_a_few_times(proj, store_path)
    _damage_the_newest_run(store_path)
    env = {"BUMBA_STORE": str(store_path)}
    out = bumba("scan", "proj", cwd=proj, env=env)
    assert out.returncode == 0, out.stderr
    assert "BMB106" in out.stdout and "Traceback" not in out.stderr
    moved = _moved_aside(store_path)
    assert len(moved) == 1
    assert out.stderr.strip().splitlines() == [
        (f"bumba: warning: the bumba store {store_path} was damaged (database disk image is malformed); it was "
         f"moved aside to {moved[0]} and a new, empty store was started")]
    history = bumba("history", cwd=proj, env=env)
    assert history.returncode == 0, history.stderr
    assert len([line for line in history.stdout.splitlines() if " scan " in line]) == 1  # the new store works
    assert _moved_aside(store_path) == moved  # and is not moved again


def test_cli_history_on_a_damaged_store(proj, tmp_path):
    store_path = tmp_path / "store" / "bumba.sqlite"
    _scan_a_few_times(proj, store_path)
    _damage_the_newest_run(store_path)
    out = bumba("history", cwd=proj, env={"BUMBA_STORE": str(store_path)})
    assert out.returncode == 0, out.stderr
    assert "moved aside to" in out.stderr and len(_moved_aside(store_path)) == 1
    assert "bumba runs" in out.stdout


def test_kernel_a_damaged_store_is_moved_aside_and_the_report_shown(ip, proj, tmp_path, capsys):
    store_path = tmp_path / "store" / "bumba.sqlite"
    _scan_a_few_times(proj, store_path)
    _damage_the_newest_run(store_path)
    ip.run_cell(f"%config BumbaMagics.store_path = {str(store_path)!r}")
    report, error = run(ip, "%bumba scan proj")
    assert error is None, repr(error)
    assert isinstance(report, Report) and [f.rule for f in report.findings] == ["BMB106"]
    moved = _moved_aside(store_path)
    assert len(moved) == 1
    assert f"moved aside to {moved[0]}" in capsys.readouterr().err
    assert any(f"moved aside to {moved[0]}" in note for note in report.notes)  # in the report itself too
    table, error = run(ip, "%bumba history")
    assert error is None and len(table.rows) == 1  # this scan, in the new store


def test_a_file_that_is_not_sqlite_is_never_renamed(proj, tmp_path):
    notes = tmp_path / "my-notes.txt"
    notes.write_text("someone's notes, named as the store by mistake\n" * 50)
    env = {"BUMBA_STORE": str(notes)}
    out = bumba("scan", "proj", "-f", "json", cwd=proj, env=env)
    assert out.returncode == 0, out.stderr
    assert any("not an SQLite file" in note for note in json.loads(out.stdout)["notes"])
    assert_usage_error(bumba("history", cwd=proj, env=env), "not an SQLite file")
    assert notes.read_text().startswith("someone's notes") and not _moved_aside(notes)


def test_a_store_path_that_is_a_folder(proj, tmp_path):
    folder = tmp_path / "store-folder"
    folder.mkdir()
    env = {"BUMBA_STORE": str(folder)}
    out = bumba("scan", "proj", cwd=proj, env=env)
    assert out.returncode == 0 and "BMB106" in out.stdout, out.stderr
    assert_usage_error(bumba("history", cwd=proj, env=env), "is a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_store(proj, tmp_path):
    store_path = tmp_path / "bumba.sqlite"
    Store(store_path).close()
    store_path.chmod(0)
    out = bumba("scan", "proj", cwd=proj, env={"BUMBA_STORE": str(store_path)})
    assert out.returncode == 0 and "BMB106" in out.stdout, out.stderr
    assert_usage_error(bumba("history", cwd=proj, env={"BUMBA_STORE": str(store_path)}), "bumba store")


@pytest.fixture
def locked_store(tmp_path):
    """A store another process holds the write lock of, in exclusive locking mode, until the test ends."""
    path = tmp_path / "locked" / "bumba.sqlite"
    Store(path).close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
        "db.execute('PRAGMA locking_mode=EXCLUSIVE'); db.execute('BEGIN EXCLUSIVE'); "
        "db.execute('DELETE FROM file_cache'); print('locked', flush=True); time.sleep(600)"), str(path)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    yield path
    holder.kill()
    holder.wait()


def test_a_locked_store_degrades_caches_and_refuses_history(locked_store):
    with pytest.raises(StoreError, match="locked by another process"):
        Store(locked_store, busy_timeout=0.2)
    store = _store_without_opening(locked_store, busy_timeout=0.2)
    with pytest.warns(StoreWarning, match="every file is analyzed again"):
        assert store.cache_get_many(["a"]) == {}
    with pytest.warns(StoreWarning, match="not cached"):
        store.cache_put_many({"a": []})
    with pytest.warns(StoreWarning, match="not compared"):
        assert store.previous_fingerprints(None, "t", "scan") is None
    with pytest.raises(StoreError, match="locked by another process"):
        store.list_runs()


def _store_without_opening(path: Path, busy_timeout: float) -> Store:
    import threading

    store = Store.__new__(Store)
    store.path, store.busy_timeout, store.moved_aside = path, busy_timeout, []
    store._local, store._generation, store._replace_lock = threading.local(), 0, threading.Lock()
    return store


def test_cli_on_a_locked_store_prints_the_review_in_bounded_time(proj, locked_store):
    started = time.monotonic()
    out = bumba("scan", "proj", "-f", "json", cwd=proj, env={"BUMBA_STORE": str(locked_store)}, timeout=60)
    assert out.returncode == 0, out.stderr
    assert time.monotonic() - started < 30  # one busy timeout (10 s), not one per store call
    notes = json.loads(out.stdout)["notes"]
    assert any("locked by another process" in note and "not stored" in note for note in notes), notes


def test_a_thread_reconnects_after_another_thread_moved_the_store_aside(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "bumba.sqlite"
    store = Store(path)
    store.cache_put_many({f"key-{i}": [] for i in range(500)})
    with ThreadPoolExecutor(max_workers=1) as worker:  # one long-lived thread with its own connection
        assert worker.submit(store.cache_get_many, ["key-1"]).result() == {"key-1": []}
        db = sqlite3.connect(path)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (root_page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_file_cache_1'"
                                  ).fetchone()
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        db.close()
        with path.open("r+b") as handle:  # the cache's key index, damaged under the open connections
            handle.seek((root_page - 1) * page_size)
            handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))
        with pytest.warns(StoreWarning, match="moved aside"):
            assert store.cache_get_many(["key-1"]) == {}  # this thread found it, moved it, started anew
        store.cache_put_many({"after": []})
        # the worker's connection still points at the moved file: it must notice and reconnect
        assert worker.submit(store.cache_get_many, ["key-1", "after"]).result() == {"after": []}
    assert len(_moved_aside(path)) == 1
