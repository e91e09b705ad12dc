"""The whole-target analysis: which functions to analyse, summaries of the others on demand, and the
findings (one per source and sink).

A *summary* says, for one function of the target, what its return value is made of (in terms of its
parameters and of sources it reads itself) and which parameters reach which sinks inside it (directly or
through its own callees). It is computed the first time a call needs it, once, and applied at every call:
that is what carries a request parameter through ``helpers.run_cmd(arg)`` in another module to
``os.popen(cmd)``. A recursive call meets the summary being computed as it stands (empty at first); the
function is then summarised again, until the summary stops changing or ``MAX_RECURSION_PASSES`` is reached,
which keeps the analysis finite.
"""

from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass, field

from .entries import handler_of, seed_parameters, self_value
from .interpreter import Frame, _short
from .models import Models, load_models
from .program import ClassInfo, FunctionInfo, ModuleInfo, Program, dotted
from .values import CLEAN, EMPTY, Origin, Step, Steps, Taints, Val, add_step, clear, join, merge

MAX_CALL_DEPTH = 12  # summaries computed inside summaries; deeper calls are treated as unknown calls
MAX_RECURSION_PASSES = 3
_CONCRETE_FOR = {"secret": ("random",)}  # the origins a sink kind accepts; every other kind: not random


@dataclass(frozen=True)
class ParamSink:
    """Inside a summarised function, parameter ``origin.param`` reaches a sink."""

    origin: Origin
    cleared: frozenset
    kind: str
    steps: Steps  # from the parameter to the sink, the sink step last
    severity: str = ""


@dataclass
class Summary:
    ret: Val
    sinks: list[ParamSink] = field(default_factory=list)
    ret_param: int = -1  # the function returns this parameter itself
    self_out: Val | None = None  # a method's `self` at the end (the fields it set)
    params: list[Val] = field(default_factory=list)


@dataclass
class Flow:
    """One finding: an origin reaching a sink of ``kind`` along ``steps`` (source first, sink last)."""

    kind: str
    origin: Origin
    steps: Steps
    severity: str = ""


class Analysis:
    def __init__(self, program: Program, models: Models | None = None) -> None:
        self.program = program
        self.models = models or load_models()
        self.summaries: dict[str, Summary | None] = {}
        self.flows: dict[tuple, Flow] = {}
        self.sink_sites: dict[tuple[str, int, int], bool] = {}
        self.fields_changed: set[str] = set()
        self._stack: list[str] = []
        self._partial: dict[str, Summary] = {}
        self._recursive: set[str] = set()
        self._imported: dict[str, Val] = {}
        self._ancestors: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ driving
    def analyze_module(self, module: ModuleInfo, select=None) -> None:
        """Run the module's top level, then every function ``select`` picks (all when None)."""
        self.ensure_globals(module)
        functions = [fn for fn in module.functions.values() if select is None or select(fn)]
        for fn in functions:
            self.analyze_function(fn)
        for _ in range(2):  # a method that stores request data on self, read by another method
            changed = {q for q in self.fields_changed if any(c.qual == q for c in module.classes.values())}
            self.fields_changed -= changed
            if not changed:
                break
            for fn in module.functions.values():
                if fn.cls is not None and fn.cls.qual in changed:
                    self.analyze_function(fn, again=True)

    def ensure_globals(self, module: ModuleInfo) -> dict:
        if module.globals is None and not module.running:
            module.running = True
            frame = Frame(self, module)
            state: dict = {}
            module.globals = frame.run(module.tree.body, state) or state
            module.running = False
        return module.globals if module.globals is not None else {}

    def analyze_function(self, fn: FunctionInfo, again: bool = False) -> None:
        handler = handler_of(self, fn)
        if handler is not None:
            self.run_function(fn, seed_parameters(self, fn, handler), handler)
        elif again:
            self.run_function(fn, self._param_values(fn)[1])
        else:
            self.summary(fn)

    def run_function(self, fn: FunctionInfo, params: dict[str, Val], handler=None) -> Frame:
        frame = Frame(self, fn.module, fn, handler)
        self.ensure_globals(fn.module)
        self._stack.append(fn.qual)
        try:
            state = frame.run(fn.node.body, dict(params))
        finally:
            self._stack.pop()
        frame.end_state = state
        return frame

    # ------------------------------------------------------------------ summaries
    def summary(self, fn: FunctionInfo) -> Summary | None:
        if fn.qual in self.summaries:
            return self.summaries[fn.qual]
        if fn.qual in self._partial:  # a recursive call: what the summary says so far (nothing, at first)
            self._recursive.add(fn.qual)
            return self._partial[fn.qual]
        if len(self._stack) >= MAX_CALL_DEPTH:
            return None
        values, by_name = self._param_values(fn)
        self._partial[fn.qual] = Summary(ret=CLEAN, params=values)
        try:
            for _ in range(MAX_RECURSION_PASSES):  # recursion: recompute until the summary stops growing
                self._recursive.discard(fn.qual)
                result = self._summarise(fn, values, by_name)
                previous = self._partial[fn.qual]
                self._partial[fn.qual] = result
                if fn.qual not in self._recursive or (
                        result.ret.same(previous.ret) and len(result.sinks) == len(previous.sinks)):
                    break
        finally:
            del self._partial[fn.qual]
        self.summaries[fn.qual] = result
        return result

    def _summarise(self, fn: FunctionInfo, values: list[Val], by_name: dict[str, Val]) -> Summary:
        frame = self.run_function(fn, by_name)
        ret = frame.returned or CLEAN
        ret_param = next((i for i, v in enumerate(values) if ret is v), -1)
        self_out = None
        if fn.kind == "method" and fn.params and frame.end_state is not None:
            self_out = frame.end_state.get(fn.params[0])
        return Summary(ret=ret, sinks=frame.param_sinks, ret_param=ret_param, self_out=self_out, params=values)

    def _param_values(self, fn: FunctionInfo) -> tuple[list[Val], dict[str, Val]]:
        values = []
        by_name = {}
        node = fn.node
        for index, name in enumerate(fn.params):
            origin = Origin("param", f"parameter `{name}`", index)
            step = Step(fn.module.source.path, node.lineno, node.col_offset + 1,
                        fn.module.source.line_text(node.lineno).strip()[:200], f"{fn.name}({name}) parameter")
            value = Val(taints={(origin, frozenset()): (step,)})
            if index == 0 and fn.kind == "method" and fn.cls is not None:
                value = Val(taints=value.taints, qual=fn.cls.qual, inst=True)
            elif index == fn.kwarg:
                value = value.replace(kind="dict")
            values.append(value)
            by_name[name] = value
        return values, by_name

    def bind(self, fn: FunctionInfo, args: list[Val], kwargs: dict[str, Val], spread: Taints,
             bound: Val | None) -> list[Val]:
        """The actual value of each parameter of ``fn`` at a call."""
        positional = ([bound] if bound is not None else []) + list(args)
        actuals: list[Val | None] = [None] * len(fn.params)
        for index in range(fn.positional):
            if index < len(positional):
                actuals[index] = positional[index]
        extra = positional[fn.positional:]
        rest = dict(kwargs)
        for index, name in enumerate(fn.params):
            if actuals[index] is None and name in rest and index not in (fn.vararg, fn.kwarg):
                actuals[index] = rest.pop(name)
        if fn.vararg >= 0:
            actuals[fn.vararg] = Val(elems=tuple(extra), kind="tuple")
        if fn.kwarg >= 0:
            actuals[fn.kwarg] = Val(items=rest, kind="dict")
        spread_value = Val(taints=spread) if spread else CLEAN
        return [a if a is not None else spread_value for a in actuals]

    def apply(self, frame: Frame, fn: FunctionInfo, node: ast.Call, args, kwargs, spread, bound, st) -> Val | None:
        summary = self.summary(fn)
        if summary is None:
            return None
        actuals = self.bind(fn, args, kwargs, spread, bound)
        if not summary.sinks and not summary.ret.deep() and summary.self_out is None and summary.ret_param < 0:
            return summary.ret  # nothing flows through this call: no step to record
        call_step = frame.step(node, f"{_short(node.func)}(…) call")
        for sink in summary.sinks:
            actual = actuals[sink.origin.param] if sink.origin.param < len(actuals) else CLEAN
            if sink.origin.field is not None:
                actual = frame.attribute(actual, sink.origin.field, node)
            for (origin, cleared), steps in actual.deep().items():
                combined = cleared | sink.cleared
                if sink.kind in combined:
                    continue
                self.reach(frame, sink.kind, origin, combined, steps + (call_step,) + sink.steps[:-1],
                           sink.steps[-1], sink.severity)
        if summary.self_out is not None and bound is not None and isinstance(node.func, ast.Attribute):
            updated = self.substitute(frame, summary.self_out, actuals, call_step, node)
            if updated.attrs and updated.attrs != bound.attrs:
                frame.rebind(node.func.value, bound.replace(attrs={**(bound.attrs or {}), **updated.attrs}), st)
        if 0 <= summary.ret_param < len(actuals):
            actual = actuals[summary.ret_param]
            return actual.replace(taints=add_step(actual.taints, call_step)) if actual.taints else actual
        return self.substitute(frame, summary.ret, actuals, call_step, node)

    def substitute(self, frame: Frame, value: Val, actuals: list[Val], call_step: Step, node) -> Val:
        """A summary's value at one call: each parameter taint replaced by what the argument carries."""
        if not value.deep():
            return value
        taints: Taints = EMPTY
        for (origin, cleared), steps in value.taints.items():
            if origin.concrete:
                taints = merge(taints, {(origin, cleared): steps})
                continue
            actual = actuals[origin.param] if origin.param < len(actuals) else CLEAN
            if origin.field is not None:
                actual = frame.attribute(actual, origin.field, node)
            for (o2, c2), s2 in actual.deep().items():
                taints = merge(taints, {(o2, c2 | cleared): s2 + (call_step,) + steps[1:]})
        sub = lambda v: self.substitute(frame, v, actuals, call_step, node)
        return value.replace(
            taints=taints,
            elems=tuple(sub(e) for e in value.elems) if value.elems else value.elems,
            items={k: sub(v) for k, v in value.items.items()} if value.items else value.items,
            attrs={k: sub(v) for k, v in value.attrs.items()} if value.attrs else value.attrs,
        )

    def construct(self, frame: Frame, cls: ClassInfo, node: ast.Call, args, kwargs, spread, st) -> Val:
        instance = Val(qual=cls.qual, inst=True)
        init = self.class_member(cls.qual, "__init__")
        if not isinstance(init, FunctionInfo):
            taints = merge(spread, EMPTY)
            for v in (*args, *kwargs.values()):
                taints = merge(taints, v.deep())
            return instance.replace(taints=taints)
        summary = self.summary(init)
        if summary is None:
            return instance
        actuals = self.bind(init, args, kwargs, spread, instance)
        call_step = frame.step(node, f"{_short(node.func)}(…) call")
        self.apply(frame, init, node, args, kwargs, spread, instance, st)
        if summary.self_out is not None:
            out = self.substitute(frame, summary.self_out, actuals, call_step, node)
            return Val(qual=cls.qual, inst=True, attrs=out.attrs,
                       taints={k: v for k, v in out.taints.items() if k[0].concrete})
        return instance

    # ------------------------------------------------------------------ findings
    def reach(self, frame: Frame, kind: str, origin: Origin, cleared: frozenset, steps: Steps, sink: Step,
              severity: str) -> None:
        """A taint reached a sink: a finding when it came from a source, part of the summary when it came
        from a parameter."""
        if origin.kind == "param":
            frame.param_sinks.append(ParamSink(origin, cleared, kind, steps + (sink,), severity))
            return
        wanted = _CONCRETE_FOR.get(kind)
        if wanted is not None:
            if origin.kind not in wanted:
                return
        elif origin.kind == "random":
            return
        if kind == "hash" and not origin.secret:
            return
        path = steps + (sink,)
        key = (kind, steps[0].path, steps[0].line, steps[0].column, sink.path, sink.line, sink.column)
        old = self.flows.get(key)
        if old is None or len(path) < len(old.steps):
            self.flows[key] = Flow(kind, origin, path, severity)

    def sink_site(self, path: str, node: ast.Call, constant: bool) -> None:
        key = (path, node.lineno, node.col_offset + 1)
        self.sink_sites[key] = self.sink_sites.get(key, True) and constant

    # ------------------------------------------------------------------ names across modules
    def imported(self, qual: str) -> Val:
        """The value an imported name refers to: a module variable of the target (its value after the
        module ran), or the dotted name itself (a library)."""
        cached = self._imported.get(qual)
        if cached is not None:
            return cached
        qual = self.models.canonical(qual)
        value = Val(qual=qual)
        found = self.program.resolve_global(qual)
        if found is not None:
            module, name = found
            if module.member(name) is None:
                variables = self.ensure_globals(module)
                if name in variables:
                    value = variables[name]
        if value.qual == qual:
            self._imported[qual] = value
        return value

    def static_qual(self, node: ast.AST, module: ModuleInfo) -> str | None:
        """The dotted name a decorator or base class refers to, through imports and module variables
        (``app = Flask(__name__)`` makes ``app.route`` ``flask.Flask.route``)."""
        if isinstance(node, ast.Name):
            variables = self.ensure_globals(module)
            value = variables.get(node.id)
            if value is not None and value.qual:
                return value.qual
            alias = module.aliases.get(node.id)
            if alias is not None:
                return self.imported(alias).qual or alias
            local = module.member(node.id)
            return local.qual if local is not None else None
        if isinstance(node, ast.Attribute):
            base = self.static_qual(node.value, module)
            return self.models.canonical(f"{base}.{node.attr}") if base else None
        if isinstance(node, ast.Call):
            return self.static_qual(node.func, module)
        return None

    def may_read_sources(self, target: FunctionInfo | ClassInfo) -> bool:
        """Could the function (or the class's methods) read a source itself? A test on its text."""
        node = target.node
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        return hint_in_lines(target.module.source, first, node.end_lineno or node.lineno)

    def is_target(self, qual: str | None) -> bool:
        return qual is not None and self.program.resolve(qual) is not None

    def class_member(self, cls_qual: str, name: str) -> FunctionInfo | ClassInfo | None:
        cls = self.program.resolve(cls_qual)
        if not isinstance(cls, ClassInfo):
            return None
        seen = set()
        pending = [cls]
        while pending:
            current = pending.pop(0)
            if current.qual in seen:
                continue
            seen.add(current.qual)
            if name in current.methods:
                return current.methods[name]
            for base in current.bases:
                resolved = self.program.resolve(self._base_qual(current, base))
                if isinstance(resolved, ClassInfo):
                    pending.append(resolved)
        return None

    def class_field(self, cls_qual: str, name: str, frame: Frame) -> Val | None:
        """An attribute of an instance that no code in this function set: what any method stored there, or
        what the framework puts there (a view's ``self.request``)."""
        cls = self.program.resolve(cls_qual)
        if not isinstance(cls, ClassInfo):
            return None
        stored = cls.fields.get(name)
        ancestors = self.ancestors(cls)
        for model in self.models.class_fields:
            if model.field == name and any(_prefix_match(model.base, a) for a in ancestors):
                if model.type:
                    return Val(qual=model.type, inst=True)
                origin = Origin("remote", model.source)
                step = frame.step(frame.function.node if frame.function else cls.node, f"self.{name} (source)")
                return Val(taints=merge(stored.taints if stored else EMPTY,
                                        {(origin, frozenset()): (step,)}))
        return stored

    def ancestors(self, cls: ClassInfo) -> list[str]:
        """The dotted names of every base class, through the target's own classes."""
        cached = self._ancestors.get(cls.qual)
        if cached is not None:
            return cached
        self._ancestors[cls.qual] = []
        out: list[str] = []
        for base in cls.bases:
            qual = self._base_qual(cls, base)
            out.append(qual)
            resolved = self.program.resolve(qual)
            if isinstance(resolved, ClassInfo):
                out.extend(self.ancestors(resolved))
        self._ancestors[cls.qual] = out
        return out

    def _base_qual(self, cls: ClassInfo, base: str) -> str:
        if "." not in base and cls.module.member(base) is not None:
            return f"{cls.module.name}.{base}"
        return self.models.canonical(base)

    # ------------------------------------------------------------------ results
    def results(self) -> list[Flow]:
        return sorted(self.flows.values(), key=lambda f: (f.steps[-1].path, f.steps[-1].line, f.steps[-1].column,
                                                           f.kind, f.steps[0].line))


def _prefix_match(pattern: str, qual: str) -> bool:
    return qual == pattern or (pattern.endswith("*") and qual.startswith(pattern[:-1]))


SOURCE_HINTS = re.compile(
    r"request|argv|input\(|environ|getenv|match_info|websocket|resolve_|strawberry|graphene|ariadne|"
    r"fastapi|Form\(|Query\(|Body\(|Header\(|Cookie\(|\brandom\b|\.route\(|recv\(|open\(|read_text|"
    r"Depends|@app\.|@router\.|mutate"
)


def hint_lines(source) -> list[int]:
    """The lines of ``source`` where a source hint appears (found once per file)."""
    cached = source.__dict__.get("_dataflow_hints")
    if cached is None:
        text = source.text
        cached = sorted({text.count("\n", 0, m.start()) + 1 for m in SOURCE_HINTS.finditer(text)})
        source.__dict__["_dataflow_hints"] = cached
    return cached


def hint_in_lines(source, first: int, last: int) -> bool:
    lines = hint_lines(source)
    index = bisect.bisect_left(lines, first)
    return index < len(lines) and lines[index] <= last


def might_have_sources(text: str) -> bool:
    """A cheap test on the text: can any source model match in this file? Files that cannot are only read
    when a call leads into them."""
    return SOURCE_HINTS.search(text) is not None


__all__ = [
    "Analysis",
    "Flow",
    "ParamSink",
    "Summary",
    "clear",
    "dotted",
    "join",
    "might_have_sources",
    "self_value",
]
