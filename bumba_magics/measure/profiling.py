"""``%%bumba improve-performance`` measured: the cell runs once, under a profiler, in the user's namespace.

When it runs: only for a ``%%bumba improve-performance`` cell the user ran in a kernel (the magic passes the
shell and the cell body). That body is the code the user asked to run; nothing else is ever executed.
``%bumba improve-performance PATH``, the CLI and ``--static`` stay static.

What one run measures, and why (overheads measured on Python 3.11 against the plain run, on a string
built with ``+=``, a call-heavy loop, a list of dicts and a DataFrame ``itertuples`` loop):

* **functions and lines** — by default a sampler thread that reads the cell's stack
  (``sys._current_frames``) and charges the elapsed time to every function and cell line on it: 0.9–1.3x.
  pyinstrument (``--profiler pyinstrument``) and cProfile (``--profiler cprofile``, with call counts)
  install the interpreter's profile hook, and on 3.11 any profile hook turns off the specialising
  interpreter: measured 1.1–3.8x on ordinary code and 73x (pyinstrument) / 84x (cProfile) on ``+=`` string
  building, whose in-place fast path exists only in the specialised instruction, so a profile taken that
  way points at the wrong line. pyinstrument also records lines only on call/return events (a tight
  loop's time lands on its ``return``); ``sys.settrace`` line tracing costs more still; ``sys.monitoring``
  needs 3.12. The sampler is the one that measures the code as it runs without being measured. Its
  resolution is the interpreter's switch interval (5 ms), so very short cells get rough shares.
* **memory** — by default the growth of the process's peak resident size over the run (Linux resets the
  peak through ``/proc/self/clear_refs``; no overhead). ``--memory tracemalloc`` gives the peak of Python
  allocations instead, at 7–20x on allocation-heavy code.

The static findings of the cell that fall on hot lines are promoted one severity level and say how much
of the time they cost. Each profile is kept in the store under a cell identity, so the next run of the
same cell shows before/after. The identity is, in order: ``--label NAME``; the cell id the front end sends
with the execute request (JupyterLab, Notebook 7 and VS Code do); else a hash of the body's first non-blank
line (scoped to the working folder) — stable while the cell is edited below its first line.
"""

from __future__ import annotations

import base64
import cProfile
import hashlib
import io
import os
import pstats
import sys
import sysconfig
import threading
import time
import tracemalloc
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..analyzers.base import RULES, Rule
from ..core.errors import ReviewError
from ..core.findings import Category, Finding, Location, Severity

if TYPE_CHECKING:
    from ..core.report import Report
    from ..core.request import RunRequest

SAMPLE_INTERVAL_S = 0.001
HOT_LINE_SHARE = 0.10  # a line this share of the wall time (or more) is "hot": findings there are promoted
HOT_FINDING_SHARE = 0.20  # a hot line without a static finding becomes an info finding from this share
TOP = 10

HOT_SPOT = RULES.add(Rule(
    code="BMB390", name="measured-hot-spot", title="Measured hot spot", severity=Severity.info,
    category=Category.performance, analyzer="profiler",
    why="Profiling the cell showed that this line accounts for a large share of its running time; speeding "
        "up anything else cannot save more than the rest.",
    recommendation="Start here: move invariant work out of the loop, replace Python-level loops with "
                   "vectorised or built-in operations, or cache the result. Re-run the cell to see before/after.",
    example_bad="total = 0\nfor i in range(10_000_000):\n    total += i * i",
    example_good="total = sum(i * i for i in range(10_000_000))  # or numpy: (a * a).sum()",
))
CELL_RAISED = RULES.add(Rule(
    code="BMB391", name="profiled-cell-raised", title="The profiled cell raised an exception",
    severity=Severity.medium, category=Category.correctness, analyzer="profiler",
    why="The cell stopped before its end, so the profile covers only the part that ran, and the names the "
        "rest would have defined do not exist.",
    recommendation="Fix the error (the traceback is in the finding's evidence) and run the cell again.",
    example_bad="rows = load()\ntotal = rows[0]['price']  # KeyError",
    example_good="rows = load()\ntotal = rows[0].get('price', 0)",
))


# ---------------------------------------------------------------------------------------------- the run


@dataclass
class FunctionTime:
    name: str
    path: str
    line: int
    total_s: float
    self_s: float
    calls: int | None = None  # cProfile counts calls; a sampling profiler cannot


@dataclass
class LineTime:
    line: int
    total_s: float  # time while the line was on the stack (its callees included)
    self_s: float  # time while it was the innermost line of the cell
    text: str = ""


@dataclass
class CellProfile:
    profiler: str
    wall_s: float
    cpu_s: float
    samples: int
    sampled_s: float = 0.0  # the time the line samples cover (the denominator of their shares)
    functions: list[FunctionTime] = field(default_factory=list)
    lines: list[LineTime] = field(default_factory=list)
    memory: str = "off"  # rss (peak resident size growth), tracemalloc (peak Python allocations) or off
    memory_peak_bytes: int | None = None
    error: dict[str, Any] | None = None  # type, message, line (in the cell), traceback

    def to_dict(self) -> dict:
        return asdict(self)


class StackSampler(threading.Thread):
    """Every ``interval`` seconds, reads the stack of thread ``thread_id`` and charges the time since the last
    sample to the functions on it (inclusive; the innermost one also as self time) and to the lines of
    ``filename`` (the cell) on it. Only frames up to the cell's own module frame count: the frames above
    are IPython and bumba running the cell.

    No interpreter hook is installed, so the cell runs at full speed (measured 0.9–1.3x; see the module
    docstring). The thread gets the GIL at the interpreter's switch interval (5 ms by default), which sets
    the effective resolution: cells worth optimising run far longer than that.
    """

    def __init__(self, thread_id: int, filename: str, interval: float = SAMPLE_INTERVAL_S) -> None:
        super().__init__(name="bumba-stack-sampler", daemon=True)
        self.thread_id, self.filename, self.interval = thread_id, filename, interval
        self.line_total: Counter[int] = Counter()
        self.line_self: Counter[int] = Counter()
        self.function_total: Counter[tuple[str, int, str]] = Counter()
        self.function_self: Counter[tuple[str, int, str]] = Counter()
        self.samples = 0
        self.elapsed = 0.0  # time covered by samples that were inside the cell
        self._stop_event = threading.Event()

    def run(self) -> None:
        last = time.perf_counter()
        while not self._stop_event.wait(self.interval):
            now = time.perf_counter()
            self._sample(now - last)
            last = now

    def _sample(self, elapsed: float) -> None:
        frame = sys._current_frames().get(self.thread_id)
        stack = []
        while frame is not None:
            code = frame.f_code
            stack.append((code, frame.f_lineno))
            if code.co_filename == self.filename and code.co_name == "<module>":
                break  # the cell itself: what is above it is not the user's code
            frame = frame.f_back
        else:
            return  # not inside the cell (starting or finishing)
        del frame
        self.samples += 1
        self.elapsed += elapsed
        functions, lines = set(), set()
        innermost_line = None
        for code, line in stack:
            functions.add((code.co_filename, code.co_firstlineno, code.co_name))
            if code.co_filename == self.filename:
                lines.add(line)
                if innermost_line is None:
                    innermost_line = line
        for key in functions:
            self.function_total[key] += elapsed
        code, _ = stack[0]
        self.function_self[(code.co_filename, code.co_firstlineno, code.co_name)] += elapsed
        for line in lines:
            self.line_total[line] += elapsed
        if innermost_line is not None:
            self.line_self[innermost_line] += elapsed

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def functions(self) -> list[FunctionTime]:
        return [
            FunctionTime(name=name, path=short_path(path, self.filename), line=line, total_s=round(total, 6),
                         self_s=round(self.function_self[(path, line, name)], 6))
            for (path, line, name), total in self.function_total.most_common()
        ]


def _pyinstrument_available() -> bool:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return False
    return True


def choose_profiler(wanted: str = "auto") -> str:
    if wanted == "pyinstrument" and not _pyinstrument_available():
        raise ValueError("--profiler pyinstrument: pyinstrument is not installed (pip install pyinstrument)")
    return "sampling" if wanted in ("auto", "", None) else wanted


_PREFIXES = sorted({p for p in (sysconfig.get_paths().get("purelib"), sysconfig.get_paths().get("stdlib"),
                                sysconfig.get_paths().get("platlib")) if p}, key=len, reverse=True)


def short_path(path: str, cell_filename: str) -> str:
    if path == cell_filename:
        return "<cell>"
    for prefix in _PREFIXES:
        if path.startswith(prefix + os.sep):
            return path[len(prefix) + 1:]
    return path


# -- memory: the peak resident size, reset before the run (Linux), or tracemalloc on request --------------

_STATUS = "/proc/self/status"


def _status_kib(field_name: str) -> int | None:
    try:
        with open(_STATUS, encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _reset_peak_rss() -> bool:
    """Linux resets the process's peak resident size (VmHWM) when 5 is written to clear_refs."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def choose_memory(wanted: str = "auto") -> str:
    if wanted in ("auto", "", None):
        return "rss" if os.path.exists("/proc/self/clear_refs") else "off"
    return wanted


def profile_code(code, filename: str, global_ns: dict, local_ns: dict | None = None, *, profiler: str = "auto",
                 memory: str = "auto") -> CellProfile:
    """Run ``code`` (compiled from ``filename``) once under the profilers; exceptions are recorded, not raised."""
    profiler, memory = choose_profiler(profiler), choose_memory(memory)
    sampler = StackSampler(threading.get_ident(), filename)
    was_tracing = tracemalloc.is_tracing()
    memory_start = 0
    if memory == "tracemalloc":
        if not was_tracing:
            tracemalloc.start()
        memory_start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
    elif memory == "rss":
        if _reset_peak_rss():
            memory_start = _status_kib("VmRSS") or 0
        else:
            memory = "off"
    error: dict[str, Any] | None = None
    sampler.start()
    runner: Any = None
    if profiler == "pyinstrument":
        from pyinstrument import Profiler

        runner = Profiler(interval=SAMPLE_INTERVAL_S, async_mode="disabled")
        runner.start()
    elif profiler == "cprofile":
        runner = cProfile.Profile()
        runner.enable()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        exec(code, global_ns, local_ns if local_ns is not None else global_ns)  # noqa: S102 — the user's own cell
    except BaseException as exc:  # noqa: BLE001 — KeyboardInterrupt too: report what ran, keep the kernel
        error = _describe_error(exc, filename)
    finally:
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        session = runner.stop() if profiler == "pyinstrument" else None
        if profiler == "cprofile":
            runner.disable()
        sampler.stop()
        peak = None
        if memory == "tracemalloc":
            peak = max(0, tracemalloc.get_traced_memory()[1] - memory_start)
            if not was_tracing:
                tracemalloc.stop()
        elif memory == "rss":
            peak = max(0, (_status_kib("VmHWM") or 0) - memory_start) * 1024
    if profiler == "pyinstrument":
        functions = _pyinstrument_functions(session, filename)
    elif profiler == "cprofile":
        functions = _cprofile_functions(runner, filename)
    else:
        functions = sampler.functions()
    lines = [LineTime(line=line, total_s=round(total, 6), self_s=round(sampler.line_self[line], 6))
             for line, total in sampler.line_total.most_common()]
    return CellProfile(profiler=profiler, wall_s=round(wall, 6), cpu_s=round(cpu, 6), samples=sampler.samples,
                       sampled_s=round(sampler.elapsed, 6), functions=functions, lines=lines,
                       memory=memory, memory_peak_bytes=peak, error=error)


def _describe_error(exc: BaseException, filename: str) -> dict[str, Any]:
    import traceback

    line = None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == filename:
            line = lineno  # the innermost line of the cell on the way to the error
    text = "".join(traceback.format_exception(exc))
    return {"type": type(exc).__name__, "message": str(exc)[:500], "line": line, "traceback": text[-4000:]}


def _pyinstrument_functions(session, filename: str) -> list[FunctionTime]:
    from pyinstrument.frame_info import frame_info_get_identifier

    total: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack, seconds in session.frame_records:
        identifiers = [frame_info_get_identifier(info) for info in stack]
        start = next((i for i, ident in enumerate(identifiers) if _part(ident, 1) == filename), None)
        if start is None:
            continue  # the profiler starting or stopping, outside the cell
        cell_stack = identifiers[start:]
        for ident in set(cell_stack):
            total[ident] += seconds
        own[cell_stack[-1]] += seconds
    return [
        FunctionTime(name=_part(ident, 0), path=short_path(_part(ident, 1), filename),
                     line=int(_part(ident, 2) or 0), total_s=round(seconds, 6), self_s=round(own[ident], 6))
        for ident, seconds in total.most_common()
    ]


def _part(identifier: str, index: int) -> str:
    parts = identifier.split("\x00")
    return parts[index] if len(parts) > index else ""


def _cprofile_functions(runner: cProfile.Profile, filename: str) -> list[FunctionTime]:
    stats = pstats.Stats(runner).stats  # type: ignore[attr-defined]
    rows = []
    for (path, line, name), (_, calls, own, cumulative, _callers) in stats.items():
        if "_lsprof.Profiler" in name or name == "<built-in method builtins.exec>" or path == __file__:
            continue  # the profiler's own bookkeeping and our exec around the cell
        rows.append(FunctionTime(name=name, path=short_path(path, filename), line=line,
                                 total_s=round(cumulative, 6), self_s=round(own, 6), calls=calls))
    return sorted(rows, key=lambda r: (-r.total_s, -r.self_s))


# ------------------------------------------------------------------------------------------ the enrich hook


def cell_identity(shell: Any, body: str, label: str | None, root: str) -> tuple[str, str]:
    """(store key, how it was chosen): --label, else the front end's cell id, else the first line."""
    if label:
        return f"label:{root}::{label}", f"label {label!r}"
    result = getattr(getattr(shell, "displayhook", None), "exec_result", None)
    cell_id = getattr(getattr(result, "info", None), "cell_id", None)
    if cell_id:
        return f"cell:{cell_id}", "cell id"
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return f"line:{root}::{hashlib.sha256(first.encode()).hexdigest()[:16]}", "first line of the cell"


def should_profile(request: RunRequest) -> bool:
    """Only a %%bumba cell the user ran in a kernel, and not --static."""
    return (request.cell_body is not None and request.shell is not None and hasattr(request.shell, "user_ns")
            and not getattr(request.args, "static", False))


def enrich(request: RunRequest, report: Report) -> None:
    if not should_profile(request):
        if request.cell_body is not None and request.shell is not None:
            report.notes.append("--static: the cell was reviewed, not run")
        return
    shell, body = request.shell, request.cell_body
    try:
        transformed = shell.transform_cell(body)
        filename = shell.compile.cache(transformed, number=getattr(shell, "execution_count", 0) or 0, raw_code=body)
        code = shell.compile(transformed, filename, "exec")
    except (SyntaxError, ValueError, OverflowError) as error:
        report.notes.append(f"the cell was not profiled: it does not compile ({type(error).__name__}: {error})")
        return
    try:
        profile = profile_code(code, filename, shell.user_global_ns, shell.user_ns,
                               profiler=getattr(request.args, "profiler", "auto") or "auto",
                               memory=getattr(request.args, "memory", "auto") or "auto")
    except ValueError as error:  # --profiler pyinstrument without pyinstrument
        raise ReviewError(str(error)) from None
    body_lines = body.splitlines()
    for line in profile.lines:
        line.text = body_lines[line.line - 1].strip() if 0 < line.line <= len(body_lines) else ""

    if profile.samples < 10:
        report.notes.append(f"only {profile.samples} stack sample(s) in {_seconds(profile.wall_s)}: the sampler reads "
                            "the stack at the interpreter's switch interval (5 ms), so line shares of a cell this "
                            "short are rough or missing")
    _add_metrics(report, profile)
    _annotate(report, profile, body_lines)
    chart = hot_functions_chart(profile)
    if chart:
        from ..core.report import Artifact

        report.artifacts.append(Artifact(title="where the cell's time went", mime="image/png", data=chart))
    _compare_with_previous(request, report, profile, body)
    how = {"sampling": "a stack sampler (no interpreter hook: the code ran at full speed)",
           "pyinstrument": "pyinstrument (its profile hook slows Python 3.11 code, see --profiler)",
           "cprofile": "cProfile (its profile hook slows Python 3.11 code, see --profiler)"}[profile.profiler]
    memory = {"rss": "; memory: growth of the peak resident size",
              "tracemalloc": "; memory: tracemalloc (the times include its overhead)", "off": ""}[profile.memory]
    report.notes.append(f"the cell ran once in the notebook's namespace under {how}{memory}")


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _mib(value: int | None) -> float | None:
    return None if value is None else round(value / 2**20, 2)


def _add_metrics(report: Report, profile: CellProfile) -> None:
    wall = profile.wall_s or 1e-9
    sampled = profile.sampled_s or 1e-9
    report.metrics.update({
        "profiler": profile.profiler,
        "wall_s": round(profile.wall_s, 4),
        "cpu_s": round(profile.cpu_s, 4),
        "memory_peak_mib": _mib(profile.memory_peak_bytes),
        "memory_measure": profile.memory,
        "samples": profile.samples,
        "hot_functions": [
            f"{f.name} ({f.path}:{f.line}): {_seconds(f.total_s)} total, {_seconds(f.self_s)} self, "
            f"{min(1.0, f.total_s / (sampled if profile.profiler == 'sampling' else wall)):.0%}"
            + (f", {f.calls} calls" if f.calls is not None else "")
            for f in _interesting_functions(profile)[:5]
        ],
        "hot_lines": [
            f"line {ln.line}: {_seconds(ln.total_s)} ({ln.total_s / sampled:.0%}) {ln.text}"
            for ln in profile.lines[:5]
        ],
    })
    if profile.error:
        report.metrics["error"] = f"{profile.error['type']}: {profile.error['message']}"


def _interesting_functions(profile: CellProfile) -> list[FunctionTime]:
    """Functions to show: the cell's module frame says nothing new (it is the whole cell)."""
    return [f for f in profile.functions if not (f.path == "<cell>" and f.name == "<module>")]


def _annotate(report: Report, profile: CellProfile, body_lines: list[str]) -> None:
    sampled = profile.sampled_s or 1e-9  # line shares are of the time the samples cover
    share = {ln.line: min(1.0, ln.total_s / sampled) for ln in profile.lines}
    promoted_lines: set[int] = set()
    findings = []
    for finding in report.findings:
        loc = finding.location
        if loc.line is None or loc.path != "<cell>":
            findings.append(finding)
            continue
        span = range(loc.line, (loc.end_line or loc.line) + 1)
        hot = max((share.get(line, 0.0) for line in span), default=0.0)
        if hot >= HOT_LINE_SHARE:
            promoted_lines.update(line for line in span if share.get(line, 0.0) >= HOT_LINE_SHARE)
            severity = {Severity.info: Severity.low, Severity.low: Severity.medium,
                        Severity.medium: Severity.high}.get(finding.severity, finding.severity)
            finding = finding.model_copy(update={
                "severity": severity,
                "title": f"{finding.title} — measured: {hot:.0%} of the cell's time",
            })
        findings.append(finding)
    for line in profile.lines:
        fraction = share[line.line]
        if fraction < HOT_FINDING_SHARE or line.line in promoted_lines:
            continue
        findings.append(Finding(
            rule=HOT_SPOT.code, title=f"Line {line.line} takes {fraction:.0%} of the cell's time "
                                      f"({_seconds(line.total_s)})",
            severity=HOT_SPOT.severity, category=HOT_SPOT.category,
            location=Location(path="<cell>", line=line.line, cell=1), evidence=line.text or None,
            why=HOT_SPOT.why, recommendation=HOT_SPOT.recommendation, analyzer="profiler",
        ))
    if profile.error:
        line = profile.error.get("line")
        evidence = profile.error["traceback"]
        findings.append(Finding(
            rule=CELL_RAISED.code, title=f"The cell raised {profile.error['type']}: {profile.error['message']}"[:300],
            severity=CELL_RAISED.severity, category=CELL_RAISED.category,
            location=Location(path="<cell>", line=line, cell=1), evidence=evidence,
            why=CELL_RAISED.why, recommendation=CELL_RAISED.recommendation, analyzer="profiler",
        ))
    report.findings = findings


def hot_functions_chart(profile: CellProfile) -> str | None:
    """A horizontal bar chart (total and self time of the hottest functions) as base64 PNG."""
    rows = _interesting_functions(profile)[:TOP]
    if not rows:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = [f"{r.name} ({r.path}:{r.line})"[:60] for r in reversed(rows)]
    figure = Figure(figsize=(8, 0.45 * len(rows) + 1.2), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.barh(labels, [r.total_s * 1000 for r in reversed(rows)], color="#9ecae1", label="total (with callees)")
    axes.barh(labels, [r.self_s * 1000 for r in reversed(rows)], color="#3182bd", label="self")
    axes.set_xlabel("milliseconds")
    axes.set_title(f"hot functions — {profile.profiler}, wall {_seconds(profile.wall_s)}")
    axes.legend(loc="lower right", fontsize="small")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _compare_with_previous(request: RunRequest, report: Report, profile: CellProfile, body: str) -> None:
    root = str(request.context.root) if request.context is not None else os.getcwd()
    key, how = cell_identity(request.shell, body, getattr(request.args, "label", None), root)
    code_hash = hashlib.sha256(body.encode()).hexdigest()[:16]
    report.metrics["cell_identity"] = how
    store = request.store
    if store is None:
        return
    try:
        previous = store.last_profile(key)
        store.save_profile(key, code_hash, profile.to_dict())
    except Exception as error:  # noqa: BLE001 — before/after is a convenience; the profile itself stands
        report.notes.append(f"the profile could not be kept for before/after: {error}")
        return
    if previous is None:
        report.notes.append(f"first profile of this cell (identified by its {how}); run it again after a "
                            "change to see before/after")
        return
    old_hash, old = previous
    before, after = old.get("wall_s") or 0.0, profile.wall_s
    ratio = before / after if after else float("inf")
    change = "same code" if old_hash == code_hash else "code changed"
    direction = f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"
    report.metrics["before_wall_s"] = round(before, 4)
    report.metrics["after_wall_s"] = round(after, 4)
    report.metrics["speedup"] = round(ratio, 2)
    summary = f"{_seconds(before)} → {_seconds(after)} ({direction}, {change})"
    old_peak, new_peak = old.get("memory_peak_bytes"), profile.memory_peak_bytes
    if old_peak is not None and new_peak is not None:
        report.metrics["before_memory_peak_mib"] = _mib(old_peak)
        summary += f"; memory peak {_mib(old_peak)} → {_mib(new_peak)} MiB"
    report.metrics["before_after"] = summary
