"""What a review reads stays inside its root and is a regular file: links out of the root, named pipes and
devices are skipped with their reason (context collection) or refused (the agent's tools), and none of
them hangs a scan or sends what lies outside. Real files, real FIFOs, real devices, the real CLI."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from bumba_magics.agents import discover_agents_with_errors
from bumba_magics.cli import main
from bumba_magics.context.confine import Refused, confine, read_bytes
from bumba_magics.context.files import collect
from bumba_magics.engines.claude.tools import ToolBox
from bumba_magics.review import review

OUTSIDE_TEXT = "root:x:0:0:root:/root:/bin/bash"  # what /etc/passwd starts with; here a file we write


def finishes(function, *args, seconds: float = 30, pipes: tuple[Path, ...] = (), **kwargs):
    """``function(*args)`` in a thread; the test fails if it has not returned in time (and readers stuck on
    ``pipes`` are then released, again and again, so the failure does not hang the suite too)."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 — handed to the test below
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        deadline = time.monotonic() + 60
        while worker.is_alive() and time.monotonic() < deadline:
            for pipe in pipes:
                try:
                    os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
                except OSError:  # nobody is reading it at this moment
                    pass
            worker.join(0.2)
        pytest.fail(f"{getattr(function, '__name__', function)} was still running after {seconds} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def can_make_devices() -> bool:
    return hasattr(os, "mknod") and os.geteuid() == 0


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder next to the project, with what the project must never show."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_text(OUTSIDE_TEXT + "\n")
    (folder / "stolen.py").write_text(f"LEAK = {OUTSIDE_TEXT!r}\n")
    nbformat.write(new_notebook(cells=[new_code_cell(f"# {OUTSIDE_TEXT}")]), folder / "other.ipynb")
    return folder


@pytest.fixture
def project(tmp_path, outside) -> Path:
    """A project holding links out of it (a file, a folder), a link inside it, a FIFO and, as root, a device."""
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "app.py").write_text("import os\n")
    (root / "pkg" / "real.py").write_text("VALUE = 1\n")
    (root / "alias.py").symlink_to(root / "pkg" / "real.py")  # inside the root: kept
    (root / "users.py").symlink_to(outside / "passwd")  # a syntax error whose evidence would be the line
    (root / "users.txt").symlink_to(outside / "passwd")
    (root / "nb.ipynb").symlink_to(outside / "other.ipynb")
    (root / "shared").symlink_to(outside, target_is_directory=True)
    (root / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(root / "pipe.py")
    os.mkfifo(root / "pipe.ipynb")
    if can_make_devices():
        os.mknod(root / "device.py", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # the same device as /dev/zero
    return root


def pipes(root: Path) -> tuple[Path, ...]:
    return tuple(root.rglob("pipe*"))


def sent(context) -> str:
    return "\n".join(source.text for source in context.sources)


# ---------------------------------------------------------------------------------------- the check itself


def test_confine_passes_regular_files_inside_and_says_why_it_refuses_the_rest(project, outside):
    assert confine(project / "alias.py", project).path == project / "pkg" / "real.py"
    assert confine(project / "pkg", project, folders=True).is_dir
    refusals = {
        "users.txt": "link leads outside the review root",
        "shared": "link leads outside the review root",
        "shared/stolen.py": "link leads outside the review root",  # a regular file, in a linked folder
        "zero.txt": "link leads outside the review root",
        "pipe.py": "a named pipe (FIFO), not a regular file",
        "pkg": "a folder, not a file",
    }
    for name, reason in refusals.items():
        with pytest.raises(Refused) as refused:
            finishes(confine, project / name, project, pipes=pipes(project))
        assert refused.value.reason == reason, name
    with pytest.raises(Refused, match="^outside the review root$"):
        confine(outside / "passwd", project)
    with pytest.raises(Refused, match="a device, not a regular file"):
        confine("/dev/zero", "/dev")
    with pytest.raises(Refused, match="over the 3 byte limit"):
        confine(project / "app.py", project, max_bytes=3)
    with pytest.raises(Refused, match="a named pipe"):  # checked again on the open file, without blocking
        finishes(read_bytes, project / "pipe.py", 100, pipes=pipes(project))


# -------------------------------------------------------------------------------------- context collection


def test_a_folder_scan_skips_links_out_pipes_and_devices_and_says_why(project):
    context = finishes(collect, str(project), pipes=pipes(project))
    assert [s.path for s in context.sources] == ["alias.py", "app.py", "pkg/real.py"]
    assert context.sources[0].text == "VALUE = 1\n"  # a link inside the root is read
    skipped = dict(context.skipped)
    assert skipped["users.py"] == skipped["users.txt"] == "link leads outside the review root"
    assert skipped["zero.txt"] == skipped["nb.ipynb"] == "link leads outside the review root"
    assert skipped["pipe.py"] == skipped["pipe.ipynb"] == "a named pipe (FIFO), not a regular file"
    if can_make_devices():
        assert skipped["device.py"] == "a device, not a regular file"
    assert "skipped users.txt: link leads outside the review root" in context.notes
    assert not any(path.startswith("shared") for path in skipped)  # a linked folder is not entered at all
    assert OUTSIDE_TEXT not in sent(context)


def test_a_glob_skips_what_leads_out_and_a_named_pipe_is_skipped(project, monkeypatch):
    monkeypatch.chdir(project)
    context = finishes(collect, "*.py", pipes=pipes(project))
    assert [s.path for s in context.sources] == ["alias.py", "app.py"]
    skipped = dict(context.skipped)
    assert skipped["users.py"] == "link leads outside the review root"
    assert skipped["pipe.py"] == "a named pipe (FIFO), not a regular file"
    everything = finishes(collect, "*", root=project, pipes=pipes(project))
    assert dict(everything.skipped)["shared"] == "a folder whose link leads outside the review root"
    assert OUTSIDE_TEXT not in sent(context) + sent(everything)
    named = finishes(collect, str(project / "pipe.py"), pipes=pipes(project))
    assert named.sources == [] and named.skipped == [("pipe.py", "a named pipe (FIFO), not a regular file")]
    os.mkfifo(project / "deploy")  # no suffix: its kind is guessed from its first line, never by opening it
    assert finishes(collect, str(project / "deploy"), pipes=(project / "deploy",)).skipped == [
        ("deploy", "a named pipe (FIFO), not a regular file")]


def test_a_named_file_is_read_where_it_really_is_but_never_out_of_an_explicit_root(project, outside):
    # the user named it: its real folder becomes the review root, as if they had named the target
    named = collect(str(project / "users.txt"))
    assert named.root == outside and [s.path for s in named.sources] == ["passwd"]
    # a device the user names is still not read
    device = finishes(collect, str(project / "zero.txt"))
    assert device.skipped == [("zero", "a device, not a regular file")] and device.sources == []
    # with an explicit root (the agent's run_analyzer, a notebook's repository) it must lie inside
    with pytest.raises(Refused, match="outside the review root"):
        collect(str(project / "users.txt"), root=project)
    with pytest.raises(Refused, match="outside the review root"):
        collect(str(project / "shared"), root=project)
    # a glob that starts outside the project was asked to look there
    assert [s.path for s in collect(str(outside / "*.py"), root=None).sources] == [
        os.path.relpath(outside / "stolen.py", Path.cwd().resolve())]


def test_an_ignore_file_that_is_a_pipe_does_not_hang_the_walk(tmp_path):
    (tmp_path / "app.py").write_text("x = 1\n")
    os.mkfifo(tmp_path / ".gitignore")
    context = finishes(collect, str(tmp_path), pipes=(tmp_path / ".gitignore",))
    assert [s.path for s in context.sources] == ["app.py"]


# --------------------------------------------------------------------------------- review() and the CLI


def test_review_sends_nothing_from_outside_and_reports_what_it_skipped(project):
    report = finishes(review, "scan", str(project), overrides={"engine": "offline"}, pipes=pipes(project))
    assert OUTSIDE_TEXT not in json.dumps(report.model_dump(mode="json"))
    assert "skipped users.py: link leads outside the review root" in report.notes
    assert "skipped pipe.py: a named pipe (FIFO), not a regular file" in report.notes


def _ruff_processes_under(folder: Path) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if "ruff" in (process.info["name"] or "") and str(folder) in command:
            found.append(process)
    return found


@pytest.mark.parametrize("target", ["{root}", "{root}/*.py", "{root}/pipe.py"])
def test_the_cli_scan_finishes_leaks_nothing_and_leaves_no_ruff_behind(project, target):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    try:
        done = subprocess.run([sys.executable, "-m", "bumba_magics", "scan", target.format(root=project),
                               "-f", "json"], capture_output=True, text=True, timeout=120, env=env, check=False)
    except subprocess.TimeoutExpired:
        for pipe in pipes(project):
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"bumba scan {target} did not finish")
    assert done.returncode in (0, 1), done.stderr  # 1: findings at the gate's severity
    report = json.loads(done.stdout)
    assert OUTSIDE_TEXT not in done.stdout
    assert any("pipe.py: a named pipe (FIFO), not a regular file" in note for note in report["notes"])
    assert not _ruff_processes_under(project)


# ------------------------------------------------------------------------------------------ the agent's tools


@pytest.mark.parametrize("tool, arguments, problem", [
    ("read_file", {"path": "users.txt"}, "users.txt: link leads outside the review root"),
    ("read_file", {"path": "shared/stolen.py"}, "link leads outside the review root"),
    ("read_file", {"path": "zero.txt"}, "link leads outside the review root"),
    ("read_file", {"path": "pipe.py"}, "pipe.py: a named pipe (FIFO), not a regular file"),
    ("search_text", {"pattern": "x", "path": "pipe.py"}, "a named pipe (FIFO)"),
    ("search_text", {"pattern": "x", "path": "shared"}, "link leads outside the review root"),
    ("list_files", {"path": "shared"}, "link leads outside the review root"),
    ("list_cells", {"notebook": "nb.ipynb"}, "link leads outside the review root"),
    ("read_cell", {"cell": 1, "notebook": "nb.ipynb"}, "link leads outside the review root"),
    ("read_cell", {"cell": 1, "notebook": "pipe.ipynb"}, "a named pipe (FIFO)"),
    ("run_analyzer", {"path": "users.py"}, "link leads outside the review root"),
    ("run_analyzer", {"path": "pipe.py"}, "a named pipe (FIFO)"),
    ("git_log", {"path": "users.txt"}, "link leads outside the review root"),
    ("git_blame", {"path": "pipe.py"}, "a named pipe (FIFO)"),
    ("git_diff", {"path": "shared"}, "link leads outside the review root"),
])
def test_every_tool_refuses_links_out_and_pipes(project, tool, arguments, problem):
    output, is_error = finishes(ToolBox(root=project).call, tool, arguments, pipes=pipes(project))
    assert is_error and problem in output
    assert OUTSIDE_TEXT not in output


def test_a_device_inside_the_root_is_refused_by_the_tools(project):
    if not can_make_devices():
        pytest.skip("making a device needs root")
    output, is_error = finishes(ToolBox(root=project).call, "read_file", {"path": "device.py"})
    assert is_error and output == "device.py: a device, not a regular file"


def test_folder_wide_tools_pass_by_what_they_may_not_read_and_say_so(project):
    toolbox = ToolBox(root=project)
    searched, is_error = finishes(toolbox.call, "search_text", {"pattern": "root"}, pipes=pipes(project))
    assert not is_error and OUTSIDE_TEXT not in searched
    assert searched.startswith("no matches\n[not searched: ")
    assert "pipe.py (a named pipe (FIFO), not a regular file)" in searched
    assert "users.txt (link leads outside the review root)" in searched
    listed, _ = finishes(toolbox.call, "list_files", {}, pipes=pipes(project))
    assert "users.txt  (not readable: link leads outside the review root)" in listed.splitlines()
    assert "pipe.py  (not readable: a named pipe (FIFO), not a regular file)" in listed.splitlines()
    assert "alias.py  10 bytes" in listed.splitlines()  # a link inside the root is listed like its file
    analyzed, is_error = finishes(toolbox.call, "run_analyzer", {"analyzers": ["security", "secrets"]},
                                  pipes=pipes(project))
    assert not is_error and OUTSIDE_TEXT not in analyzed
    assert "note: skipped users.py: link leads outside the review root" in analyzed.splitlines()
    read, is_error = toolbox.call("read_file", {"path": "alias.py"})
    assert not is_error and "VALUE = 1" in read


def test_an_agent_file_that_is_a_pipe_is_a_load_error_not_a_hang(tmp_path):
    agents = tmp_path / "project" / ".claude" / "agents"
    agents.mkdir(parents=True)
    os.mkfifo(agents / "reviewer.md")
    specs, errors = finishes(discover_agents_with_errors, tmp_path / "project", tmp_path / "home",
                             pipes=(agents / "reviewer.md",))
    assert "backend-engineer" in [spec.name for spec in specs]
    assert ["a named pipe (FIFO), not a regular file" in str(error) for error in errors] == [True]


# ------------------------------------------------------------------- what a review writes into the project


def test_a_baseline_that_leads_out_of_the_root_is_neither_read_nor_overwritten(project, outside, monkeypatch):
    from bumba_magics.review import ReviewError

    monkeypatch.setenv("BUMBA_STORE", str(project.parent / "store.sqlite"))
    (outside / "rc").write_text("export PATH=/usr/bin\n")
    (project / "bumba-baseline.json").symlink_to(outside / "rc")
    with pytest.raises(ReviewError, match="link leads outside the review root"):
        review("scan", str(project / "app.py"))
    with pytest.raises(ReviewError, match="baseline not written: link leads outside"):
        review("scan", str(project / "app.py"), update_baseline=True)
    assert (outside / "rc").read_text() == "export PATH=/usr/bin\n"


def test_a_baseline_that_is_a_pipe_is_an_error_at_once(project, monkeypatch):
    from bumba_magics.review import ReviewError

    monkeypatch.setenv("BUMBA_STORE", str(project.parent / "store.sqlite"))
    (project / "pyproject.toml").write_text('[tool.bumba]\nbaseline = "pipe.py"\n')
    with pytest.raises(ReviewError, match="named pipe"):
        finishes(review, "scan", str(project / "app.py"), pipes=pipes(project))


def test_a_baseline_inside_the_root_under_another_name_is_read_and_written_where_it_is(project, monkeypatch):
    monkeypatch.setenv("BUMBA_STORE", str(project.parent / "store.sqlite"))
    (project / "app.py").write_text("import subprocess\nsubprocess.call(command, shell=True)\n")
    (project / "pkg" / "accepted.json").write_text("")
    (project / "bumba-baseline.json").symlink_to(project / "pkg" / "accepted.json")
    first = review("scan", str(project / "app.py"), update_baseline=True)
    assert first.findings and (project / "bumba-baseline.json").is_symlink()
    accepted = json.loads((project / "pkg" / "accepted.json").read_text())["findings"]
    assert {entry["fingerprint"] for entry in accepted} == {f.fingerprint for f in first.findings}
    assert review("scan", str(project / "app.py")).findings == []


def test_the_widget_suppresses_only_into_files_inside_the_root(project, outside):
    from bumba_magics.findings import Finding, Location, Severity
    from bumba_magics.report import Report, RunInfo
    from bumba_magics.views.widget.model import ActionError, FindingsModel

    (outside / "rc").write_text("export PATH=/usr/bin\n")
    (project / "bumba-baseline.json").symlink_to(outside / "rc")
    finding = Finding(rule="BMB101", title="t", severity=Severity.high, category="security",
                      location=Location(path="users.py", line=1), fingerprint="f" * 16)
    model = FindingsModel(Report(run=RunInfo(command="scan", target=".", root=str(project)), findings=[finding]))
    with pytest.raises(ActionError, match="link leads outside the review root"):
        model.suppress(finding, "accepted", mode="baseline")
    assert model.inline_suppression_problem(finding) == "the finding is not in a file on disk"
    assert (outside / "rc").read_text() == "export PATH=/usr/bin\n"
    assert (outside / "passwd").read_text() == OUTSIDE_TEXT + "\n"


@pytest.mark.parametrize("kind", ["link out", "pipe", "huge"])
def test_a_pyproject_toml_that_is_not_the_projects_own_file_is_a_settings_error(tmp_path, outside, kind):
    from bumba_magics.settings import SettingsError, load_settings

    root = tmp_path / "service"
    root.mkdir()
    (root / ".git").mkdir()
    pyproject = root / "pyproject.toml"
    if kind == "link out":
        (outside / "pyproject.toml").write_text('[tool.bumba]\nexclude = ["*"]\n')
        pyproject.symlink_to(outside / "pyproject.toml")
        reason = "link leads outside"
    elif kind == "pipe":
        os.mkfifo(pyproject)
        reason = "named pipe"
    else:
        with pyproject.open("wb") as handle:
            handle.truncate(5 * 2**20)
        reason = "over the"
    with pytest.raises(SettingsError, match=reason):
        finishes(load_settings, root, pipes=(pyproject,))


# ----------------------------------------------------------------------- publish reads and drafts files too


@pytest.fixture
def hostile_service(tmp_path, outside) -> Path:
    """A Flask service whose requirements lead out of it, whose Dockerfile is endless and whose runtime.txt
    and one module are named pipes."""
    root = tmp_path / "service"
    root.mkdir()
    (root / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (outside / "requirements.txt").write_text(f"flask\n{OUTSIDE_TEXT.replace(':', '-')}\n")
    (root / "requirements.txt").symlink_to(outside / "requirements.txt")
    (root / "Dockerfile").symlink_to("/dev/zero")
    os.mkfifo(root / "runtime.txt")
    os.mkfifo(root / "worker.py")
    return root


def test_publish_reads_nothing_from_outside_and_finishes_on_pipes_and_devices(hostile_service):
    report = finishes(review, "publish", str(hostile_service), use_store=False,
                      pipes=(hostile_service / "runtime.txt", hostile_service / "worker.py"))
    shown = report.to_json()
    assert "root-x-0-0" not in shown and OUTSIDE_TEXT not in shown
    assert report.metrics["framework"] == "flask"  # app.py itself is read
    assert report.metrics["dependency_files"] == [] and report.metrics["dockerfiles"] == []
    notes = "\n".join(report.notes)
    assert "requirements.txt: not read: link leads outside the review root" in notes
    assert "Dockerfile: not read: link leads outside the review root" in notes  # to /dev/zero
    assert "runtime.txt: not read: a named pipe" in notes and "worker.py: not read: a named pipe" in notes


def test_publish_drafts_only_inside_the_project(tmp_path, outside):
    root = tmp_path / "service"
    root.mkdir()
    (root / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    (root / "requirements.txt").write_text("flask==3.0.0\ngunicorn==22.0.0\n")
    (root / "bumba-publish").symlink_to(outside, target_is_directory=True)  # another project's folder
    from bumba_magics.review import ReviewError

    with pytest.raises(ReviewError, match="not written: link leads outside the review root"):
        review("publish", str(root), use_store=False)
    assert sorted(p.name for p in outside.iterdir()) == ["other.ipynb", "passwd", "stolen.py"]
    # a folder the user names with -o is theirs to choose, link or not
    chosen = tmp_path / "drafts"
    chosen.symlink_to(outside, target_is_directory=True)
    assert main(["publish", str(root), "-o", str(chosen)]) == 0
    assert (outside / "Dockerfile").is_file()


def test_the_redactor_learns_the_tree_without_blocking_on_a_pipe(project):
    from bumba_magics.context.redact import Redactor

    (project / "settings.ini").write_text("[db]\npassword = Vq8rT2mLx9Kc\n")
    redactor = Redactor()
    finishes(redactor.learn_tree, project, pipes=pipes(project))
    assert "Vq8rT2mLx9Kc" in redactor.ordered


def test_docs_technical_never_writes_a_page_through_a_link_out_of_the_project(tmp_path, outside):
    from bumba_magics.review import ReviewError

    root = tmp_path / "service"
    (root / "docs" / "api").mkdir(parents=True)
    (root / "app.py").write_text('def handler(request):\n    """Answer a request."""\n    return "ok"\n')
    (outside / "notes.md").write_text("mine\n")
    (root / "docs" / "api" / "index.md").symlink_to(outside / "notes.md")
    with pytest.raises(ReviewError, match="index.md: not written: link leads outside the review root"):
        review("docs-technical", str(root), use_store=False)
    assert (outside / "notes.md").read_text() == "mine\n"
