"""The registered analyzer: the engine over the target's Python sources, flows turned into findings with
their path, and the sink calls the engine proved constant."""

from __future__ import annotations

import gc
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from ...context.source import Context, Source
from ...core.findings import Finding, FlowStep, Severity
from ..base import Analyzer, AnalyzerConfig, make_finding, register_analyzer
from .engine import Analysis, Flow, hint_in_lines, hint_lines
from .program import FunctionInfo, Program
from .rules import BY_KIND

# input from the command line or a terminal is the user's own; the environment and files are the
# deployment's: lower severity than data from a request
_SEVERITY_CAP = {"local": Severity.medium, "env": Severity.low, "file": Severity.low}
_WS = re.compile(r"\s+")


@dataclass
class DataflowResult:
    findings: list[Finding] = field(default_factory=list)
    # path -> (line, column) of sink calls every argument of which is a constant (virtual lines, 1-based
    # columns, as the AST reports them): no source can reach them
    constant_sinks: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)


def analyze_sources(sources: list[Source], *, every_function: bool = False) -> DataflowResult:
    """Run the engine over ``sources`` (one program: imports between them are followed).

    Only files whose text could hold a source are analysed (and, on demand, the functions they call);
    ``every_function`` analyses every function of every file (what :func:`constant_sinks` needs)."""
    program = Program(sources)
    analysis = Analysis(program)
    # The analysis makes millions of small, acyclic objects and keeps the syntax trees alive while it runs:
    # the cyclic collector would walk them all again and again (two thirds of the time on a large
    # repository). Reference counting still frees everything; the collector runs again afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path, source in program.sources.items():
            if not every_function and not hint_lines(source):
                continue
            module = program.module(path)
            if module is None:
                continue
            select = None if every_function else (lambda fn, s=source: _worth_analysing(fn, s))
            analysis.analyze_module(module, select)
        flows = analysis.results()
        result = DataflowResult(flows=flows)
        for (path, line, column), constant in analysis.sink_sites.items():
            if constant:
                result.constant_sinks.setdefault(path, set()).add((line, column))
        del analysis
        program.release()  # the syntax trees go now, before the collector runs again
    finally:
        if collecting:
            gc.enable()
    result.findings = _findings(flows, program)
    return result


def constant_sinks(source: Source) -> set[tuple[int, int]]:
    """(line, column) of the sink calls in ``source`` that only constants reach, e.g.
    ``os.popen("python3 setup.py")`` or ``ElementTree.fromstring(USERS_XML)`` with a module constant.
    Lines are the source's (virtual) lines, columns 1-based: where an AST check of the same call reports."""
    return analyze_sources([source], every_function=True).constant_sinks.get(source.path, set())


def _worth_analysing(fn: FunctionInfo, source: Source) -> bool:
    node = fn.node
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return hint_in_lines(source, first, node.end_lineno or node.lineno)


def _findings(flows: list[Flow], program: Program) -> list[Finding]:
    findings: list[Finding] = []
    seen: Counter[str] = Counter()
    for flow in flows:
        finding = _finding(flow, program)
        if finding is None:
            continue
        basis = finding.fingerprint or ""
        occurrence = seen[basis]
        seen[basis] += 1
        digest = hashlib.sha256(f"{basis}\x1f{occurrence}".encode()).hexdigest()[:20]
        findings.append(finding.model_copy(update={"fingerprint": digest}))
    return findings


def _finding(flow: Flow, program: Program) -> Finding | None:
    rule = BY_KIND[flow.kind]
    source_step, sink = flow.steps[0], flow.steps[-1]
    source = program.sources.get(sink.path)
    if source is None:
        return None
    severity = Severity.parse(flow.severity) if flow.severity else rule.severity
    cap = _SEVERITY_CAP.get(flow.origin.kind)
    if cap is not None and severity.rank > cap.rank:
        severity = cap
    origin = source_step.label.removesuffix(" (source)")
    target = sink.label.removesuffix(" (sink)")
    where = "" if source_step.path == sink.path else f" (from {source_step.path})"
    title = f"{rule.title}: {origin}{where} reaches {target}"
    finding = make_finding(rule, source, sink.line, column=sink.column, title=title, severity=severity)
    if finding is None:
        return None
    steps = [_flow_step(step, program) for step in flow.steps]
    basis = "\x1f".join([rule.code, sink.path, _normalise(sink.code), source_step.path, _normalise(source_step.code)])
    return finding.model_copy(update={"flow": steps, "fingerprint": basis})


def _flow_step(step, program: Program) -> FlowStep:
    from ..secrets import mask_secrets  # the secret scanner is large; only findings need it

    source = program.sources.get(step.path)
    line, cell = step.line, None
    if source is not None:
        location = source.locate(step.line, step.column)
        if location is not None:
            line, cell = location.line, location.cell
    return FlowStep(path=step.path, line=line, column=step.column, cell=cell,
                    code=mask_secrets(step.code, python=True), label=step.label)


def _normalise(text: str) -> str:
    return _WS.sub(" ", text.strip())


@register_analyzer
class DataflowAnalyzer(Analyzer):
    """Untrusted data followed from its sources to the calls it must not reach (BMB120–BMB135)."""

    name = "dataflow"
    per_file = False  # a helper in another module decides what a route's parameter reaches
    version = "1"

    def analyze(self, context: Context, sources: list[Source], config: AnalyzerConfig) -> list[Finding]:
        result = analyze_sources([s for s in sources if s.is_python])
        return [f for f in result.findings if config.enabled(f.rule)]
