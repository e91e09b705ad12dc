import multiprocessing
import sqlite3

import pytest

from bumba_magics.findings import Category, Finding, Location, Severity, assign_fingerprints
from bumba_magics.report import Report, RunInfo
from bumba_magics.store import Store, StoreError


def _report(target="svc", command="scan", titles=("SQL built from strings",)):
    findings = assign_fingerprints(
        Finding(rule="BMB101", title=t, severity=Severity.high, category=Category.security,
                location=Location(path="db.py", line=i + 1), evidence=f"cur.execute(q{i})")
        for i, t in enumerate(titles)
    )
    return Report(run=RunInfo(command=command, target=target, root="/srv"), findings=findings)


def test_run_round_trip(store_path):
    store = Store(store_path)
    report = _report()
    run_id = store.save_run(report)
    again = store.get_run(run_id)
    assert again.findings == report.findings
    assert again.run.command == "scan"
    rows = store.list_runs(root="/srv", target="svc")
    assert [r["id"] for r in rows] == [run_id] and rows[0]["total"] == 1


def test_previous_fingerprints_compare_same_command_and_target(store_path):
    store = Store(store_path)
    assert store.previous_fingerprints("/srv", "svc", "scan") is None
    first = _report(titles=("a", "b"))
    store.save_run(first)
    store.save_run(_report(target="other"))
    assert store.previous_fingerprints("/srv", "svc", "scan") == {f.fingerprint for f in first.findings}
    assert store.previous_fingerprints("/srv", "svc", "secure") is None


def test_triage_states(store_path):
    store = Store(store_path)
    store.set_triage("/srv", "svc", "fp1", "suppressed", "test data")
    store.set_triage("/srv", "svc", "fp2", "reviewed")
    assert store.triage("/srv", "svc") == {"fp1": ("suppressed", "test data"), "fp2": ("reviewed", None)}
    store.set_triage("/srv", "svc", "fp1", "open")
    assert "fp1" not in store.triage("/srv", "svc")
    with pytest.raises(ValueError):
        store.set_triage("/srv", "svc", "fp1", "ignored-forever")


def test_cache_round_trip(store_path):
    store = Store(store_path)
    finding = _report().findings[0]
    store.cache_put_many({"k1": [finding], "k2": []})
    assert store.cache_get_many(["k1", "k2", "k3"]) == {"k1": [finding], "k2": []}


def test_unwritable_store_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the bumba store"):
        Store(blocker / "sub" / "bumba.sqlite")


def _writer(path, n):
    store = Store(path)
    for i in range(n):
        store.save_run(_report(target=f"t{i % 3}"))


def test_concurrent_writers_lose_nothing(store_path):
    Store(store_path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(store_path), 15)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    count = sqlite3.connect(store_path).execute("SELECT count(*) FROM runs").fetchone()[0]
    assert count == 60
