"""Facts about a module and a scope, computed once per walk and only when a check asks.

What the module binds at its top level (settings, app objects), whether it is a Django settings module,
and which bindings of a name may hold at a line: the def-use the injection checks follow a value with.
Kept on the walk's context, so a file pays for each at most once.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..ast_helpers import const_str, last_name
from ..base import NodeContext

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
