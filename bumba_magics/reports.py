"""``bumba report``: reproducible review reports from parameterised notebooks.

Each target runs a template notebook (``notebooks/templates/``) with papermill in a fresh kernel; the
template calls ``review()`` like every other front end and renders its sections. This module keeps the
executed ``.ipynb``, renders self-contained HTML with nbconvert, writes SARIF and JSON beside it and keeps
an index page. A gate that fails, a cell that raises or a kernel that dies still leaves a report (the last
one marked partial), so a scheduled job both alerts and leaves evidence.

The first half of the module is what the templates call inside the kernel; the second is the front end.
"""

from __future__ import annotations

import ast
import contextvars
import dataclasses
import glob
import hashlib
import html
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .commands.base import Command, get_command, require_available
from .core.errors import GateFailed, ReviewError
from .core.findings import Severity
from .core.report import Report
from .store import Store, StoreError
from .views.report_sections import DATA_TAG, REPORT_MIME, Trend, compute_trend

TEMPLATES_PACKAGE_DIR = Path(__file__).resolve().parent / "templates"  # in an installed wheel
TEMPLATES_SOURCE_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "templates"  # in a checkout
PARAMETERS_TAG = "parameters"
GATE_TAG = "bumba-gate"
INDEX_JSON, INDEX_HTML = "index.json", "index.html"
_PYTHON_SUFFIXES = (".py", ".ipynb")
_SKIP_DIRS = {"node_modules", "__pycache__", "site-packages", "venv", ".venv", ".git", ".tox", ".nox"}


class ReportInputError(ValueError):
    """Bad input to a report (missing target, template without parameters, unknown parameter …)."""


# ---------------------------------------------------------------------------------------------------------
# Inside the kernel: what a template calls
# ---------------------------------------------------------------------------------------------------------


def command_names(commands: str | Sequence[str]) -> list[str]:
    """``"secure, improve-performance"`` or a list (jupyter-scheduler passes parameters as strings)."""
    if isinstance(commands, str):
        text = commands.strip()
        if text.startswith("["):
            commands = json.loads(text)
        else:
            commands = [c for c in re.split(r"[,\s]+", text) if c]
    names = [str(c).strip() for c in commands if str(c).strip()]
    if not names:
        raise ReviewError("no commands given: name at least one review command (scan, secure, analyze-technical …)")
    return names


def combined_command(commands: str | Sequence[str]) -> Command:
    """One review command that runs the analyzers of several (each analyzer once, one ruff process).

    The combination is named after its parts ("secure+analyze-technical"), so the store compares a report
    with earlier reports of the same commands on the same target.
    """
    resolved = []
    for name in command_names(commands):
        command = require_available(get_command(name))
        if not command.analyzers:
            raise ReviewError(f"'{command.name}' cannot be part of a report: it does not run the analyzers")
        if command not in resolved:
            resolved.append(command)
    if len(resolved) == 1:
        return resolved[0]

    def union(values: Iterable[Iterable[str]]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for group in values for v in group))

    enriched = tuple(c.name for c in resolved if c.enrich)
    return Command(
        "+".join(c.name for c in resolved), "A report: " + "; ".join(c.summary for c in resolved),
        needs="a folder, a file, a notebook or a glob", analyzers=union(c.analyzers for c in resolved),
        ruff_select=union(c.ruff_select for c in resolved), ruff_ignore=union(c.ruff_ignore for c in resolved),
        order=0, takes_cell=False, enrich=enrich_combined if enriched else None, extra={"enrich": enriched},
    )


def enrich_combined(request: Any, report: Report) -> None:
    """Run the enrich hook of every command a combined command was made of, as that command."""
    for name in request.command.extra.get("enrich", ()):
        command = get_command(name)
        command.enrich(dataclasses.replace(request, command=command), report)


def review_overrides(engine: str | None = None, model: str | None = None, fail_on: str | None = None,
                     baseline: str | None = None) -> dict[str, Any]:
    """Template parameters as ``review()`` overrides. ``fail_on``: a severity, or none/None for no gate."""
    from .settings import Settings

    overrides: dict[str, Any] = {"engine": engine or None, "baseline": baseline or None}
    if fail_on is not None and str(fail_on).strip():
        value = str(fail_on).strip().lower()
        if value in ("none", "never", "off"):
            overrides["fail_on"] = "none"
        else:
            try:
                overrides["fail_on"] = Severity.parse(value)
            except ValueError as error:
                raise ReviewError(f"fail_on: {error}") from None
    if model and "model" in Settings.model_fields:  # the Claude engine's setting, when it is installed
        overrides["model"] = model
    return overrides


def has_python(target: str | Path) -> bool:
    """Whether a file, folder or glob holds at least one Python file or notebook (stops at the first)."""
    path = Path(target).expanduser()
    if path.is_file():
        return path.suffix in _PYTHON_SUFFIXES
    if path.is_dir():
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
            if any(name.endswith(_PYTHON_SUFFIXES) for name in files):
                return True
        return False
    return any(has_python(match) for match in glob.iglob(str(target), recursive=True))


def target_exists(target: str | Path) -> bool:
    return Path(target).expanduser().exists() or any(True for _ in glob.iglob(str(target), recursive=True))


def require_python(target: str) -> str:
    """The target, after checking there is something to review in it."""
    if not target_exists(target):
        raise ReviewError(f"target {target!r} does not exist")
    if not has_python(target):
        raise ReviewError(f"target {target!r} contains no Python files or notebooks: nothing to review")
    return target


def trend(report: Report) -> Trend:
    """The report against the previous one on its target and commands, from the store the review wrote to
    (the default one: ``$BUMBA_STORE`` or the user's); the views are given the store, they do not open it."""
    try:
        return compute_trend(report, Store())
    except StoreError as error:
        return Trend(problem=str(error))


def gate(report: Report) -> None:
    """Raise when the report's gate failed; papermill marks the run failed, the report is already drawn."""
    if report.failed:
        raise GateFailed(report)


# ---------------------------------------------------------------------------------------------------------
# Templates and their parameters
# ---------------------------------------------------------------------------------------------------------


def templates_dir() -> Path:
    return TEMPLATES_PACKAGE_DIR if TEMPLATES_PACKAGE_DIR.is_dir() else TEMPLATES_SOURCE_DIR


def template_names() -> list[str]:
    return sorted(p.stem for p in templates_dir().glob("*.ipynb"))


def find_template(name_or_path: str) -> Path:
    """A bundled template by name (review, security, performance) or a path to a notebook."""
    candidate = Path(name_or_path).expanduser()
    if name_or_path.endswith(".ipynb") or os.sep in name_or_path or "/" in name_or_path:
        if not candidate.is_file():
            raise ReportInputError(f"template {name_or_path!r} does not exist")
        return candidate.resolve()
    path = templates_dir() / f"{name_or_path}.ipynb"
    if not path.is_file():
        raise ReportInputError(f"unknown template {name_or_path!r}; the bundled ones are "
                               f"{', '.join(template_names()) or 'missing'} (or give the path of a notebook)")
    return path


def template_parameters(template: Path) -> dict[str, Any]:
    """The parameters the template declares (papermill's inspection of its "parameters" cell) and their
    default values."""
    import nbformat
    import papermill

    try:
        nb = nbformat.read(template, as_version=4)
    except Exception as error:  # noqa: BLE001 — any unreadable notebook is the same bad input
        raise ReportInputError(f"template {template}: not a readable notebook ({error})") from None
    if not any(PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []) for cell in nb.cells):
        raise ReportInputError(
            f"template {template} has no cell tagged 'parameters': papermill cannot give it a target. Tag the "
            "cell that sets the defaults (target, commands, fail_on …) with 'parameters'."
        )
    parameters = {}
    for name, info in papermill.inspect_notebook(str(template)).items():
        try:
            parameters[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            parameters[name] = info["default"]  # an expression: passed values replace it as they are
    if "target" not in parameters:
        raise ReportInputError(f"template {template}: its parameters cell does not define 'target'")
    return parameters


def coerce_parameter(name: str, value: str, default: Any) -> Any:
    """A ``-p NAME VALUE`` string as the type of the template's default (YAML for lists and numbers)."""
    import yaml

    if isinstance(default, str):
        return value
    if isinstance(default, list | tuple) and not value.lstrip().startswith("["):
        return [v for v in re.split(r"[,\s]+", value) if v]
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError as error:
        raise ReportInputError(f"parameter {name}: cannot read {value!r}: {error}") from None
    if default is not None and not isinstance(parsed, type(default)):
        raise ReportInputError(f"parameter {name}: expected a {type(default).__name__} like {default!r}, "
                               f"got {value!r}")
    return parsed


def check_parameters(template: Path, given: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``-p`` pairs checked against what the template declares."""
    declared = template_parameters(template)
    parameters: dict[str, Any] = {}
    for name, value in given:
        if name == "target":
            raise ReportInputError("give the target as TARGET (the positional argument), not as -p target")
        if name not in declared:
            known = ", ".join(sorted(n for n in declared if n != "target"))
            raise ReportInputError(f"unknown parameter {name!r} for template {template.stem}; it takes: {known}")
        parameters[name] = coerce_parameter(name, value, declared[name])
    return parameters


# ---------------------------------------------------------------------------------------------------------
# Running one report
# ---------------------------------------------------------------------------------------------------------


@dataclass
class ReportJob:
    """One target through one template. Plain data, so a Dask worker can run it."""

    target: str  # absolute path (or glob)
    template: str  # absolute path of the notebook
    name: str  # the files' stem in the output folder
    output_dir: str
    parameters: dict[str, Any] = field(default_factory=dict)
    code: str = "hide"  # hide | collapsed | show: the code cells in the HTML
    kernel: str = "python3"
    timeout: float | None = None  # per cell, seconds


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _outcome(job: ReportJob, status: str, message: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "key": job.name, "target": job.target, "template": Path(job.template).stem, "status": status,
        "message": message, "generated": _now(), "summary": None, "comparison": None, "files": {},
        "git_commit": None, **extra,
    }


def run_report(job: ReportJob) -> dict[str, Any]:
    """Execute the template for one target and write its files. Never raises: failures are the outcome.

    status: ``pass`` / ``ok`` (no gate) / ``fail`` (gate failed) / ``error`` (a cell raised) /
    ``partial`` (the kernel died or timed out) / ``invalid`` (nothing to review).
    """
    started = time.monotonic()
    try:
        # An empty context: Dask runs tasks in a copy of its own, and jupyter_core keeps the event loop it
        # drives kernels with in a context variable, so two worker threads would share one loop and fail
        # with "this event loop is already running".
        outcome = contextvars.Context().run(_run_report, job)
    except Exception as error:  # noqa: BLE001 — one target's failure must not stop the others
        outcome = _outcome(job, "error", f"{type(error).__name__}: {error}")
    outcome["duration_s"] = round(time.monotonic() - started, 2)
    return outcome


def _run_report(job: ReportJob) -> dict[str, Any]:
    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if not target_exists(job.target):
        return _outcome(job, "invalid", f"target {job.target} does not exist")
    if not has_python(job.target):
        return _outcome(job, "invalid", f"{job.target} contains no Python files or notebooks: nothing to review")
    out = Path(job.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    notebook_path = out / f"{job.name}.ipynb"
    target_path = Path(job.target)
    cwd = target_path if target_path.is_dir() else target_path.parent
    status, message = "ok", ""
    try:
        papermill.execute_notebook(
            job.template, str(notebook_path), parameters={**job.parameters, "target": job.target},
            kernel_name=job.kernel, progress_bar=False, log_output=False, cwd=str(cwd) if cwd.is_dir() else None,
            execution_timeout=job.timeout,
        )
    except papermill.PapermillExecutionError as error:
        if error.ename == "GateFailed":
            status, message = "fail", error.evalue
        else:
            status, message = "error", f"cell {error.exec_count} raised {error.ename}: {error.evalue}"
    except DeadKernelError:
        status, message = "partial", "the kernel died"
    except CellTimeoutError:
        status, message = "partial", f"a cell ran longer than the {job.timeout:g} s timeout"
    if not notebook_path.is_file():  # the kernel never started: nothing was executed
        return _outcome(job, "error", message or "the notebook was not executed")
    nb = nbformat.read(notebook_path, as_version=4)
    ran_until = None
    if status == "partial":
        ran_until = _last_started_index(nb)
        where = _last_started_cell(nb)
        message = f"{message} while running {where}; this report is partial" if where else \
            f"{message}; this report is partial"
        nb.cells.insert(0, _banner_cell("Partial report", message, "#b45309"))
        nbformat.write(nb, notebook_path)

    data = _published_report(nb)
    files = {"ipynb": notebook_path.name}
    summary = comparison = git_commit = None
    if data is not None:
        report = Report.from_dict(data)
        (out / f"{job.name}.json").write_text(report.to_json() + "\n", encoding="utf-8")
        (out / f"{job.name}.sarif").write_text(json.dumps(report.to_sarif(), indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
        files.update(json=f"{job.name}.json", sarif=f"{job.name}.sarif")
        summary = report.summary.model_dump(mode="json")
        git_commit = report.run.git_commit
        if report.new_fingerprints is not None:
            comparison = {"new": len(report.new_fingerprints), "fixed": report.fixed_count}
        if status == "ok":
            status = {"fail": "fail", "pass": "pass"}.get(summary["gate"] or "", "ok")
    elif status in ("ok", "fail"):
        status, message = "error", "the template did not publish its report (no report_sections.publish cell)"
    (out / f"{job.name}.html").write_text(render_html(nb, code=job.code, status=status, message=message,
                                                      ran_until=ran_until), encoding="utf-8")
    files["html"] = f"{job.name}.html"
    return _outcome(job, status, message, summary=summary, comparison=comparison, files=files,
                    git_commit=git_commit)


def _last_started_index(nb) -> int | None:
    """The last cell the kernel began to run (papermill stamps a start time on each)."""
    started = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and c.get("metadata", {}).get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def _last_started_cell(nb) -> str | None:
    index = _last_started_index(nb)
    if index is None:
        return None
    heading = next((c.source.strip().splitlines()[0].lstrip("#").strip() for c in reversed(nb.cells[:index])
                    if c.cell_type == "markdown" and c.source.strip().startswith("#")), None)
    return f"cell {index + 1}" + (f" (section '{heading}')" if heading else "")


def _published_report(nb) -> dict | None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if REPORT_MIME in data:
                value = data[REPORT_MIME]
                return value if isinstance(value, dict) else json.loads(value)
    return None


def _banner_cell(title: str, message: str, colour: str):
    """A code cell with no source whose output is the banner (HTML we write, the message escaped)."""
    import nbformat

    body = (f'<div style="border-left:6px solid {colour};padding:8px 14px;background:rgba(127,127,127,.08);'
            f'font-family:system-ui,sans-serif"><strong style="color:{colour}">{html.escape(title)}</strong>: '
            f"{html.escape(message)}</div>")
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": body, "text/plain": f"{title}: "
                                                                                                   f"{message}"})]
    cell.metadata["tags"] = ["bumba-banner"]
    return cell


_NBCONVERT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{# self-contained: no script from a CDN (mathjax, mermaid, require.js, widgets); reports need none #}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{% block extra_css %}<style>main{max-width:1180px;margin:0 auto;padding:12px 24px}
details.bumba-code>summary{cursor:pointer;opacity:.6;font-size:12px}</style>{% endblock extra_css %}
{% block data_png scoped -%}
<div class="jp-RenderedImage jp-OutputArea-output">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ output.data.get('text/plain', 'plot') | escape_html }}"
{%- set width=output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width="{{ width | escape_html }}"{%- endif %}>
</div>
{%- endblock data_png %}
{% block input_group -%}
{%- if resources.bumba_code == 'collapsed' and cell.source.strip() -%}
<details class="bumba-code"><summary>code</summary>{{ super() }}</details>
{%- elif cell.source.strip() -%}{{ super() }}{%- endif -%}
{%- endblock input_group %}
"""


def render_html(nb, *, code: str = "hide", status: str = "ok", message: str = "",
                ran_until: int | None = None) -> str:
    """The executed notebook as one self-contained HTML page: inline CSS, images as data URLs, no scripts
    from the network. Code cells are left out (``hide``), folded (``collapsed``) or shown. A partial report
    ends at the cell the kernel was running (``ran_until``): later headings would promise sections that
    never ran."""
    import copy

    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    if ran_until is not None:
        nb.cells = nb.cells[:ran_until + 1]
    drop = {DATA_TAG, "papermill-error-cell-tag", "bumba-template-note"}
    nb.cells = [c for c in nb.cells if not drop & set(c.get("metadata", {}).get("tags", []))]
    if status == "fail":
        nb.cells.insert(0, _banner_cell("Gate failed", message, "#c62828"))
    elif status == "error":
        nb.cells.insert(0, _banner_cell("Report incomplete", f"{message}; the sections after it are missing",
                                        "#c62828"))
    exporter = HTMLExporter(
        template_name="lab", extra_loaders=[DictLoader({"bumba_report.html.j2": _NBCONVERT_TEMPLATE})],
        template_file="bumba_report.html.j2",
    )
    exporter.exclude_input = code == "hide"
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    title = nb.metadata.get("title") or _report_title(nb) or "bumba report"
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"bumba_code": code, "metadata": {"name": title}})
    return body


def _report_title(nb) -> str | None:
    data = _published_report(nb)
    parameters = nb.metadata.get("papermill", {}).get("parameters", {})
    if data is None:
        return parameters.get("title")
    return f"{parameters.get('title') or 'bumba report'} — {data['run']['target']}"


# ---------------------------------------------------------------------------------------------------------
# Many reports: locally in parallel, or on a Dask cluster
# ---------------------------------------------------------------------------------------------------------


def run_reports(jobs: list[ReportJob], *, workers: int = 1, dask_address: str | None = None,
                done: Callable[[dict], None] | None = None) -> list[dict]:
    """Run every job; a failing target does not stop the others. Outcomes in the jobs' order."""
    outcomes: dict[str, dict] = {}

    def finished(job: ReportJob, outcome: dict) -> None:
        outcomes[job.name] = outcome
        if done is not None:
            done(outcome)

    if dask_address:
        _run_on_dask(jobs, dask_address, finished)
    elif workers > 1 and len(jobs) > 1:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        # threads are enough: each report's work happens in its own kernel process
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bumba-report") as pool:
            futures = {pool.submit(run_report, job): job for job in jobs}
            for future in as_completed(futures):
                finished(futures[future], future.result())
    else:
        for job in jobs:
            finished(job, run_report(job))
    return [outcomes[job.name] for job in jobs]


def _run_on_dask(jobs: list[ReportJob], address: str, finished: Callable[[ReportJob, dict], None]) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ReportInputError("--dask needs the dask extra: pip install 'bumba_magics[dask]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise ReportInputError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        futures = {}
        for job in jobs:
            key = f"bumba-report-{job.name}-{hashlib.sha256(repr(job).encode()).hexdigest()[:8]}-{time.time_ns()}"
            futures[client.submit(run_report, job, key=key, pure=False)] = job
        for future in as_completed(futures):
            job = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 — a lost worker fails that target, not the batch
                outcome = _outcome(job, "error", f"the Dask task failed: {type(error).__name__}: {error}")
            finished(job, outcome)
    finally:
        client.close()


# ---------------------------------------------------------------------------------------------------------
# The index page
# ---------------------------------------------------------------------------------------------------------

_STATUS_COLOURS = {"pass": "#2e7d32", "ok": "#546e7a", "fail": "#c62828", "error": "#c62828",
                   "partial": "#b45309", "invalid": "#6a1b9a"}


def update_index(output_dir: str | Path, outcomes: Iterable[dict]) -> Path:
    """Merge outcomes into ``index.json`` and rewrite ``index.html`` (under a lock: reports may run at once)."""
    from filelock import FileLock

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out / ".index.lock")):
        path = out / INDEX_JSON
        entries: dict[str, dict] = {}
        if path.is_file():
            try:
                entries = json.loads(path.read_text(encoding="utf-8")).get("reports", {})
            except (OSError, ValueError, AttributeError):
                entries = {}
        for outcome in outcomes:
            entries[outcome["key"]] = outcome
        entries = dict(sorted(entries.items()))
        path.write_text(json.dumps({"version": 1, "reports": entries}, indent=2) + "\n", encoding="utf-8")
        (out / INDEX_HTML).write_text(index_html(list(entries.values())), encoding="utf-8")
    return out / INDEX_HTML


def index_html(entries: list[dict]) -> str:
    esc = html.escape
    severities = [s.value for s in sorted(Severity, key=lambda s: -s.rank)]
    head = "".join(f"<th>{s}</th>" for s in severities)
    rows = []
    for e in entries:
        summary = e.get("summary") or {}
        counts = summary.get("by_severity", {})
        cells = "".join(f"<td class=n>{counts.get(s, '') if summary else ''}</td>" for s in severities)
        comparison = e.get("comparison") or {}
        change = f"+{comparison['new']} / −{comparison['fixed']}" if comparison else ""
        files = e.get("files", {})
        links = " · ".join(f'<a href="{esc(name, quote=True)}">{esc(kind)}</a>'
                           for kind, name in sorted(files.items(), key=lambda kv: kv[0] != "html"))
        target = f"<code>{esc(e['target'])}</code>"
        if "html" in files:
            target = f'<a href="{esc(files["html"], quote=True)}">{target}</a>'

        colour = _STATUS_COLOURS.get(e["status"], "#546e7a")
        rows.append(
            f"<tr><td>{target}</td><td>{esc(e['template'])}</td>"
            f'<td><span class=st style="background:{colour}">{esc(e["status"])}</span></td>'
            f"<td class=n>{summary.get('total', '') if summary else ''}</td>{cells}<td>{esc(change)}</td>"
            f"<td>{links}</td><td>{esc(e.get('generated', ''))}</td><td>{esc(e.get('message') or '')}</td></tr>"
        )
    failed = sum(1 for e in entries if e["status"] in ("fail", "error", "partial", "invalid"))
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>bumba reports</title><style>'
        "body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
        "th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #ddd;vertical-align:top}"
        "td.n{text-align:right}.st{color:#fff;padding:1px 8px;border-radius:8px}td:nth-child(11){white-space:nowrap}"
        "</style></head><body><h1>bumba reports</h1>"
        f"<p>{len(entries)} report(s); {failed} need attention.</p><table><tr><th>target</th><th>template</th>"
        f"<th>status</th><th>findings</th>{head}<th>new / fixed</th><th>files</th><th>generated</th>"
        f"<th>message</th></tr>{''.join(rows)}</table></body></html>\n"
    )


# ---------------------------------------------------------------------------------------------------------
# The command line: bumba report TARGET... -o DIR
# ---------------------------------------------------------------------------------------------------------


def _slug(target: Path, cwd: Path) -> str:
    try:
        relative = target.relative_to(cwd)
        text = str(relative) if str(relative) != "." else target.name
    except ValueError:
        text = target.name or "root"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "root"


def plan(args, cwd: Path | None = None) -> list[ReportJob]:
    """Check every input before anything runs; the jobs, one per target."""
    cwd = (cwd or Path.cwd()).resolve()
    if args.jobs < 1:
        raise ReportInputError("--jobs must be at least 1")
    missing = [t for t in args.targets if not target_exists(t)]
    if missing:
        raise ReportInputError(f"target{'s' if len(missing) > 1 else ''} not found: {', '.join(missing)}")
    template = find_template(args.template)
    given = list(map(tuple, args.parameter))
    if args.fail_on:
        given.append(("fail_on", args.fail_on))
    parameters = check_parameters(template, given)
    if "fail_on" in parameters and parameters["fail_on"] is not None:
        try:
            review_overrides(fail_on=parameters["fail_on"])
        except ReviewError as error:
            raise ReportInputError(str(error)) from None
    targets = list(dict.fromkeys(str(Path(t).expanduser().resolve()) if Path(t).expanduser().exists() else t
                                 for t in args.targets))
    slugs = [_slug(Path(t), cwd) for t in targets]
    jobs = []
    from .views.export import OutputError, output_folder

    try:
        output = str(output_folder(args.output_dir).resolve())
    except OutputError as error:
        raise ReportInputError(str(error)) from None
    for target, slug in zip(targets, slugs, strict=True):
        if slugs.count(slug) > 1:  # two targets with the same folder name: tell them apart stably
            slug += "-" + hashlib.sha256(target.encode()).hexdigest()[:6]
        jobs.append(ReportJob(target=target, template=str(template), name=f"{slug}.{template.stem}",
                              output_dir=output, parameters=parameters, code=args.code, kernel=args.kernel,
                              timeout=args.timeout))
    return jobs


def _describe(outcome: dict) -> str:
    summary = outcome.get("summary") or {}
    counts = ", ".join(f"{n} {s}" for s, n in summary.get("by_severity", {}).items() if n)
    head = f"{outcome['status']:<8} {outcome['target']}"
    if summary:
        head += f": {summary['total']} findings ({counts or 'none'})"
    if outcome.get("message"):
        head += f" — {outcome['message']}"
    return head


def main(args) -> int:
    """``bumba report``: exit 0, 1 (a gate failed or a report is incomplete) or 2 (bad input)."""
    try:
        jobs = plan(args)
    except (ReportInputError, ReviewError) as error:
        print(f"bumba report: {error}", file=sys.stderr)
        return 2

    def done(outcome: dict) -> None:
        if not args.quiet or outcome["status"] not in ("ok", "pass"):
            print(_describe(outcome), file=sys.stderr if outcome["status"] not in ("ok", "pass") else sys.stdout)

    try:
        outcomes = run_reports(jobs, workers=args.jobs, dask_address=args.dask, done=done)
    except ReportInputError as error:
        print(f"bumba report: {error}", file=sys.stderr)
        return 2
    index = update_index(args.output_dir, outcomes)
    print(f"index: {index}")
    statuses = {o["status"] for o in outcomes}
    if "invalid" in statuses:
        return 2
    return 1 if statuses & {"fail", "error", "partial"} else 0
