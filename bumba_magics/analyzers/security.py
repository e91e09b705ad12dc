"""Security checks that ruff's ``S`` rules miss or state too vaguely.

Ruff flags every ``pickle.loads`` and every string that looks like SQL; these checks follow the value: a
query built with an f-string that *reaches* ``cursor.execute`` (also through a local variable), a fast hash
applied to a *password*, ``random`` used to make a *token*. Each finding says why it matters and, where the
rewrite is obvious, carries the fixed line. All checks run in the shared one-walk dispatcher: per call node
they do a dictionary lookup on the callee's last name and nothing more unless it matches.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ..context.source import Source
from ..core.rules import rule
from ..findings import Category, Finding, Fix, Severity
from .base import (
    CHECKS,
    AstGroupAnalyzer,
    NodeContext,
    register_analyzer,
)

Findings = Iterable["Finding | None"]

# ---------------------------------------------------------------------------------------------------------
# Small AST helpers shared with hardening.py
# ---------------------------------------------------------------------------------------------------------


def is_const(node: ast.AST | None, value: object) -> bool:
    """True for a literal ``True`` / ``False`` / ``0`` … (``True == 1`` must not count, hence the type check)."""
    return isinstance(node, ast.Constant) and type(node.value) is type(value) and node.value == value


def const_str(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    found = keyword(call, name)
    return found.value if found is not None else None


def argument(call: ast.Call, position: int, *names: str) -> ast.expr | None:
    """The argument passed at ``position`` or by one of ``names``; None when absent or starred."""
    if len(call.args) > position:
        arg = call.args[position]
        return None if isinstance(arg, ast.Starred) else arg
    for name in names:
        value = keyword_value(call, name)
        if value is not None:
            return value
    return None


def has_double_star(call: ast.Call) -> bool:
    """``f(**options)`` may set anything: checks that look for a missing keyword must stay quiet."""
    return any(k.arg is None for k in call.keywords)


def last_name(node: ast.AST) -> str | None:
    """``cursor`` for ``self.db.cursor``, ``cursor`` for ``conn.cursor()``, the id for a plain name."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def call_name(node: ast.Call, ctx: NodeContext) -> str | None:
    """The callee's last name, with ``from x import y as z`` undone: ``loads`` for ``pl(...)``."""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return ctx.aliases.get(func.id, func.id).rsplit(".", 1)[-1]
    return None


def strings_in(node: ast.AST) -> Iterator[str]:
    """String literals of a small literal (a list, tuple, set or a single string)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for element in node.elts:
            yield from strings_in(element)


_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def name_tokens(identifier: str) -> set[str]:
    """``userPassword_hash`` -> {"user", "password", "hash"}: whole words, so ``mapping`` is not a pin."""
    return {t.lower() for t in _CAMEL.findall(identifier)}


def identifiers(node: ast.AST) -> Iterator[str]:
    """Names, attributes and string subscript keys in a small expression (``request.form["password"]``)."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr
        elif isinstance(child, ast.Subscript) and const_str(child.slice):
            yield child.slice.value  # type: ignore[union-attr]
        elif isinstance(child, ast.keyword) and child.arg:
            yield child.arg


def human_line(source: Source, line: int) -> str:
    """How a person finds a virtual line: ``line 4`` or ``cell 2, line 4``."""
    location = source.locate(line)
    if location is None or location.line is None:
        return f"line {line}"
    if location.cell is not None:
        return f"cell {location.cell}, line {location.line}"
    return f"line {location.line}"


def rewrite(source: Source, span: ast.AST, target: ast.AST, replacement: str) -> str | None:
    """The lines of ``span`` with ``target``'s text replaced: a fix that can replace the flagged lines.

    Column offsets are UTF-8 byte offsets, so the splice is done on bytes.
    """
    start, end = getattr(span, "lineno", None), getattr(span, "end_lineno", None)
    t_start, t_end = getattr(target, "lineno", None), getattr(target, "end_lineno", None)
    if None in (start, end, t_start, t_end) or not (start <= t_start <= t_end <= end):
        return None
    lines = source.lines[start - 1 : end]
    if len(lines) != end - start + 1:
        return None
    encoded = [line.encode() for line in lines]
    head = b"\n".join(encoded[: t_start - start]) + (b"\n" if t_start > start else b"")
    head += encoded[t_start - start][: target.col_offset]  # type: ignore[attr-defined]
    tail = encoded[t_end - start][target.end_col_offset :]  # type: ignore[attr-defined]
    after = encoded[t_end - start + 1 :]
    text = head + replacement.encode() + tail + (b"\n" + b"\n".join(after) if after else b"")
    return text.decode(errors="replace")


def segment(source: Source, node: ast.AST) -> str:
    """The source text of ``node`` as the user wrote it (quotes, spacing); ast.unparse as a fallback."""
    start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    lines = source.lines[start - 1 : end] if start and end else []
    if not lines or len(lines) != end - start + 1:  # type: ignore[operator]
        return ast.unparse(node)
    encoded = [line.encode() for line in lines]
    if len(encoded) == 1:
        return encoded[0][node.col_offset : node.end_col_offset].decode(errors="replace")  # type: ignore
    text = b"\n".join([encoded[0][node.col_offset :], *encoded[1:-1], encoded[-1][: node.end_col_offset]])  # type: ignore
    return text.decode(errors="replace")


def py_str(text: str) -> str:
    """A Python literal for ``text``, double-quoted when it can be (the common house style)."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def call_with(source: Source, call: ast.Call, *, func: str | None = None,
              set_keywords: dict[str, str] | None = None, drop_keywords: Iterable[str] = (),
              args: list[str] | None = None) -> str:
    """Source of ``call`` with keywords set/dropped, or the callee or arguments replaced (for fixes).

    Untouched parts keep the user's own text, so a fix differs from the line only where it must.
    """
    drop = set(drop_keywords) | set(set_keywords or {})
    parts = list(args) if args is not None else [segment(source, a) for a in call.args]
    for kw in call.keywords:
        if kw.arg not in drop:
            parts.append(segment(source, kw) if kw.arg else f"**{segment(source, kw.value)}")
    parts += [f"{name}={value}" for name, value in (set_keywords or {}).items()]
    return f"{func or segment(source, call.func)}({', '.join(parts)})"


# ---------------------------------------------------------------------------------------------------------
# Facts about a module and a scope, computed once per walk and only when a check asks
# ---------------------------------------------------------------------------------------------------------

_SETTINGS_MARKERS = ("INSTALLED_APPS", "ROOT_URLCONF")
_APP_FACTORIES = {"Flask", "Quart", "FastAPI", "Starlette", "Sanic", "Bottle", "Dash", "APIFlask"}


@dataclass
class ModuleFacts:
    assignments: dict[str, ast.expr]  # module-level NAME = value, the last one wins
    string_constants: frozenset[str]  # module-level names bound exactly once, to a string literal
    app_names: frozenset[str]  # names bound to Flask(...), FastAPI(...) …
    is_django_settings: bool
    uses_sqlite: bool  # placeholders are "?" for sqlite3, "%s" for the DB-API drivers


def _module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Top-level statements, including those inside top-level if/try/with blocks (settings do that)."""
    stack: list[ast.stmt] = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            children = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            for handler in getattr(node, "handlers", []):
                children.extend(handler.body)
            stack.extend(reversed(children))


def _is_settings_path(path: str) -> bool:
    pure = PurePosixPath(path.replace("\\", "/"))
    stem = pure.stem
    if pure.suffix != ".py":
        return False
    return (
        stem == "settings" or stem.startswith("settings_") or stem.endswith("_settings")
        or pure.parent.name == "settings"
    )


def _compute_module_facts(ctx: NodeContext) -> ModuleFacts:
    assignments: dict[str, ast.expr] = {}
    counts: dict[str, int] = defaultdict(int)
    for node in _module_statements(ctx.tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                assignments[target.id] = value
                counts[target.id] += 1
    strings = frozenset(n for n, v in assignments.items() if counts[n] == 1 and const_str(v) is not None)
    apps = frozenset(
        n for n, v in assignments.items() if isinstance(v, ast.Call) and last_name(v.func) in _APP_FACTORIES
    )
    settings = _is_settings_path(ctx.source.path) or any(m in assignments for m in _SETTINGS_MARKERS)
    sqlite = any(q == "sqlite3" or q.startswith("sqlite3.") for q in ctx.aliases.values())
    return ModuleFacts(assignments, strings, apps, settings, sqlite)


def module_facts(ctx: NodeContext) -> ModuleFacts:
    """Computed on first use and kept on the walk's context, so a file pays for it at most once."""
    cache = ctx.__dict__.setdefault("_module_facts", {})
    facts = cache.get(id(ctx.tree))
    if facts is None:
        facts = cache[id(ctx.tree)] = _compute_module_facts(ctx)
    return facts


def at_module_level(ctx: NodeContext) -> bool:
    return not ctx.functions and not any(isinstance(p, ast.ClassDef) for p in ctx.parents)


@dataclass
class Binding:
    line: int
    augmented: bool  # ``name += value``
    top_level: bool  # directly in the scope's body, so it overrides every earlier binding
    value: ast.expr


_NEW_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _scope_bindings(scope: ast.AST) -> dict[str, list[Binding]]:
    """Simple ``name = value`` / ``name += value`` bindings of one scope, nested scopes left out."""
    bindings: dict[str, list[Binding]] = defaultdict(list)
    body = scope.body if isinstance(scope, (ast.Module, *_NEW_SCOPES[:2])) else []
    top = {id(s) for s in body}
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            bindings[node.targets[0].id].append(Binding(node.lineno, False, id(node) in top, node.value))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            bindings[node.target.id].append(Binding(node.lineno, False, id(node) in top, node.value))
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name):
            bindings[node.target.id].append(Binding(node.lineno, True, id(node) in top, node.value))
        stack.extend(reversed([c for c in ast.iter_child_nodes(node) if not isinstance(c, _NEW_SCOPES)]))
    return bindings


def reaching_bindings(ctx: NodeContext, name: str, line: int) -> list[Binding]:
    """Bindings of ``name`` that may hold when ``line`` runs, in the enclosing function (or the module).

    Deliberately simple def-use: everything bound before ``line`` since the last unconditional plain
    assignment; both arms of an if/else are kept, so a query built in either arm is seen.
    """
    scope = ctx.function or ctx.tree
    cache = ctx.__dict__.setdefault("_scope_bindings", {})
    table = cache.get(id(scope))
    if table is None:
        table = cache[id(scope)] = _scope_bindings(scope)
    before = [b for b in table.get(name, ()) if b.line < line]
    cut = max((i for i, b in enumerate(before) if b.top_level and not b.augmented), default=0)
    return before[cut:]


# ---------------------------------------------------------------------------------------------------------
# Strings built by formatting: what is literal, what is spliced in
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Built:
    """A string built with an f-string, ``%``, ``.format`` or ``+``."""

    kind: str  # "f-string" | "% formatting" | "str.format" | "concatenation"
    pieces: list[str | ast.expr]  # literal text and spliced values, in order (``%``: text first, then values)
    dynamic: list[ast.expr] = field(default_factory=list)  # spliced values that are not known constants

    @property
    def text(self) -> str:
        return "".join(p for p in self.pieces if isinstance(p, str))


def _is_text_expr(node: ast.AST) -> bool:
    return const_str(node) is not None or isinstance(node, ast.JoinedStr) or _format_receiver(node) is not None


def _format_receiver(node: ast.AST) -> str | None:
    if (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        and const_str(node.func.value) is not None
    ):
        return node.func.value.value  # type: ignore[union-attr]
    return None


def _flatten_add(node: ast.expr) -> list[ast.expr]:
    parts: list[ast.expr] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts.append(node.right)
        node = node.left
    parts.append(node)
    return list(reversed(parts))


def _pieces(node: ast.expr) -> tuple[str, list[str | ast.expr]] | None:
    """Literal text and spliced values of a string-building expression; None when it is not one."""
    if isinstance(node, ast.JoinedStr):
        out: list[str | ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                out.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                out.append(value.value)
        return "f-string", out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_text_expr(node.left):
        left = const_str(node.left)
        inner = None if left is not None else _pieces(node.left)
        head: list[str | ast.expr] = [left] if left is not None else (inner[1] if inner else [])
        right = node.right
        values = right.elts if isinstance(right, ast.Tuple) else (
            [v for v in right.values] if isinstance(right, ast.Dict) else [right]
        )
        return "% formatting", [*head, *values]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parts = _flatten_add(node)
        if not any(_is_text_expr(p) for p in parts):
            return None  # could be numbers or lists
        out = []
        for part in parts:
            text = const_str(part)
            nested = None if text is not None else _pieces(part) if _is_text_expr(part) else None
            if text is not None:
                out.append(text)
            elif nested is not None:
                out.extend(nested[1])
            else:
                out.append(part)
        return "concatenation", out
    template = _format_receiver(node)
    if template is not None:
        call = node  # type: ignore[assignment]
        spliced = [a for a in call.args if not isinstance(a, ast.Starred)] + [k.value for k in call.keywords]
        return "str.format", [template, *spliced]
    return None


def built_string(node: ast.expr, is_safe: Callable[[ast.expr], bool]) -> Built | None:
    result = _pieces(node)
    if result is None:
        return None
    kind, pieces = result
    dynamic = [p for p in pieces if not isinstance(p, str) and not is_safe(p)]
    if kind == "str.format" and any(isinstance(a, ast.Starred) for a in node.args):  # type: ignore[attr-defined]
        dynamic.append(node)
    return Built(kind, pieces, dynamic)


_PLACEHOLDER_ELEMENTS = ("?", "%s", "%(", ":")
_SQL_SANITISERS = {  # calls whose result cannot carry SQL syntax: numbers, or values quoted by the driver
    "int", "float", "len", "bool", "min", "max", "abs", "round", "quote_name", "quote_ident", "quote_identifier", "escape_string",
    "quote_name_unless_alias", "literal", "Identifier", "escape_identifier", "identifier_converter",
}
_SHELL_SANITISERS = {"int", "float", "len", "bool", "quote", "escape"}


def _is_safe_join(node: ast.expr, safe: Callable[[ast.expr], bool], sanitisers: set[str]) -> bool:
    """``", ".join("?" * len(ids))`` (placeholders for an IN list) or a join of sanitised values
    (``", ".join(quote_name(c) for c in columns)``, ``", ".join(map(quote_name, columns))``)."""
    if not (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
        and const_str(node.func.value) is not None and len(node.args) == 1
    ):
        return False
    arg = node.args[0]
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mult):
        return any(const_str(side) is not None or isinstance(side, ast.List) for side in (arg.left, arg.right))
    if isinstance(arg, (ast.GeneratorExp, ast.ListComp)):
        return safe(arg.elt)
    if isinstance(arg, ast.Call) and last_name(arg.func) == "map" and arg.args:
        return last_name(arg.args[0]) in sanitisers
    return False


def value_is_safe(ctx: NodeContext, line: int, sanitisers: set[str], depth: int = 0) -> Callable[[ast.expr], bool]:
    """A predicate: is this spliced value a constant, a sanitised value or a placeholder list?"""
    facts = module_facts(ctx)

    def safe(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            if node.id in facts.string_constants or (node.id.isupper() and len(node.id) > 1):
                return True
            if depth >= 1:
                return False
            found = reaching_bindings(ctx, node.id, line)
            inner = value_is_safe(ctx, line, sanitisers, depth + 1)
            return bool(found) and all(inner(b.value) for b in found)
        if isinstance(node, ast.Attribute):
            return node.attr.isupper() and len(node.attr) > 1
        if isinstance(node, ast.Call) and (
            last_name(node.func) in sanitisers or _is_safe_join(node, safe, sanitisers)
        ):
            return True
        nested = built_string(node, safe)
        return nested is not None and not nested.dynamic

    return safe


# ---------------------------------------------------------------------------------------------------------
# Dispatch: one check per node type, handlers looked up by callee name or keyword name
# ---------------------------------------------------------------------------------------------------------

CallHandler = Callable[[ast.Call, NodeContext], Findings]
KeywordHandler = Callable[[ast.Call, ast.keyword, NodeContext], Findings]


class CallChecks:
    """Routes each ``ast.Call`` to the handlers for its callee's last name and for its keyword names.

    A single registered check with dictionary lookups keeps the cost per call node flat however many
    rules there are.
    """

    def __init__(self, group: str) -> None:
        self.by_name: dict[str, list[CallHandler]] = defaultdict(list)
        self.by_keyword: dict[str, list[KeywordHandler]] = defaultdict(list)
        CHECKS.register(group, ast.Call)(self.check)

    def on(self, *names: str) -> Callable[[CallHandler], CallHandler]:
        def decorator(handler: CallHandler) -> CallHandler:
            for name in names:
                self.by_name[name].append(handler)
            return handler

        return decorator

    def on_keyword(self, *names: str) -> Callable[[KeywordHandler], KeywordHandler]:
        def decorator(handler: KeywordHandler) -> KeywordHandler:
            for name in names:
                self.by_keyword[name].append(handler)
            return handler

        return decorator

    def check(self, node: ast.AST, ctx: NodeContext) -> Findings:
        assert isinstance(node, ast.Call)
        findings: list[Finding | None] = []
        for handler in self.by_name.get(call_name(node, ctx) or "", ()):
            findings.extend(handler(node, ctx))
        if self.by_keyword:
            for kw in node.keywords:
                for keyword_handler in self.by_keyword.get(kw.arg or "", ()):
                    findings.extend(keyword_handler(node, kw, ctx))
        return findings


calls = CallChecks("security")


# ---------------------------------------------------------------------------------------------------------
# BMB101 SQL built by string formatting reaches a query call
# ---------------------------------------------------------------------------------------------------------

SQL_INJECTION = rule(
    "BMB101", "sql-built-by-formatting", "SQL built by string formatting reaches a query call", Severity.high,
    category=Category.security, analyzer="security",
    why="Values spliced into SQL text are parsed as SQL: a quote in the input ends the literal and the rest "
    "runs as the attacker's query (read any table, bypass a login, drop data).",
    recommendation="Keep the SQL text constant and pass values as parameters (`execute(sql, params)`); identifiers such "
    "as table names cannot be bound, so check them against an allow-list or quote them with the driver.",
    references=("CWE-89", "A03:2021-Injection"),
    supersedes=("S608",),
    bad='cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")',
    good='cur.execute("SELECT * FROM users WHERE name = ?", (name,))',
)

_SQL_WORDS = re.compile(
    r"\b(select\b.*\bfrom|insert\s+into|update\b.*\bset|delete\s+from|create\s+(table|index|view)|"
    r"drop\s+(table|index|view)|alter\s+table|truncate\b|pragma\b|where\b|values\s*\(|order\s+by|group\s+by)",
    re.IGNORECASE | re.DOTALL,
)
_DB_RECEIVER = re.compile(
    r"(^|_)(cur|cursor|conn|connection|con|db|database|session|engine|tx|transaction|sqlite|pg|mysql)$", re.IGNORECASE
)
_SQL_NAME = re.compile(r"(^|_)(sql|query|stmt|statement|q)($|_)", re.IGNORECASE)
_SQL_SINKS = {"execute", "executemany", "executescript", "raw", "read_sql", "read_sql_query", "text",
              "RawSQL", "exec_driver_sql"}
_DEFINITE_SQL_SINKS = {"executescript", "read_sql", "read_sql_query", "RawSQL", "exec_driver_sql"}
_PERCENT_FIELD = re.compile(r"(['\"]?)%(\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]\1")


def _sql_query_argument(node: ast.Call, name: str) -> ast.expr | None:
    return argument(node, 0, "sql", "query", "statement", "operation", "stmt", "text")


def _sql_sink_applies(node: ast.Call, name: str, ctx: NodeContext) -> bool:
    if name == "text":
        return (ctx.qualname(node.func) or "").startswith("sqlalchemy")
    if name == "RawSQL":
        return (ctx.qualname(node.func) or "").startswith("django")
    return True


def _looks_like_sql(built: Built, call: ast.Call, name: str, variable: str | None) -> bool:
    """Generic names like ``execute`` need evidence of SQL: SQL words, a DB-ish receiver or variable."""
    if name in _DEFINITE_SQL_SINKS or name in ("text", "raw"):
        return name != "raw" or bool(_SQL_WORDS.search(built.text))
    if _SQL_WORDS.search(built.text):
        return True
    receiver = last_name(call.func.value) if isinstance(call.func, ast.Attribute) else None
    return bool(receiver and _DB_RECEIVER.search(receiver)) or bool(variable and _SQL_NAME.search(variable))


@calls.on(*_SQL_SINKS)
def check_sql_formatting(node: ast.Call, ctx: NodeContext) -> Findings:
    name = call_name(node, ctx) or ""
    query = _sql_query_argument(node, name)
    if query is None or not _sql_sink_applies(node, name, ctx):
        return
    safe = value_is_safe(ctx, node.lineno, _SQL_SANITISERS)
    callee = ast.unparse(node.func)
    built = built_string(query, safe)
    if built is not None:
        if built.dynamic and _looks_like_sql(built, node, name, None):
            yield ctx.finding(
                SQL_INJECTION, query, title=f"SQL built with {built.kind} is passed to {callee}()",
                fix=_parameterised_fix(ctx, node, query, built, name),
            )
        return
    if isinstance(query, ast.Name):
        for binding in reaching_bindings(ctx, query.id, node.lineno):
            built = built_string(binding.value, safe)
            if built is None and binding.augmented and not safe(binding.value):
                built = Built("concatenation", [binding.value], [binding.value])
            if built is not None and built.dynamic and _looks_like_sql(built, node, name, query.id):
                where = human_line(ctx.source, binding.line)
                yield ctx.finding(
                    SQL_INJECTION, node,
                    title=f"SQL built with {built.kind} on {where} reaches {callee}() through `{query.id}`",
                    fix=Fix(description=(
                        f"Keep `{query.id}` a constant with placeholders and pass the values as the "
                        f"parameters of {callee}()."
                    )),
                )
                return


def _parameterised_fix(ctx: NodeContext, call: ast.Call, query: ast.expr, built: Built, name: str) -> Fix:
    """Rewrite the call with placeholders and a parameter tuple, when the values sit in value positions."""
    advice = Fix(description="Use placeholders in a constant SQL string and pass the values as parameters.")
    if name not in ("execute", "executemany", "raw", "read_sql", "read_sql_query") or len(call.args) > 1:
        return advice
    if keyword(call, "params") is not None or keyword(call, "parameters") is not None:
        return advice
    marker = "?" if module_facts(ctx).uses_sqlite and name != "raw" else "%s"
    rebuilt = _placeholder_text(built, marker)
    if rebuilt is None:
        return Fix(description=(
            "A spliced value sits where SQL expects an identifier or a list; parameters cannot bind those, "
            "so check the value against an allow-list of known names (or quote it with the driver)."
        ))
    sql, values = rebuilt
    params = "(" + ", ".join(segment(ctx.source, v) for v in values) + ("," if len(values) == 1 else "") + ")"
    if name.startswith("read_sql"):
        new_call = call_with(ctx.source, call, args=[py_str(sql), *(segment(ctx.source, a) for a in call.args[1:])],
                             set_keywords={"params": params})
    else:
        new_call = call_with(ctx.source, call, args=[py_str(sql), params])
    code = rewrite(ctx.source, call, call, new_call)
    return Fix(description="Bind the values as parameters; the SQL text stays constant.", code=code)


def _placeholder_text(built: Built, marker: str) -> tuple[str, list[ast.expr]] | None:
    """The SQL with each spliced value replaced by a placeholder (quotes around it dropped), and the values.

    None when a value sits where SQL wants an identifier or a list, which parameters cannot bind.
    """
    pieces = _ordered_pieces(built)
    if pieces is None:
        return None
    text = ""
    values: list[ast.expr] = []
    drop_quote = ""
    for index, piece in enumerate(pieces):
        if isinstance(piece, str):
            text += piece[1:] if drop_quote and piece.startswith(drop_quote) else piece
            drop_quote = ""
            continue
        if _in_identifier_position(text):
            return None
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        quote = text[-1:] if text[-1:] in ("'", '"') else ""
        if quote and isinstance(following, str) and following.startswith(quote):
            text, drop_quote = text[:-1], quote
        text += marker
        values.append(piece)
    return text, values


def _ordered_pieces(built: Built) -> list[str | ast.expr] | None:
    """Text and values in reading order; ``%`` templates are split at their conversion fields."""
    if built.kind in ("f-string", "concatenation"):
        return list(built.pieces)
    if built.kind != "% formatting" or not isinstance(built.pieces[0], str):
        return None
    template, values = built.pieces[0], built.pieces[1:]
    if any(isinstance(v, str) for v in values) or "%(" in template:
        return None
    fields = list(_PERCENT_FIELD.finditer(template))
    if len(fields) != len(values):
        return None
    pieces: list[str | ast.expr] = []
    position = 0
    for match, value in zip(fields, values):
        pieces += [template[position: match.start()] + match.group(1), value]
        position = match.end() - len(match.group(1))
    pieces.append(template[position:])
    return pieces


_LAST_SQL_WORD = re.compile(
    r"\b(select|from|join|into|update|table|by|where|values|set|and|or|on|having|limit|offset|like|when|"
    r"then|else|not|is|between)\b|[=<>(]", re.IGNORECASE
)
_IDENTIFIER_WORDS = {"select", "from", "join", "into", "update", "table", "by"}


def _in_identifier_position(text: str) -> bool:
    """Does SQL expect a table/column name (or an IN list) where the text ends?"""
    stripped = text.rstrip().rstrip("'\"")
    if stripped.endswith(".") or re.search(r"\bin\s*\($", stripped, re.IGNORECASE):
        return True
    words = _LAST_SQL_WORD.findall(stripped)
    return bool(words) and words[-1].lower() in _IDENTIFIER_WORDS


# ---------------------------------------------------------------------------------------------------------
# BMB102 HTML autoescaping off · BMB111 template source built from input
# ---------------------------------------------------------------------------------------------------------

AUTOESCAPE_OFF = rule(
    "BMB102", "html-autoescape-off", "HTML autoescaping is off", Severity.high,
    category=Category.security, analyzer="security",
    why="Without autoescaping every value rendered into HTML is markup: a user name like "
    "`<script>…</script>` runs in other users' browsers (stored or reflected XSS).",
    recommendation="Create the environment with `autoescape=select_autoescape()` (or `True`); mark only trusted, "
    "already-escaped strings safe.",
    references=("CWE-79", "A03:2021-Injection"),
    supersedes=("S701", "S704", "S308"),
    bad='env = jinja2.Environment(loader=FileSystemLoader("templates"))',
    good='env = jinja2.Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())',
)
TEMPLATE_INJECTION = rule(
    "BMB111", "template-built-from-input", "Template source is built from a variable value", Severity.high,
    category=Category.security, analyzer="security",
    why="Jinja2 template text is code: input spliced into the template source (not passed as a variable) "
    "lets an attacker run `{{ ''.__class__.__mro__ … }}` payloads on the server (SSTI).",
    recommendation="Keep the template text constant and pass values as render variables: "
    "`render_template_string(TEMPLATE, name=name)`.",
    references=("CWE-1336", "CWE-94", "A03:2021-Injection"),
    supersedes=(),
    bad='render_template_string(f"<h1>Hello {name}</h1>")',
    good='render_template_string("<h1>Hello {{ name }}</h1>", name=name)',
)

_MARKUP = {"markupsafe.Markup", "jinja2.Markup", "flask.Markup", "jinja2.utils.Markup",
           "django.utils.safestring.mark_safe", "django.utils.safestring.SafeString",
           "django.utils.html.mark_safe"}


@calls.on("Environment", "SandboxedEnvironment")
def check_jinja_environment(node: ast.Call, ctx: NodeContext) -> Findings:
    if not (ctx.qualname(node.func) or "").startswith("jinja2"):
        return
    value = keyword_value(node, "autoescape")
    if value is None and has_double_star(node):
        return
    if value is None or is_const(value, False):
        code = rewrite(ctx.source, node, node, call_with(ctx.source, node, set_keywords={"autoescape": "select_autoescape()"}))
        yield ctx.finding(
            AUTOESCAPE_OFF, node,
            title="jinja2 Environment renders HTML without autoescaping"
            + (" (autoescape=False)" if value is not None else " (the default is off)"),
            fix=Fix(description="Turn autoescaping on for HTML/XML templates "
                                "(`from jinja2 import select_autoescape`).", code=code),
        )


@calls.on("Template")
def check_jinja_template(node: ast.Call, ctx: NodeContext) -> Findings:
    if not (ctx.qualname(node.func) or "").startswith("jinja2"):
        return
    template = argument(node, 0, "source")
    if template is not None:
        built = built_string(template, value_is_safe(ctx, node.lineno, set()))
        if built is not None and built.dynamic:
            yield ctx.finding(TEMPLATE_INJECTION, node, title="jinja2 Template source is built with "
                              f"{built.kind} from a variable value")
            return
    value = keyword_value(node, "autoescape")
    if (value is None and not has_double_star(node)) or is_const(value, False):
        code = rewrite(ctx.source, node, node, call_with(ctx.source, node, set_keywords={"autoescape": "True"}))
        yield ctx.finding(
            AUTOESCAPE_OFF, node, title="jinja2 Template() renders without autoescaping",
            fix=Fix(description="Pass autoescape=True, or load templates from an Environment with "
                                "select_autoescape().", code=code),
        )


@calls.on("render_template_string", "from_string")
def check_template_string(node: ast.Call, ctx: NodeContext) -> Findings:
    name = call_name(node, ctx)
    qualname = ctx.qualname(node.func) or ""
    if name == "render_template_string" and not qualname.startswith(("flask", "quart", "render_template")):
        return
    template = argument(node, 0, "source")
    if template is None:
        return
    built = built_string(template, value_is_safe(ctx, node.lineno, set()))
    if built is not None and built.dynamic:
        yield ctx.finding(
            TEMPLATE_INJECTION, node, title=f"Template source for {name}() is built with {built.kind}",
            fix=Fix(description="Put `{{ name }}` placeholders in a constant template and pass the values "
                                "as keyword arguments."),
        )


@calls.on("Markup", "mark_safe", "SafeString")
def check_markup(node: ast.Call, ctx: NodeContext) -> Findings:
    if ctx.qualname(node.func) not in _MARKUP or not node.args:
        return
    # only markup *built here* from variable values is reported: a plain variable is usually the output of
    # escape()/format_html()/a renderer, and frameworks pass those around by design (ruff's S308/S704 still
    # list every call for a manual audit)
    built = built_string(node.args[0], value_is_safe(ctx, node.lineno, set()))
    if built is not None and built.dynamic:
        function = ast.unparse(node.func)
        yield ctx.finding(
            AUTOESCAPE_OFF, node, title=f"{function}() marks HTML built with {built.kind} from variable values as safe",
            fix=Fix(description="Escape the value first, e.g. `Markup('<b>{}</b>').format(value)` or "
                                "Django's `format_html('<b>{}</b>', value)`."),
        )


# ---------------------------------------------------------------------------------------------------------
# BMB103 debug mode on
# ---------------------------------------------------------------------------------------------------------

DEBUG_MODE = rule(
    "BMB103", "debug-mode-on", "Debug mode is switched on in code", Severity.high,
    category=Category.security, analyzer="security",
    why="Flask/Werkzeug's debugger runs any Python typed into the error page, so a reachable debug server is "
    "remote code execution; Django and Starlette debug pages leak settings, SQL and source code.",
    recommendation="Read the flag from the environment, default off: `debug=os.environ.get(\"FLASK_DEBUG\") == \"1\"`, "
    "`DEBUG = os.environ.get(\"DJANGO_DEBUG\", \"\") == \"1\"`.",
    references=("CWE-489", "CWE-215", "A05:2021-Security Misconfiguration"),
    supersedes=("S201",),
    bad="app.run(debug=True)",
    good='app.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
)

_RUNNERS = {"run", "run_server", "run_simple"}
_APP_RECEIVERS = {"app", "application", "api", "server", "socketio", "flask_app", "webapp"}
_DEBUG_APPS = {"FastAPI", "Starlette", "Quart", "Sanic"}


def _debug_fix(ctx: NodeContext, span: ast.AST, target: ast.AST, variable: str) -> Fix:
    replacement = f'os.environ.get("{variable}", "") == "1"'
    return Fix(description=f"Read the flag from the environment (off unless {variable}=1).",
               code=rewrite(ctx.source, span, target, replacement))


def _is_app_runner(node: ast.Call, name: str, qualname: str, ctx: NodeContext) -> bool:
    """``app.run`` / ``socketio.run`` / ``run_simple``, not ``unittest``'s or ``asyncio``'s run(debug=True)."""
    if name != "run":
        return True
    if qualname.startswith(("flask", "werkzeug", "uvicorn", "quart", "sanic")):
        return True
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    return isinstance(receiver, ast.Name) and (
        receiver.id in _APP_RECEIVERS or receiver.id in module_facts(ctx).app_names
    )


@calls.on_keyword("debug", "use_debugger")
def check_debug_keyword(node: ast.Call, kw: ast.keyword, ctx: NodeContext) -> Findings:
    if not is_const(kw.value, True):
        return
    name = call_name(node, ctx)
    qualname = ctx.qualname(node.func) or ""
    if name in _RUNNERS and _is_app_runner(node, name, qualname, ctx):
        yield ctx.finding(DEBUG_MODE, node, title=f"{ast.unparse(node.func)}(…, {kw.arg}=True) runs the "
                          "server in debug mode", fix=_debug_fix(ctx, node, kw.value, "FLASK_DEBUG"))
    elif name in _DEBUG_APPS:
        yield ctx.finding(DEBUG_MODE, node, severity=Severity.medium,
                          title=f"{name}(debug=True) returns tracebacks to clients",
                          fix=_debug_fix(ctx, node, kw.value, "APP_DEBUG"))


@calls.on_keyword("DEBUG")
def check_config_update_debug(node: ast.Call, kw: ast.keyword, ctx: NodeContext) -> Findings:
    if call_name(node, ctx) == "update" and is_const(kw.value, True):
        yield ctx.finding(DEBUG_MODE, node, title="config.update(DEBUG=True) switches debug mode on",
                          fix=_debug_fix(ctx, node, kw.value, "FLASK_DEBUG"))


def _check_debug_assignment(node: ast.Assign, target: ast.expr, ctx: NodeContext) -> Findings:
    if not is_const(node.value, True):
        return
    if isinstance(target, ast.Name) and target.id == "DEBUG":
        if at_module_level(ctx) and module_facts(ctx).is_django_settings:
            yield ctx.finding(DEBUG_MODE, node, severity=Severity.medium,
                              title="DEBUG = True in Django settings",
                              fix=_debug_fix(ctx, node, node.value, "DJANGO_DEBUG"))
    elif isinstance(target, ast.Attribute) and target.attr == "debug":
        receiver = target.value
        facts = module_facts(ctx)
        if isinstance(receiver, ast.Name) and (receiver.id in facts.app_names or receiver.id == "app"):
            yield ctx.finding(DEBUG_MODE, node, title=f"{receiver.id}.debug = True switches the debugger on",
                              fix=_debug_fix(ctx, node, node.value, "FLASK_DEBUG"))
    elif (
        isinstance(target, ast.Subscript) and const_str(target.slice) == "DEBUG"
        and isinstance(target.value, ast.Attribute) and target.value.attr == "config"
    ):
        yield ctx.finding(DEBUG_MODE, node, title='config["DEBUG"] = True switches debug mode on',
                          fix=_debug_fix(ctx, node, node.value, "FLASK_DEBUG"))


# ---------------------------------------------------------------------------------------------------------
# BMB104 weak password hashing
# ---------------------------------------------------------------------------------------------------------

WEAK_PASSWORD_HASH = rule(
    "BMB104", "password-fast-hash", "Password hashed with a fast hash", Severity.high,
    category=Category.security, analyzer="security",
    why="MD5/SHA-1/SHA-2 are built to be fast: a leaked table of such hashes is cracked at billions of "
    "guesses per second on one GPU, and without a salt identical passwords share a hash.",
    recommendation="Use a password KDF with a per-user salt: argon2-cffi (`PasswordHasher().hash(pw)`), bcrypt, or "
    "`hashlib.scrypt` / `hashlib.pbkdf2_hmac('sha256', pw, salt, 600_000)`.",
    references=("CWE-916", "CWE-759", "A02:2021-Cryptographic Failures"),
    supersedes=("S324", "S303"),
    bad="digest = hashlib.md5(password.encode()).hexdigest()",
    good='digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)',
)

_FAST_HASHES = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256", "sha3_384",
                "sha3_512", "blake2b", "blake2s", "md4", "ripemd160"}
_PASSWORD_WORDS = {"password", "passwords", "passwd", "passphrase", "pass", "pwd", "pw", "secret",
                   "credential", "credentials", "pin", "pincode"}
_KDF_FIX = 'hashlib.pbkdf2_hmac("sha256", {data}, salt, 600_000)'


def _password_like(node: ast.AST) -> str | None:
    for name in identifiers(node):
        if name_tokens(name) & _PASSWORD_WORDS:
            return name
    return None


def _hash_name(node: ast.Call, ctx: NodeContext) -> str | None:
    """``md5`` for hashlib.md5(...) and hashlib.new("md5", ...); None for anything else."""
    qualname = ctx.qualname(node.func) or ""
    if qualname == "hashlib.new":
        algorithm = const_str(argument(node, 0, "name"))
        return algorithm.lower().replace("-", "_") if algorithm and algorithm.lower() in _FAST_HASHES else None
    if qualname.startswith("hashlib.") and qualname[8:] in _FAST_HASHES:
        return qualname[8:]
    if qualname.startswith(("Crypto.Hash.", "Cryptodome.Hash.")):
        module = qualname.split(".")[-2].lower()
        return module if module in _FAST_HASHES else None
    return None


@calls.on(*_FAST_HASHES, "new")
def check_password_hash(node: ast.Call, ctx: NodeContext) -> Findings:
    algorithm = _hash_name(node, ctx)
    if algorithm is None:
        return
    data = argument(node, 1, "data", "string") if (ctx.qualname(node.func) == "hashlib.new") else argument(
        node, 0, "data", "string")
    if data is None:
        return
    secret = _password_like(data)
    if secret is not None:
        code = rewrite(ctx.source, node, node, _KDF_FIX.format(data=segment(ctx.source, data)))
        yield ctx.finding(
            WEAK_PASSWORD_HASH, node, title=f"`{secret}` is hashed with {algorithm}, a fast hash",
            fix=Fix(description="Derive the stored value with a salted, slow KDF (then store salt and "
                                "digest; compare with hmac.compare_digest).", code=code),
        )


@calls.on("update")
def check_password_hash_update(node: ast.Call, ctx: NodeContext) -> Findings:
    """``h = hashlib.sha256(); h.update(password)``: the hash object comes from a binding in scope."""
    if not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and node.args):
        return
    secret = _password_like(node.args[0])
    if secret is None:
        return
    for binding in reaching_bindings(ctx, node.func.value.id, node.lineno):
        if isinstance(binding.value, ast.Call) and (algorithm := _hash_name(binding.value, ctx)):
            yield ctx.finding(
                WEAK_PASSWORD_HASH, node, title=f"`{secret}` is fed to a {algorithm} hash object",
                fix=Fix(description="Replace the hash object with a password KDF: " + _KDF_FIX.format(
                    data=segment(ctx.source, node.args[0]))),
            )
            return


# ---------------------------------------------------------------------------------------------------------
# BMB105 TLS certificate verification off
# ---------------------------------------------------------------------------------------------------------

TLS_UNVERIFIED = rule(
    "BMB105", "tls-verification-off", "TLS certificate verification is off", Severity.high,
    category=Category.security, analyzer="security",
    why="Without certificate checks anyone on the network path (public Wi-Fi, a compromised proxy) can "
    "impersonate the server and read or change the traffic, including credentials and tokens.",
    recommendation="Leave verification on (`verify=True`, the default); for a private CA pass its bundle: "
    "`verify=\"/etc/ssl/private-ca.pem\"` or `ssl.create_default_context(cafile=...)`.",
    references=("CWE-295", "A07:2021-Identification and Authentication Failures"),
    supersedes=("S501", "S323"),
    bad='requests.get(url, verify=False)',
    good='requests.get(url, verify="/etc/ssl/certs/internal-ca.pem")',
)

_HTTP_CALLS = {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send",
               "Client", "AsyncClient", "ClientSession", "TCPConnector", "ws_connect", "urlopen",
               "PoolManager", "ProxyManager", "HTTPSConnectionPool", "connection_from_url"}


def _tls_fix(ctx: NodeContext, node: ast.Call, kw: ast.keyword, value: str) -> Fix:
    return Fix(description=f"Verify certificates ({kw.arg}={value}); pass a CA bundle path for a private CA.",
               code=rewrite(ctx.source, node, kw.value, value))


@calls.on_keyword("verify", "verify_ssl", "ssl")
def check_verify_false(node: ast.Call, kw: ast.keyword, ctx: NodeContext) -> Findings:
    if not is_const(kw.value, False):
        return
    qualname = ctx.qualname(node.func) or ""
    if qualname.startswith(("jwt", "jose")):
        return  # old PyJWT's verify=False skips the signature check: hardening's BMB155 reports that
    name = call_name(node, ctx)
    http = name in _HTTP_CALLS or qualname.startswith(("requests", "httpx", "aiohttp", "urllib3"))
    if http or kw.arg == "verify_ssl":
        replacement = "None" if kw.arg == "ssl" else "True"
        yield ctx.finding(TLS_UNVERIFIED, node, title=f"{ast.unparse(node.func)}(…, {kw.arg}=False) "
                          "accepts any certificate", fix=_tls_fix(ctx, node, kw, replacement))


def _is_cert_none(node: ast.AST | None, ctx: NodeContext) -> bool:
    if node is None:
        return False
    return const_str(node) == "CERT_NONE" or (ctx.qualname(node) or "").endswith("CERT_NONE")


@calls.on_keyword("cert_reqs")
def check_cert_reqs(node: ast.Call, kw: ast.keyword, ctx: NodeContext) -> Findings:
    if _is_cert_none(kw.value, ctx):
        yield ctx.finding(TLS_UNVERIFIED, node, title="cert_reqs=CERT_NONE accepts any certificate",
                          fix=_tls_fix(ctx, node, kw, '"CERT_REQUIRED"'))


@calls.on("_create_unverified_context")
def check_unverified_context_call(node: ast.Call, ctx: NodeContext) -> Findings:
    if (ctx.qualname(node.func) or "").startswith("ssl."):
        yield ctx.finding(TLS_UNVERIFIED, node, title="ssl._create_unverified_context() skips certificate checks",
                          fix=Fix(description="Use a verifying context.",
                                  code=rewrite(ctx.source, node, node, "ssl.create_default_context()")))


@calls.on("disable_warnings")
def check_disable_warnings(node: ast.Call, ctx: NodeContext) -> Findings:
    if "urllib3" not in (ctx.qualname(node.func) or ""):
        return
    if not node.args or any("InsecureRequestWarning" in ast.unparse(a) for a in node.args):
        yield ctx.finding(
            TLS_UNVERIFIED, node, severity=Severity.medium,
            title="urllib3.disable_warnings() hides the warning about unverified HTTPS requests",
            fix=Fix(description="Remove the call and fix the requests it silences (verify=True or a CA bundle)."),
        )


def _check_tls_assignment(node: ast.Assign, target: ast.expr, ctx: NodeContext) -> Findings:
    if not isinstance(target, ast.Attribute):
        return
    value = node.value
    if target.attr == "check_hostname" and is_const(value, False):
        yield ctx.finding(TLS_UNVERIFIED, node, title="check_hostname = False accepts a certificate for any host",
                          fix=Fix(description="Keep hostname checking on.",
                                  code=rewrite(ctx.source, node, value, "True")))
    elif target.attr == "verify_mode" and _is_cert_none(value, ctx):
        yield ctx.finding(TLS_UNVERIFIED, node, title="verify_mode = CERT_NONE accepts any certificate",
                          fix=Fix(description="Require a valid certificate.",
                                  code=rewrite(ctx.source, node, value, "ssl.CERT_REQUIRED")))
    elif target.attr == "verify" and is_const(value, False):
        yield ctx.finding(TLS_UNVERIFIED, node, title=f"{ast.unparse(target)} = False turns off certificate "
                          "checks for every request of the session",
                          fix=Fix(description="Keep verification on; set a CA bundle path for a private CA.",
                                  code=rewrite(ctx.source, node, value, "True")))
    elif isinstance(value, ast.Attribute) and value.attr == "_create_unverified_context":
        yield ctx.finding(TLS_UNVERIFIED, node, title="The default HTTPS context is replaced by one that "
                          "skips certificate checks",
                          fix=Fix(description="Delete this line; the default context verifies certificates."))


# ---------------------------------------------------------------------------------------------------------
# BMB106 unsafe deserialisation
# ---------------------------------------------------------------------------------------------------------

UNSAFE_DESERIALISATION = rule(
    "BMB106", "unsafe-deserialisation", "Deserialising data can run arbitrary code", Severity.high,
    category=Category.security, analyzer="security",
    why="pickle-based formats (pickle, dill, joblib, shelve, torch checkpoints, pandas pickles) and yaml's "
    "full/unsafe loaders build arbitrary objects, so loading a crafted file or message runs the "
    "attacker's code in this process.",
    recommendation="Load only data you produced and protect it with an HMAC; for exchanged data use JSON, "
    "`yaml.safe_load`, `torch.load(..., weights_only=True)`, `np.load(..., allow_pickle=False)` or "
    "safetensors.",
    references=("CWE-502", "A08:2021-Software and Data Integrity Failures"),
    supersedes=("S301", "S302", "S506"),
    bad="config = yaml.load(request.data, Loader=yaml.Loader)",
    good="config = yaml.safe_load(request.data)",
)

_PICKLE_MODULES = ("pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "jsonpickle")
_PICKLE_LOADERS = {"load", "loads", "Unpickler", "decode"}
_SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
_UNSAFE_YAML_LOADERS = {"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"}


@calls.on("load", "loads", "Unpickler", "decode", "open", "read_pickle", "load_all", "unsafe_load",
          "unsafe_load_all", "full_load", "full_load_all")
def check_deserialisation(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func)
    if not qualname or "." not in qualname:
        return
    module, name = qualname.rsplit(".", 1)
    root = module.split(".")[0]
    if root in _PICKLE_MODULES and name in _PICKLE_LOADERS and (name != "decode" or root == "jsonpickle"):
        if _is_round_trip(node, ctx):
            return
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title=f"{qualname}() can run code from the data it loads",
                          fix=Fix(description="Use JSON for exchanged data, or sign what you pickle with an "
                                              "HMAC and verify it before loading."))
    elif (root == "joblib" and name == "load") or (root == "shelve" and name == "open") or (
        root in ("pandas", "pd") and name == "read_pickle"
    ):
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title=f"{qualname}() unpickles the file it reads",
                          fix=Fix(description="Load only files you wrote yourself; exchange data as "
                                              "parquet/JSON/safetensors instead."))
    elif root == "yaml":
        yield from _check_yaml(node, name, ctx)
    elif root == "torch" and name == "load":
        yield from _check_torch_load(node, ctx)
    elif root in ("numpy", "np") and name == "load" and is_const(keyword_value(node, "allow_pickle"), True):
        kw = keyword(node, "allow_pickle")
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title="numpy.load(allow_pickle=True) unpickles object arrays",
                          fix=Fix(description="Store plain arrays and load with allow_pickle=False.",
                                  code=rewrite(ctx.source, node, kw.value, "False") if kw else None))


_DUMPERS = {"dumps", "dump", "encode"}


def _is_round_trip(node: ast.Call, ctx: NodeContext) -> bool:
    """``pickle.loads(pickle.dumps(x))`` (directly or through a local) copies our own object: no input."""
    data = argument(node, 0, "data", "file")

    def is_dump(value: ast.expr) -> bool:
        return isinstance(value, ast.Call) and (ctx.qualname(value.func) or "").rsplit(".", 1)[-1] in _DUMPERS

    if data is None:
        return False
    if isinstance(data, ast.Name):
        found = reaching_bindings(ctx, data.id, node.lineno)
        return bool(found) and all(is_dump(b.value) for b in found)
    return is_dump(data)


def _check_yaml(node: ast.Call, name: str, ctx: NodeContext) -> Findings:
    data = argument(node, 0, "stream")
    safe_name = "safe_load_all" if name.endswith("_all") else "safe_load"
    fix = Fix(description=f"yaml.{safe_name} builds only plain data (dicts, lists, strings, numbers).",
              code=rewrite(ctx.source, node, node, f"yaml.{safe_name}({segment(ctx.source, data)})") if data else None)
    if name in ("unsafe_load", "unsafe_load_all", "full_load", "full_load_all"):
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title=f"yaml.{name}() can build arbitrary Python objects",
                          fix=fix)
        return
    if name not in ("load", "load_all"):
        return
    loader = argument(node, 1, "Loader")
    if loader is None:
        if not has_double_star(node):
            yield ctx.finding(UNSAFE_DESERIALISATION, node, title=f"yaml.{name}() without a safe Loader", fix=fix)
        return
    loader_name = last_name(loader)
    if loader_name in _UNSAFE_YAML_LOADERS:
        yield ctx.finding(UNSAFE_DESERIALISATION, node,
                          title=f"yaml.{name}(…, Loader={loader_name}) can build arbitrary Python objects", fix=fix)


def _check_torch_load(node: ast.Call, ctx: NodeContext) -> Findings:
    weights_only = keyword(node, "weights_only")
    if weights_only is not None and is_const(weights_only.value, True):
        return
    if weights_only is None:
        if has_double_star(node):
            return
        code = rewrite(ctx.source, node, node, call_with(ctx.source, node, set_keywords={"weights_only": "True"}))
        yield ctx.finding(
            UNSAFE_DESERIALISATION, node, severity=Severity.medium,
            title="torch.load() without weights_only=True unpickles the checkpoint on torch < 2.6",
            fix=Fix(description="Load tensors only.", code=code),
        )
    elif is_const(weights_only.value, False):
        yield ctx.finding(UNSAFE_DESERIALISATION, node, title="torch.load(weights_only=False) unpickles the "
                          "checkpoint", fix=Fix(description="Load tensors only.", code=rewrite(
                              ctx.source, node, weights_only.value, "True")))


# ---------------------------------------------------------------------------------------------------------
# BMB107 shell command built from input
# ---------------------------------------------------------------------------------------------------------

SHELL_INJECTION = rule(
    "BMB107", "shell-command-built-from-input", "Shell command built from a variable value", Severity.high,
    category=Category.security, analyzer="security",
    why="The shell parses the whole string: a value containing `;`, `|`, `$(…)` or a backtick runs extra "
    "commands with this process's rights.",
    recommendation="Pass an argument list without a shell: `subprocess.run([\"tar\", \"-xf\", path], check=True)`; if a "
    "shell is unavoidable, quote every value with `shlex.quote`.",
    references=("CWE-78", "A03:2021-Injection"),
    supersedes=("S602", "S604", "S605"),
    bad='subprocess.run(f"tar -xf {path}", shell=True)',
    good='subprocess.run(["tar", "-xf", path], check=True)',
)

_SUBPROCESS_SHELL_OPTIONAL = {"run", "call", "check_call", "check_output", "Popen"}
_ALWAYS_SHELL = {"os.system", "os.popen", "os.popen2", "os.popen3", "os.popen4", "subprocess.getoutput",
                 "subprocess.getstatusoutput", "commands.getoutput", "commands.getstatusoutput",
                 "asyncio.create_subprocess_shell"}
_SHELL_META = re.compile(r"[|&;<>()$`\\\"'*?~{}\[\]!#]")


@calls.on(*_SUBPROCESS_SHELL_OPTIONAL, "system", "popen", "popen2", "popen3", "popen4", "getoutput",
          "getstatusoutput", "create_subprocess_shell")
def check_shell_command(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    if qualname in _ALWAYS_SHELL:
        pass
    elif qualname.startswith("subprocess.") and call_name(node, ctx) in _SUBPROCESS_SHELL_OPTIONAL:
        shell = keyword_value(node, "shell")
        if shell is None or not (isinstance(shell, ast.Constant) and shell.value):
            return
    else:
        return
    command = argument(node, 0, "args", "cmd", "command")
    if command is None:
        return
    safe = value_is_safe(ctx, node.lineno, _SHELL_SANITISERS)
    built = built_string(command, safe)
    via = ""
    if built is None and isinstance(command, ast.Name):
        for binding in reaching_bindings(ctx, command.id, node.lineno):
            candidate = built_string(binding.value, safe)
            if candidate is not None and candidate.dynamic:
                built, via = candidate, f" on {human_line(ctx.source, binding.line)}"
                break
    if built is None or not built.dynamic:
        return
    yield ctx.finding(
        SHELL_INJECTION, node, title=f"Shell command built with {built.kind}{via} runs through {qualname}()",
        fix=_argv_fix(ctx, node, built, qualname) if not via else Fix(
            description="Build an argument list instead of a command string and drop shell=True."),
    )


def _argv_fix(ctx: NodeContext, node: ast.Call, built: Built, qualname: str) -> Fix:
    advice = Fix(description="Pass an argument list without a shell, or wrap each value in shlex.quote().")
    if built.kind not in ("f-string", "concatenation") or qualname.endswith(("popen", "getoutput",
                                                                              "getstatusoutput")):
        return advice
    argv: list[str] = []
    glued = False  # the previous piece ended mid-word: a value would be glued to literal text
    for piece in built.pieces:
        if isinstance(piece, str):
            if _SHELL_META.search(piece) or (piece[:1].strip() and glued):
                return advice
            words = piece.split()
            argv.extend(py_str(w) for w in words)
            glued = bool(piece) and not piece[-1:].isspace()
        else:
            if glued and argv:
                return advice
            argv.append(segment(ctx.source, piece))
            glued = True
    if not argv:
        return advice
    if qualname.startswith("subprocess.") and "Popen" not in qualname:
        new_call = call_with(ctx.source, node, args=[f"[{', '.join(argv)}]"], drop_keywords={"shell"})
    else:
        new_call = f"subprocess.run([{', '.join(argv)}], check=True)"
    return Fix(description="Run the program with an argument list; no shell parses the values.",
               code=rewrite(ctx.source, node, node, new_call))


# ---------------------------------------------------------------------------------------------------------
# BMB109 eval/exec of a variable value
# ---------------------------------------------------------------------------------------------------------

EVAL_INPUT = rule(
    "BMB109", "eval-of-variable", "eval()/exec() runs a variable value as code", Severity.high,
    category=Category.security, analyzer="security",
    why="Whatever reaches eval/exec runs with this process's rights; if any part of it comes from a request, "
    "a file or a message, that is remote code execution.",
    recommendation="Parse data instead of running it: `ast.literal_eval` for Python literals, `json.loads` for JSON, "
    "a dict of allowed functions for dispatch.",
    references=("CWE-95", "A03:2021-Injection"),
    supersedes=("S307", "S102"),
    bad="value = eval(request.args['expr'])",
    good="value = ast.literal_eval(request.args['expr'])",
)

_INPUT_MARKERS = {"input", "request", "argv", "environ", "args", "form", "stdin", "params", "body", "data"}


@calls.on("eval", "exec")
def check_eval(node: ast.Call, ctx: NodeContext) -> Findings:
    if not isinstance(node.func, ast.Name) or node.func.id in ctx.aliases or not node.args:
        return  # a method called eval (pandas.eval, model.eval) or an imported eval is another function
    code = node.args[0]
    if isinstance(code, ast.Constant):
        return
    built = built_string(code, value_is_safe(ctx, node.lineno, set()))
    if built is not None and not built.dynamic:
        return
    name = node.func.id
    from_input = any(i in _INPUT_MARKERS for i in identifiers(code))
    title = f"{name}() runs " + ("input data" if from_input else "a variable value") + " as Python code"
    fix = None
    if name == "eval":
        replacement = f"ast.literal_eval({segment(ctx.source, code)})"
        fix = Fix(description="If the value is a Python literal (numbers, strings, lists, dicts), parse it.",
                  code=rewrite(ctx.source, node, node, replacement))
    yield ctx.finding(EVAL_INPUT, node, title=title, fix=fix)


# ---------------------------------------------------------------------------------------------------------
# BMB110 random module used for secrets
# ---------------------------------------------------------------------------------------------------------

PREDICTABLE_SECRET = rule(
    "BMB110", "random-for-secrets", "`random` generates a value that must be unpredictable", Severity.medium,
    category=Category.security, analyzer="security",
    why="`random` is a Mersenne Twister: after observing about 624 outputs an attacker can predict every "
    "following token, password or reset code.",
    recommendation="Use the `secrets` module: `secrets.token_urlsafe(32)`, `secrets.choice(alphabet)`, "
    "`secrets.randbelow(n)`.",
    references=("CWE-338", "A02:2021-Cryptographic Failures"),
    supersedes=("S311",),
    bad='token = "".join(random.choice(ALPHABET) for _ in range(32))',
    good='token = "".join(secrets.choice(ALPHABET) for _ in range(32))',
)

_RANDOM_FUNCTIONS = {"choice", "choices", "randint", "randrange", "random", "getrandbits", "sample",
                     "uniform", "shuffle", "randbytes"}
_SECRET_WORDS = {"token", "tokens", "password", "passwords", "passwd", "passphrase", "pwd", "secret", "otp",
                 "nonce", "salt", "csrf", "pin", "apikey", "sessionid", "totp", "hotp"}
_KEY_QUALIFIERS = {"api", "secret", "private", "signing", "sign", "session", "encryption", "encrypt", "auth",
                   "access", "crypto", "aes", "hmac", "license", "activation", "reset", "invite"}
_CODE_QUALIFIERS = {"verification", "verify", "reset", "confirm", "confirmation", "auth", "activation",
                    "invite", "mfa", "sms", "login", "security", "recovery", "one", "access"}
_SECRETS_REPLACEMENTS = {"choice": "secrets.choice", "getrandbits": "secrets.randbits",
                         "randbytes": "secrets.token_bytes"}


def secret_like(name: str) -> bool:
    tokens = name_tokens(name)
    return bool(
        tokens & _SECRET_WORDS
        or ("key" in tokens and tokens & _KEY_QUALIFIERS)
        or ("code" in tokens and tokens & _CODE_QUALIFIERS)
        or {"session", "id"} <= tokens
    )


def _target_names(target: ast.AST) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Attribute):
        yield target.attr
    elif isinstance(target, ast.Subscript) and const_str(target.slice):
        yield target.slice.value  # type: ignore[union-attr]
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)


def _receiving_names(node: ast.AST, ctx: NodeContext) -> Iterator[str]:
    """Names the value of ``node`` ends up in: assignment targets, keyword names, dict keys, or the
    function it is returned from."""
    child = node
    for parent in reversed(ctx.parents):
        if isinstance(parent, ast.keyword) and parent.arg:
            yield parent.arg
        elif isinstance(parent, ast.Dict):
            for key, value in zip(parent.keys, parent.values):
                if value is child and const_str(key) is not None:
                    yield key.value  # type: ignore[union-attr]
        elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in getattr(parent, "targets", None) or [parent.target]:  # type: ignore[attr-defined]
                yield from _target_names(target)
            return
        elif isinstance(parent, ast.Return):
            if ctx.function is not None:
                yield ctx.function.name
            return
        elif isinstance(parent, ast.stmt):
            return
        child = parent


@calls.on(*_RANDOM_FUNCTIONS)
def check_random_secret(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    if not qualname.startswith("random.") or qualname.count(".") != 1:
        return
    receiver = next((n for n in _receiving_names(node, ctx) if secret_like(n)), None)
    if receiver is None:
        return
    function = qualname[7:]
    replacement = _SECRETS_REPLACEMENTS.get(function)
    code = None
    if replacement:
        code = rewrite(ctx.source, node, node, call_with(ctx.source, node, func=replacement))
    yield ctx.finding(
        PREDICTABLE_SECRET, node, title=f"random.{function}() generates `{receiver}`, which must be unpredictable",
        fix=Fix(description=f"Use the secrets module ({replacement or 'secrets.token_urlsafe(32)'}).", code=code),
    )


# ---------------------------------------------------------------------------------------------------------
# BMB108 CORS: any origin with credentials
# ---------------------------------------------------------------------------------------------------------

CORS_WILDCARD_CREDENTIALS = rule(
    "BMB108", "cors-any-origin-with-credentials", "CORS allows any origin together with credentials", Severity.high,
    category=Category.security, analyzer="security",
    why="With credentials allowed the CORS layer reflects the caller's origin, so any web page a logged-in "
    "user visits can call this API with their cookies and read the responses.",
    recommendation="List the origins that may call the API (`origins=[\"https://app.example.com\"]`) or drop credentials "
    "for public endpoints.",
    references=("CWE-942", "CWE-346", "A05:2021-Security Misconfiguration"),
    supersedes=(),
    bad='from flask_cors import CORS\nCORS(app, supports_credentials=True)',
    good='from flask_cors import CORS\nCORS(app, origins=["https://app.example.com"], supports_credentials=True)',
)

_WILDCARD_REGEXES = {".*", ".+", "^.*$", "^.+$", "*", "https?://.*", "^https?://.*$"}


def _is_wildcard(node: ast.AST | None) -> bool:
    return node is not None and any(s in _WILDCARD_REGEXES for s in strings_in(node))


def _cors_fix(ctx: NodeContext, node: ast.Call, keyword_name: str) -> Fix:
    code = rewrite(ctx.source, node, node, call_with(
        ctx.source, node, set_keywords={keyword_name: '["https://app.example.com"]'}, drop_keywords={"resources"}
        if keyword_name == "origins" else {"allow_origin_regex"}))
    return Fix(description="Name the origins allowed to send credentialed requests.", code=code)


@calls.on("CORS", "cross_origin")
def check_flask_cors(node: ast.Call, ctx: NodeContext) -> Findings:
    if not (ctx.qualname(node.func) or "").startswith("flask_cors") or has_double_star(node):
        return
    if not is_const(keyword_value(node, "supports_credentials"), True):
        return
    origins = keyword_value(node, "origins")
    everyone = origins is None or _is_wildcard(origins)  # flask-cors allows every origin by default
    resources = keyword_value(node, "resources")
    if isinstance(resources, ast.Dict) and resources.values:
        # per-resource options override the top-level origins
        per_resource = []
        for options in resources.values:
            own = None
            if isinstance(options, ast.Dict):
                own = next((v for k, v in zip(options.keys, options.values) if const_str(k) == "origins"), None)
            per_resource.append(_is_wildcard(own) if own is not None else everyone)
        everyone = any(per_resource)
    if everyone:
        yield ctx.finding(CORS_WILDCARD_CREDENTIALS, node,
                          title="flask-cors allows every origin with supports_credentials=True",
                          fix=_cors_fix(ctx, node, "origins"))


@calls.on("add_middleware", "Middleware", "CORSMiddleware")
def check_starlette_cors(node: ast.Call, ctx: NodeContext) -> Findings:
    name = call_name(node, ctx)
    if name != "CORSMiddleware" and not (node.args and last_name(node.args[0]) == "CORSMiddleware"):
        return
    if not is_const(keyword_value(node, "allow_credentials"), True):
        return
    if _is_wildcard(keyword_value(node, "allow_origins")):
        yield ctx.finding(CORS_WILDCARD_CREDENTIALS, node,
                          title='CORSMiddleware allow_origins=["*"] with allow_credentials=True',
                          fix=_cors_fix(ctx, node, "allow_origins"))
    elif _is_wildcard(keyword_value(node, "allow_origin_regex")):
        yield ctx.finding(CORS_WILDCARD_CREDENTIALS, node,
                          title="CORSMiddleware allow_origin_regex matches every origin, with credentials",
                          fix=_cors_fix(ctx, node, "allow_origins"))


def _check_django_cors(node: ast.Assign, target: ast.expr, ctx: NodeContext) -> Findings:
    if not (isinstance(target, ast.Name) and target.id in ("CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL")):
        return
    credentials = module_facts(ctx).assignments.get("CORS_ALLOW_CREDENTIALS")
    if is_const(node.value, True) and at_module_level(ctx) and is_const(credentials, True):
        yield ctx.finding(
            CORS_WILDCARD_CREDENTIALS, node, title=f"{target.id} = True with CORS_ALLOW_CREDENTIALS = True",
            fix=Fix(description="List the allowed origins instead.",
                    code='CORS_ALLOWED_ORIGINS = ["https://app.example.com"]'),
        )


# ---------------------------------------------------------------------------------------------------------
# Assignments: one check, dispatched to the rules above
# ---------------------------------------------------------------------------------------------------------

AssignmentCheck = Callable[[ast.Assign, ast.expr, NodeContext], Findings]
_ASSIGNMENT_CHECKS: list[AssignmentCheck] = [_check_debug_assignment, _check_tls_assignment, _check_django_cors]


def assignment_targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return [node.target]
    return []


@CHECKS.register("security", ast.Assign, ast.AnnAssign)
def check_assignments(node: ast.AST, ctx: NodeContext) -> Findings:
    findings: list[Finding | None] = []
    for target in assignment_targets(node):
        for check in _ASSIGNMENT_CHECKS:
            findings.extend(check(node, target, ctx))  # type: ignore[arg-type]
    return findings


# ---------------------------------------------------------------------------------------------------------
# The analyzer
# ---------------------------------------------------------------------------------------------------------


@register_analyzer
class SecurityAnalyzer(AstGroupAnalyzer):
    """Injection, unsafe deserialisation, TLS, debug, CORS and crypto-misuse checks (BMB101–BMB149)."""

    name = "security"
    per_file = True
    version = "1"
