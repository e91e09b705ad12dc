"""Throw bad input at the ``bumba`` CLI and at ``%bumba`` in a real IPython shell; count what is handled.

    python benchmarks/adversarial.py [--timeout 60] [--only cli|kernel] [--show crash|hang|wrong|all]

Every input runs with a time limit, in a scratch folder with its own store. The CLI cases run ``python -m
bumba_magics`` as a user would; the kernel cases run the same command lines (and a few cell bodies) as
``%bumba …`` in one real ``InteractiveShell`` in a child process, restarted if a case hangs or kills it.

Outcomes:
  clean  CLI: exit 0, 1, 2 or 3, no traceback on stderr, and an exit 2 says why on stderr.
         kernel: no error, IPython's UsageError, or a documented bumba error (GateFailed, ReviewIncomplete, AgentFailed);
         the shell still runs ``1 + 1`` afterwards.
  crash  a traceback, another exit code or exception, a silent exit 2, a dead shell.
  hang   the time limit passed.
  wrong  handled cleanly but not as it should be (e.g. ``-o /dev/full`` must be exit 2, a corrupt store
         must still print the report): only for cases that say what they expect.
  analyzer  the review completed (exit 0-3, report printed) but an analyzer failed on a file and the offline
         engine logged its traceback ("analyzer NAME failed"): counted apart, as it is the engine's and the
         analyzers' to fix, not a front end's.

NUL bytes cannot be passed in a process's argv, so they are tried in the kernel lines, in file contents
and in request bodies (tests/test_server_api.py), not as CLI arguments. No FIFOs: opening one for reading
blocks by design.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

PICKLE = "import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n"
CLEAN_EXITS = (0, 1, 2, 3)
ANALYZER_FAILED = re.compile(r"^analyzer ([\w-]+) failed$", re.MULTILINE)  # the offline engine's log line
MEMORY_CAP = 3 * 2**30  # address space per run: reading a device without end fails fast instead of filling RAM
KERNEL_DOCUMENTED = ("UsageError", "GateFailed", "ReviewIncomplete", "AgentFailed")


@dataclass
class Case:
    name: str
    argv: list[str]
    store: str = "fresh"  # fresh | corrupt (the newest run's page) | corrupt-middle | corrupt-index | truncated
    #                       | wal-garbage | notadb | empty | dir | devfull | proc | parent-file | locked
    cell: str | None = None  # a %%bumba cell body (kernel only)
    cli: bool = True
    kernel: bool = True
    expect: tuple[int, ...] | None = None  # CLI exit codes that are right for this input
    expect_kernel: tuple[str, ...] | None = None  # "ok" or error class names
    stdout_has: str | None = None  # what a right answer prints (e.g. the report of a corrupt-store run)


@dataclass
class Outcome:
    front: str
    case: str
    kind: str  # clean | crash | hang | wrong
    detail: str = ""
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


# -- the scratch workspace -------------------------------------------------------------------------------
def _notebook(cells: list[dict]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _code_cell(source: str, cell_id: str = "c1") -> dict:
    return {"cell_type": "code", "id": cell_id, "metadata": {}, "execution_count": 1, "source": source,
            "outputs": []}


def build_workspace(root: Path) -> None:
    """Every odd file the cases name, under ``root`` (the cases' working directory)."""
    w = root
    (w / "proj").mkdir()
    (w / "proj" / "a.py").write_text(PICKLE)
    (w / "proj" / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0.1"\n')
    (w / "proj" / "nb.ipynb").write_text(_notebook([_code_cell("import pickle\nx = pickle.loads(b'')\n")]))
    (w / "outdir").mkdir()
    (w / "blocker").write_text("a file where a folder is expected\n")

    nb = w / "nb"
    nb.mkdir()
    bad_notebooks = {
        "empty.ipynb": "",
        "notjson.ipynb": "{ this is not json",
        "deep.ipynb": "[" * 100_000 + "]" * 100_000,
        "deepdict.ipynb": '{"a":' * 50_000 + "1" + "}" * 50_000,
        "list.ipynb": "[]",
        "null.ipynb": "null",
        "number.ipynb": "42",
        "string.ipynb": '"a notebook"',
        "nocells.ipynb": '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
        "cells_dict.ipynb": '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": {"a": 1}}',
        "cell_src_int.ipynb": _notebook([{"cell_type": "code", "source": 7, "metadata": {}, "outputs": []}]),
        "cell_type_weird.ipynb": _notebook([{"cell_type": "spreadsheet", "source": "x", "metadata": {}}]),
        "nbformat99.ipynb": '{"nbformat": 99, "nbformat_minor": 0, "metadata": {}, "cells": []}',
        "nbformat_str.ipynb": '{"nbformat": "four", "nbformat_minor": 0, "metadata": {}, "cells": []}',
        "v3.ipynb": '{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": '
                    '[{"cell_type": "code", "input": "import pickle\\npickle.loads(b)", "outputs": [], '
                    '"language": "python"}]}]}',
        "v3_broken.ipynb": '{"nbformat": 3, "nbformat_minor": 0, "worksheets": 5}',
        "nul_source.ipynb": _notebook([_code_cell("x = 1\u0000\nimport pickle\n")]),
        "outputs_garbage.ipynb": json.dumps({"cells": [{**_code_cell("x = 1"), "outputs": [
            {"output_type": "stream", "name": "stdout", "text": 5},
            {"output_type": "error", "ename": None, "evalue": [], "traceback": "nope"},
            {"output_type": "execute_result", "data": {"text/plain": {"x": 1}}, "metadata": {},
             "execution_count": 1}]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
        "huge_cell.ipynb": _notebook([_code_cell("x = 1\n" * 800_000)]),
        "many_cells.ipynb": _notebook([_code_cell(f"v{i} = {i}\n", f"c{i}") for i in range(5000)]),
        "deep_metadata.ipynb": json.dumps({"cells": [], "metadata": json.loads('{"a":' * 500 + "1" + "}" * 500),
                                           "nbformat": 4, "nbformat_minor": 5}),
        "dup_ids.ipynb": _notebook([_code_cell("a = 1", "same"), _code_cell("b = 2", "same")]),
        "magics_only.ipynb": _notebook([_code_cell("%%bash\nrm -rf /\n"), _code_cell("!ls\n%time 1\n", "c2")]),
    }
    for name, text in bad_notebooks.items():
        (nb / name).write_text(text, encoding="utf-8")
    (nb / "binary.ipynb").write_bytes(bytes(range(256)) * 64)
    (nb / "latin1.ipynb").write_bytes(_notebook([_code_cell("café = 1")]).replace("é", "\xe9").encode("latin-1"))
    (nb / "utf16.ipynb").write_bytes(_notebook([_code_cell("x = 1")]).encode("utf-16"))
    (nb / "dir.ipynb").mkdir()

    pp = w / "pp"
    pp.mkdir()
    pyprojects = {
        "notoml": "[tool.bumba\nfail_on = \n",
        "tool_bumba_int": "[tool]\nbumba = 3\n",
        "unknown_key": "[tool.bumba]\nfrobnicate = true\n",
        "fail_on_bad": "[tool.bumba]\nfail_on = 'urgent'\n",
        "severity_bad": "[tool.bumba]\nseverity = 5\n",
        "max_file_bytes_neg": "[tool.bumba]\nmax_file_bytes = -1\n",
        "max_file_bytes_huge": "[tool.bumba]\nmax_file_bytes = 9223372036854775807\n",
        "max_complexity_float": "[tool.bumba]\nmax_complexity = 1e308\n",
        "layers_bad": "[tool.bumba]\nlayers = [1, [2, {a = 3}]]\n",
        "select_int": "[tool.bumba]\nselect = 5\n",
        "exclude_weird": "[tool.bumba]\nexclude = ['[', '**/**/**/**', '\\u0000', '/']\n",
        "deep_table": "[tool.bumba]\nx = " + "[" * 5000 + "]" * 5000 + "\n",
        "deep_inline": "[tool.bumba]\nx = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
        "checkpoint_bad": "[tool.bumba.checkpoint]\nmax-new = 'lots'\nmax_findings = {nonsense = 1}\n",
        "baseline_devzero": "[tool.bumba]\nbaseline = '/dev/zero'\n",
        "baseline_proc": "[tool.bumba]\nbaseline = '/proc/self/mem'\n",
        "baseline_passwd": "[tool.bumba]\nbaseline = '/etc/passwd'\n",
        "baseline_dir": "[tool.bumba]\nbaseline = '.'\n",
        "agent_missing": "[tool.bumba]\nagent = 'nobody-by-this-name'\n",
        "agent_devzero": "[tool.bumba]\nagent = '/dev/zero'\n",
        "engine_bad": "[tool.bumba]\nengine = 'warp'\n",
        "api_key_env": "[tool.bumba]\napi_key_env = ''\n",
        "prices_bad": "[tool.bumba]\nprices = {sonnet = {input = 'cheap'}}\n",
        "empty": "",
    }
    for name, text in pyprojects.items():
        (pp / name).mkdir()
        (pp / name / "pyproject.toml").write_text(text, encoding="utf-8")
        (pp / name / "a.py").write_text(PICKLE)
    for name, data in {"binary": bytes(range(256)) * 16, "latin1": "[tool.bumba]\n# caf\xe9\n".encode("latin-1")}.items():
        (pp / name).mkdir()
        (pp / name / "pyproject.toml").write_bytes(data)
        (pp / name / "a.py").write_text(PICKLE)
    (pp / "pyproject_dir").mkdir()
    (pp / "pyproject_dir" / "pyproject.toml").mkdir()
    (pp / "pyproject_dir" / "a.py").write_text(PICKLE)

    f = w / "files"
    f.mkdir()
    (f / "binary.py").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 500)
    (f / "empty.py").write_text("")
    (f / "nul.py").write_bytes(b"import pickle\x00\npickle.loads(b)\n")
    (f / "bom.py").write_bytes("\ufeffimport pickle\npickle.loads(b)\n".encode())
    (f / "latin1.py").write_bytes("# caf\xe9\nimport pickle\npickle.loads(b)\n".encode("latin-1"))
    (f / "crlf.py").write_bytes(b"import pickle\r\npickle.loads(b)\r\n")
    (f / "cr_only.py").write_bytes(b"import pickle\rpickle.loads(b)\r")
    (f / "deep_parens.py").write_text("x = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n")
    (f / "deep_lists.py").write_text("x = " + "[" * 190 + "]" * 190 + "\n")
    (f / "deep_calls.py").write_text("x = " + "f(" * 150 + "1" + ")" * 150 + "\n")
    (f / "deep_blocks.py").write_text("".join("    " * i + "if x:\n" for i in range(120)) + "    " * 120 + "pass\n")
    (f / "deep_binop.py").write_text("x = " + " + ".join(["1"] * 100_000) + "\n")
    (f / "long_line.py").write_text("x = '" + "a" * 900_000 + "'\n")
    (f / "many_defs.py").write_text("".join(f"def f{i}(): return {i}\n" for i in range(20_000)))
    (f / "huge.py").write_text("x = 1\n" * 900_000)
    (f / "comments.py").write_text("# nothing\n" * 100)
    (f / "syntax.py").write_text("def f(:\n")
    (f / "py2.py").write_text("print 'hello'\nexec 'x = 1'\n")
    (f / "üñí.py").write_text(PICKLE)
    (f / "sp ace.py").write_text(PICKLE)
    (f / "-dash.py").write_text(PICKLE)
    (f / "new\nline.py").write_text(PICKLE)
    (f / "[x].py").write_text(PICKLE)
    (f / "star*.py").write_text(PICKLE)
    (f / ("l" * 240 + ".py")).write_text(PICKLE)
    (f / "dir.py").mkdir()
    (f / "dangling.py").symlink_to(f / "no-such-file.py")
    (f / "loop.py").symlink_to(f / "loop.py")
    (f / "pingpong_a.py").symlink_to(f / "pingpong_b.py")
    (f / "pingpong_b.py").symlink_to(f / "pingpong_a.py")
    (f / "sub").mkdir()
    (f / "sub" / "up").symlink_to(f)  # a folder that contains itself
    (f / "secrets.env").write_text("AWS_SECRET_ACCESS_KEY=" + "A" * 40 + "\n" + "x" * 100_000 + "\n")
    (f / "weird.toml").write_bytes(b"\xff\xfe[[[\n")
    (f / "weird.yaml").write_text("a: &a [*a]\n" + "- " * 2000 + "x\n")

    base = w / "baselines"
    for name, text in {"garbage": "not json", "deep": "[" * 100_000, "list": "[]", "wrong": '{"findings": 5}',
                       "null_fp": '{"version": 1, "findings": [{"fingerprint": null}]}'}.items():
        (base / name).mkdir(parents=True)
        (base / name / "bumba-baseline.json").write_text(text)
        (base / name / "a.py").write_text(PICKLE)
    (base / "dirbaseline").mkdir()
    (base / "dirbaseline" / "bumba-baseline.json").mkdir()
    (base / "dirbaseline" / "a.py").write_text(PICKLE)

    agents = w / "agents"
    agents.mkdir()
    (agents / "binary.md").write_bytes(bytes(range(256)) * 8)
    (agents / "nofront.md").write_text("just text, no front matter\n")
    (agents / "badyaml.md").write_text("---\nname: [unclosed\n---\nbody\n")
    (agents / "deepyaml.md").write_text("---\nname: " + "[" * 5000 + "]" * 5000 + "\n---\nbody\n")
    (agents / "bomb.md").write_text("---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                                    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nname: bomb\n---\nbody\n")
    (agents / "tools_weird.md").write_text("---\nname: weird\ntools: {a: 1}\nmodel: 5\n---\nbody\n")

    specs = w / "specs"
    specs.mkdir()
    (specs / "notyaml.yaml").write_text("openapi: [\n")
    (specs / "deep.json").write_text('{"openapi": "3.0.0", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (specs / "binary.yaml").write_bytes(bytes(range(256)) * 8)
    (specs / "empty.yaml").write_text("")
    (specs / "wrongver.yaml").write_text("openapi: 9.9.9\ninfo: {title: x, version: '1'}\npaths: {}\n")
    (specs / "refloop.yaml").write_text("openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n"
                                        "    $ref: '#/paths/~1a'\n")


# -- stores ----------------------------------------------------------------------------------------------
def store_with_history(path: Path, work: Path, runs: int = 5, cached_files: int = 3000) -> None:
    """A store the way a user's looks: a few scans of ``proj`` (made by the CLI, as a user would), then
    per-file cache entries written after them, so the runs' pages sit in the middle of the file."""
    env = {**os.environ, "BUMBA_STORE": str(path), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    for _ in range(runs):
        subprocess.run([sys.executable, "-m", "bumba_magics", "scan", "proj", "-q", "--no-cache"], cwd=work,
                       env=env, capture_output=True, check=True, timeout=120)
    db = sqlite3.connect(path)
    finding = json.dumps([{"rule": "BMB106", "title": "x" * 300, "severity": "high", "category": "security",
                           "location": {"path": "m.py", "line": 1}, "engine": "offline"}])
    with db:
        db.executemany("INSERT OR REPLACE INTO file_cache (key, findings) VALUES (?, ?)",
                       [(f"key-{i:06d}", finding) for i in range(cached_files)])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, so a damaged page is read
    db.close()


def _page_size(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[16:18], "big") or 65536


def _overwrite_page(path: Path, page_number: int) -> None:
    """Garbage over one page (numbered from 1); page 1 holds the 100-byte header and is never chosen."""
    assert page_number > 1
    size = _page_size(path)
    with path.open("r+b") as handle:
        handle.seek((page_number - 1) * size)
        handle.write(b"\xde\xad\xbe\xef" * (size // 4))


def latest_run_page(path: Path) -> int:
    """The leaf page of the runs table holding the newest run: what history lists and a scan compares with."""
    db = sqlite3.connect(path)
    try:
        leaves = db.execute("SELECT pageno FROM dbstat WHERE name = 'runs' AND pagetype = 'leaf' ORDER BY path")
        return leaves.fetchall()[-1][0]
    finally:
        db.close()


def corrupt_middle_page(path: Path) -> int:
    """Overwrite the page in the middle of the file (the header stays valid); returns its number."""
    middle = path.stat().st_size // _page_size(path) // 2 + 1
    _overwrite_page(path, middle)
    return middle


class Stores:
    """Makes the store each case asks for, in a folder of its own (a moved-aside store lands beside it)."""

    def __init__(self, root: Path, work: Path) -> None:
        self.root = root
        self.template = root / "template.sqlite"
        store_with_history(self.template, work)
        self.count = 0
        self.lockers: list[subprocess.Popen] = []

    def make(self, kind: str) -> Path:
        self.count += 1
        folder = self.root / f"s{self.count}"
        folder.mkdir()
        path = folder / "bumba.sqlite"
        if kind == "fresh":
            return path
        if kind.startswith("corrupt") or kind in ("truncated", "wal-garbage", "locked"):
            shutil.copy(self.template, path)
        if kind == "corrupt":
            _overwrite_page(path, latest_run_page(path))
        elif kind == "corrupt-middle":
            corrupt_middle_page(path)
        elif kind == "corrupt-index":
            db = sqlite3.connect(path)
            (root_page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_file_cache_1'"
                                      ).fetchone()
            db.close()
            _overwrite_page(path, root_page)
        elif kind == "truncated":
            with path.open("r+b") as handle:
                handle.truncate(path.stat().st_size // 2 + 123)
        elif kind == "wal-garbage":
            (folder / "bumba.sqlite-wal").write_bytes(os.urandom(50_000))
        elif kind == "notadb":
            path.write_bytes(b"this is not a database at all\n" * 100)
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "dir":
            path.mkdir()
        elif kind == "devfull":
            return Path("/dev/full")
        elif kind == "proc":
            return Path("/proc/version")
        elif kind == "parent-file":
            (folder / "file").write_text("x")
            return folder / "file" / "bumba.sqlite"
        elif kind == "locked":
            # another process holds the store's write lock, in exclusive locking mode, until released
            locker = subprocess.Popen([sys.executable, "-c", (
                "import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "db.execute('PRAGMA locking_mode=EXCLUSIVE'); db.execute('BEGIN EXCLUSIVE'); "
                "db.execute('DELETE FROM file_cache'); print('locked', flush=True); time.sleep(3600)"), str(path)],
                stdout=subprocess.PIPE, text=True)
            locker.stdout.readline()
            self.lockers.append(locker)
        return path

    def release(self) -> None:
        for locker in self.lockers:
            locker.kill()
            locker.wait()
        self.lockers.clear()


# -- the cases -------------------------------------------------------------------------------------------
def cases() -> list[Case]:
    c: list[Case] = []
    add = c.append
    usage = (2,)

    # commands and the command line itself; all usage errors but these (odd, yet meaningful)
    not_usage = [["help", ""], ["scan", "--sev", "high", "proj"],  # argparse takes an unambiguous prefix
                 ["context", "proj", "--budget", "99999999999999999999999"], ["report", "proj", "--timeout", "-1"],
                 ["improve", "proj", "--unsafe-fixes"]]
    for argv in (["scna"], ["scan\u200b", "proj"], ["x" * 10_000], ["-"], ["--frobnicate"],
                 ["-x", "scan"], ["", "proj"], [" "], ["help", "nope"], ["help", "scna"], ["help", ""],
                 ["help", "x" * 5000], ["help", "../../etc/passwd"], ["help", "--", "-h"], ["scan", "--frobnicate"],
                 ["scan", "proj", "extra", "args"], ["scan", "-Z"], ["scan", "--sev", "high", "proj"],
                 ["explain"], ["explain", ""], ["explain", "../etc/passwd"], ["explain", "x" * 10_000],
                 ["explain", "BMB106", "BMB107"], ["agents", "--project", "missing"], ["agents", "--project", "blocker"],
                 ["history", "--limit", "99999999999999999999"], ["history", "--limit", "-5"],
                 ["history", "--limit", "0"], ["history", "--limit", "abc"], ["history", "--limit", "1e3"],
                 ["history", "--limit", "9223372036854775808"], ["context", "--command", "nope"],
                 ["context", "--command", "help"], ["context", "proj", "--budget", "-1"],
                 ["context", "proj", "--budget", "99999999999999999999999"], ["context", "proj", "--budget", "abc"],
                 ["research-technical", "x"], ["implement"], ["validate"], ["validate", "speed", "http://127.0.0.1:1/"],
                 ["validate", "performance"], ["validate", "performance", "not a url"],
                 ["validate", "performance", "file:///etc/passwd"], ["validate", "performance", "http://"],
                 ["validate", "performance", "http://10.255.255.1/"],
                 ["validate", "performance", "http://127.0.0.1:1/", "--requests", "-1"],
                 ["validate", "performance", "http://127.0.0.1:1/", "--requests", "99999999999999"],
                 ["validate", "performance", "http://127.0.0.1:1/", "--concurrency", "0"],
                 ["validate", "performance", "http://127.0.0.1:1/", "--duration", "forever"],
                 ["validate", "performance", "http://127.0.0.1:1/", "--duration", "-1s"],
                 ["validate", "performance", "http://127.0.0.1:1/", "--p95", "fast"],
                 ["validate", "performance", "http://127.0.0.1:1/", "--error-rate", "200%"],
                 ["test"], ["test", "frobnicate"], ["test", "api"], ["test", "api", "missing.yaml", "--base-url",
                                                                        "http://127.0.0.1:1"],
                 ["test", "security"], ["test", "security", "not a url"], ["test", "integration"],
                 ["test", "integration", "missing"], ["docs-technical", "missing"], ["publish", "missing"],
                 ["publish", "blocker"], ["report"], ["report", "missing"], ["report", "proj", "-p", "fail_on"],
                 ["report", "proj", "--jobs", "0"], ["report", "proj", "--jobs", "-1"],
                 ["report", "proj", "--timeout", "-1"], ["report", "proj", "--template", "nope"],
                 ["report", "proj", "--code", "weird"], ["improve", "proj", "--unsafe-fixes"],
                 ["improve-performance", "proj", "--profiler", "magic"], ["improve-performance", "proj", "--memory", "all"]):
        add(Case("argv: " + shlex.join(argv)[:80], argv, expect=None if argv in not_usage else usage))
    for argv in (["help"], ["help", "scan"], ["help", "SCAN"], ["explain", "BMB106"], ["history"], ["agents"],
                 ["scan", "proj"], ["SCAN", "proj"]):
        add(Case("ok: " + shlex.join(argv), argv, expect=(0,)))

    # review options with bad values
    bad_values = {
        "--severity": ["urgent", "", "CRITICAL", "none", "x" * 5000],
        "--fail-on": ["x", "", "none", "info"],
        "--select": ["", ",,,", "\x01\x02", "S" * 100_000],
        "--ignore": ["", "*", "\x7f"],
        "--engine": ["turbo", ""],
        "--agent": ["nope", "/etc/passwd", "/dev/null", "/dev/zero", "agents", "agents/binary.md", "agents/nofront.md",
                    "agents/badyaml.md", "agents/deepyaml.md", "agents/bomb.md", "agents/tools_weird.md", "/proc/version"],
        "--model": ["", "x" * 10_000],
        "--max-turns": ["-1", "0", "abc", "1e99", "99999999999999999999999"],
        "--max-cost": ["nan", "inf", "-inf", "-1", "1e309", "abc"],
        "-f": ["xml", ""],
    }
    clean_choice = {("--agent", "agents/bomb.md"), ("--severity", "CRITICAL"), ("--severity", "none"), ("--fail-on", "none"), ("--fail-on", "info"),
                    ("--select", ""), ("--select", ",,,"), ("--ignore", ""), ("--ignore", "*"), ("--ignore", "\x7f"),
                    ("--select", "\x01\x02"), ("--select", "S" * 100_000), ("--max-turns", "99999999999999999999999"),
                    ("--max-cost", "inf"), ("--max-cost", "1e309"), ("--model", "x" * 10_000), ("--model", "")}
    for option, values in bad_values.items():
        for value in values:
            expect = None if (option, value) in clean_choice else usage
            add(Case(f"scan {option} {value[:30]!r}", ["scan", "proj", option, value], expect=expect))

    # where the report goes
    outputs = {
        "a folder": "outdir", "/dev/full": "/dev/full", "/proc/version": "/proc/version",
        "under a file": "blocker/out.json", "a name too long": "outdir/" + "n" * 300 + ".json", "empty": "",
        "the root": "/", "/proc/self/status": "/proc/self/status", "/dev/null": "/dev/null",
        "a missing folder": "new/deep/folder/out.json", "/sys/kernel": "/sys/kernel/out.json",
    }
    for label, target in outputs.items():
        ok = label in ("/dev/null", "a missing folder")
        # refused before the review (nothing made, nothing lost), or refused by the write: the report printed
        at_write = label in ("/dev/full", "/proc/version", "/proc/self/status", "/sys/kernel")
        for fmt in (["-f", "json"], []):
            add(Case(f"-o {label} {' '.join(fmt)}".strip(), ["scan", "proj", "-o", target, *fmt],
                     expect=(0,) if ok else usage, stdout_has="BMB106" if at_write else None))
    add(Case("checkpoint -o /dev/full", ["checkpoint", "proj", "-o", "/dev/full"], expect=usage))
    add(Case("docs -o /dev/full", ["docs-technical", "proj", "-o", "/dev/full"], expect=usage))
    add(Case("docs -o a file", ["docs-technical", "proj", "-o", "blocker"], expect=usage))
    add(Case("publish -o /proc/version", ["publish", "proj", "-o", "/proc/version"], expect=usage))
    add(Case("report -o /dev/full", ["report", "proj", "-o", "/dev/full"], expect=usage, kernel=False))

    # targets
    targets = ["missing.py", "", "-", "x" * 5000, "/" + "d/" * 3000, "**/*.py", "[", "*.nothing", "~nobody/x.py",
               "/dev/null", "/dev/zero", "/dev/urandom", "/proc/version", "/proc/self", "/proc/self/mem", "/etc/shadow",
               "blocker", "outdir", "files/dir.py", "nb/dir.ipynb"]
    targets += [f"files/{p.name}" for p in sorted(_FILES)]
    targets += [f"nb/{name}" for name in _NOTEBOOKS]
    for target in targets:
        add(Case(f"scan {target[:60]!r}", ["scan", "--", target] if target.startswith("-") else ["scan", target]))
    for name in ("files", "nb", "files/sub"):
        for command in ("scan", "analyze-technical", "improve-performance", "checkpoint"):
            add(Case(f"{command} {name}/", [command, name]))
    for name in _PYPROJECTS:
        add(Case(f"scan pp/{name}", ["scan", f"pp/{name}"]))
    add(Case("checkpoint pp/checkpoint_bad", ["checkpoint", "pp/checkpoint_bad"], expect=usage))
    for name in ("garbage", "deep", "list", "wrong", "null_fp", "dirbaseline"):
        add(Case(f"checkpoint baselines/{name}", ["checkpoint", f"baselines/{name}"]))
    for spec in ("notyaml.yaml", "deep.json", "binary.yaml", "empty.yaml", "wrongver.yaml", "refloop.yaml"):
        add(Case(f"test api specs/{spec}", ["test", "api", f"specs/{spec}", "--base-url", "http://127.0.0.1:1"]))
    for command in ("docs-technical", "publish", "test integration"):
        for target in ("files/binary.py", "nb", "/proc/self"):
            add(Case(f"{command} {target}", [*command.split(), target]))

    # the store
    for kind in ("corrupt", "corrupt-middle", "corrupt-index", "truncated", "wal-garbage", "notadb", "empty", "dir",
                 "devfull", "proc", "parent-file", "locked"):
        usable = kind.startswith("corrupt") or kind in ("truncated", "wal-garbage", "empty")  # or made so
        add(Case(f"store {kind}: scan", ["scan", "proj"], store=kind, expect=(0,), stdout_has="BMB106"))
        add(Case(f"store {kind}: history", ["history"], store=kind, expect=(0,) if usable else usage))
        add(Case(f"store {kind}: checkpoint", ["checkpoint", "proj", "--fail-on", "none"], store=kind, expect=(0,)))

    # the kernel only: what a cell can carry that argv cannot
    for line in ("scan proj\x00", "scan 'unbalanced", 'scan "also', "scan \\", "\x00", "scan proj --severity \x00",
                 "help \x00", "explain BMB\x00106", "history --limit \x00", "scan " + "\x00" * 1000, "   ",
                 "scan proj\nscan proj", "scan proj -o \x00"):
        add(Case(f"line {line[:30]!r}", [line], cli=False, expect_kernel=None))
    for label, body in {"nul": "x = 1\x00\n", "binary": "\udcff\udcfe", "deep parens": "(" * 100_000,
                        "deep nesting": "x = " + "[" * 200 + "]" * 200, "huge": "x = 1\n" * 200_000,
                        "only magics": "%time 1\n!ls\n%%bash\n", "empty": "", "syntax": "def f(:\n",
                        "unicode": "ü = '🦆'\n", "surrogates": "x = '\ud800'\n"}.items():
        add(Case(f"%%bumba scan cell {label}", ["scan"], cell=body, cli=False))
        add(Case(f"%%bumba improve-performance --static cell {label}", ["improve-performance", "--static"],
                 cell=body, cli=False))
    add(Case("%%bumba help with a cell", ["help"], cell="x = 1", cli=False))
    return c


# file names the cases refer to (kept in step with build_workspace)
_FILES = [Path(n) for n in ("binary.py", "empty.py", "nul.py", "bom.py", "latin1.py", "crlf.py", "cr_only.py",
                            "deep_parens.py", "deep_lists.py", "deep_calls.py", "deep_blocks.py", "deep_binop.py",
                            "long_line.py", "many_defs.py", "huge.py", "comments.py", "syntax.py", "py2.py", "üñí.py",
                            "sp ace.py", "-dash.py", "new\nline.py", "[x].py", "star*.py", "l" * 240 + ".py",
                            "dangling.py", "loop.py", "pingpong_a.py", "secrets.env", "weird.toml", "weird.yaml")]
_NOTEBOOKS = ["empty.ipynb", "notjson.ipynb", "deep.ipynb", "deepdict.ipynb", "list.ipynb", "null.ipynb",
              "number.ipynb", "string.ipynb", "nocells.ipynb", "cells_dict.ipynb", "cell_src_int.ipynb",
              "cell_type_weird.ipynb", "nbformat99.ipynb", "nbformat_str.ipynb", "v3.ipynb", "v3_broken.ipynb",
              "nul_source.ipynb", "outputs_garbage.ipynb", "huge_cell.ipynb", "many_cells.ipynb",
              "deep_metadata.ipynb", "dup_ids.ipynb", "magics_only.ipynb", "binary.ipynb", "latin1.ipynb",
              "utf16.ipynb"]
_PYPROJECTS = ["notoml", "tool_bumba_int", "unknown_key", "fail_on_bad", "severity_bad", "max_file_bytes_neg",
               "max_file_bytes_huge", "max_complexity_float", "layers_bad", "select_int", "exclude_weird", "deep_table",
               "deep_inline", "checkpoint_bad", "baseline_devzero", "baseline_proc", "baseline_passwd",
               "baseline_dir", "agent_missing", "agent_devzero", "engine_bad", "api_key_env", "prices_bad", "empty",
               "binary", "latin1", "pyproject_dir"]


def _limit_memory(child: subprocess.Popen) -> None:
    """Cap a started child's address space (Linux; set from outside, as preexec_fn is unsafe with threads)."""
    import resource

    try:
        resource.prlimit(child.pid, resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    except (OSError, AttributeError):  # it already ended, or no prlimit here
        pass


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


# -- the CLI ---------------------------------------------------------------------------------------------
def run_cli(case: Case, work: Path, stores: Stores, timeout: float) -> Outcome:
    store = stores.make(case.store)
    env = {**os.environ, "BUMBA_STORE": str(store), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    env.pop("ANTHROPIC_API_KEY", None)
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "bumba_magics", *case.argv], cwd=work, env=env, text=True,
                             errors="replace", stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _limit_memory(child)
    try:
        stdout, stderr_text = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        return Outcome("cli", case.name, "hang", f"no exit after {timeout:.0f} s", timeout)
    finally:
        stores.release()
    out = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr_text)
    seconds = time.monotonic() - started
    stderr = out.stderr.strip()
    if out.returncode in CLEAN_EXITS and ANALYZER_FAILED.search(out.stderr):
        names = sorted(set(ANALYZER_FAILED.findall(out.stderr)))
        lines = [line for line in out.stderr.splitlines() if line and not line.startswith((" ", "Traceback"))]
        return Outcome("cli", case.name, "analyzer", f"exit {out.returncode}; {', '.join(names)}: "
                       f"{lines[-1][:200] if lines else ''}", time.monotonic() - started)
    if out.returncode not in CLEAN_EXITS or "Traceback (most recent call last)" in out.stderr:
        last = stderr.splitlines()[-1] if stderr else ""
        return Outcome("cli", case.name, "crash", f"exit {out.returncode}: {last[:300]}", seconds)
    if out.returncode == 2 and not any(line.startswith("bumba") for line in stderr.splitlines()):
        return Outcome("cli", case.name, "crash", f"exit 2 without a 'bumba: …' message: {stderr[:200]!r}", seconds)
    if case.expect is not None and out.returncode not in case.expect:
        return Outcome("cli", case.name, "wrong", f"exit {out.returncode}, expected {case.expect}: "
                       f"{(stderr or out.stdout)[-300:]}", seconds)
    if case.stdout_has and case.stdout_has not in out.stdout:
        return Outcome("cli", case.name, "wrong", f"the report ({case.stdout_has}) is not on stdout", seconds)
    return Outcome("cli", case.name, "clean", f"exit {out.returncode}: {stderr.splitlines()[-1][:200] if stderr else ''}",
                   seconds)


# -- the kernel ------------------------------------------------------------------------------------------
def kernel_child(spec_file: str) -> None:
    """Runs in a child process: each case as a %bumba line in one InteractiveShell; one JSON line per case."""
    import contextlib
    import io

    spec = json.loads(Path(spec_file).read_text())
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    shell = InteractiveShell.instance(config=config)
    shell.run_cell("%load_ext bumba_magics", store_history=False)
    magics = shell.magics_manager.registry["BumbaMagics"]
    magics.show_progress = False
    for item in spec["cases"]:
        magics.store_path = item["store"]
        os.environ["BUMBA_STORE"] = item["store"]
        line = item["line"]
        if item["cell"] is not None:
            source = f"get_ipython().run_cell_magic('bumba', {line!r}, {item['cell']!r})"
        elif "\n" in line or "\x00" in line:
            source = f"get_ipython().run_line_magic('bumba', {line!r})"  # what IPython's transformer writes
        else:
            source = f"%bumba {line}"
        protocol.write(json.dumps({"i": item["i"], "event": "start"}) + "\n")
        started = time.monotonic()
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            result = shell.run_cell(source, store_history=False)
            alive = shell.run_cell("1 + 1", store_history=False).result == 2
        error = result.error_in_exec or result.error_before_exec
        name = type(error).__name__ if error is not None else "ok"
        where = ""
        if error is not None and error.__traceback__ is not None:
            tb = error.__traceback__
            while tb.tb_next is not None:
                tb = tb.tb_next
            where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
        protocol.write(json.dumps({"i": item["i"], "event": "end", "error": name, "alive": alive,
                                   "message": (str(error)[:300] + where) if error is not None else "",
                                   "stdout": sink.getvalue()[-2000:], "seconds": time.monotonic() - started}) + "\n")


def run_kernel(kernel_cases: list[Case], work: Path, stores: Stores, timeout: float) -> Iterator[Outcome]:
    items = []
    for i, case in enumerate(kernel_cases):
        line = case.argv[0] if len(case.argv) == 1 and not case.cli else shlex.join(case.argv)
        items.append({"i": i, "line": line, "cell": case.cell, "store": str(stores.make(case.store))})
    start = 0
    while start < len(items):
        spec = work / f"kernel-cases-{start}.json"
        spec.write_text(json.dumps({"cases": items[start:]}))
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        env.pop("ANTHROPIC_API_KEY", None)
        child = subprocess.Popen([sys.executable, __file__, "--kernel-child", str(spec)], cwd=work, env=env,
                                 stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        _limit_memory(child)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True).start()
        current, began = None, time.monotonic()
        stopped_at = None
        while True:
            budget = timeout + (60 if current is None else 0)  # the first case also pays for the start-up
            try:
                message = lines.get(timeout=max(0.1, budget - (time.monotonic() - began)))
            except queue.Empty:
                index = current if current is not None else start
                yield Outcome("kernel", kernel_cases[index].name, "hang", f"no answer after {timeout:.0f} s", timeout)
                child.kill()
                stopped_at = index + 1
                break
            if message is None:  # the child ended
                child.wait()
                if current is not None:
                    yield Outcome("kernel", kernel_cases[current].name, "crash",
                                  f"the shell's process died (exit {child.returncode})")
                    stopped_at = current + 1
                break
            event = json.loads(message)
            if event["event"] == "start":
                current, began = event["i"], time.monotonic()
                continue
            case = kernel_cases[event["i"]]
            yield _kernel_outcome(case, event)
            current = None
            began = time.monotonic()
        start = stopped_at if stopped_at is not None else len(items)


def _kernel_outcome(case: Case, event: dict) -> Outcome:
    name, seconds = event["error"], event["seconds"]
    detail = f"{name}: {event['message']}" if name != "ok" else "ok"
    if not event["alive"]:
        return Outcome("kernel", case.name, "crash", "the shell no longer runs 1 + 1 after: " + detail, seconds)
    if name not in ("ok", *KERNEL_DOCUMENTED):
        return Outcome("kernel", case.name, "crash", detail, seconds)
    wanted = case.expect_kernel
    if wanted is None and case.expect is not None:
        wanted = ("UsageError",) if case.expect == (2,) else ("ok", "GateFailed") if 0 in case.expect else None
    if wanted is not None and name not in wanted:
        return Outcome("kernel", case.name, "wrong", f"{detail} (expected {' or '.join(wanted)})", seconds)
    if case.stdout_has and name == "UsageError" and case.stdout_has not in event["stdout"]:
        return Outcome("kernel", case.name, "wrong", f"{detail}; the report was not shown before the error", seconds)
    return Outcome("kernel", case.name, "clean", detail, seconds)


# -- main ------------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per input (default 60)")
    parser.add_argument("--only", choices=("cli", "kernel"), help="one front end only")
    parser.add_argument("--show", choices=("crash", "hang", "wrong", "analyzer", "all"), default=None,
                        help="list these outcomes (default: everything that is not clean)")
    parser.add_argument("--match", help="only cases whose name contains this")
    parser.add_argument("--json", metavar="FILE", help="write every outcome to FILE")
    parser.add_argument("--kernel-child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.kernel_child:
        kernel_child(options.kernel_child)
        return 0

    all_cases = [c for c in cases() if not options.match or options.match in c.name]
    with tempfile.TemporaryDirectory(prefix="bumba-adversarial-") as scratch:
        root = Path(scratch)
        work = root / "work"
        work.mkdir()
        build_workspace(work)
        (root / "stores").mkdir()
        stores = Stores(root / "stores", work)
        outcomes: list[Outcome] = []
        started = time.monotonic()
        if options.only in (None, "cli"):
            for case in [c for c in all_cases if c.cli]:
                outcome = run_cli(case, work, stores, options.timeout)
                outcomes.append(outcome)
                if outcome.kind != "clean":
                    print(f"  cli     {outcome.kind:<5}  {case.name}: {outcome.detail}", flush=True)
        if options.only in (None, "kernel"):
            try:
                for outcome in run_kernel([c for c in all_cases if c.kernel], work, stores, options.timeout):
                    outcomes.append(outcome)
                    if outcome.kind != "clean":
                        print(f"  kernel  {outcome.kind:<5}  {outcome.case}: {outcome.detail}", flush=True)
            finally:
                stores.release()
        elapsed = time.monotonic() - started
    if options.json:
        Path(options.json).write_text(json.dumps([asdict(o) for o in outcomes], indent=1, ensure_ascii=False))
    if options.show == "all":
        for o in outcomes:
            print(f"  {o.front:<7} {o.kind:<5} {o.seconds:6.2f}s  {o.case}: {o.detail}")
    print()
    print(f"{'front end':<10}{'inputs':>8}{'clean':>8}{'crashes':>9}{'hangs':>7}{'wrong':>7}{'analyzer':>10}"
          f"{'slowest':>10}")
    for front in ("cli", "kernel"):
        mine = [o for o in outcomes if o.front == front]
        if not mine:
            continue
        count = {kind: sum(o.kind == kind for o in mine) for kind in ("clean", "crash", "hang", "wrong", "analyzer")}
        slowest = max(o.seconds for o in mine)
        print(f"{front:<10}{len(mine):>8}{count['clean']:>8}{count['crash']:>9}{count['hang']:>7}{count['wrong']:>7}"
              f"{count['analyzer']:>10}{slowest:>9.1f}s")
    print(f"total {len(outcomes)} inputs in {elapsed:.0f} s (time limit {options.timeout:.0f} s each)")
    return 0 if all(o.kind in ("clean", "analyzer") for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
