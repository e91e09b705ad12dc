"""Small helpers for reading AST nodes and for writing fixes in the user's own text.

Shared by the AST analyzers (security, hardening): what a call passes, what a literal holds, which names an
expression mentions, and the source of a node with one part replaced. They read nodes only; nothing here
knows about rules or the walk.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator

from ..context.source import Source


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


def passed_keywords(call: ast.Call, names: Iterable[str]) -> list[ast.keyword]:
    """The keywords of ``call`` named one of ``names``, in the order the call passes them."""
    wanted = set(names)
    return [k for k in call.keywords if k.arg in wanted]


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


def assignment_targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return [node.target]
    return []
