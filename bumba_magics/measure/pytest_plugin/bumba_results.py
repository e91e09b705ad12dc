"""A pytest plugin that writes one JSON line per test phase to $BUMBA_RESULTS.

Loaded into the project's own interpreter (``-p bumba_results`` with this folder on PYTHONPATH), so it imports
nothing but the standard library and pytest: the project's environment need not have bumba installed.
"""

import json
import os

_PATH = os.environ.get("BUMBA_RESULTS")


def _write(record):
    if _PATH:
        with open(_PATH, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")


def _crash(report):
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    text = str(longrepr) if longrepr is not None else ""
    if crash is not None:
        return crash.path, crash.lineno, crash.message, text
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # skips: (path, lineno, reason)
        return longrepr[0], longrepr[1], longrepr[2], text
    return None, None, text.strip().splitlines()[-1] if text.strip() else "", text


def pytest_runtest_logreport(report):
    path, lineno, message, text = _crash(report) if report.outcome != "passed" else (None, None, "", "")
    fspath, line, _ = report.location
    _write({
        "kind": "test", "nodeid": report.nodeid, "when": report.when, "outcome": report.outcome,
        "duration": report.duration, "file": fspath, "line": None if line is None else line + 1,
        "crash_path": path, "crash_line": lineno, "message": message, "longrepr": text[-6000:],
        "wasxfail": hasattr(report, "wasxfail"),
    })


def pytest_collectreport(report):
    if report.failed:
        path, lineno, message, text = _crash(report)
        _write({
            "kind": "collect", "nodeid": report.nodeid, "outcome": "error", "file": report.fspath,
            "crash_path": path, "crash_line": lineno, "message": message, "longrepr": text[-6000:],
        })
