"""The analyzer registry and the single AST walk every AST check shares.

Rules live in ``core.rules`` (re-exported here for old imports); a check is a small function registered for
the AST node types it cares about. All checks run in one parse and one walk per file: walking the tree once per rule is
what makes bandit slow.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from ..context.source import Context, Source
from ..core.findings import Finding, Fix, Severity
from ..core.rules import RULES, Rule, RuleRegistry  # noqa: F401  (old import path)
from .parsing import parse_module


def make_finding(
    rule: Rule,
    source: Source,
    line: int | None,
    *,
    column: int | None = None,
    end_line: int | None = None,
    title: str | None = None,
    evidence: str | None = None,
    fix: Fix | None = None,
    severity: Severity | None = None,
) -> Finding | None:
    """A finding for ``rule`` at a virtual line of ``source``; None when the line is masked IPython syntax."""
    location = source.locate(line, column, end_line)
    if location is None:
        return None
    if evidence is None and line is not None:
        evidence = source.line_text(line).strip()
    return Finding(
        rule=rule.code,
        title=title or rule.title,
        severity=severity or rule.severity,
        category=rule.category,
        location=location,
        evidence=evidence,
        why=rule.why,
        recommendation=rule.recommendation,
        fix=fix,
        analyzer=rule.analyzer,
        references=list(rule.references),
    )


class Analyzer:
    """Base of every analyzer. Subclasses set ``name`` and implement :meth:`analyze`.

    ``per_file`` analyzers produce findings that depend on one source only, so their results can be cached
    by the source's content hash; cross-file analyzers (the import graph) must say ``per_file = False``.
    """

    name: ClassVar[str] = ""
    per_file: ClassVar[bool] = True
    # batch analyzers (ruff: one subprocess for every file) are given all sources in one call; the others
    # are given one source at a time so the engine can share one parse between them and then free it
    batch: ClassVar[bool] = False
    version: ClassVar[str] = "1"  # bump when the findings for the same input change
    # an analyzer from another package (``analyzers.registry``) runs whenever one of these runs, so it joins
    # the commands that run them without any command naming it
    runs_with: ClassVar[tuple[str, ...]] = ()

    def analyze(self, context: Context, sources: list[Source], config: AnalyzerConfig) -> Iterable[Finding]:
        raise NotImplementedError


@dataclass
class AnalyzerConfig:
    """The settings analyzers read (filled from traitlets and ``[tool.bumba]``)."""

    select: frozenset[str] = frozenset()  # rule codes or prefixes to keep (empty: all)
    ignore: frozenset[str] = frozenset()  # rule codes or prefixes to drop
    max_complexity: int = 10
    max_module_lines: int = 1000
    max_fan_out: int = 15
    max_fan_in: int = 25
    layers: list[list[str]] = field(default_factory=list)  # ordered top → bottom; lower may not import upper
    import_cycles: str = "all"  # "runtime": a cycle closed by a function-level import is not reported
    extra: dict = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        code = code.upper()
        if any(code.startswith(p.upper()) for p in self.ignore):
            return False
        return not self.select or any(code.startswith(p.upper()) for p in self.select)


ANALYZERS: dict[str, type[Analyzer]] = {}


def register_analyzer(cls: type[Analyzer]) -> type[Analyzer]:
    if not cls.name:
        raise ValueError(f"{cls.__qualname__} has no name")
    ANALYZERS[cls.name] = cls
    return cls


# ---------------------------------------------------------------------------------------------------------
# The shared AST walk
# ---------------------------------------------------------------------------------------------------------

Findings = Iterable["Finding | None"]  # what a check returns: None where a finding was masked
Check = Callable[[ast.AST, "NodeContext"], Findings]


@dataclass
class NodeContext:
    """What a check may ask about the node it is looking at."""

    source: Source
    tree: ast.Module
    parents: list[ast.AST] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> dotted qualified name
    loop_depth: int = 0  # how many for/while/comprehension bodies enclose the node
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=list)

    @property
    def in_loop(self) -> bool:
        return self.loop_depth > 0

    @property
    def function(self) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        return self.functions[-1] if self.functions else None

    def qualname(self, node: ast.AST) -> str | None:
        """``hashlib.md5`` for ``md5`` after ``from hashlib import md5``; None when not a plain name/attr."""
        return qualified_name(node, self.aliases)

    def finding(self, rule: Rule, node: ast.AST, **kwargs) -> Finding | None:
        line = getattr(node, "lineno", None)
        column = getattr(node, "col_offset", None)
        return make_finding(
            rule, self.source, line, column=None if column is None else column + 1,
            end_line=getattr(node, "end_lineno", None), **kwargs,
        )


class CheckRegistry:
    """Checks by node type, so one walk serves every rule. Analyzers do not add to it directly: they
    declare their checks with :meth:`Checks.on`, which files them here."""

    def __init__(self) -> None:
        self._by_type: dict[type, list[tuple[str, Check]]] = defaultdict(list)

    def add(self, group: str, node_type: type, check: Check) -> None:
        self._by_type[node_type].append((group, check))

    def for_groups(self, groups: set[str]) -> dict[type, list[Check]]:
        return {
            t: [c for g, c in checks if g in groups]
            for t, checks in self._by_type.items()
            if any(g in groups for g, _ in checks)
        }


CHECKS = CheckRegistry()


def call_name(node: ast.Call, ctx: NodeContext) -> str | None:
    """The callee's last name, with ``from x import y as z`` undone: ``loads`` for ``pl(...)``."""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return ctx.aliases.get(func.id, func.id).rsplit(".", 1)[-1]
    return None


class Checks:
    """The checks of one AST analyzer, and the one way to declare a check: ``@checks.on(...)``.

    A check is a function ``(node, ctx)`` that yields ``ctx.finding(RULE, node)``; ``on`` says which nodes
    it is given:

    - ``@checks.on("execute", "executemany")`` — calls whose callee's last name is one of these
      (``cur.execute(...)``, ``execute(...)``, and ``ex(...)`` after ``from db import execute as ex``);
    - ``@checks.on(keywords=("verify", "verify_ssl"))`` — calls that pass one of these keywords, given once
      per call however many of them it passes;
    - ``@checks.on(ast.For, ast.AsyncFor)`` — every node of these types.

    Calls are routed by dictionary lookups on the callee's name and the keywords' names, in one check
    registered for ``ast.Call``: the cost per call node stays flat however many rules there are.
    ``group`` is the analyzer's name (:class:`AstGroupAnalyzer` runs the checks of its own group).
    """

    def __init__(self, group: str) -> None:
        self.group = group
        self._by_callee: dict[str, list[Check]] = defaultdict(list)
        self._by_keyword: dict[str, list[Check]] = defaultdict(list)
        self._routing_calls = False

    def on(self, *nodes: str | type[ast.AST], keywords: Iterable[str] = ()) -> Callable[[Check], Check]:
        callees = [n for n in nodes if isinstance(n, str)]
        node_types = [n for n in nodes if not isinstance(n, str)]
        if isinstance(keywords, str):  # keywords="verify" would register "v", "e", "r" …
            raise TypeError(f"on() takes keywords=({keywords!r},), a tuple of names")
        keywords = tuple(keywords)
        if not (callees or node_types or keywords):
            raise TypeError("on() takes callee names, AST node types or keywords=(names...)")
        for node_type in node_types:
            if not (isinstance(node_type, type) and issubclass(node_type, ast.AST)):
                raise TypeError(f"on() takes AST node types, not {node_type!r}")

        def decorator(check: Check) -> Check:
            for node_type in node_types:
                CHECKS.add(self.group, node_type, check)
            for name in callees:
                self._by_callee[name].append(check)
            for name in keywords:
                self._by_keyword[name].append(check)
            if (callees or keywords) and not self._routing_calls:
                CHECKS.add(self.group, ast.Call, self._route_call)
                self._routing_calls = True
            return check

        return decorator

    def _route_call(self, node: ast.AST, ctx: NodeContext) -> Findings:
        assert isinstance(node, ast.Call)
        findings: list[Finding | None] = []
        for check in self._by_callee.get(call_name(node, ctx) or "", ()):
            findings.extend(check(node, ctx) or ())
        if self._by_keyword:
            given: list[Check] = []
            for kw in node.keywords:
                for check in self._by_keyword.get(kw.arg or "", ()):
                    if check not in given:
                        given.append(check)
            for check in given:
                findings.extend(check(node, ctx) or ())
        return findings


_LOOP_TYPES = frozenset({ast.For, ast.AsyncFor, ast.While})
_COMPREHENSION_TYPES = frozenset({ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp})
_FUNCTION_TYPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})
_LEAF_TYPES = frozenset({str, int, float, bool, bytes, complex, type(Ellipsis)})
# Load / Store / Del on every name, attribute and subscript, and the operator of every BinOp, BoolOp and
# UnaryOp: leaves no check looks at, so the walk does not visit them unless a check is registered for one
_SILENT_LEAVES = frozenset({ast.Load, ast.Store, ast.Del, *ast.operator.__subclasses__(),
                            *ast.boolop.__subclasses__(), *ast.unaryop.__subclasses__()})


def qualified_name(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The dotted name an expression like ``np.linalg.norm`` refers to, through the module's imports."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([aliases.get(node.id, node.id), *reversed(parts)])


_STATEMENT_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def collect_aliases(tree: ast.Module) -> dict[str, str]:
    """Module-level and nested imports: local name -> qualified name.

    Imports are statements, so only statement blocks are walked (not expressions): a tenth of the nodes of
    a full ``ast.walk``, which matters over a whole repository.
    """
    aliases: dict[str, str] = {}
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom):
            if node.module and not node.level:
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        else:
            for name in _STATEMENT_BLOCKS:
                block = getattr(node, name, None)
                if block:
                    pending.extend(block)
    return aliases


def walk_checks(source: Source, tree: ast.Module, groups: set[str]) -> list[Finding]:
    """Run every registered check of ``groups`` over ``tree`` in one depth-first walk.

    The walk keeps its own stack instead of recursing: Python's parser accepts expressions a few thousand
    levels deep (``1+1+…``), deeper than the interpreter's recursion limit, and a review must still look
    inside them.
    """
    table = CHECKS.for_groups(groups)
    if not table:
        return []
    skipped = _LEAF_TYPES | {t for t in _SILENT_LEAVES if t not in table}
    ctx = NodeContext(source=source, tree=tree, aliases=collect_aliases(tree))
    findings: list[Finding] = []
    exhausted: list[tuple[Check, ast.AST]] = []
    # the stack holds nodes to visit, and markers (one class, so a node costs one test) that run once a
    # node's children are done: leave it (pop the parent; for a function also restore the loop depth it
    # saved), or step the loop depth around a repeating field. This loop runs once per node.
    stack: list = [tree]
    push, pop, insert = stack.append, stack.pop, stack.insert
    parents, functions = ctx.parents, ctx.functions
    while stack:
        node = pop()
        node_type = node.__class__
        if node_type is _Marker:
            if node.loop_step:
                ctx.loop_depth += node.loop_step
            else:
                parents.pop()
                if node.function:
                    functions.pop()
                    ctx.loop_depth = node.saved_depth
            continue
        for check in table.get(node_type, ()):
            try:  # free unless raised (3.11's zero-cost exceptions)
                for finding in check(node, ctx) or ():
                    if finding is not None:
                        findings.append(finding)
            except RecursionError:  # a check that recurses (ast.unparse …) on a very deep expression
                exhausted.append((check, node))
        is_loop = node_type in _LOOP_TYPES
        is_comp = node_type in _COMPREHENSION_TYPES
        mark = len(stack)
        # children go on the stack last field first, last item first, so they are visited in source order;
        # node._fields with getattr, not ast.iter_fields: the generator's overhead is a third of the walk
        for name in reversed(node._fields):
            value = getattr(node, name, None)
            if value is None or value.__class__ in skipped:
                continue
            # a loop's iterable runs once; its body (and a while's test) repeat, as do a comprehension's
            # element expressions
            repeats = (
                (is_loop and (name == "body" or (name == "test" and node_type is ast.While)))
                or (is_comp and name in ("elt", "key", "value"))
            )
            if repeats:
                push(_LEAVE_LOOP)  # runs after the field's nodes
            if value.__class__ is list:
                for item in reversed(value):
                    if isinstance(item, ast.AST):
                        push(item)
            elif isinstance(value, ast.AST):
                push(value)
            if repeats:
                push(_ENTER_LOOP)  # runs before them
        if len(stack) == mark:  # a leaf (most nodes): nothing to enter or leave
            continue
        parents.append(node)
        if node_type in _FUNCTION_TYPES:
            functions.append(node)
            insert(mark, _Marker(function=True, saved_depth=ctx.loop_depth))
            ctx.loop_depth = 0  # a def inside a loop runs when called
        else:
            insert(mark, _LEAVE)  # below the children: runs once they are done
    if exhausted:
        check, node = exhausted[0]
        raise ChecksExhausted(findings, (
            f"{len(exhausted)} check(s) ran out of stack on deeply nested code, first "
            f"{getattr(check, '__name__', check)} at line {getattr(node, 'lineno', '?')}: what they look for "
            "there was not checked"
        ))
    return findings


class ChecksExhausted(Exception):
    """Some checks could not finish on some nodes (RecursionError); ``findings`` holds what the walk found
    everywhere else."""

    def __init__(self, findings: list[Finding], message: str) -> None:
        self.findings = findings
        super().__init__(message)


class _Marker:
    """A step of the walk that is not a node: leave a node (and a function), or enter / leave a loop body."""

    __slots__ = ("function", "loop_step", "saved_depth")

    def __init__(self, loop_step: int = 0, function: bool = False, saved_depth: int = 0) -> None:
        self.loop_step, self.function, self.saved_depth = loop_step, function, saved_depth


_LEAVE, _ENTER_LOOP, _LEAVE_LOOP = _Marker(), _Marker(loop_step=1), _Marker(loop_step=-1)


class ParserGaveUp(SyntaxError):
    """Python's own parser could not build the tree: the code nests deeper than its recursion or memory
    limits (``x = 1+1+…`` twenty thousand times). Unlike a syntax error this says nothing against the code,
    only that no AST check can look inside it, so an analyzer that needs the tree must fail on the file
    rather than skip it. A SyntaxError subclass so that code written for "does not parse" skips it safely."""


class PartialFailure(Exception):
    """Raised by an analyzer that analyzed most of its sources but failed on some: the engine keeps
    ``findings`` and records each failed path with its error (and does not cache those files)."""

    def __init__(self, findings: Iterable[Finding], failed: dict[str, str]) -> None:
        self.findings = list(findings)
        self.failed = dict(failed)  # source path -> what went wrong
        super().__init__("; ".join(f"{path}: {error}" for path, error in self.failed.items()))


def parse_python(source: Source) -> ast.Module | SyntaxError:
    """Parse once per source; a SyntaxError is returned (not raised) so the caller can make it a finding.
    When the parser itself gives up (:class:`ParserGaveUp`, a SyntaxError subclass) that is returned too.

    The tree is kept on the source so every analyzer that looks at the same file shares one parse; the
    engine drops it (``forget_parse``) once the file is done, since all the trees of a large repository
    together would not fit the memory budget.
    """
    cached = source.__dict__.get("_parsed")
    if cached is not None:
        return cached
    try:  # code newer than the running Python parses too (parsing.py); a SyntaxError is invalid everywhere
        parsed: ast.Module | SyntaxError = parse_module(source.text, filename=source.path)
    except SyntaxError as error:
        parsed = error
    except ValueError as error:  # null bytes
        parsed = SyntaxError(str(error))
    except (RecursionError, MemoryError) as error:  # CPython raises both for deep nesting, by construct
        parsed = ParserGaveUp(
            f"Python's parser gave up ({type(error).__name__}: {error or 'out of memory'}): the code nests "
            "too deeply to look inside"
        )
    source.__dict__["_parsed"] = parsed
    return parsed


def forget_parse(source: Source) -> None:
    source.__dict__.pop("_parsed", None)


class AstGroupAnalyzer(Analyzer):
    """Runs the registered checks of the group named like the analyzer over every Python source (one
    parse, shared with the other analyzers, and one walk each); identical findings are reported once.
    A file it cannot look inside (the parser gave up, a check ran out of stack) is a failure on that file."""

    def analyze(self, context: Context, sources: list[Source], config: AnalyzerConfig) -> list[Finding]:
        findings: list[Finding] = []
        seen: set[tuple] = set()
        failed: dict[str, str] = {}
        for source in sources:
            if not source.is_python:
                continue
            tree = parse_python(source)
            if isinstance(tree, ParserGaveUp):
                failed[source.path] = str(tree)
                continue
            if isinstance(tree, SyntaxError):
                continue  # the engine reports syntax errors once, for every analyzer
            try:
                found = walk_checks(source, tree, {self.name})
            except ChecksExhausted as partial:  # the rest of the file's findings still count
                failed[source.path] = str(partial)
                found = partial.findings
            for finding in found:
                key = (finding.rule, finding.location.sort_key(), finding.title)
                if config.enabled(finding.rule) and key not in seen:
                    seen.add(key)
                    findings.append(finding)
        if failed:
            raise PartialFailure(findings, failed)
        return findings
