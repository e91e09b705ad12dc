"""Strings built by formatting: what is literal, what is spliced in, and whether a spliced value is safe.

An f-string, ``%``, ``.format`` or ``+`` that reaches a query, a shell or a template is a finding only when
a spliced value may come from outside: constants, sanitised values and placeholder lists do not count.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from ..ast_helpers import const_str, last_name
from ..base import NodeContext
from .facts import module_facts, reaching_bindings


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
