"""Static performance anti-patterns: row loops over DataFrames, N+1 queries, work repeated inside loops.

Every rule's ``why`` quotes a factor measured by ``benchmarks/perf_rationale.py`` (Python 3.11, pandas 3.1,
one core); run it again to see the numbers on your machine. Precision matters more than recall here: a
check fires only when the code itself shows the problem (a loop around it, a list on the right of ``in``,
the accumulator inside ``pd.concat``), and each rule's tests include the nearest legitimate code.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..context.source import Context, Source
from ..core.findings import Category, Finding, Fix, Severity
from ..core.rules import rule
from .base import (
    AnalyzerConfig,
    AstGroupAnalyzer,
    Checks,
    NodeContext,
    register_analyzer,
)

GROUP = "performance"
checks = Checks(GROUP)
BENCH = "benchmarks/perf_rationale.py"


ROW_LOOP = rule(
    "BMB301", "dataframe-row-loop", "Row-by-row loop over a DataFrame", Severity.medium,
    category=Category.performance, analyzer=GROUP,
    why="Each iteration boxes a row into Python objects (iterrows builds a whole Series per row). Building "
        f"a column this way measured 3,200x slower with iterrows and 6,000x slower with df.iloc[i] than the "
        f"vectorised form on 20k rows; even itertuples is 116x slower ({BENCH}).",
    recommendation="Compute on whole columns (df['a'] * df['b'], np.where, Series.map, merge). When a "
                   "row loop is unavoidable, use df.itertuples(), which measured 36x faster than iterrows.",
    bad="out = []\nfor _, row in df.iterrows():\n    out.append(row['price'] * row['qty'])",
    good="out = df['price'] * df['qty']",
)
APPLY_LAMBDA = rule(
    "BMB302", "vectorisable-apply", "apply() with a lambda that pandas can vectorise", Severity.medium,
    category=Category.performance, analyzer=GROUP,
    why="apply calls the lambda once per element, or builds a Series per row with axis=1. Measured "
        f"2,500x slower with axis=1 on 20k rows and 170x (arithmetic) / 250x (comparison) slower on a "
        f"100k-row Series than the same expression on columns ({BENCH}). String methods are not flagged: "
        "s.str.upper() measured only 1.1x faster than apply(lambda x: x.upper()).",
    recommendation="Write the lambda's expression on the columns themselves: df.a * df.b, s * 2 + 1, "
                   "s > 0.5.",
    bad="df['total'] = df.apply(lambda r: r.price * r.qty, axis=1)",
    good="df['total'] = df.price * df.qty",
)
STRING_BUILDING = rule(
    "BMB303", "string-concatenation-in-loop", "String built with += inside a loop", Severity.low,
    category=Category.performance, analyzer=GROUP,
    why="Strings are immutable, so each += copies everything built so far: quadratic. CPython hides this "
        "for a plain local inside a function (measured 6.9x slower than ''.join on 100k pieces, reported as "
        "info), but not at "
        "a notebook cell's top level or for an attribute target, where it measured 2,800x slower, nor when "
        f"prepending (240x on 20k pieces) ({BENCH}).",
    recommendation="Collect the pieces in a list and ''.join(pieces) once, or write them to an io.StringIO.",
    bad="text = ''\nfor line in lines:\n    text += line + '\\n'",
    good="text = ''.join(line + '\\n' for line in lines)",
)
REGEX_IN_LOOP = rule(
    "BMB304", "regex-in-loop", "Regular expression looked up on every iteration", Severity.low,
    category=Category.performance, analyzer=GROUP,
    why="re.compile and re.match(pattern, ...) consult re's internal cache on every call, so the pattern is "
        "not recompiled, but the lookup is most of the cost for short strings: measured 2.0x slower than a "
        f"hoisted compiled pattern on 100k lines ({BENCH}), and far worse once a loop uses more patterns "
        "than the cache holds (512).",
    recommendation="Compile the pattern once, at module level or before the loop, and call its methods.",
    bad="for line in lines:\n    m = re.match(r'(\\d+)-(\\d+)', line)",
    good="RANGE = re.compile(r'(\\d+)-(\\d+)')\nfor line in lines:\n    m = RANGE.match(line)",
    references=("https://docs.python.org/3/library/re.html#re.compile",),
)
N_PLUS_ONE = rule(
    "BMB305", "n-plus-one-query", "Database query on every iteration (N+1 queries)", Severity.high,
    category=Category.performance, analyzer=GROUP,
    why="One query per row turns one round trip into N. Measured 3.1x slower than a single JOIN for 2,000 "
        f"rows even on in-memory SQLite with no network ({BENCH}); against a real server each extra query "
        "adds a network round trip, so 2,000 rows cost seconds instead of milliseconds.",
    recommendation="Fetch related rows in the same query: select_related / prefetch_related (Django), "
                   "joinedload / selectinload (SQLAlchemy), filter(pk__in=ids) or in_bulk for lookups, "
                   "bulk_create / executemany for writes.",
    bad="for post in Post.objects.all():\n    print(post.author.name)",
    good="for post in Post.objects.select_related('author'):\n    print(post.author.name)",
    references=("https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related",
                "https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html"),
)
LIST_MEMBERSHIP = rule(
    "BMB306", "membership-test-on-list", "Membership test against a list inside a loop", Severity.medium,
    category=Category.performance, analyzer=GROUP,
    why="x in list scans the list on every test, so the loop is O(n*m). Measured 260x slower than a set on "
        f"a 1,000-item list with 10,000 probes ({BENCH}). Lists of up to 8 constants are not flagged: there "
        "the scan costs tens of nanoseconds.",
    recommendation="Build a set (or frozenset) once before the loop and test membership against it.",
    bad="seen = [u.email for u in users]\nfor row in rows:\n    if row.email in seen: ...",
    good="seen = {u.email for u in users}\nfor row in rows:\n    if row.email in seen: ...",
)
REPEATED_IO = rule(
    "BMB307", "loop-invariant-io", "Same file or URL read on every iteration", Severity.medium,
    category=Category.performance, analyzer=GROUP,
    why="Every iteration re-opens, re-reads and re-parses the same input. Measured 220x slower for "
        f"json.load of one config file over 500 items and 51x for pd.read_csv of one file over 100 "
        f"items ({BENCH}); for a URL each iteration is a network round trip.",
    recommendation="Read the file or fetch the URL once before the loop and reuse the result.",
    bad="for item in items:\n    rates = pd.read_csv('rates.csv')\n    item.price *= rates.rate[item.code]",
    good="rates = pd.read_csv('rates.csv')\nfor item in items:\n    item.price *= rates.rate[item.code]",
)
GROWING_FRAME = rule(
    "BMB308", "concat-in-loop", "DataFrame or array grown inside a loop", Severity.medium,
    category=Category.performance, analyzer=GROUP,
    why="pd.concat / np.append copy the whole accumulated frame or array on every iteration: quadratic. "
        f"Measured 46x slower than one pd.concat for 1,000 chunks and 85x slower than np.array(list) for "
        f"20,000 np.append calls ({BENCH}). DataFrame.append was removed in pandas 2.0.",
    recommendation="Append the pieces to a list inside the loop and call pd.concat(pieces) (or "
                   "np.concatenate / np.array) once after it.",
    bad="df = pd.DataFrame()\nfor chunk in chunks:\n    df = pd.concat([df, chunk])",
    good="df = pd.concat(list(chunks))",
)
FIRST_OF_SORTED = rule(
    "BMB309", "first-of-sorted", "Whole sequence sorted or materialised to take one item", Severity.low,
    category=Category.performance, analyzer=GROUP,
    why="sorted(x)[0] sorts everything to read one element (measured 12.7x slower than min on 100k floats); "
        f"list(gen)[0] consumes the whole iterator to read the first item (4,600x slower than next) ({BENCH}).",
    recommendation="Use min(x) / max(x) (with the same key=) or next(iter(x)).",
    bad="cheapest = sorted(offers, key=price)[0]",
    good="cheapest = min(offers, key=price)",
    supersedes=("FURB192", "RUF015"),
)
SLEEP_IN_ASYNC = rule(
    "BMB310", "blocking-sleep-in-async", "time.sleep() inside async def blocks the event loop", Severity.medium,
    category=Category.performance, analyzer=GROUP,
    why="time.sleep stops the whole event loop, so every other task waits too. 20 concurrent tasks "
        f"sleeping 10 ms measured 18.6x slower than with asyncio.sleep ({BENCH}); the factor grows with "
        "the number of concurrent tasks.",
    recommendation="await asyncio.sleep(seconds) instead.",
    bad="async def poll():\n    time.sleep(1)",
    good="async def poll():\n    await asyncio.sleep(1)",
    supersedes=("ASYNC251",),
)
BLOCKING_HTTP = rule(
    "BMB311", "blocking-http-in-async", "Blocking HTTP call inside async def", Severity.medium,
    category=Category.performance, analyzer=GROUP,
    why="A synchronous HTTP call holds the event loop for the whole round trip, so concurrent tasks run "
        f"one after another: 10 tasks against a 20 ms server measured 4.4x slower than the same call in "
        f"asyncio.to_thread ({BENCH}), and an async client does better still.",
    recommendation="Use an async client (httpx.AsyncClient, aiohttp) and await it, or run the blocking "
                   "call with await asyncio.to_thread(...).",
    bad="async def fetch(url):\n    return requests.get(url).json()",
    good="async def fetch(client, url):\n    return (await client.get(url)).json()",
    supersedes=("ASYNC210",),
)


# ---------------------------------------------------------------------------------------------------------
# Small helpers about loops and names
# ---------------------------------------------------------------------------------------------------------

_FOR = (ast.For, ast.AsyncFor)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_DEFERRED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)  # bodies run when called, not in place
_SCOPES = (*_DEFERRED, ast.ClassDef)


def _enclosing_loop(node: ast.AST, ctx: NodeContext) -> ast.AST | None:
    """The innermost loop or comprehension whose *repeating* part holds ``node``.

    A loop's iterable runs once, its body repeats; a comprehension's first iterable runs once, its element,
    conditions and later iterables repeat. Stops at a def or lambda: their bodies run when called.
    """
    chain = [*ctx.parents, node]
    for i in range(len(chain) - 2, -1, -1):
        parent, child = chain[i], chain[i + 1]
        if isinstance(parent, _DEFERRED):
            return None
        if isinstance(parent, _FOR) and any(child is stmt for stmt in parent.body):
            return parent
        if isinstance(parent, ast.While) and (child is parent.test or any(child is s for s in parent.body)):
            return parent
        if isinstance(parent, _COMPREHENSIONS):
            first = parent.generators[0]
            if child is not first:
                return parent
            grandchild = chain[i + 2] if i + 2 < len(chain) else None
            if grandchild is not None and grandchild is not first.iter:
                return parent
    return None


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _stored_names(node: ast.AST) -> set[str]:
    """Names a loop (re)binds on each iteration: its targets and everything assigned in it."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in sub.names)
    return names


def _last_name(node: ast.AST) -> str | None:
    """``session`` for ``self.db.session``; None for calls and subscripts."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _call_chain(node: ast.AST) -> Iterator[ast.AST]:
    """The receivers of a method chain, outermost first: ``a.b(c).d()`` yields the d-call, a.b(c), a.b, a."""
    while True:
        yield node
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        else:
            return


def _method_names(node: ast.AST) -> list[str]:
    return [n.func.attr for n in _call_chain(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]


def _scope_body(ctx: NodeContext) -> list[ast.stmt]:
    return ctx.function.body if ctx.function is not None else ctx.tree.body


def _walk_scope(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Walk statements without entering nested functions, lambdas or classes (their names are their own)."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, _SCOPES))


def _binding_before(name: str, ctx: NodeContext, line: int) -> ast.expr | None:
    """The value most recently assigned to ``name`` in the current scope before ``line``, when known.

    An argument annotated ``list[...]`` counts as a list value (its annotation is returned). Bindings whose
    value is unknown (for targets, imports, with-as) hide earlier ones, so a guess is never stale.
    """
    best: tuple[int, ast.expr | None] = (0, None)

    def consider(at: int, value: ast.expr | None) -> None:
        nonlocal best
        if best[0] <= at < line:
            best = (at, value)

    if ctx.function is not None:
        args = ctx.function.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.arg == name:
                consider(arg.lineno, arg.annotation)
    for node in _walk_scope(_scope_body(ctx)):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                consider(node.lineno, node.value)
            elif any(name in _names_in(t) for t in node.targets if isinstance(t, (ast.Tuple, ast.List))):
                consider(node.lineno, None)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            consider(node.lineno, node.value if node.value is not None else node.annotation)
        elif isinstance(node, (*_FOR, ast.With, ast.AsyncWith, ast.NamedExpr)):
            targets = (
                [node.target] if isinstance(node, (*_FOR, ast.NamedExpr))
                else [i.optional_vars for i in node.items if i.optional_vars is not None]
            )
            if any(name in _names_in(t) for t in targets):
                consider(node.lineno, None)
    return best[1]


def _span_text(source: Source, node: ast.AST) -> tuple[str, int, int] | None:
    """(line text, start, end) character offsets of a single-line node; ast offsets are UTF-8 bytes."""
    if getattr(node, "lineno", None) is None or node.lineno != node.end_lineno:
        return None
    raw = source.line_text(node.lineno).encode()
    start = len(raw[: node.col_offset].decode(errors="replace"))
    end = len(raw[: node.end_col_offset].decode(errors="replace"))
    return raw.decode(errors="replace"), start, end


def _rewrite(source: Source, first: int, last: int, edits: list[tuple[ast.AST, str]]) -> str | None:
    """Lines ``first..last`` with each single-line node's text replaced; None when a node spans lines."""
    lines = [source.line_text(n) for n in range(first, last + 1)]
    spans = []
    for node, text in edits:
        span = _span_text(source, node)
        if span is None:
            return None
        spans.append((node.lineno, span[1], span[2], text))
    for line, start, end, text in sorted(spans, reverse=True):
        current = lines[line - first]
        lines[line - first] = current[:start] + text + current[end:]
    return "\n".join(lines)


def _segment_with(source: Source, outer: ast.AST, edits: list[tuple[ast.AST, str]]) -> str | None:
    """The source text of single-line ``outer`` with inner single-line nodes replaced; keeps the user's
    quotes and spacing, which ast.unparse would not."""
    span = _span_text(source, outer)
    if span is None:
        return None
    line, start, end = span
    pieces = []
    for node, text in edits:
        inner = _span_text(source, node)
        if inner is None or node.lineno != outer.lineno:
            return None
        pieces.append((inner[1], inner[2], text))
    for inner_start, inner_end, text in sorted(pieces, reverse=True):
        line = line[:inner_start] + text + line[inner_end:]
        end += len(text) - (inner_end - inner_start)
    return line[start:end]


def _is_constant_literal(node: ast.AST) -> bool:
    return isinstance(node, (ast.List, ast.Tuple, ast.Set)) and all(isinstance(e, ast.Constant) for e in node.elts)


def _loop_iterable(loop: ast.AST) -> ast.expr | None:
    if isinstance(loop, _FOR):
        return loop.iter
    if isinstance(loop, _COMPREHENSIONS):
        return loop.generators[0].iter
    return None


# ---------------------------------------------------------------------------------------------------------
# BMB301 row loops over DataFrames
# ---------------------------------------------------------------------------------------------------------

_ROW_ACCESSORS = {"iloc", "loc", "at", "iat"}
_ACCUMULATE = {"append", "extend", "add", "update", "insert", "appendleft"}
_PURE_BUILTINS = {"abs", "round", "min", "max", "int", "float", "str", "bool", "len"}


def _builds_result(body: list[ast.stmt]) -> bool:
    """Does the loop body accumulate a result (list.append, +=, d[k] = v, df.at[i, c] = v, yield)?"""
    for node in _walk_scope(body):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _ACCUMULATE:
            return True
        if isinstance(node, (ast.AugAssign, ast.Yield)):
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Subscript) for t in node.targets):
            return True
    return False


def _only_pure_calls(body: list[ast.stmt]) -> bool:
    """True when the body calls nothing but accumulators and a few pure builtins: a vectorisable loop.

    A row loop that sends a mail or calls an API per row is doing I/O, and the loop is not the cost.
    """
    for node in _walk_scope(body):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _ACCUMULATE:
            continue
        if isinstance(func, ast.Name) and func.id in _PURE_BUILTINS:
            continue
        return False
    return True


def _range_len_frame(iterable: ast.expr) -> str | None:
    """``df`` for ``range(len(df))``, ``range(len(df.index))`` or ``range(df.shape[0])``."""
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "range"
            and len(iterable.args) == 1):
        return None
    arg = iterable.args[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "len" and arg.args:
        inner = arg.args[0]
        if isinstance(inner, ast.Attribute) and inner.attr == "index":
            inner = inner.value
        return ast.unparse(inner)
    if (isinstance(arg, ast.Subscript) and isinstance(arg.value, ast.Attribute) and arg.value.attr == "shape"
            and isinstance(arg.slice, ast.Constant) and arg.slice.value == 0):
        return ast.unparse(arg.value.value)
    return None


def _indexes_rows(loop: ast.For | ast.AsyncFor, frame: str) -> bool:
    """Does the body read ``frame.iloc[i]`` / ``.loc[i, c]`` / ``.at`` / ``.iat`` with the loop variable?"""
    if not isinstance(loop.target, ast.Name):
        return False
    index = loop.target.id
    for node in _walk_scope(loop.body):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute)
                and node.value.attr in _ROW_ACCESSORS and ast.unparse(node.value.value) == frame
                and index in _names_in(node.slice)):
            return True
    return False


def _itertuples_fix(loop: ast.For | ast.AsyncFor, ctx: NodeContext) -> Fix | None:
    """Rewrite ``for i, row in df.iterrows()`` to itertuples when every use of ``row`` is ``row['col']``."""
    target = loop.target
    if not (isinstance(target, ast.Tuple) and len(target.elts) == 2
            and all(isinstance(e, ast.Name) for e in target.elts)):
        return None
    index, row = target.elts[0].id, target.elts[1].id
    if index == row:
        return None
    frame = loop.iter.func.value  # type: ignore[attr-defined]
    edits: list[tuple[ast.AST, str]] = [(target, row), (loop.iter, f"{ast.unparse(frame)}.itertuples()")]
    column_reads: set[int] = set()
    for node in _walk_scope(loop.body):
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == row
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            column = node.slice.value
            if not column.isidentifier() or keyword.iskeyword(column) or column.startswith("_"):
                return None
            if not isinstance(node.ctx, ast.Load):
                return None  # itertuples rows are read-only
            edits.append((node, f"{row}.{column}"))
            column_reads.add(id(node.value))
    for node in _walk_scope(loop.body):
        if isinstance(node, ast.Name) and node.id == row and id(node) not in column_reads:
            return None  # row used as a Series (row.sum(), f(row)): not a mechanical rewrite
        if isinstance(node, ast.Name) and node.id == index:
            if not isinstance(node.ctx, ast.Load):
                return None
            edits.append((node, f"{row}.Index"))
    code = _rewrite(ctx.source, loop.lineno, loop.end_lineno or loop.lineno, edits)
    if code is None:
        return None
    return Fix(description="Iterate with itertuples(): same loop, one namedtuple per row instead of a Series.",
               code=code)


@checks.on(ast.For, ast.AsyncFor)
def check_row_loops(node: ast.For | ast.AsyncFor, ctx: NodeContext) -> Iterator[Finding | None]:
    iterable = node.iter
    method = (
        iterable.func.attr
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) else None
    )
    builds = _builds_result(node.body)
    # iterrows is flagged even when the body only has side effects: itertuples is a drop-in that measured
    # 36x faster, so the finding is worth reading either way (low severity when nothing is accumulated).
    if method == "iterrows":
        yield ctx.finding(
            ROW_LOOP, node, title="DataFrame.iterrows() loop", evidence=ast.unparse(iterable),
            severity=None if builds else Severity.low, fix=_itertuples_fix(node, ctx),
        )
    # itertuples is the recommended row loop; flag it only when it computes a column that whole-column
    # arithmetic would compute (accumulates a result, calls nothing but pure builtins).
    elif method == "itertuples" and builds and _only_pure_calls(node.body):
        yield ctx.finding(ROW_LOOP, node, title="itertuples() loop that builds a result row by row",
                          evidence=ast.unparse(iterable))
    frame = _range_len_frame(iterable)
    if frame is not None and _indexes_rows(node, frame):
        yield ctx.finding(ROW_LOOP, node, title=f"Positional row loop over {frame} (range(len(...)) + .iloc)",
                          evidence=ast.unparse(iterable))


# ---------------------------------------------------------------------------------------------------------
# BMB302 apply with a vectorisable lambda
# ---------------------------------------------------------------------------------------------------------

_GROUPED = {"groupby", "rolling", "resample", "expanding", "ewm", "pipe"}
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_COMPARISONS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)


_TIGHT = (ast.Attribute, ast.Subscript, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Await, ast.Call)


def _apply_mode(call: ast.Call) -> str | None:
    """'rows' for ``df.apply(f, axis=1)``, 'elements' for ``df['c'].apply(f)``; None otherwise."""
    receiver = call.func.value  # type: ignore[attr-defined]
    if any(name in _GROUPED for name in _method_names(receiver)):
        return None
    for kw in call.keywords:
        if kw.arg == "axis":
            if isinstance(kw.value, ast.Constant) and kw.value.value in (1, "columns"):
                return "rows"
            return None
    series_like = isinstance(receiver, ast.Attribute) or (
        isinstance(receiver, ast.Subscript) and isinstance(receiver.slice, ast.Constant)
        and isinstance(receiver.slice.value, str)
    )
    return "elements" if series_like else None


def _vectorisable(node: ast.AST, param: str, mode: str) -> bool:
    """Arithmetic, single comparisons, constants and column reads only (no calls, no and/or, no ifs)."""
    if isinstance(node, ast.BinOp):
        return (isinstance(node.op, _ARITHMETIC) and _vectorisable(node.left, param, mode)
                and _vectorisable(node.right, param, mode))
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, (ast.USub, ast.UAdd)) and _vectorisable(node.operand, param, mode)
    if isinstance(node, ast.Compare):
        return (len(node.ops) == 1 and isinstance(node.ops[0], _COMPARISONS)
                and _vectorisable(node.left, param, mode) and _vectorisable(node.comparators[0], param, mode))
    if isinstance(node, ast.Constant):
        # a string in element mode means string arithmetic, which pandas runs in Python anyway
        return isinstance(node.value, (int, float)) or (mode == "rows" and isinstance(node.value, str))
    if isinstance(node, ast.Name):
        return True  # the element itself, or a scalar from outside that broadcasts
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == param:
            return mode == "rows"  # row.price is a column; x.real on an element is not vectorised
        return param not in _names_in(node)  # np.pi, self.rate: a scalar
    if isinstance(node, ast.Subscript):
        return (mode == "rows" and isinstance(node.value, ast.Name) and node.value.id == param
                and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str))
    return False


@checks.on(ast.Call)
def check_apply(node: ast.Call, ctx: NodeContext) -> Iterator[Finding | None]:
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "apply"):
        return
    func = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "func"), None)
    if not (isinstance(func, ast.Lambda) and len(func.args.args) == 1 and not func.args.vararg):
        return
    mode = _apply_mode(node)
    param = func.args.args[0].arg
    if mode is None or param not in _names_in(func.body) or not _vectorisable(func.body, param, mode):
        return
    receiver = _segment_with(ctx.source, node.func.value, [])
    uses = [n for n in ast.walk(func.body) if isinstance(n, ast.Name) and n.id == param]
    expression = None if receiver is None else _segment_with(ctx.source, func.body, [(n, receiver) for n in uses])
    fix = None
    span = _span_text(ctx.source, node)
    if expression is not None and span is not None:
        parent = ctx.parents[-1] if ctx.parents else None
        if not isinstance(func.body, (ast.Attribute, ast.Subscript)) and isinstance(parent, _TIGHT):
            expression = f"({expression})"  # df.apply(...).sum() -> (df.a * df.b).sum()
        line, start, end = span
        fix = Fix(description=f"Compute on the columns: {expression}", code=line[:start] + expression + line[end:])
    yield ctx.finding(APPLY_LAMBDA, node, evidence=ast.unparse(node), fix=fix)


# ---------------------------------------------------------------------------------------------------------
# BMB303 string building in loops
# ---------------------------------------------------------------------------------------------------------

def _is_text(node: ast.AST) -> bool:
    """An expression that is visibly a str: a literal, an f-string, str(...), '...'.join/format."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _is_text(node.left) or (isinstance(node.op, ast.Add) and _is_text(node.right))
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id in ("str", "repr", "chr")
        if isinstance(node.func, ast.Attribute):
            return node.func.attr in ("join", "format") and _is_text(node.func.value)
    return False


def _initialised_as_text(target: ast.expr, ctx: NodeContext, line: int) -> bool:
    if isinstance(target, ast.Name):
        value = _binding_before(target.id, ctx, line)
        return value is not None and _is_text(value)
    text = ast.unparse(target)  # self.text: any str assignment to the same attribute in the file
    return any(
        isinstance(n, ast.Assign) and any(ast.unparse(t) == text for t in n.targets) and _is_text(n.value)
        for n in ast.walk(ctx.tree)
    )


def _concat_severity(target: ast.expr, ctx: NodeContext, prepend: bool) -> Severity:
    """Info for a plain local appended to in a function: CPython resizes it in place, so it stays linear
    (measured 6.9x slower than join, not thousands). Quadratic everywhere else: medium."""
    if prepend or not isinstance(target, ast.Name) or ctx.function is None:
        return Severity.medium
    return Severity.info


def _accumulates(target: ast.expr, loop: ast.AST) -> bool:
    """Is ``target`` carried across iterations (an accumulator), rather than a fresh value per item?

    ``name = "_" + name`` after ``name = col.name`` in the same loop, or ``item.label += "!"`` for the loop's
    own item, grows nothing from one iteration to the next.
    """
    if not isinstance(target, ast.Name):
        return not (_names_in(target) & _loop_variant_names(loop))
    if isinstance(loop, _FOR) and target.id in _names_in(loop.target):
        return False
    body = loop.body if isinstance(loop, (*_FOR, ast.While)) else []
    for node in _walk_scope(body):
        if isinstance(node, ast.Assign) and any(target.id in _names_in(t) for t in node.targets):
            if target.id not in _names_in(node.value):
                return False  # rebound from scratch on each iteration
        elif isinstance(node, (*_FOR, ast.With, ast.NamedExpr, ast.AnnAssign)):
            stored = [node.target] if not isinstance(node, ast.With) else [
                i.optional_vars for i in node.items if i.optional_vars is not None]
            if any(target.id in _names_in(t) for t in stored):
                return False
    return True


@checks.on(ast.AugAssign, ast.Assign)
def check_string_building(node: ast.AugAssign | ast.Assign, ctx: NodeContext) -> Iterator[Finding | None]:
    loop = _enclosing_loop(node, ctx)
    if loop is None:
        return
    if isinstance(node, ast.AugAssign):
        if not isinstance(node.op, ast.Add) or not isinstance(node.target, (ast.Name, ast.Attribute, ast.Subscript)):
            return
        target, added, prepend = node.target, node.value, False
    else:
        if len(node.targets) != 1 or not isinstance(node.value, ast.BinOp) or not isinstance(node.value.op, ast.Add):
            return
        target, text = node.targets[0], ast.unparse(node.targets[0])
        if ast.unparse(node.value.left) == text:
            added, prepend = node.value.right, False
        elif ast.unparse(node.value.right) == text:
            added, prepend = node.value.left, True
        else:
            return
    if not (_is_text(added) or _initialised_as_text(target, ctx, node.lineno)) or not _accumulates(target, loop):
        return
    title = "String prepended inside a loop" if prepend else STRING_BUILDING.title
    yield ctx.finding(STRING_BUILDING, node, title=title, severity=_concat_severity(target, ctx, prepend))


# ---------------------------------------------------------------------------------------------------------
# BMB304 regex in loops
# ---------------------------------------------------------------------------------------------------------

_RE_FUNCTIONS = {"compile", "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split"}


@checks.on(ast.Call)
def check_regex_in_loop(node: ast.Call, ctx: NodeContext) -> Iterator[Finding | None]:
    name = ctx.qualname(node.func)
    if not name or not name.startswith("re.") or name[3:] not in _RE_FUNCTIONS or not node.args:
        return
    loop = _enclosing_loop(node, ctx)
    if loop is None:
        return
    pattern = node.args[0]
    constant = isinstance(pattern, ast.Constant) and isinstance(pattern.value, (str, bytes))
    # a pattern held in a name is hoistable only for re.compile and only when the loop does not rebind it
    invariant = isinstance(pattern, ast.Name) and pattern.id not in _stored_names(loop)
    if constant or (name == "re.compile" and invariant):
        yield ctx.finding(REGEX_IN_LOOP, node, title=f"{name}() called with the same pattern on every iteration")


# ---------------------------------------------------------------------------------------------------------
# BMB305 N+1 queries
# ---------------------------------------------------------------------------------------------------------

_DJANGO_QUERIES = {
    "get", "filter", "exclude", "all", "count", "exists", "first", "last", "values", "values_list",
    "aggregate", "annotate", "get_or_create", "in_bulk", "latest", "earliest",
}
_DB_HANDLES = {"session", "db_session", "cursor", "cur", "conn", "connection", "con", "db", "engine"}
_SQLALCHEMY_QUERIES = {"query", "execute", "scalars", "scalar", "get"}
_EAGER = {"select_related", "prefetch_related", "options", "joinedload", "selectinload", "subqueryload",
          "contains_eager"}
_MANAGER_CALLS = {"all", "count", "exists", "first", "last", "filter", "exclude", "aggregate", "values",
                  "values_list", "order_by"}
# attributes of dates, numbers and strings: ``obj.created_at.year`` is not a related object
_VALUE_ATTRS = {
    "year", "month", "day", "hour", "minute", "second", "microsecond", "date", "time", "isoformat",
    "strftime", "timestamp", "weekday", "isoweekday", "tzinfo", "days", "seconds", "total_seconds",
    "real", "imag", "upper", "lower", "strip", "split", "startswith", "endswith", "format", "replace",
    "encode", "decode", "title", "join", "keys", "items", "get", "url", "path",
}
_VALUE_SUFFIXES = ("_at", "_on", "_date", "_time", "_id", "_ts")


def _is_db_handle(node: ast.AST) -> bool:
    name = _last_name(node)
    return name is not None and (name in _DB_HANDLES or name.endswith(("_session", "_cursor", "_conn")))


_READ_HELPER = re.compile(r"(get|fetch|find|load|lookup|select|query|read)_\w+")


def _is_query_call(node: ast.Call) -> bool:
    """``Model.objects.get(...)``, ``session.query(...)``, ``session.get(Model, pk)``, ``cursor.execute(...)``,
    or a repository helper handed the connection: ``db.get_customer(conn, order.customer_id)``."""
    func = node.func
    name = _last_name(func)
    if name and _READ_HELPER.fullmatch(name) and any(_is_db_handle(a) for a in node.args):
        return True
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in _DJANGO_QUERIES and isinstance(func.value, ast.Attribute) and func.value.attr == "objects":
        return True
    if func.attr in ("get", "filter_by", "filter") and isinstance(func.value, ast.Attribute) \
            and func.value.attr == "query" and isinstance(func.value.value, ast.Name) \
            and func.value.value.id[:1].isupper():
        return True  # Flask-SQLAlchemy: User.query.get(pk)
    if func.attr in _SQLALCHEMY_QUERIES and _is_db_handle(func.value):
        if func.attr == "get":  # session.get(Model, pk); a requests/aiohttp session.get(url) is not a query
            first = node.args[0] if node.args else None
            return isinstance(first, (ast.Name, ast.Attribute)) and (_last_name(first) or "")[:1].isupper()
        return True
    return False


def _runs_a_different_statement(node: ast.Call, loop: ast.AST) -> bool:
    """``for stmt in statements: cur.execute(stmt)`` runs a script; N+1 runs one statement with new values."""
    if not (isinstance(node.func, ast.Attribute) and node.func.attr in ("execute", "scalars", "scalar")):
        return False
    statement = node.args[0] if node.args else None
    return isinstance(statement, (ast.Name, ast.Attribute, ast.Subscript)) and bool(
        _names_in(statement) & _loop_variant_names(loop)
    )


@checks.on(ast.Call)
def check_query_in_loop(node: ast.Call, ctx: NodeContext) -> Iterator[Finding | None]:
    if not _is_query_call(node):
        return
    loop = _enclosing_loop(node, ctx)
    # a while loop is usually pagination or polling; a loop over a literal list is a short script (DDL)
    if loop is None or isinstance(loop, ast.While):
        return
    iterable = _loop_iterable(loop)
    if iterable is not None and _is_constant_literal(iterable):
        return
    if _runs_a_different_statement(node, loop):
        return
    yield ctx.finding(N_PLUS_ONE, node, title=f"{ast.unparse(node.func)}() runs once per iteration")


def _queryset(iterable: ast.expr, ctx: NodeContext, line: int) -> ast.expr | None:
    """The ORM query a loop iterates, following one ``name = <query>`` binding; None if not a query."""
    if isinstance(iterable, ast.Name):
        bound = _binding_before(iterable.id, ctx, line)
        if bound is None:
            return None
        iterable = bound
    methods = _method_names(iterable)
    if {"values", "values_list", "raw"} & set(methods):
        return None  # rows are dicts/tuples: no attribute can trigger a lazy load
    chain = list(_call_chain(iterable))
    django = any(isinstance(n, ast.Attribute) and n.attr == "objects" for n in chain)
    alchemy = any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("query", "scalars")
        and _is_db_handle(n.func.value) for n in chain
    ) or any(isinstance(n, ast.Attribute) and n.attr == "query" and isinstance(n.value, ast.Name)
             and n.value.id[:1].isupper() for n in chain)
    return iterable if django or alchemy else None


def _eager_names(query: ast.expr) -> set[str]:
    """Relation names the query already loads: strings and attribute names inside eager-loading calls."""
    names: set[str] = set()
    for node in _call_chain(query):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _EAGER:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    names.update(sub.value.split("__"))
                elif isinstance(sub, ast.Attribute):
                    names.add(sub.attr)
    return names


def _related_access(node: ast.AST, row: str) -> str | None:
    """``author`` for ``row.author.name`` or ``row.tags.all()``; None for plain fields and values."""
    if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
            and isinstance(node.value.value, ast.Name) and node.value.value.id == row):
        return None
    relation = node.value.attr
    if relation.startswith("_") or relation in ("pk", "id") or relation.endswith(_VALUE_SUFFIXES):
        return None
    if node.attr in _VALUE_ATTRS:
        return None
    return relation


@checks.on(ast.For, ast.AsyncFor)
def check_lazy_relations(node: ast.For | ast.AsyncFor, ctx: NodeContext) -> Iterator[Finding | None]:
    if not isinstance(node.target, ast.Name):
        return
    query = _queryset(node.iter, ctx, node.lineno)
    if query is None:
        return
    loaded = _eager_names(query)
    reported: set[str] = set()
    for sub in sorted(_walk_scope(node.body), key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0))):
        relation = _related_access(sub, node.target.id)
        if relation is None or relation in loaded or relation in reported:
            continue
        reported.add(relation)
        yield ctx.finding(
            N_PLUS_ONE, sub, title=f"{node.target.id}.{relation} loads a related object once per row",
            evidence=ast.unparse(sub),
        )


# ---------------------------------------------------------------------------------------------------------
# BMB306 membership against a list
# ---------------------------------------------------------------------------------------------------------

SMALL_LIST = 8  # items in a list display; measured: an 8-item scan costs ~55 ns, not worth a finding


def _list_valued(node: ast.AST | None) -> bool:
    if node is None:
        return False
    if isinstance(node, ast.List):
        small = len(node.elts) <= SMALL_LIST and not any(isinstance(e, ast.Starred) for e in node.elts)
        return not small
    if isinstance(node, ast.ListComp):
        return True
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id in ("list", "sorted")
        return isinstance(node.func, ast.Attribute) and node.func.attr in ("tolist", "readlines")
    # an annotation: ids: list[int] / List[int] / list
    if isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, (ast.Name, ast.Attribute)) and _last_name(node) in ("list", "List")


@checks.on(ast.Compare)
def check_list_membership(node: ast.Compare, ctx: NodeContext) -> Iterator[Finding | None]:
    for op, right in zip(node.ops, node.comparators):
        if not isinstance(op, (ast.In, ast.NotIn)):
            continue
        if isinstance(right, ast.Name):
            value = _binding_before(right.id, ctx, node.lineno)
            # a list annotation only tells us the type when it is an argument / bare annotation
            listed = _list_valued(value)
        else:
            listed = isinstance(right, (ast.List, ast.ListComp, ast.Call)) and _list_valued(right)
        if listed and _enclosing_loop(node, ctx) is not None:
            yield ctx.finding(LIST_MEMBERSHIP, node, evidence=ast.unparse(node))
            return


# ---------------------------------------------------------------------------------------------------------
# BMB307 loop-invariant I/O
# ---------------------------------------------------------------------------------------------------------

_READERS = {
    "open", "io.open", "builtins.open",
    "pandas.read_csv", "pandas.read_json", "pandas.read_parquet", "pandas.read_excel", "pandas.read_table",
    "pandas.read_pickle", "pandas.read_feather", "numpy.load", "numpy.loadtxt", "numpy.genfromtxt",
    "requests.get", "httpx.get", "urllib.request.urlopen",
}
_PATH_BUILDERS = {"os.path.join", "pathlib.Path", "Path", "str", "os.fspath"}


def _invariant(node: ast.AST, variant: set[str], ctx: NodeContext) -> bool:
    """No name the loop rebinds, and no call but the pure path builders."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in variant:
            return False
        if isinstance(sub, ast.Call) and ctx.qualname(sub.func) not in _PATH_BUILDERS:
            return False
    return True


def _loop_variant_names(loop: ast.AST) -> set[str]:
    """Names that may change between iterations: the loop's targets and whatever its body binds."""
    if isinstance(loop, _FOR):
        return _names_in(loop.target) | set().union(*(_stored_names(stmt) for stmt in loop.body))
    if isinstance(loop, _COMPREHENSIONS):
        return {n for g in loop.generators for n in _names_in(g.target)} | _stored_names(loop)
    return _stored_names(loop)


def _reads_only(call: ast.Call) -> bool:
    mode = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "mode"), None)
    if mode is None:
        return True
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and not set(mode.value) & set("wax+")


def _waits_or_retries(loop: ast.AST, call: ast.Call, ctx: NodeContext) -> bool:
    """Polling and retry loops read the same input on purpose: they sleep, or catch and try again."""
    for sub in ast.walk(loop):
        if isinstance(sub, ast.Call) and (ctx.qualname(sub.func) or "").endswith("sleep"):
            return True
        if isinstance(sub, ast.Try) and any(call is n for stmt in sub.body for n in ast.walk(stmt)):
            return True
    return False


def _written_in(loop: ast.AST, call: ast.Call) -> bool:
    """The loop also writes the same path (reads back what it wrote): not loop-invariant input."""
    path = ast.unparse(call.args[0])
    for sub in ast.walk(loop):
        if sub is call or not isinstance(sub, ast.Call):
            continue
        if any(ast.unparse(arg) == path for arg in sub.args):
            return True
    return False


@checks.on(ast.Call)
def check_repeated_io(node: ast.Call, ctx: NodeContext) -> Iterator[Finding | None]:
    name = ctx.qualname(node.func)
    is_path_read = (
        isinstance(node.func, ast.Attribute) and node.func.attr in ("read_text", "read_bytes") and not node.args
    )
    if name not in _READERS and not is_path_read:
        return
    loop = _enclosing_loop(node, ctx)
    if loop is None or isinstance(loop, ast.While):
        return
    if is_path_read:
        node_args: list[ast.AST] = [node.func.value]  # type: ignore[attr-defined]
    else:
        if not node.args or (name in ("open", "io.open", "builtins.open") and not _reads_only(node)):
            return
        node_args = [*node.args, *(k.value for k in node.keywords)]
    variant = _loop_variant_names(loop)
    if not all(_invariant(arg, variant, ctx) for arg in node_args):
        return
    if _waits_or_retries(loop, node, ctx) or (node.args and _written_in(loop, node)):
        return
    what = ast.unparse(node_args[0])
    yield ctx.finding(REPEATED_IO, node, title=f"{name or ast.unparse(node.func)}({what}) repeated on every "
                                               "iteration with the same input")


# ---------------------------------------------------------------------------------------------------------
# BMB308 growing a DataFrame / array in a loop
# ---------------------------------------------------------------------------------------------------------

_ARRAY_GROWERS = {"numpy.append", "numpy.concatenate", "numpy.vstack", "numpy.hstack", "numpy.row_stack",
                  "numpy.column_stack"}


def _grows(target: str, value: ast.expr, ctx: NodeContext) -> str | None:
    """The call's name when ``target = value`` re-creates ``target`` from itself plus a piece."""
    if not isinstance(value, ast.Call):
        return None
    name = ctx.qualname(value.func)
    if isinstance(value.func, ast.Attribute) and value.func.attr in ("append", "_append") \
            and isinstance(value.func.value, ast.Name) and value.func.value.id == target:
        return f"{target}.append"
    if name == "pandas.concat" or name in _ARRAY_GROWERS:
        first = value.args[0] if value.args else None
        pieces = first.elts if isinstance(first, (ast.List, ast.Tuple)) else [first]
        if name == "numpy.append":
            pieces = [first]
        if any(isinstance(p, ast.Name) and p.id == target for p in pieces):
            return name
    return None


@checks.on(ast.Assign)
def check_growing_frame(node: ast.Assign, ctx: NodeContext) -> Iterator[Finding | None]:
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
        return
    grower = _grows(node.targets[0].id, node.value, ctx)
    if grower is None or _enclosing_loop(node, ctx) is None:
        return
    yield ctx.finding(GROWING_FRAME, node, title=f"{node.targets[0].id} grown with {grower}() inside a loop")


# ---------------------------------------------------------------------------------------------------------
# BMB309 sorted(x)[0], list(x)[0]
# ---------------------------------------------------------------------------------------------------------

def _index_of(node: ast.Subscript) -> int | None:
    index = node.slice
    if isinstance(index, ast.Constant) and index.value == 0 and type(index.value) is int:
        return 0
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub) and isinstance(index.operand, ast.Constant) \
            and index.operand.value == 1:
        return -1
    return None


def _min_max_rewrite(call: ast.Call, position: int, source: Source) -> str | None:
    reverse = next((k.value for k in call.keywords if k.arg == "reverse"), None)
    if reverse is not None and not isinstance(reverse, ast.Constant):
        return None
    descending = bool(reverse.value) if reverse is not None else False
    function = "max" if (position == -1) != descending else "min"
    if reverse is None:
        return _segment_with(source, call, [(call.func, function)])
    keywords = [k for k in call.keywords if k.arg != "reverse"]
    return ast.unparse(ast.Call(func=ast.Name(id=function, ctx=ast.Load()), args=call.args, keywords=keywords))


@checks.on(ast.Subscript)
def check_first_of_sorted(node: ast.Subscript, ctx: NodeContext) -> Iterator[Finding | None]:
    call = node.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and len(call.args) == 1
            and call.func.id in ("sorted", "list") and call.func.id not in ctx.aliases):
        return
    position = _index_of(node)
    if position is None or not isinstance(node.ctx, ast.Load):
        return
    if call.func.id == "sorted":
        rewrite = _min_max_rewrite(call, position, ctx.source)
        note = "min/max return the first of equal items; sorted(...)[-1] returned the last"
    elif position == 0 and not call.keywords:
        arg, text = call.args[0], _segment_with(ctx.source, call.args[0], [])
        if text is None:
            rewrite = None
        elif isinstance(arg, ast.GeneratorExp):
            rewrite = "next" + text if text.startswith("(") else f"next({text})"
        else:
            rewrite = f"next(iter({text}))"
        note = "next() raises StopIteration, not IndexError, when there is no item"
    else:
        return
    fix = None
    span = _span_text(ctx.source, node)
    if rewrite is not None and span is not None:
        line, start, end = span
        fix = Fix(description=f"Use {rewrite} ({note}).", code=line[:start] + rewrite + line[end:])
    yield ctx.finding(FIRST_OF_SORTED, node, evidence=ast.unparse(node), fix=fix)


# ---------------------------------------------------------------------------------------------------------
# BMB310 / BMB311 blocking calls in async def
# ---------------------------------------------------------------------------------------------------------

_BLOCKING_HTTP = {
    f"{module}.{verb}" for module in ("requests", "httpx")
    for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")
} | {"urllib.request.urlopen"}


@checks.on(ast.Call)
def check_blocking_in_async(node: ast.Call, ctx: NodeContext) -> Iterator[Finding | None]:
    if not isinstance(ctx.function, ast.AsyncFunctionDef):
        return
    if any(isinstance(p, ast.Lambda) for p in ctx.parents):
        return  # runs when called, maybe in an executor
    name = ctx.qualname(node.func)
    if name == "time.sleep":
        parent = ctx.parents[-1] if ctx.parents else None
        fix = None
        span = _span_text(ctx.source, node)
        if isinstance(parent, ast.Expr) and span is not None:
            line, start, end = span
            arguments = ", ".join(ast.unparse(a) for a in node.args)
            fix = Fix(description="Await asyncio.sleep (import asyncio).",
                      code=line[:start] + f"await asyncio.sleep({arguments})" + line[end:])
        yield ctx.finding(SLEEP_IN_ASYNC, node, fix=fix)
    elif name in _BLOCKING_HTTP:
        yield ctx.finding(BLOCKING_HTTP, node, title=f"{name}() blocks the event loop inside async def "
                                                     f"{ctx.function.name}")


# ---------------------------------------------------------------------------------------------------------
# The analyzer
# ---------------------------------------------------------------------------------------------------------

@register_analyzer
class PerformanceAnalyzer(AstGroupAnalyzer):
    """Static performance anti-patterns in Python files and notebooks (one parse, one shared walk)."""

    name = GROUP
    per_file = True


def analyze_text(text: str, path: str = "<cell>", config: AnalyzerConfig | None = None) -> list[Finding]:
    """Convenience for tests and the ``%%bumba improve-performance`` cell body: review one Python text."""
    source = Source(path=path, text=text)
    return PerformanceAnalyzer().analyze(Context(root=Path(".")), [source], config or AnalyzerConfig())
