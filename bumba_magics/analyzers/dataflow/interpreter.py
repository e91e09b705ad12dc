"""One pass over a function's statements, in order, computing an abstract value for every variable.

Branches are analysed separately and joined; a condition that folds to a constant leaves the dead branch
out, and a check on the path (``if name in ALLOWED``) makes the checked variable safe on the branch where it
passed. Loops run until their state stops changing, at most ``MAX_LOOP_PASSES`` times. A call into the
target is applied through the callee's summary (computed once, on first use); a call to anything else
carries the taint of its arguments unless a model says otherwise.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from .models import Models
from .models.schema import ALL, Handler, Sink
from .program import ClassInfo, FunctionInfo, ModuleInfo, builtin_name
from .values import (
    CLEAN,
    EMPTY,
    NOCONST,
    Origin,
    Step,
    Taints,
    Val,
    add_step,
    clear,
    const,
    join,
    merge,
)

if TYPE_CHECKING:
    from .engine import Analysis

State = dict[str, Val]
MAX_LOOP_PASSES = 3
MAX_WORK = 60_000  # expressions evaluated per function before it is given up on (generated code)
SECRET_NAME = re.compile(r"(^|_)(token|secret|password|passwd|nonce|otp|api_?key|salt|reset_?code|csrf|"
                         r"session_?id|activation_?code|verification_?code)s?($|_)", re.IGNORECASE)
PASSWORD_NAME = re.compile(r"(^|_)(password|passwd|pwd|passphrase)s?($|_)", re.IGNORECASE)
_SHELLS = frozenset({"sh", "bash", "/bin/sh", "/bin/bash", "zsh", "cmd", "cmd.exe", "powershell", "pwsh"})
# a URL whose scheme and host are fixed in the code: what follows cannot choose the server (partial SSRF is
# left to review); a path starting with one "/" stays on this site (not an open redirect)
_FIXED_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/{}\s]+/", re.IGNORECASE)
_LOCAL_PATH = re.compile(r"^/(?![/\\])")
_SAFE_YAML = ("SafeLoader", "CSafeLoader", "BaseLoader")
_NORMALISERS = frozenset({"os.path.realpath", "os.path.abspath", "os.path.normpath", "pathlib.Path.resolve",
                          "pathlib.Path", "builtins.str"})
_FOLDABLE = (str, bytes, int, float, bool, type(None))


class GiveUp(Exception):
    """The function is too large to analyse within the budget."""


class Frame:
    """The analysis of one function (or a module's top-level code)."""

    def __init__(self, analysis: Analysis, module: ModuleInfo, function: FunctionInfo | None = None,
                 handler: Handler | None = None) -> None:
        self.analysis = analysis
        self.models: Models = analysis.models
        self.module = module
        self.path = module.source.path
        self.function = function
        self.handler = handler
        self.returned: Val | None = None
        self.param_sinks: list = []
        self.loops: list[tuple[list, list]] = []
        self.work = 0
        self.stopped = False  # set by a call that never returns
        self.end_state: State | None = None

    # ------------------------------------------------------------------ steps
    def step(self, node: ast.AST, label: str | None = None) -> Step:
        line = getattr(node, "lineno", 1)
        code = self.module.source.line_text(line).strip()
        if label is None:
            label = _short(node)
        return Step(self.path, line, getattr(node, "col_offset", 0) + 1, code[:200], label)

    # ------------------------------------------------------------------ statements
    def run(self, body: list[ast.stmt], state: State) -> State | None:
        try:
            return self.block(body, state)
        except (GiveUp, RecursionError):
            return None

    def block(self, body: list[ast.stmt], state: State | None) -> State | None:
        for node in body:
            if state is None:
                return None
            state = self.stmt(node, state)
        return state

    def stmt(self, node: ast.stmt, st: State) -> State | None:
        method = getattr(self, "s_" + node.__class__.__name__, None)
        if method is None:
            return st
        self.stopped = False
        result = method(node, st)
        if self.stopped:
            self.stopped = False
            return None
        return result

    def s_Expr(self, node: ast.Expr, st: State) -> State:
        self.ev(node.value, st)
        return st

    def s_Assign(self, node: ast.Assign, st: State) -> State:
        value = self.ev(node.value, st)
        for target in node.targets:
            self.assign(target, value, st, node)
        return st

    def s_AnnAssign(self, node: ast.AnnAssign, st: State) -> State:
        if node.value is not None:
            self.assign(node.target, self.ev(node.value, st), st, node)
        return st

    def s_AugAssign(self, node: ast.AugAssign, st: State) -> State:
        current = self.ev(node.target, st)
        value = self.binop(node.op, current, self.ev(node.value, st), node, st)
        self.assign(node.target, value, st, node)
        return st

    def s_Return(self, node: ast.Return, st: State) -> None:
        value = self.ev(node.value, st) if node.value is not None else CLEAN
        if value.deep():
            value = value.replace(taints=add_step(value.taints, self.step(node))) if value.taints else value
        self.on_return(node, value)
        self.returned = join(self.returned, value) if self.returned is not None else value

    def s_Raise(self, node: ast.Raise, st: State) -> None:
        if node.exc is not None:
            self.ev(node.exc, st)

    def s_Break(self, node, st: State) -> None:
        if self.loops:
            self.loops[-1][0].append(st)

    def s_Continue(self, node, st: State) -> None:
        if self.loops:
            self.loops[-1][1].append(st)

    def s_Delete(self, node: ast.Delete, st: State) -> State:
        for target in node.targets:
            if isinstance(target, ast.Name):
                st.pop(target.id, None)
            elif isinstance(target, ast.Subscript):
                container = self.ev(target.value, st)
                key = self.ev(target.slice, st)
                if key.is_const and container.items is not None and key.const in container.items:
                    items = dict(container.items)
                    del items[key.const]
                    self.rebind(target.value, container.replace(items=items), st)
        return st

    def s_If(self, node: ast.If, st: State) -> State | None:
        test = self.ev(node.test, st)
        if test.is_const:
            return self.block(node.body if test.const else node.orelse, st)
        yes = self.block(node.body, self.narrow(node.test, dict(st), True))
        no = self.block(node.orelse, self.narrow(node.test, dict(st), False))
        return join_states(yes, no)

    def s_Assert(self, node: ast.Assert, st: State) -> State:
        self.ev(node.test, st)
        return self.narrow(node.test, st, True)

    def s_For(self, node: ast.For, st: State) -> State | None:
        element = self.element_of(self.ev(node.iter, st), node.iter)
        return self.loop(node, st, element)

    s_AsyncFor = s_For

    def s_While(self, node: ast.While, st: State) -> State | None:
        test = self.ev(node.test, st)
        if test.is_const and not test.const:
            return self.block(node.orelse, st)
        return self.loop(node, st, None, forever=test.is_const)

    def loop(self, node, st: State, element: Val | None, forever: bool = False) -> State | None:
        current = st
        exits: list[State | None] = []
        for _ in range(MAX_LOOP_PASSES):
            body_in = dict(current)
            if element is not None:
                self.assign(node.target, element, body_in, node)
            if isinstance(node, ast.While):
                body_in = self.narrow(node.test, body_in, True)
            self.loops.append(([], []))
            out = self.block(node.body, body_in)
            breaks, continues = self.loops.pop()
            exits.extend(breaks)
            out = join_states(out, *continues)
            merged = join_states(current, out)
            if merged is None or states_same(merged, current):
                break
            current = merged
        normal = None if forever else current
        if normal is not None and node.orelse:
            normal = self.block(node.orelse, dict(normal))
        return join_states(normal, *exits)

    def s_Try(self, node: ast.Try, st: State) -> State | None:
        body = self.block(node.body, dict(st))
        handler_in = join_states(st, body) or dict(st)
        outs = [self.block(node.orelse, body) if node.orelse and body is not None else body]
        for handler in node.handlers:
            hs = dict(handler_in)
            if handler.name:
                hs[handler.name] = CLEAN
            outs.append(self.block(handler.body, hs))
        result = join_states(*outs)
        if node.finalbody:
            after = self.block(node.finalbody, result if result is not None else dict(handler_in))
            return after if result is not None else None
        return result

    s_TryStar = s_Try

    def s_With(self, node: ast.With, st: State) -> State | None:
        for item in node.items:
            value = self.ev(item.context_expr, st)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, value, st, item.context_expr)
        return self.block(node.body, st)

    s_AsyncWith = s_With

    def s_Match(self, node: ast.Match, st: State) -> State | None:
        subject = self.ev(node.subject, st)
        outs: list[State | None] = []
        for case in node.cases:
            decided = _match_constant(case.pattern, subject)
            if decided is False:
                continue
            cs = dict(st)
            self.bind_pattern(case.pattern, subject, cs, node)
            if case.guard is not None:
                guard = self.ev(case.guard, cs)
                if guard.is_const and not guard.const:
                    continue
                cs = self.narrow(case.guard, cs, True)
            outs.append(self.block(case.body, cs))
            if decided is True and case.guard is None:
                return join_states(*outs)
        outs.append(st)
        return join_states(*outs)

    def bind_pattern(self, pattern: ast.pattern, subject: Val, st: State, node) -> None:
        if isinstance(pattern, ast.MatchAs):
            if pattern.pattern is not None:
                self.bind_pattern(pattern.pattern, subject, st, node)
            if pattern.name:
                st[pattern.name] = subject
            return
        whole = Val(taints=subject.deep())
        for child in ast.walk(pattern):
            name = getattr(child, "name", None) or getattr(child, "rest", None)
            if isinstance(name, str) and child is not pattern or isinstance(child, ast.MatchStar) and child.name:
                st[name] = whole

    def s_FunctionDef(self, node, st: State) -> State:
        scope = self.function.qual if self.function is not None else self.module.name
        st[node.name] = Val(qual=f"{scope}.{node.name}" if self.function is None else None)
        return st

    s_AsyncFunctionDef = s_FunctionDef

    def s_ClassDef(self, node: ast.ClassDef, st: State) -> State:
        if self.function is None:
            st[node.name] = Val(qual=f"{self.module.name}.{node.name}")
        return st

    def s_Import(self, node, st: State) -> State:
        if self.function is not None:  # imports inside a function: names the function body can use
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                st[local] = Val(qual=self.module.aliases.get(local, alias.name))
        return st

    s_ImportFrom = s_Import

    # ------------------------------------------------------------------ assignment
    def assign(self, target: ast.AST, value: Val, st: State, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            if value.deep():
                value = _stepped(value, self.step(node))
                self.check_secret_name(target.id, value, node)
            st[target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            self.unpack(target.elts, value, st, node)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, Val(taints=value.deep(), kind="list"), st, node)
        elif isinstance(target, ast.Attribute):
            if value.deep():
                value = _stepped(value, self.step(node))
                self.check_secret_name(target.attr, value, node)
            owner = self.ev(target.value, st)
            attrs = dict(owner.attrs or {})
            attrs[target.attr] = value
            self.rebind(target.value, owner.replace(attrs=attrs), st)
            if isinstance(target.value, ast.Name) and target.value.id == "self" and value.deep():
                self.remember_field(target.attr, value)
        elif isinstance(target, ast.Subscript):
            container = self.ev(target.value, st)
            key = self.ev(target.slice, st) if not isinstance(target.slice, ast.Slice) else CLEAN
            if value.deep():
                value = _stepped(value, self.step(node))
                if key.is_const and isinstance(key.const, str):
                    self.check_secret_name(key.const, value, node)
            self.store_sink(container, value, node)
            self.rebind(target.value, store_item(container, key, value), st)

    def unpack(self, targets: list[ast.expr], value: Val, st: State, node) -> None:
        starred = [i for i, t in enumerate(targets) if isinstance(t, ast.Starred)]
        if value.elems is not None and not starred and len(value.elems) == len(targets):
            for target, part in zip(targets, value.elems):
                self.assign(target, part, st, node)
            return
        part = Val(taints=value.deep())
        for target in targets:
            self.assign(target, part, st, node)

    def rebind(self, expr: ast.AST, value: Val, st: State) -> None:
        """Write ``value`` back to where ``expr`` reads from (a name, or an attribute/item of one)."""
        if isinstance(expr, ast.Name):
            st[expr.id] = value
        elif isinstance(expr, ast.Attribute):
            owner = self.ev(expr.value, st)
            attrs = dict(owner.attrs or {})
            attrs[expr.attr] = value
            self.rebind(expr.value, owner.replace(attrs=attrs), st)
        elif isinstance(expr, ast.Subscript):
            owner = self.ev(expr.value, st)
            key = self.ev(expr.slice, st) if not isinstance(expr.slice, ast.Slice) else CLEAN
            self.rebind(expr.value, store_item(owner, key, value, replace=True), st)

    def remember_field(self, name: str, value: Val) -> None:
        cls = self.function.cls if self.function is not None else None
        if cls is None:
            return
        concrete = {k: v for k, v in value.deep().items() if k[0].concrete}
        if concrete:
            old = cls.fields.get(name)
            new = join(old, Val(taints=concrete)) if old is not None else Val(taints=concrete)
            if old is None or not old.same(new):
                cls.fields[name] = new
                self.analysis.fields_changed.add(cls.qual)

    # ------------------------------------------------------------------ expressions
    def ev(self, node: ast.AST | None, st: State) -> Val:
        if node is None:
            return CLEAN
        self.work += 1
        if self.work > MAX_WORK:
            raise GiveUp
        method = getattr(self, "e_" + node.__class__.__name__, None)
        if method is None:
            return CLEAN
        return method(node, st)

    def e_Constant(self, node: ast.Constant, st: State) -> Val:
        return const(node.value)

    def e_Name(self, node: ast.Name, st: State) -> Val:
        value = st.get(node.id)
        if value is not None:
            return value
        return self.lookup_global(node.id)

    def lookup_global(self, name: str) -> Val:
        module = self.module
        if module.globals is not None and name in module.globals:
            return module.globals[name]
        local = module.functions.get(name) or module.classes.get(name)
        if local is not None:
            return Val(qual=local.qual)
        alias = module.aliases.get(name)
        if alias is not None:
            return self.analysis.imported(alias)
        qual = builtin_name(name)
        return Val(qual=qual) if qual else CLEAN

    def e_JoinedStr(self, node: ast.JoinedStr, st: State) -> Val:
        text = ""
        folded = True
        taints: Taints = EMPTY
        prefix = None
        for part in node.values:
            if isinstance(part, ast.Constant):
                if folded:
                    text += str(part.value)
                continue
            value = self.ev(part.value, st) if isinstance(part, ast.FormattedValue) else self.ev(part, st)
            if prefix is None:
                prefix = text
            if value.is_const and folded and isinstance(part, ast.FormattedValue) and part.conversion == -1 \
                    and part.format_spec is None and isinstance(value.const, _FOLDABLE):
                text += str(value.const)
                continue
            folded = False
            taints = merge(taints, value.deep())
        if folded:
            return const(text)
        return Val(taints=_prefix_clears(prefix or "", taints), kind="str")

    def e_BinOp(self, node: ast.BinOp, st: State) -> Val:
        return self.binop(node.op, self.ev(node.left, st), self.ev(node.right, st), node, st)

    def binop(self, op: ast.operator, left: Val, right: Val, node, st: State) -> Val:
        if left.is_const and right.is_const:
            folded = _fold_binop(op, left.const, right.const)
            if folded is not NOCONST:
                return const(folded)
        if isinstance(op, ast.Mult):
            for seq, count in ((left, right), (right, left)):
                if (seq.kind in ("str", "bytes", "list", "tuple") or seq.elems is not None) and count.deep():
                    self.sink_values("size", [count], node, f"{_short(node)} (sink)")
        if isinstance(op, ast.Mod) and left.is_const and isinstance(left.const, str):
            return Val(taints=_prefix_clears(left.const.split("%", 1)[0], right.deep()), kind="str")
        if isinstance(op, ast.Add):
            if left.elems is not None and right.elems is not None:
                return Val(elems=left.elems + right.elems, kind=left.kind)
            if left.is_const and isinstance(left.const, str):
                return Val(taints=_prefix_clears(left.const, right.deep()), kind="str")
        kind = left.kind if left.kind == right.kind else ("str" if "str" in (left.kind, right.kind) else None)
        qual = left.qual if isinstance(op, ast.Div) and left.qual == "pathlib.Path" else None
        if isinstance(op, ast.Div) and left.qual == "pathlib.ProgramPath":
            qual = "pathlib.ProgramPath" if right.constant() else "pathlib.Path"
        return Val(taints=merge(left.deep(), right.deep()), kind=kind, qual=qual)

    def e_UnaryOp(self, node: ast.UnaryOp, st: State) -> Val:
        operand = self.ev(node.operand, st)
        if operand.is_const:
            try:
                return const({ast.Not: lambda v: not v, ast.USub: lambda v: -v, ast.UAdd: lambda v: +v,
                              ast.Invert: lambda v: ~v}[type(node.op)](operand.const))
            except Exception:  # noqa: BLE001 - folding must never fail the analysis
                return CLEAN
        if isinstance(node.op, ast.Not):
            return CLEAN
        return Val(taints=operand.deep(), kind="num")

    def e_BoolOp(self, node: ast.BoolOp, st: State) -> Val:
        result: Val | None = None
        is_and = isinstance(node.op, ast.And)
        for value_node in node.values:
            value = self.ev(value_node, st)
            if value.is_const:
                if bool(value.const) != is_and:  # `x or <truthy>` / `x and <falsy>`: decided here
                    return value if result is None else join(result, value)
                if value_node is not node.values[-1]:
                    continue
            result = value if result is None else join(result, value)
        return result or CLEAN

    def e_Compare(self, node: ast.Compare, st: State) -> Val:
        left = self.ev(node.left, st)
        values = [left] + [self.ev(c, st) for c in node.comparators]
        if all(v.is_const for v in values) and len(node.ops) == 1:
            try:
                return const(_compare(node.ops[0], values[0].const, values[1].const))
            except Exception:  # noqa: BLE001
                return CLEAN
        return CLEAN  # a comparison's result is a bool: it carries no data

    def e_IfExp(self, node: ast.IfExp, st: State) -> Val:
        test = self.ev(node.test, st)
        if test.is_const:
            return self.ev(node.body if test.const else node.orelse, st)
        yes = self.ev(node.body, self.narrow(node.test, dict(st), True))
        no = self.ev(node.orelse, self.narrow(node.test, dict(st), False))
        return join(yes, no)

    def e_NamedExpr(self, node: ast.NamedExpr, st: State) -> Val:
        value = self.ev(node.value, st)
        self.assign(node.target, value, st, node)
        return value

    def e_Await(self, node: ast.Await, st: State) -> Val:
        return self.ev(node.value, st)

    def e_Yield(self, node: ast.Yield, st: State) -> Val:
        if node.value is not None:
            value = self.ev(node.value, st)
            self.returned = join(self.returned, value) if self.returned is not None else value
        return CLEAN

    def e_YieldFrom(self, node: ast.YieldFrom, st: State) -> Val:
        value = self.element_of(self.ev(node.value, st), node.value)
        self.returned = join(self.returned, value) if self.returned is not None else value
        return CLEAN

    def e_Starred(self, node: ast.Starred, st: State) -> Val:
        return self.ev(node.value, st)

    def e_FormattedValue(self, node: ast.FormattedValue, st: State) -> Val:
        return Val(taints=self.ev(node.value, st).deep(), kind="str")

    def e_Lambda(self, node, st: State) -> Val:
        return CLEAN

    def e_List(self, node: ast.List | ast.Tuple | ast.Set, st: State) -> Val:
        kind = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}[type(node)]
        values = []
        taints: Taints = EMPTY
        exact = True
        for elt in node.elts:
            value = self.ev(elt, st)
            if isinstance(elt, ast.Starred):
                exact = False
                taints = merge(taints, value.deep())
            else:
                values.append(value)
        if not exact:
            for value in values:
                taints = merge(taints, value.deep())
            return Val(taints=taints, kind=kind)
        if kind == "set":  # no positions in a set
            for value in values:
                taints = merge(taints, value.deep())
            consts = [v.const for v in values if v.is_const]
            return Val(taints=taints, kind=kind,
                       const=frozenset(consts) if len(consts) == len(values) and _hashable(consts) else NOCONST)
        elems = tuple(values)
        folded = NOCONST
        if kind == "tuple" and all(v.is_const for v in values):
            folded = tuple(v.const for v in values)
        return Val(elems=elems, kind=kind, const=folded)

    e_Tuple = e_List
    e_Set = e_List

    def e_Dict(self, node: ast.Dict, st: State) -> Val:
        items: dict = {}
        taints: Taints = EMPTY
        for key_node, value_node in zip(node.keys, node.values):
            value = self.ev(value_node, st)
            if key_node is None:  # {**other}
                if value.items is not None:
                    items.update(value.items)
                    taints = merge(taints, value.taints)
                elif value.deep():  # unknown keys: any key written before may have been replaced
                    spread = value.deep()
                    items = {k: Val(taints=merge(v.deep(), spread)) for k, v in items.items()}
                    taints = merge(taints, spread)
                continue
            key = self.ev(key_node, st)
            if key.is_const and _hashable([key.const]):
                items[key.const] = value
            else:
                taints = merge(taints, merge(key.deep(), value.deep()))
        return Val(items=items, taints=taints, kind="dict")

    def comprehension(self, node, st: State) -> State:
        inner = dict(st)
        for generator in node.generators:
            element = self.element_of(self.ev(generator.iter, inner), generator.iter)
            self.assign(generator.target, element, inner, node)
            for condition in generator.ifs:
                self.ev(condition, inner)
                inner = self.narrow(condition, inner, True)
        return inner

    def e_ListComp(self, node, st: State) -> Val:
        inner = self.comprehension(node, st)
        kind = {ast.ListComp: "list", ast.SetComp: "set", ast.GeneratorExp: "generator"}[type(node)]
        return Val(taints=self.ev(node.elt, inner).deep(), kind=kind)

    e_SetComp = e_ListComp
    e_GeneratorExp = e_ListComp

    def e_DictComp(self, node: ast.DictComp, st: State) -> Val:
        inner = self.comprehension(node, st)
        return Val(taints=merge(self.ev(node.key, inner).deep(), self.ev(node.value, inner).deep()), kind="dict")

    def e_Subscript(self, node: ast.Subscript, st: State) -> Val:
        container = self.ev(node.value, st)
        if isinstance(node.slice, ast.Slice):
            for part in (node.slice.lower, node.slice.upper, node.slice.step):
                self.ev(part, st)
            return Val(taints=container.deep(), kind=container.kind)
        key = self.ev(node.slice, st)
        value = read_item(container, key)
        if key.is_const:
            value = self.relabel_source(value, node, key.const)
        return value

    def e_Attribute(self, node: ast.Attribute, st: State) -> Val:
        owner = self.ev(node.value, st)
        return self.attribute(owner, node.attr, node)

    def attribute(self, owner: Val, name: str, node: ast.AST) -> Val:
        if owner.attrs and name in owner.attrs:
            return owner.attrs[name]
        qual = self.models.canonical(f"{owner.qual}.{name}") if owner.qual else None
        taints = _field_taints(owner.taints, name)
        if owner.inst and owner.qual:
            found = self.analysis.class_member(owner.qual, name)
            if isinstance(found, FunctionInfo):
                bound = owner if found.kind in ("method", "classmethod") else None
                return Val(qual=found.qual, bound=bound)
            field_value = self.analysis.class_field(owner.qual, name, self)
            if field_value is not None:
                return Val(taints=merge(taints, field_value.taints), qual=field_value.qual,
                           attrs=field_value.attrs, inst=field_value.inst)
        elif owner.qual and not owner.inst:
            found = self.analysis.class_member(owner.qual, name)
            if isinstance(found, FunctionInfo):
                return Val(qual=found.qual, bound=owner if found.kind == "classmethod" else None)
            if found is None and qual is not None and self.analysis.program.module_named(owner.qual) is not None:
                return self.analysis.imported(qual)  # a module of the target: its variable
        kind = None
        if qual is not None:
            source = self.models.attr_sources.get(qual)
            if source is not None:
                origin = Origin(source.kind, source.label or _short(node))
                taints = merge(taints, {(origin, frozenset()): (self.step(node, f"{_short(node)} (source)"),)})
            typed = self.models.attributes.get(qual)
            if typed is not None:
                qual = typed.type
            sanitizer = self.models.sanitizers.get(qual)
            if sanitizer is not None:
                taints = clear(taints, sanitizer.kinds)
        return Val(taints=taints, qual=qual, kind=kind)

    def relabel_source(self, value: Val, node: ast.AST, key: object) -> Val:
        """``request.args['q']``: the source step names the key, and a password key marks the value."""
        if not value.taints:
            return value
        changed = False
        taints: Taints = {}
        for (origin, cleared), steps in value.taints.items():
            if len(steps) == 1 and steps[0].label.endswith("(source)") and origin.concrete \
                    and steps[0].line == node.lineno and steps[0].column == node.col_offset + 1:
                label = f"{_short(node)} (source)"
                secret = isinstance(key, str) and bool(PASSWORD_NAME.search(key))
                origin = Origin(origin.kind, origin.label, secret=secret or origin.secret)
                steps = (Step(steps[0].path, steps[0].line, steps[0].column, steps[0].code, label),)
                changed = True
            taints[(origin, cleared)] = steps
        return value.replace(taints=taints) if changed else value

    # ------------------------------------------------------------------ calls
    def e_Call(self, node: ast.Call, st: State) -> Val:
        func = node.func
        receiver: Val | None = None
        if isinstance(func, ast.Attribute):
            receiver = self.ev(func.value, st)
            callee = self.attribute(receiver, func.attr, func)
        else:
            callee = self.ev(func, st)
        args: list[Val] = []
        spread: Taints = EMPTY
        for arg in node.args:
            value = self.ev(arg, st)
            if isinstance(arg, ast.Starred):
                spread = merge(spread, value.deep())
            else:
                args.append(value)
        kwargs: dict[str, Val] = {}
        for kw in node.keywords:
            value = self.ev(kw.value, st)
            if kw.arg is None:
                spread = merge(spread, value.deep())
            else:
                kwargs[kw.arg] = value
        models = self.models
        qual = callee.qual
        method = func.attr if isinstance(func, ast.Attribute) else None
        wildcard = f"*.{method}" if method else None

        sinks = models.sinks.get(qual) if qual else None
        if not sinks and wildcard and not self.analysis.is_target(qual):
            sinks = models.sinks.get(wildcard)
        if sinks:
            for sink in sinks:
                self.check_sink(sink, node, receiver, args, kwargs, spread)
            self.analysis.sink_site(self.path, node, all(v.constant() for v in (*args, *kwargs.values()))
                                    and not spread)

        if qual in models.noreturn:
            self.stopped = True
            return CLEAN
        if receiver is not None and method in _CONTAINER_METHODS and receiver.qual is None \
                and (receiver.items is not None or receiver.elems is not None or receiver.kind in (
                    "list", "dict", "set")):
            return self.container_method(node, receiver, method, args, kwargs, st)

        target = self.analysis.program.resolve(qual) if qual else None
        if target is not None and not spread and not (callee.bound is not None and callee.bound.deep()) \
                and not any(v.deep() for v in args) and not any(v.deep() for v in kwargs.values()) \
                and not self.analysis.may_read_sources(target):
            # nothing untrusted goes in and the callee reads no source: nothing untrusted comes out, and
            # its own flows are found when it is analysed as an entry (this keeps whole-repository scans fast)
            return Val(qual=target.qual, inst=True) if isinstance(target, ClassInfo) else CLEAN
        if isinstance(target, FunctionInfo):
            result = self.analysis.apply(self, target, node, args, kwargs, spread, callee.bound, st)
            if result is not None:
                return result
        elif isinstance(target, ClassInfo):
            return self.analysis.construct(self, target, node, args, kwargs, spread, st)

        source = models.call_sources.get(qual) if qual else None
        if source is not None:
            origin = Origin(source.kind, source.label or _short(node))
            return Val(taints={(origin, frozenset()): (self.step(node, f"{_short(node)} (source)"),)}, kind="str")

        taints = merge(receiver.deep() if receiver is not None else EMPTY, spread)
        for value in args:
            taints = merge(taints, value.deep())
        for value in kwargs.values():
            taints = merge(taints, value.deep())
        if method == "format" and receiver is not None and receiver.is_const and isinstance(receiver.const, str):
            if not taints:
                return CLEAN
            return Val(taints=_prefix_clears(receiver.const.split("{", 1)[0], taints), kind="str")
        if method == "get" and receiver is not None and args:  # mapping.get(key, default)
            read = read_item(receiver, args[0])
            if len(args) > 1:
                read = join(read, args[1])
            if args[0].is_const:
                read = self.relabel_source(read, node, args[0].const)
            return read

        sanitizer = models.sanitizers.get(qual) if qual else None
        if sanitizer is None and wildcard:
            sanitizer = models.sanitizers.get(wildcard)
        if sanitizer is not None:
            if sanitizer.kinds >= ALL:
                return CLEAN
            if qual == "builtins.min" and not any(v.constant() for v in args):
                return Val(taints=taints, kind="num")
            return Val(taints=clear(taints, sanitizer.kinds), kind="num" if sanitizer.numeric else None)

        typed = models.returns.get(qual) if qual else None
        if typed is not None:
            result_type = typed.type
            if typed.constant_type and all(v.constant() for v in (*args, *kwargs.values())) and not spread:
                result_type = typed.constant_type
            if typed.keywords and all(kwargs.get(k) is not None and kwargs[k].const == v for k, v in typed.keywords):
                result_type = typed.alt_type
            return Val(taints=taints, qual=result_type, inst=True)
        if sinks:  # what a sink returns is its own object (a response, a process), not the input text
            return Val(taints=taints, qual=f"{qual or wildcard}()")
        if not taints:
            return CLEAN if not callee.qual else Val(qual=f"{callee.qual}()")
        return Val(taints=taints)

    def container_method(self, node: ast.Call, receiver: Val, method: str, args: list[Val],
                         kwargs: dict[str, Val], st: State) -> Val:
        """list/dict/set methods on a container whose structure is known: positions and keys followed."""
        target = node.func.value
        elems, items = receiver.elems, receiver.items
        key = args[0] if args else None
        if method == "append" and args:
            if elems is not None:
                self.rebind(target, receiver.replace(elems=elems + (args[0],), const=NOCONST), st)
            else:
                self.rebind(target, receiver.replace(taints=merge(receiver.taints, args[0].deep())), st)
            return CLEAN
        if method in ("extend", "update", "add", "insert", "setdefault") and args:
            added = args[-1] if method in ("insert", "setdefault") else args[0]
            if method == "update" and items is not None and added.items is not None:
                merged = dict(items)
                merged.update(added.items)
                self.rebind(target, receiver.replace(items=merged, taints=merge(receiver.taints, added.taints)),
                            st)
            elif method == "extend" and elems is not None and added.elems is not None:
                self.rebind(target, receiver.replace(elems=elems + added.elems, const=NOCONST), st)
            elif method == "setdefault" and items is not None and key is not None and key.is_const:
                if key.const not in items:
                    self.rebind(target, store_item(receiver, key, added), st)
                return read_item(receiver, key) if key.const in items else added
            else:
                self.rebind(target, flatten(receiver, extra=added.deep()), st)
            return CLEAN
        if method == "pop":
            if elems is not None and not args and elems:
                self.rebind(target, receiver.replace(elems=elems[:-1], const=NOCONST), st)
                return elems[-1]
            if elems is not None and key is not None and key.is_const and isinstance(key.const, int):
                index = key.const
                if -len(elems) <= index < len(elems):
                    index %= len(elems)
                    self.rebind(target, receiver.replace(elems=elems[:index] + elems[index + 1:], const=NOCONST),
                                st)
                    return elems[index]
            if items is not None and key is not None and key.is_const:
                value = read_item(receiver, key)
                rest = dict(items)
                rest.pop(key.const, None)
                self.rebind(target, receiver.replace(items=rest), st)
                return join(value, args[1]) if len(args) > 1 else value
            return Val(taints=receiver.deep())
        if method == "remove" and elems is not None and key is not None:
            index = _find_equal(elems, key)
            if index is not None:
                self.rebind(target, receiver.replace(elems=elems[:index] + elems[index + 1:], const=NOCONST),
                            st)
            else:
                self.rebind(target, flatten(receiver), st)
            return CLEAN
        if method == "clear":
            self.rebind(target, Val(kind=receiver.kind, elems=() if elems is not None else None,
                                    items={} if items is not None else None), st)
            return CLEAN
        if method == "copy":
            return receiver
        if method == "get" and key is not None:
            read = read_item(receiver, key)
            return join(read, args[1]) if len(args) > 1 else read
        if method in ("index", "count"):
            return CLEAN
        return Val(taints=receiver.deep())

    # ------------------------------------------------------------------ sinks
    def check_sink(self, sink: Sink, node: ast.Call, receiver: Val | None, args: list[Val],
                   kwargs: dict[str, Val], spread: Taints) -> None:
        values = self.sink_arguments(sink, receiver, args, kwargs)
        if spread:
            values.append(Val(taints=spread))
        if not any(v.deep() for v in values) or not self.sink_applies(sink, args, kwargs):
            return
        if sink.when == "shell" and not _true(kwargs.get("shell")) and values and values[0].elems is not None:
            elems = values[0].elems
            program = elems[0] if elems else CLEAN
            values = [values[0]] if program.is_const and program.const in _SHELLS else [program]
        self.sink_values(sink.kind, values, node, f"{_short(node)} (sink)", sink.severity)

    def sink_arguments(self, sink: Sink, receiver: Val | None, args: list[Val], kwargs: dict[str, Val]) -> list:
        values: list[Val] = []
        for spec in sink.args:
            if spec == "*":
                values.extend(args)
                values.extend(kwargs.values())
            elif spec == "self":
                if receiver is not None:
                    values.append(receiver)
            elif isinstance(spec, int):
                if spec < len(args):
                    values.append(args[spec])
            elif spec in kwargs:
                values.append(kwargs[spec])
        return values

    def sink_applies(self, sink: Sink, args: list[Val], kwargs: dict[str, Val]) -> bool:
        when = sink.when
        if not when or when == "shell":
            return True
        if when in ("html", "html-explicit"):
            declared = kwargs.get("mimetype") or kwargs.get("content_type") or kwargs.get("media_type")
            if declared is None or not declared.is_const:
                return when == "html"
            return "html" in str(declared.const).lower()
        if when == "unsafe-yaml":
            loader = kwargs.get("Loader") or (args[1] if len(args) > 1 else None)
            return loader is None or not (loader.qual or "").endswith(_SAFE_YAML)
        if when == "parser":
            parser = kwargs.get("parser") or (args[1] if len(args) > 1 else None)
            return parser is None or parser.qual != "lxml.etree.SafeParser"
        if when == "allow-pickle":
            return _true(kwargs.get("allow_pickle"))
        return True

    def sink_values(self, kind: str, values: list[Val], node: ast.AST, label: str, severity: str = "") -> None:
        sink_step = None
        for value in values:
            for (origin, cleared), steps in value.deep().items():
                if kind in cleared:
                    continue
                if sink_step is None:
                    sink_step = self.step(node, label)
                self.analysis.reach(self, kind, origin, cleared, steps, sink_step, severity)

    def store_sink(self, container: Val, value: Val, node: ast.AST) -> None:
        if container.qual is None or not value.deep():
            return
        sink = self.models.store_sinks.get(container.qual)
        if sink is not None:
            self.sink_values(sink.kind, [value], node, f"{_short(node)} (sink)")

    def check_secret_name(self, name: str, value: Val, node: ast.AST) -> None:
        if SECRET_NAME.search(name):
            randoms = {k: v for k, v in value.deep().items() if k[0].kind in ("random", "param")}
            if randoms:
                self.sink_values("secret", [Val(taints=randoms)], node, f"{name} = … (sink)")

    def on_return(self, node: ast.Return, value: Val) -> None:
        if self.function is not None and SECRET_NAME.search(self.function.name):
            self.check_secret_name(self.function.name, value, node)
        if self.handler is None or not self.handler.returns_html or not value.deep():
            return
        if value.elems is not None and value.kind == "tuple":  # (body, status[, headers])
            value = value.elems[0] if value.elems else CLEAN
        if value.qual is not None or value.kind in ("dict", "list", "num", "set", "generator") \
                or value.items is not None or value.elems is not None:
            return
        self.sink_values("xss", [value], node, f"return {_short(node.value)} (sink)")

    # ------------------------------------------------------------------ narrowing (barrier guards)
    def narrow(self, test: ast.AST, st: State, truth: bool) -> State:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self.narrow(test.operand, st, not truth)
        if isinstance(test, ast.BoolOp):
            if isinstance(test.op, ast.And) == truth:  # and/True, or/False: every part holds
                for part in test.values:
                    st = self.narrow(part, st, truth)
            return st
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            op, left, right = test.ops[0], test.left, test.comparators[0]
            if isinstance(op, ast.In | ast.NotIn):
                if (isinstance(op, ast.In) == truth) and not self.ev(right, st).deep():
                    self.sanitize(left, ALL, st)
            elif isinstance(op, ast.Eq | ast.NotEq):
                if isinstance(op, ast.Eq) == truth:
                    for a, b in ((left, right), (right, left)):
                        other = self.ev(b, st)
                        if other.is_const and isinstance(a, ast.Name):
                            st[a.id] = other
            elif isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE):
                below = isinstance(op, ast.Lt | ast.LtE) == truth  # left is bounded above
                bounded, limit = (left, right) if below else (right, left)
                if not self.ev(limit, st).deep():
                    self.sanitize(bounded, frozenset({"size"}), st)
            return st
        if isinstance(test, ast.Call) and truth:
            guard = self.guard_for(test, st)
            if guard is not None:
                checked = test.func.value if guard.arg == "self" and isinstance(test.func, ast.Attribute) else (
                    test.args[guard.arg] if isinstance(guard.arg, int) and guard.arg < len(test.args) else None)
                if checked is not None:
                    self.sanitize(checked, guard.kinds, st)
        return st

    def guard_for(self, test: ast.Call, st: State):
        func = test.func
        if isinstance(func, ast.Attribute):
            qual = self.attribute(self.ev(func.value, st), func.attr, func).qual
        else:
            qual = self.ev(func, st).qual
        guard = self.models.guards.get(qual) if qual else None
        if guard is None and isinstance(func, ast.Attribute):
            guard = self.models.guards.get(f"*.{func.attr}")
        return guard

    def sanitize(self, expr: ast.AST, kinds: frozenset, st: State) -> None:
        """Make the variables a checked expression reads from safe for ``kinds`` (``realpath(p)`` checks
        ``p``)."""
        if isinstance(expr, ast.Name | ast.Attribute | ast.Subscript) and _is_path(expr):
            self.rebind(expr, clear_val(self.ev(expr, st), kinds), st)
            return
        if isinstance(expr, ast.Call):
            for part in (*expr.args, *(k.value for k in expr.keywords)):
                self.sanitize(part, kinds, st)
            if isinstance(expr.func, ast.Attribute):
                self.sanitize(expr.func.value, kinds, st)
        elif isinstance(expr, ast.BinOp):
            self.sanitize(expr.left, kinds, st)
            self.sanitize(expr.right, kinds, st)
        elif isinstance(expr, ast.JoinedStr):
            for part in expr.values:
                if isinstance(part, ast.FormattedValue):
                    self.sanitize(part.value, kinds, st)

    # ------------------------------------------------------------------ helpers
    def element_of(self, container: Val, node: ast.AST) -> Val:
        """What iterating ``container`` yields."""
        taints = container.deep()
        if container.qual is not None:
            source = self.models.iter_sources.get(container.qual)
            if source is not None:
                origin = Origin(source.kind, source.label)
                taints = merge(taints, {(origin, frozenset()): (self.step(node, f"{_short(node)} (source)"),)})
        if container.elems is not None and not container.taints:
            result: Val | None = None
            for elem in container.elems:
                result = elem if result is None else join(result, elem)
            return result or CLEAN
        if container.is_const and isinstance(container.const, tuple | frozenset | str):
            return CLEAN
        return Val(taints=taints)


_CONTAINER_METHODS = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "copy", "update",
                                "setdefault", "add", "get", "index", "count"})


def _is_path(expr: ast.AST) -> bool:
    while isinstance(expr, ast.Attribute | ast.Subscript):
        expr = expr.value
    return isinstance(expr, ast.Name)


def _short(node: ast.AST | None, limit: int = 80) -> str:
    if node is None:
        return ""
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - a label is best effort
        return node.__class__.__name__
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _stepped(value: Val, step: Step) -> Val:
    if value.taints:
        return value.replace(taints=add_step(value.taints, step))
    # a container: step its parts (what is read later is a part)
    elems = tuple(_stepped(e, step) if e.deep() else e for e in value.elems) if value.elems else value.elems
    items = {k: (_stepped(v, step) if v.deep() else v) for k, v in value.items.items()} if value.items else \
        value.items
    attrs = {k: (_stepped(v, step) if v.deep() else v) for k, v in value.attrs.items()} if value.attrs else \
        value.attrs
    return value.replace(elems=elems, items=items, attrs=attrs)


def _field_taints(taints: Taints, name: str) -> Taints:
    """Reading an attribute of a parameter is a read of that parameter's field (``param.name``)."""
    if not taints:
        return taints
    out: Taints = {}
    for (origin, cleared), steps in taints.items():
        if origin.kind == "param" and origin.field is None:
            origin = Origin("param", origin.label, origin.param, name)
        out[(origin, cleared)] = steps
    return out


def _prefix_clears(prefix: str, taints: Taints) -> Taints:
    if not taints:
        return taints
    kinds = set()
    if _FIXED_HOST.match(prefix):
        kinds.update(("ssrf", "redirect"))
    elif _LOCAL_PATH.match(prefix) and len(prefix) > 1:
        kinds.add("redirect")
    return clear(taints, frozenset(kinds)) if kinds else taints


def clear_val(value: Val, kinds: frozenset) -> Val:
    if not value.deep():
        return value
    return value.replace(
        taints=clear(value.taints, kinds),
        elems=tuple(clear_val(e, kinds) for e in value.elems) if value.elems else value.elems,
        items={k: clear_val(v, kinds) for k, v in value.items.items()} if value.items else value.items,
        attrs={k: clear_val(v, kinds) for k, v in value.attrs.items()} if value.attrs else value.attrs,
    )


def read_item(container: Val, key: Val) -> Val:
    """``container[key]``: a known key or position gives its value; an absent constant key gives only what
    the container holds under unknown keys; any other key gives everything."""
    if key.is_const:
        k = key.const
        if container.items is not None and _hashable([k]):
            if k in container.items:
                return container.items[k]
            return Val(taints=container.taints) if container.taints else CLEAN
        if container.elems is not None and isinstance(k, int) and not isinstance(k, bool):
            if -len(container.elems) <= k < len(container.elems):
                return container.elems[k]
            return Val(taints=container.taints) if container.taints else CLEAN
        if container.is_const and isinstance(container.const, tuple | str):
            try:
                return const(container.const[k])
            except Exception:  # noqa: BLE001
                return CLEAN
    taints = container.deep()
    return Val(taints=taints) if taints else CLEAN


def store_item(container: Val, key: Val, value: Val, replace: bool = False) -> Val:
    if key.is_const and _hashable([key.const]):
        if container.items is not None or (container.elems is None and not container.taints
                                           and container.kind in (None, "dict")):
            items = dict(container.items or {})
            items[key.const] = value
            return container.replace(items=items, kind=container.kind or "dict", const=NOCONST)
        if container.elems is not None and isinstance(key.const, int):
            index = key.const
            if -len(container.elems) <= index < len(container.elems):
                elems = list(container.elems)
                elems[index] = value
                return container.replace(elems=tuple(elems), const=NOCONST)
    return flatten(container, extra=merge(key.deep(), value.deep()))


def flatten(container: Val, extra: Taints = EMPTY) -> Val:
    """The container with its structure forgotten (an update the analysis cannot place)."""
    return Val(taints=merge(container.deep(), extra), kind=container.kind, qual=container.qual,
               inst=container.inst)


def _find_equal(elems: tuple[Val, ...], key: Val) -> int | None:
    if not key.is_const:
        return None
    for index, elem in enumerate(elems):
        if elem.is_const and elem.const == key.const and type(elem.const) is type(key.const):
            return index
        if not elem.is_const:
            return None  # an unknown element before it might be equal
    return None


def _hashable(values) -> bool:
    try:
        for value in values:
            hash(value)
    except TypeError:
        return False
    return True


def _true(value: Val | None) -> bool:
    return value is not None and value.is_const and bool(value.const)


def _match_constant(pattern: ast.pattern, subject: Val) -> bool | None:
    """True/False when a constant subject decides the case; None when it cannot be told."""
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
        return True
    if not subject.is_const:
        return None
    if isinstance(pattern, ast.MatchValue) and isinstance(pattern.value, ast.Constant):
        return pattern.value.value == subject.const
    if isinstance(pattern, ast.MatchSingleton):
        return pattern.value is subject.const
    if isinstance(pattern, ast.MatchOr):
        results = [_match_constant(p, subject) for p in pattern.patterns]
        if any(r is True for r in results):
            return True
        if all(r is False for r in results):
            return False
    return None


_BINOPS = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b, ast.FloorDiv: lambda a, b: a // b, ast.Mod: lambda a, b: a % b,
    ast.BitOr: lambda a, b: a | b, ast.BitAnd: lambda a, b: a & b, ast.BitXor: lambda a, b: a ^ b,
}


def _fold_binop(op: ast.operator, a: object, b: object) -> object:
    fold = _BINOPS.get(type(op))
    if fold is None or not isinstance(a, _FOLDABLE + (tuple,)) or not isinstance(b, _FOLDABLE + (tuple,)):
        return NOCONST
    if isinstance(op, ast.Mult) and (isinstance(a, str | bytes | tuple) or isinstance(b, str | bytes | tuple)):
        count = b if isinstance(b, int) else a
        if not isinstance(count, int) or count > 10_000:
            return NOCONST
    try:
        result = fold(a, b)
    except Exception:  # noqa: BLE001 - folding must never fail the analysis
        return NOCONST
    if isinstance(result, str | bytes) and len(result) > 100_000:
        return NOCONST
    return result


_COMPARE = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b, ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
}


def _compare(op: ast.cmpop, a: object, b: object) -> bool:
    return _COMPARE[type(op)](a, b)


def join_states(*states: State | None) -> State | None:
    live = [s for s in states if s is not None]
    if not live:
        return None
    if len(live) == 1:
        return live[0]
    first = live[0]
    out = dict(first)
    for other in live[1:]:
        for name, value in other.items():
            mine = out.get(name)
            out[name] = value if mine is None else join(mine, value)
    return out


def states_same(a: State | None, b: State | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.keys() != b.keys():
        return False
    return all(a[k].same(b[k]) for k in a)
