"""``test integration PATH``: run the project's pytest suite in a subprocess and report what failed.

The suite runs in the project's own interpreter (its .venv when there is one) with a small plugin that writes
structured results (the failing line and assertion message from pytest's own crash report) — no parsing of
terminal output. A failure becomes a finding at the line that failed inside the test's file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..core.errors import ReviewError
from ..core.report import Report
from ..core.request import RunRequest
from . import rules
from .common import add_output_options, build_report, finding, short

PLUGIN_DIR = Path(__file__).with_name("pytest_plugin")
MAX_TIMEOUT_S = 3600
_SKIP_DIRS = {".git", ".venv", "venv", "env", "node_modules", "__pycache__", ".tox", ".nox", "build", "dist"}
# pytest's exit codes: 0 all passed, 1 some failed, 2 interrupted (collection errors), 3 internal error,
# 4 usage error, 5 no tests collected
_NO_TESTS, _USAGE = 5, 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the project folder (or a test file) to run pytest in")
    parser.add_argument("--python", metavar="EXE",
                        help="interpreter to run the tests with (default: the project's .venv, else this one)")
    parser.add_argument("-k", dest="keyword", metavar="EXPR", help="only tests matching EXPR (pytest -k)")
    parser.add_argument("-m", dest="marker", metavar="EXPR", help="only tests with these markers (pytest -m)")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="SECONDS",
                        help=f"stop the suite after this long (default 900, at most {MAX_TIMEOUT_S})")
    parser.add_argument("--slowest", type=int, default=5, metavar="N", help="list the N slowest tests (default 5)")
    parser.add_argument("--pytest-args", default="", metavar="ARGS",
                        help="more pytest arguments, as one quoted string")
    add_output_options(parser)


def find_python(root: Path, explicit: str | None) -> str:
    if explicit:
        return explicit
    for candidate in (".venv/bin/python", "venv/bin/python", ".venv/Scripts/python.exe", "venv/Scripts/python.exe"):
        if (root / candidate).is_file():
            return str(root / candidate)
    return sys.executable


def _has_python(path: Path) -> bool:
    if path.is_file():
        return path.suffix == ".py"
    for _dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS]
        if any(name.endswith(".py") for name in filenames):
            return True
    return False


def run_pytest(target: Path, root: Path, python: str, extra: list[str], timeout: float) -> tuple[int, list[dict], str]:
    """Run pytest on ``target`` with cwd ``root``; returns (exit code, result records, output tail)."""
    with tempfile.TemporaryDirectory(prefix="bumba-pytest-") as tmp:
        results = Path(tmp) / "results.jsonl"
        env = dict(os.environ)
        env["BUMBA_RESULTS"] = str(results)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGIN_DIR), env.get("PYTHONPATH")]))
        env.pop("PYTEST_ADDOPTS", None)  # the user's terminal habits (-x, --pdb) would change what we measure
        command = [python, "-m", "pytest", "-p", "bumba_results", "-p", "no:cacheprovider", "-q",
                   "--color=no", "-rN", str(target), *extra]
        try:
            done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise ReviewError(f"the test suite in {target} did not finish within {timeout:.0f}s "
                              "(raise --timeout, or select fewer tests with -k / -m)") from None
        except OSError as error:
            raise ReviewError(f"cannot run {python}: {error}") from None
        records = []
        if results.is_file():
            for line in results.read_text(encoding="utf-8").splitlines():
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0 and not records and "No module named pytest" in output:
        raise ReviewError(f"pytest is not installed for {python}; install it there or pass --python")
    return done.returncode, records, output[-4000:]


def _relative(path: str | None, root: Path) -> str | None:
    if not path:
        return None
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    try:
        return candidate.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def summarise(records: list[dict], root: Path, slowest: int):
    """Outcomes per test, findings for failures and errors, and the slowest tests."""
    outcome: dict[str, str] = {}
    durations: dict[str, float] = {}
    findings = []
    for record in records:
        if record["kind"] == "collect":
            where = _relative(record.get("crash_path"), root) or _relative(record.get("file"), root) or record["nodeid"]
            findings.append(finding(
                rules.TEST_ERROR, where, key=record["nodeid"], line=_line(record.get("crash_line")),
                title=f"collection error in {record['nodeid'] or where}: {_first(record['message'])}",
                evidence=short(record.get("longrepr") or record["message"]),
            ))
            outcome[record["nodeid"] or where] = "error"
            continue
        node = record["nodeid"]
        durations[node] = durations.get(node, 0.0) + (record.get("duration") or 0.0)
        when, result = record["when"], record["outcome"]
        if result == "passed":
            outcome.setdefault(node, "passed")
        elif result == "skipped":
            if outcome.get(node) in (None, "passed"):
                outcome[node] = "xfailed" if record.get("wasxfail") else "skipped"
        elif result == "failed":
            is_error = when != "call"
            outcome[node] = "error" if is_error else "failed"
            file = _relative(record.get("file"), root)
            crash_file = _relative(record.get("crash_path"), root)
            # locate at the failing line when it is in the test's own file, else at the test's definition
            line = _line(record.get("crash_line")) if crash_file == file else record.get("line")
            rule = rules.TEST_ERROR if is_error else rules.TEST_FAILED
            phase = f" in {when}" if is_error else ""
            findings.append(finding(
                rule, file or node, key=node, line=line,
                title=f"{node}{phase}: {_first(record['message'])}",
                evidence=short(record.get("longrepr") or record["message"]),
            ))
    counts = {name: 0 for name in ("passed", "failed", "error", "skipped", "xfailed")}
    for value in outcome.values():
        counts[value] = counts.get(value, 0) + 1
    slow = sorted(durations.items(), key=lambda item: item[1], reverse=True)[:max(slowest, 0)]
    return findings, counts, [f"{seconds:.3f}s {node}" for node, seconds in slow]


def _line(value) -> int | None:
    return None if value is None else int(value)  # pytest's crash locations are already 1-based


def _first(message: str) -> str:
    text = (message or "").strip().splitlines()
    return (text[0] if text else "failed")[:200]


def run(request: RunRequest) -> Report:
    started = time.monotonic()
    args = request.args
    target = Path(args.path).expanduser()
    if not target.exists():
        raise ReviewError(f"{args.path}: no such file or folder")
    if target.is_file() and target.suffix != ".py":
        raise ReviewError(f"{args.path} is not a Python file; give a project folder or a test file")
    if not _has_python(target):
        raise ReviewError(f"{args.path} holds no Python files: 'test integration' runs a Python project's "
                          "pytest suite")
    if not 0 < args.timeout <= MAX_TIMEOUT_S:
        raise ReviewError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT_S}s")
    root = (target if target.is_dir() else target.parent).resolve()
    python = find_python(root, args.python)
    extra = []
    if args.keyword:
        extra += ["-k", args.keyword]
    if args.marker:
        extra += ["-m", args.marker]
    if args.pytest_args:
        import shlex

        extra += shlex.split(args.pytest_args)
    code, records, output = run_pytest(target.resolve(), root, python, extra, args.timeout)
    if code == _NO_TESTS:
        raise ReviewError(f"no tests found in {args.path} (pytest collected nothing: files named test_*.py or "
                          "*_test.py with test_ functions)")
    if code == _USAGE or (code not in (0, 1) and not records):
        raise ReviewError(f"pytest could not run in {args.path} (exit code {code}):\n{output}")
    findings, counts, slowest = summarise(records, root, args.slowest)
    metrics = {
        "tests": sum(counts.values()), **counts, "pytest_exit_code": code,
        "duration_s": round(time.monotonic() - started, 3), "python": python, "slowest_tests": slowest,
    }
    notes = [] if code in (0, 1) else [f"pytest exited with code {code}: {output.splitlines()[-1] if output else ''}"]
    return build_report(request, str(args.path), findings, started=started, metrics=metrics, notes=notes,
                        root=str(root), label="test integration")
