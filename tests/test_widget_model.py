"""The findings widget's model: filters, sorting, paging, actions and triage, with real reviews and a real store."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest

from bumba_magics.core.suppressions import (
    BACKUP_SUFFIX,
    SuppressionError,
    add_to_baseline,
    write_inline_ignore,
)
from bumba_magics.findings import Category, Finding, Fix, Location, Severity, assign_fingerprints
from bumba_magics.report import Report, RunInfo
from bumba_magics.review import review
from bumba_magics.store import Store
from bumba_magics.views.widget.model import ActionError, FindingsModel, place_key

SERVICE = "sample_service"


def make(rule="BMB101", severity="high", category="security", path="app.py", line=1, cell=None, title=None,
         evidence=None, fix=None, cell_id=None) -> Finding:
    return Finding(rule=rule, title=title or f"{rule} problem", severity=Severity(severity),
                   category=Category(category), evidence=evidence, fix=fix,
                   location=Location(path=path, line=line, cell=cell, cell_id=cell_id))


def synthetic(n: int) -> Report:
    severities = list(Severity)
    categories = [Category.security, Category.performance, Category.secrets]
    findings = [
        make(rule=f"BMB{100 + i % 7}", severity=severities[i % 5].value, category=categories[i % 3].value,
             path=f"pkg/mod{i % 11}.py", line=i + 1, title=f"problem number {i}", evidence=f"value_{i} = {i}")
        for i in range(n)
    ]
    return Report(run=RunInfo(command="scan", target="pkg", root="/nonexistent"), findings=assign_fingerprints(findings))


@pytest.fixture
def project(tmp_path, sample_dir):
    root = tmp_path / "project"
    shutil.copytree(sample_dir / SERVICE, root / SERVICE)
    return root


@pytest.fixture
def store(store_path):
    return Store(store_path)


# -- filters, sorting, paging ---------------------------------------------------------------------------

def test_filters_narrow_and_combine():
    model = FindingsModel(synthetic(100))
    assert len(model.visible()) == 100
    model.set_filters(severities={"critical"})
    assert len(model.visible()) == 20 and {f.severity for f in model.visible()} == {Severity.critical}
    model.set_filters(severities={"critical", "high"}, category="secrets")
    assert {(f.severity.value, f.category.value) for f in model.visible()} <= {("critical", "secrets"),
                                                                              ("high", "secrets")}
    assert len(model.visible()) == sum(1 for i in range(100) if i % 5 in (0, 1) and i % 3 == 2)
    model.set_filters(severities={s.value for s in Severity}, category=None, rule="BMB103")
    assert {f.rule for f in model.visible()} == {"BMB103"}
    model.set_filters(rule=None, place="pkg/mod4.py")
    assert {f.location.path for f in model.visible()} == {"pkg/mod4.py"}
    model.set_filters(place=None, text="NUMBER 42 Value_42")  # case-insensitive, every word must match
    assert [f.title for f in model.visible()] == ["problem number 42"]
    model.set_filters(text="value_99")  # the evidence is searched too
    assert [f.title for f in model.visible()] == ["problem number 99"]
    model.set_filters(text="no such thing")
    assert model.visible() == [] and model.page_label() == "0 shown" and model.page_count == 1


def test_place_filter_matches_a_notebook_or_one_cell():
    findings = assign_fingerprints([make(path="nb.ipynb", cell=2, line=1), make(path="nb.ipynb", cell=3, line=1,
                                                                                rule="BMB102"),
                                    make(path="other.py", line=3)])
    model = FindingsModel(Report(run=RunInfo(command="scan", target="nb.ipynb"), findings=findings))
    counts = model.counts()["place"]
    assert counts == {"nb.ipynb::cell 2": 1, "nb.ipynb::cell 3": 1, "nb.ipynb": 2, "other.py": 1}
    model.set_filters(place="nb.ipynb")
    assert len(model.visible()) == 2
    model.set_filters(place="nb.ipynb::cell 3")
    assert [f.rule for f in model.visible()] == ["BMB102"]
    assert place_key(model.visible()[0]) == "nb.ipynb::cell 3"


def test_sorting_by_severity_location_and_rule():
    findings = assign_fingerprints([
        make(rule="BMB300", severity="low", path="a.py", line=9),
        make(rule="BMB100", severity="critical", path="z.py", line=1),
        make(rule="BMB200", severity="medium", path="a.py", line=2),
    ])
    model = FindingsModel(Report(run=RunInfo(command="scan", target="."), findings=findings))
    assert [f.rule for f in model.visible()] == ["BMB100", "BMB200", "BMB300"]
    model.set_sort("location")
    assert [(f.location.path, f.location.line) for f in model.visible()] == [("a.py", 2), ("a.py", 9), ("z.py", 1)]
    model.set_sort("rule")
    assert [f.rule for f in model.visible()] == ["BMB100", "BMB200", "BMB300"]
    with pytest.raises(ValueError, match="unknown sort"):
        model.set_sort("colour")


def test_paging_5000_findings():
    model = FindingsModel(synthetic(5000), page_size=25)
    assert model.page_count == 200 and len(model.page_items()) == 25
    assert model.page_label() == "1–25 of 5000"
    model.go_to_page(199)
    assert model.page_label() == "4976–5000 of 5000" and len(model.page_items()) == 25
    model.go_to_page(1000)  # clamped
    assert model.page == 199
    model.set_filters(severities={"info"})  # a filter change starts at the first page
    assert model.page == 0 and len(model.visible()) == 1000
    model.set_page_size(100)
    assert model.page_count == 10
    pages = []
    for page in range(model.page_count):
        model.go_to_page(page)
        pages.extend(model.page_items())
    assert pages == model.visible()  # every finding on exactly one page


# -- actions and triage ---------------------------------------------------------------------------------

def test_triage_persists_across_two_runs(project, store):
    first = review("scan", str(project / SERVICE), store=store)
    model = FindingsModel(first, store=store)
    assert model.compared is False and model.counts()["status"]["new"] == 0
    pickle = next(f for f in first.findings if f.rule == "BMB106" and f.location.path == "routes.py")
    md5 = next(f for f in first.findings if f.rule == "BMB104")
    model.mark_reviewed(pickle)
    assert model.status_of(pickle) == "reviewed"
    model.mark_reviewed(md5)
    model.reopen(md5)
    assert model.status_of(md5) is None

    # an edit between the runs adds one problem: only that one is new
    (project / SERVICE / "extra.py").write_text("import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n")
    second = review("scan", str(project / SERVICE), store=store)
    again = FindingsModel(second, store=store)
    assert again.compared is True
    same = next(f for f in second.findings if f.fingerprint == pickle.fingerprint)
    assert again.status_of(same) == "reviewed"
    assert again.status_of(next(f for f in second.findings if f.rule == "BMB104")) is None
    new = [f for f in second.findings if again.is_new(f)]
    assert [(f.rule, f.location.path) for f in new] == [("BMB106", "extra.py")]
    assert again.counts()["status"]["new"] == 1
    again.set_filters(status="new")
    assert again.visible() == new
    again.set_filters(status="reviewed")
    assert [f.fingerprint for f in again.visible()] == [pickle.fingerprint]


def test_suppress_in_the_baseline_hides_it_on_the_next_run(project, store):
    report = review("scan", str(project / SERVICE), store=store)
    model = FindingsModel(report, store=store)
    target = next(f for f in report.findings if f.rule == "BMB110")
    with pytest.raises(ActionError, match="say why"):
        model.suppress(target, "   ")
    result = model.suppress(target, "tokens here are\nnot security relevant")
    baseline = json.loads((project / SERVICE / "bumba-baseline.json").read_text())
    assert [e["fingerprint"] for e in baseline["findings"]] == [target.fingerprint]
    assert baseline["findings"][0]["reason"] == "tokens here are not security relevant"
    assert result.path == project / SERVICE / "bumba-baseline.json"
    assert model.status_of(target) == "suppressed" and target not in model.visible()  # "open" hides it
    model.set_filters(status="suppressed")
    assert model.visible() == [target]

    again = review("scan", str(project / SERVICE), store=store)
    assert target.fingerprint not in {f.fingerprint for f in again.findings}
    assert any("already in the baseline" in note for note in again.notes)
    assert len(again.findings) == len(report.findings) - 1
    stored = store.triage(again.run.root, again.run.target)
    assert stored[target.fingerprint] == ("suppressed", "tokens here are not security relevant")


def test_suppress_inline_writes_the_comment_with_a_backup(project, store):
    report = review("scan", str(project / SERVICE), store=store)
    model = FindingsModel(report, store=store)
    target = next(f for f in report.findings if f.rule == "BMB103" and f.location.path == "app.py")
    path = project / SERVICE / "app.py"
    before = path.read_text()
    assert model.inline_suppression_problem(target) is None
    result = model.suppress(target, "local development only", mode="inline")
    lines = path.read_text().splitlines()
    assert lines[target.location.line - 1].endswith(f"  # bumba: ignore[{target.rule}]")
    assert result.backup.read_text() == before and result.backup.name == "app.py" + BACKUP_SUFFIX

    again = review("scan", str(project / SERVICE), store=store)
    assert not [f for f in again.findings if f.rule == "BMB103" and f.location.path == "app.py"]
    # the other rule on the same line is still reported: the comment names one rule
    assert [f for f in again.findings if f.rule == "S104" and f.location.path == "app.py"]


def test_inline_suppression_is_refused_where_it_cannot_be_written(project, store):
    report = review("scan", str(project / SERVICE), store=store)
    model = FindingsModel(report, store=store)
    yaml_secret = next(f for f in report.findings if f.location.path == "config.yaml")
    assert "Python files only" in model.inline_suppression_problem(yaml_secret)
    with pytest.raises(ActionError, match="Python files only"):
        model.suppress(yaml_secret, "fake key", mode="inline")
    cell = make(path="nb.ipynb", cell=2, line=1)
    assert "baseline" in model.inline_suppression_problem(cell)
    with pytest.raises(ActionError, match="unknown suppression"):
        model.suppress(yaml_secret, "x", mode="everywhere")


def test_inline_comment_never_changes_the_code(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('QUERY = """SELECT *\nFROM t"""\nx = 1 + \\\n    2\ny = eval(s)  # noqa: S307\n')
    with pytest.raises(SuppressionError, match="would change the code"):
        write_inline_ignore(path, 1, "S608")  # inside a triple-quoted string
    with pytest.raises(SuppressionError, match="would change the code"):
        write_inline_ignore(path, 3, "BMB1")  # after a line continuation
    assert not (tmp_path / ("m.py" + BACKUP_SUFFIX)).exists()
    write_inline_ignore(path, 5, "S307")
    assert path.read_text().splitlines()[4] == "y = eval(s)  # noqa: S307  # bumba: ignore[S307]"
    write_inline_ignore(path, 5, "BMB109")  # a second rule joins the same comment
    assert path.read_text().splitlines()[4] == "y = eval(s)  # noqa: S307  # bumba: ignore[S307, BMB109]"
    with pytest.raises(SuppressionError, match="already ignores S307"):
        write_inline_ignore(path, 5, "S307")
    with pytest.raises(SuppressionError, match="has no line 99"):
        write_inline_ignore(path, 99, "S307")


def test_baseline_keeps_existing_entries_and_refuses_foreign_files(tmp_path):
    path = tmp_path / "bumba-baseline.json"
    first, second = assign_fingerprints([make(line=1), make(rule="BMB102", line=2)])
    add_to_baseline(path, [first], "a")
    add_to_baseline(path, [first, second], "b")  # first is not duplicated
    entries = json.loads(path.read_text())["findings"]
    assert [(e["fingerprint"], e["reason"]) for e in entries] == [(first.fingerprint, "a"), (second.fingerprint, "b")]
    path.write_text('{"something": "else"}')
    with pytest.raises(SuppressionError, match="not a bumba baseline"):
        add_to_baseline(path, [first])
    assert path.read_text() == '{"something": "else"}'


def test_fix_goto_and_insert_requests(project, store):
    report = review("scan", str(project / SERVICE), store=store)
    model = FindingsModel(report, store=store)
    sql = next(f for f in report.findings if f.rule == "BMB101" and f.fix and f.fix.code)
    request = model.insert_request(sql)
    assert request["action"] == "insert-cell" and request["cell_id"] is None
    assert request["code"].startswith(f"# bumba fix for BMB101 at db.py:{sql.location.line}")
    assert request["code"].endswith(sql.fix.code.rstrip("\n"))
    goto = model.goto_request(sql)
    assert goto == {"action": "goto", "path": str(project / SERVICE / "db.py"), "line": sql.location.line,
                    "cell": None, "cell_id": None}
    no_fix = next(f for f in report.findings if f.fix is None)
    assert model.fix_code(no_fix) is None
    with pytest.raises(ActionError, match="no suggested fix"):
        model.insert_request(no_fix)
    cell = make(path="<cell>", cell=1, line=2, cell_id="abc", fix=Fix(description="d", patch="-a\n+b"))
    assert model.goto_request(cell) == {"action": "goto", "path": None, "line": 2, "cell": 1, "cell_id": "abc"}
    code = model.insert_request(cell)["code"]
    assert code.splitlines()[-2:] == ["# -a", "# +b"]  # a patch goes in commented out: never runnable by accident


def test_exports_write_what_the_filters_show(tmp_path):
    model = FindingsModel(synthetic(40))
    model.set_filters(severities={"critical"})
    sarif = model.export("sarif", tmp_path)
    data = json.loads(sarif.read_text())
    assert len(data["runs"][0]["results"]) == 8
    rows = list(csv.DictReader(io.StringIO(model.export("csv", tmp_path).read_text())))
    assert len(rows) == 8 and {r["severity"] for r in rows} == {"critical"} and "status" in rows[0]
    markdown = model.export("markdown", tmp_path).read_text()
    assert "problem number 0" in markdown and "problem number 1 " not in markdown
    assert len({sarif.name, *(p.name for p in tmp_path.iterdir())}) == 3
    with pytest.raises(ActionError, match="unknown export format"):
        model.export("pdf", tmp_path)


def test_streamed_findings_and_narrative():
    model = FindingsModel(Report(run=RunInfo(command="scan", target=".", engine="claude")))
    assert model.visible() == []
    added = model.add_findings([make(severity="low", line=5), make(rule="BMB102", severity="critical", line=9)])
    assert all(f.fingerprint for f in added)
    assert [f.rule for f in model.visible()] == ["BMB102", "BMB101"]  # sorted in, most severe first
    model.add_findings([make(rule="BMB103", severity="medium", line=1)])
    assert [f.rule for f in model.visible()] == ["BMB102", "BMB103", "BMB101"]
    model.append_narrative("Looking at ")
    model.append_narrative("db.py")
    assert model.narrative == "Looking at db.py"


def test_broken_store_keeps_the_view_working(tmp_path, store):
    errors = []
    report = synthetic(3)
    model = FindingsModel(report, store=store, on_store_error=errors.append)
    store.close()
    (store.path).unlink()
    store.path.mkdir()  # the file is now a folder: every write fails
    model.mark_reviewed(report.findings[0])
    assert model.status_of(report.findings[0]) == "reviewed" and errors


def test_the_model_needs_no_ipywidgets_and_the_old_import_path_still_works():
    # ipywidgets is optional: the widget package loads its view modules only when their names are used
    code = ("import sys\n"
            "from bumba_magics.views.widget.model import FindingsModel\n"
            "from bumba_magics.views.widget_model import ActionError, FindingsModel as Old, place_key\n"
            "assert Old is FindingsModel\n"
            "print('ipywidgets' in sys.modules)\n"
            "from bumba_magics.views.widget import FindingsView, WIDGET_MIME\n"
            "print('ipywidgets' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
